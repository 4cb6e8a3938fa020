"""Roles (DESIGN §1) and what each may do. Deny by default: a capability not granted here is refused."""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", "Nationell arbetsgrupp (administratör)"
    NATIONAL_VIEWER = "national_viewer", "Nationella rådet (läsare)"
    ASSOCIATION_ADMIN = "association_admin", "Förbundschef/administratör"
    PARTICIPANT_COORDINATOR = "participant_coordinator", "Deltagaransvarig"
    BOARD_MEMBER = "board_member", "Styrelseledamot"
    AUDITOR = "auditor", "Revisor"
    MEMBER_REPRESENTATIVE = "member_representative", "Medlemsrepresentant"


NATIONAL_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.NATIONAL_VIEWER})


class Capability(StrEnum):
    REGISTRY_VIEW = "registry.view"
    REGISTRY_EDIT = "registry.edit"
    AUDIT_VIEW = "audit.view"
    ADMIN_SITE = "admin.site"


ALL_ASSOCIATION_ROLES = frozenset(Role) - NATIONAL_ROLES

GRANTS: dict[Capability, frozenset[Role]] = {
    Capability.REGISTRY_VIEW: frozenset(Role),
    Capability.REGISTRY_EDIT: frozenset({Role.NATIONAL_ADMIN, Role.ASSOCIATION_ADMIN}),
    Capability.AUDIT_VIEW: frozenset({Role.NATIONAL_ADMIN, Role.ASSOCIATION_ADMIN}),
    Capability.ADMIN_SITE: frozenset({Role.NATIONAL_ADMIN}),
}
