"""The national level's audit actions. Their stored values never change (tests/core/test_audit_actions.py)."""

from enum import StrEnum


class AuditAction(StrEnum):
    HANDBOOK_PAGE_CREATE = "handbook_page.create"
    HANDBOOK_PAGE_UPDATE = "handbook_page.update"
    HANDBOOK_CHAPTER_CREATE = "handbook_chapter.create"
    HANDBOOK_CHAPTER_UPDATE = "handbook_chapter.update"
