"""Writes of the core app: role assignments. Audited like every other write."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from finsam.core import audit
from finsam.core.access import Actor, is_national_admin, is_system
from finsam.core.errors import RuleViolation
from finsam.core.models import RoleAssignment
from finsam.core.roles import NATIONAL_ROLES, Role


@transaction.atomic
def role_grant(*, actor: Actor, user: Any, role: str, association: Any | None) -> RoleAssignment:
    """Give `user` a role; national roles take no association, the others exactly one.

    Only national administrators (or the command line) may grant roles."""
    if not (is_system(actor) or is_national_admin(actor)):
        raise PermissionDenied
    if role not in Role.values:
        raise RuleViolation("R-ROLE", f"Okänd roll: {role}.", "role")
    if role in NATIONAL_ROLES and association is not None:
        raise RuleViolation("R-ROLE", "En nationell roll gäller inte ett enskilt förbund.", "association")
    if role not in NATIONAL_ROLES and association is None:
        raise RuleViolation("R-ROLE", "Rollen måste gälla ett förbund.", "association")
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, association=association)
    if created:
        audit.record(
            actor=actor,
            action="role.grant",
            target=assignment,
            association_id=association.pk if association is not None else None,
            details={"role": role, "user_id": user.pk},
        )
    return assignment


@transaction.atomic
def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> None:
    if not (is_system(actor) or is_national_admin(actor)):
        raise PermissionDenied
    audit.record(
        actor=actor,
        action="role.revoke",
        target=assignment,
        association_id=assignment.association_id,
        details={"role": assignment.role, "user_id": assignment.user_id},
    )
    assignment.delete()
