"""The national level's audit actions. Their stored values never change (tests/core/test_audit_actions.py)."""

from enum import StrEnum


class AuditAction(StrEnum):
    HANDBOOK_PAGE_CREATE = "handbook_page.create"
    HANDBOOK_PAGE_UPDATE = "handbook_page.update"
    ALLOCATION_SETTINGS_SAVE = "allocation_settings.save"
    ALLOCATION_DECIDE = "allocation.decide"
