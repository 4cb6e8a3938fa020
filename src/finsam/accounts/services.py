"""Writes of the accounts app: role assignments and API tokens. Audited like every other write."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from finsam.accounts.audit_actions import AuditAction
from finsam.accounts.models import ApiToken, RoleAssignment
from finsam.core import audit
from finsam.core.access import Actor, is_national_admin, is_system
from finsam.core.errors import RuleViolation
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
            action=AuditAction.ROLE_GRANT,
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
        action=AuditAction.ROLE_REVOKE,
        target=assignment,
        association_id=assignment.association_id,
        details={"role": assignment.role, "user_id": assignment.user_id},
    )
    assignment.delete()


# --- API tokens: random, shown once, stored as SHA-256, expiring ------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_create(*, username: str, password: str) -> str:
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        # Recorded outside the refusal's transaction, so that the refusal stays on the record.
        audit.record(actor=None, action=AuditAction.API_TOKEN_REFUSED)
        raise RuleViolation("R-AUTH", "Fel användarnamn eller lösenord.", "password")
    with transaction.atomic():
        token = secrets.token_urlsafe(32)
        row = ApiToken.objects.create(
            user=user,
            key_hash=token_digest(token),
            expires=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
        )
        audit.record(actor=user, action=AuditAction.API_TOKEN_CREATE, target=row)
    return token
