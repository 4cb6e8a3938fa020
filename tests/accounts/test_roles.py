"""Granting roles: only national administrators and the command line; audited; scoped correctly."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from finsam.accounts import services
from finsam.accounts.models import RoleAssignment
from finsam.core.access import SYSTEM, scope_for
from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.core.roles import Capability, Role
from tests.factories import make_user


@pytest.mark.django_db
def test_the_command_line_creates_the_first_national_admin(world: Any) -> None:
    call_command("grant_role", "forsta-admin", "national_admin", "--create", "--email", "a@example.org")
    assignment = RoleAssignment.objects.get(user__username="forsta-admin")
    assert assignment.role == Role.NATIONAL_ADMIN and assignment.association is None
    assert scope_for(assignment.user, Capability.REGISTRY_EDIT).all
    entry = AuditEntry.objects.get(action="role.grant")
    assert entry.actor_username == "system"


@pytest.mark.django_db
def test_an_association_role_needs_an_association_and_a_national_role_none(world: Any) -> None:
    user = make_user("ny")
    with pytest.raises(RuleViolation) as exc:
        services.role_grant(actor=SYSTEM, user=user, role=Role.AUDITOR, association=None)
    assert exc.value.code == "R-ROLE"
    with pytest.raises(RuleViolation):
        services.role_grant(actor=SYSTEM, user=user, role=Role.NATIONAL_VIEWER, association=world.own)
    with pytest.raises(CommandError, match="Förbund 999999 finns inte"):
        call_command("grant_role", "ny", "auditor", "--association", "999999")
    assert not RoleAssignment.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_an_association_admin_cannot_hand_out_roles(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.role_grant(
            actor=world.users[Role.ASSOCIATION_ADMIN],
            user=make_user("x"),
            role=Role.AUDITOR,
            association=world.own,
        )


@pytest.mark.django_db
def test_a_granted_role_scopes_the_user_to_its_association(world: Any) -> None:
    user = make_user("revisor")
    services.role_grant(
        actor=world.users[Role.NATIONAL_ADMIN], user=user, role=Role.AUDITOR, association=world.own
    )
    scope = scope_for(user, Capability.REGISTRY_VIEW)
    assert scope.association_ids == frozenset({world.own.pk}) and not scope.all
    assert scope_for(user, Capability.REGISTRY_EDIT).empty
