"""Role assignments and API tokens in the admin: roles through the services, tokens only revoked."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from finsam.core.models import ApiToken, AuditEntry, RoleAssignment
from finsam.core.roles import Role
from finsam.core.tokens import token_create
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

User = get_user_model()


# --- role assignments and API tokens ------------------------------------------------------------


def test_a_role_added_in_the_admin_is_granted_through_the_service(world: Any) -> None:
    newcomer = make_user("ny-revisor")
    response = world.client(world.users[Role.NATIONAL_ADMIN]).post(
        reverse("admin:core_roleassignment_add"),
        {"user": newcomer.pk, "role": Role.AUDITOR, "association": world.own.pk},
    )

    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=newcomer)
    entry = AuditEntry.objects.get(action="role.grant", object_id=str(assignment.pk))
    assert entry.actor_id == world.users[Role.NATIONAL_ADMIN].pk and entry.association_id == world.own.pk


def test_a_role_deleted_in_the_admin_is_revoked_through_the_service(world: Any) -> None:
    assignment = RoleAssignment.objects.get(user=world.users[Role.AUDITOR])
    response = world.client(world.users[Role.NATIONAL_ADMIN]).post(
        reverse("admin:core_roleassignment_delete", args=[assignment.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEntry.objects.filter(action="role.revoke", object_id=str(assignment.pk)).exists()


def test_a_role_is_not_edited_in_place(world: Any) -> None:
    assignment = RoleAssignment.objects.get(user=world.users[Role.AUDITOR])
    response = world.client(world.users[Role.NATIONAL_ADMIN]).post(
        reverse("admin:core_roleassignment_change", args=[assignment.pk]),
        {"user": assignment.user_id, "role": Role.ASSOCIATION_ADMIN, "association": world.own.pk},
    )

    assert response.status_code == 403
    assert RoleAssignment.objects.get(pk=assignment.pk).role == Role.AUDITOR


def test_deleting_a_user_in_the_admin_revokes_the_roles_through_the_service(world: Any) -> None:
    leaver = make_user("slutar", association_admin=world.own)
    assignment = RoleAssignment.objects.get(user=leaver)
    response = world.client(world.users[Role.NATIONAL_ADMIN]).post(
        reverse("admin:auth_user_delete", args=[leaver.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=leaver.pk).exists()
    assert AuditEntry.objects.filter(action="role.revoke", object_id=str(assignment.pk)).exists()
    assert AuditEntry.objects.filter(action="admin.user.delete", object_id=str(leaver.pk)).exists()


def test_an_api_token_is_revoked_in_the_admin_but_never_extended(world: Any) -> None:
    token_create(username=world.users[Role.NATIONAL_VIEWER].username, password=PASSWORD)
    token = ApiToken.objects.get(user=world.users[Role.NATIONAL_VIEWER])
    client = world.client(world.users[Role.NATIONAL_ADMIN])

    extended = client.post(
        reverse("admin:core_apitoken_change", args=[token.pk]),
        {"expires_0": "2099-01-01", "expires_1": "00:00"},
    )
    assert extended.status_code == 403
    assert ApiToken.objects.get(pk=token.pk).expires == token.expires

    revoked = client.post(reverse("admin:core_apitoken_delete", args=[token.pk]), {"post": "yes"})
    assert revoked.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert AuditEntry.objects.filter(action="admin.apitoken.delete", object_id=str(token.pk)).exists()
