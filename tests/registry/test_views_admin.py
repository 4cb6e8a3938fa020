"""The registry and the users in the Django admin, for the national working group (not superusers).

The admin refuses what the services refuse: the registry is read-only there, except the association,
which it changes through the service."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from finsam.accounts.models import RoleAssignment
from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.registry import services
from finsam.registry.models import (
    Association,
    BoardSeat,
    Charter,
    Director,
    Member,
    MemberRepresentative,
    Municipality,
    Person,
    Region,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

User = get_user_model()
REGISTRY_MODELS = [
    Region,
    Municipality,
    Association,
    Member,
    Charter,
    Person,
    BoardSeat,
    Director,
    MemberRepresentative,
]


def admin_url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def national_admin(world: Any) -> Any:
    user = world.users[Role.NATIONAL_ADMIN]
    assert not user.is_superuser and not user.is_staff
    return world.client(user)


@pytest.mark.parametrize("model", [*REGISTRY_MODELS, User], ids=lambda m: m._meta.model_name)
def test_the_national_working_group_lists_and_opens_each_registry_model_and_users(
    world: Any, model: Any
) -> None:
    client = national_admin(world)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    obj = model.objects.first()
    assert client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("role", [Role.ASSOCIATION_ADMIN, Role.NATIONAL_VIEWER])
def test_other_roles_do_not_reach_the_admin(world: Any, role: Role) -> None:
    client = world.client(world.users[role])
    for model in (Association, User):
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code in (302, 403)  # to the login page, or refused


def user_form(
    user: Any, roles: list[tuple[str, Any]], existing: list[RoleAssignment] | None = None
) -> dict[str, Any]:
    existing = existing or []
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": "Anna",
        "last_name": "Andersson",
        "email": user.email,
        "is_active": "on",
        "role_assignments-TOTAL_FORMS": str(len(existing) + len(roles)),
        "role_assignments-INITIAL_FORMS": str(len(existing)),
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
    }
    for i, assignment in enumerate(existing):
        data |= {
            f"role_assignments-{i}-id": str(assignment.pk),
            f"role_assignments-{i}-user": str(user.pk),
            f"role_assignments-{i}-role": assignment.role,
            f"role_assignments-{i}-association": str(assignment.association_id or ""),
        }
    for j, (role, association) in enumerate(roles, start=len(existing)):
        data |= {
            f"role_assignments-{j}-user": str(user.pk),
            f"role_assignments-{j}-role": role,
            f"role_assignments-{j}-association": str(association.pk) if association else "",
        }
    return data


def test_a_role_given_on_the_user_page_is_granted_through_the_service(world: Any) -> None:
    newcomer = make_user("ny-chef")
    response = national_admin(world).post(
        admin_url(User, "change", newcomer.pk), user_form(newcomer, [(Role.ASSOCIATION_ADMIN, world.own)])
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assignment = RoleAssignment.objects.get(user=newcomer)
    assert (assignment.role, assignment.association_id) == (Role.ASSOCIATION_ADMIN, world.own.pk)
    entry = AuditEntry.objects.get(action="role.grant")
    assert entry.object_id == str(assignment.pk)
    assert entry.actor_id == world.users[Role.NATIONAL_ADMIN].pk and entry.association_id == world.own.pk
    assert AuditEntry.objects.filter(action="admin.user.update", object_id=str(newcomer.pk)).exists()


def test_a_role_removed_on_the_user_page_is_ended_through_the_service(world: Any) -> None:
    holder = make_user("gammal-chef", association_admin=world.own)
    existing = list(RoleAssignment.objects.filter(user=holder))
    data = user_form(holder, [], existing) | {"role_assignments-0-DELETE": "on"}

    response = national_admin(world).post(admin_url(User, "change", holder.pk), data)

    assert response.status_code == 302
    # Ended today, and kept as the record of who held it when.
    assert [a.ends for a in RoleAssignment.objects.filter(user=holder)] == [timezone.localdate()]
    entry = AuditEntry.objects.get(action="role.end")
    assert entry.object_id == str(existing[0].pk) and entry.association_id == world.own.pk


def test_a_national_role_cannot_be_tied_to_an_association(world: Any) -> None:
    newcomer = make_user("fel-roll")
    response = national_admin(world).post(
        admin_url(User, "change", newcomer.pk), user_form(newcomer, [(Role.NATIONAL_ADMIN, world.own)])
    )
    assert response.status_code == 200  # the admin shows the form again with the error
    assert not RoleAssignment.objects.filter(user=newcomer).exists()


def test_the_user_page_offers_no_superuser_staff_or_permission_fields(world: Any) -> None:
    form = national_admin(world).get(admin_url(User, "change", world.no_role.pk)).context["adminform"].form
    assert not {"is_superuser", "is_staff", "groups", "user_permissions"} & set(form.fields)


def test_a_superuser_account_is_left_to_superusers(world: Any) -> None:
    root = User.objects.create_superuser("root", "root@example.org", "x-Long-password-1")
    client = national_admin(world)
    response = client.post(admin_url(User, "change", root.pk), user_form(root, [(Role.NATIONAL_ADMIN, None)]))
    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user=root).exists()
    assert client.post(admin_url(User, "password_change", root.pk), {}).status_code == 403


def test_a_password_set_in_the_admin_is_audited(world: Any) -> None:
    target = make_user("glomsk")
    response = national_admin(world).post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": "Ett-nytt-lösenord-42", "password2": "Ett-nytt-lösenord-42", "usable_password": "true"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password("Ett-nytt-lösenord-42")
    entry = AuditEntry.objects.get(action="admin.user.password")
    assert entry.object_id == str(target.pk) and "lösenord" not in str(entry.details)


def test_an_admin_change_to_an_association_makes_an_open_page_form_stale(world: Any) -> None:
    opened_version = world.own.version
    response = national_admin(world).post(
        admin_url(Association, "change", world.own.pk),
        {
            "name": "Samordningsförbundet Umeå (ändrat i admin)",
            "org_number": world.own.org_number,
            "seat": str(world.own.seat_id),
            "founded": "2005-01-01",
            "dissolved": "",
        },
    )
    assert response.status_code == 302
    assert Association.objects.get(pk=world.own.pk).version == opened_version + 1

    page = world.client(world.users[Role.ASSOCIATION_ADMIN]).post(
        reverse("registry:association_edit", args=[world.own.pk]),
        {
            "name": "Från sidan",
            "org_number": world.own.org_number,
            "seat": world.own.seat.code,
            "founded": "2005-01-01",
            "version": str(opened_version),
        },
    )
    assert page.status_code == 409
    assert Association.objects.get(pk=world.own.pk).name == "Samordningsförbundet Umeå (ändrat i admin)"


def test_the_admin_refuses_an_invalid_organisation_number(world: Any) -> None:
    response = national_admin(world).post(
        admin_url(Association, "change", world.own.pk),
        {
            "name": world.own.name,
            "org_number": "123",
            "seat": str(world.own.seat_id),
            "founded": "2005-01-01",
        },
    )
    assert response.status_code == 200
    assert "Organisationsnumret är ogiltigt" in response.content.decode()
    assert Association.objects.get(pk=world.own.pk).org_number == world.own.org_number


def test_the_admin_refuses_a_board_seat_the_service_refuses(world: Any) -> None:
    """R-BOARD: a mandate of at most four years, appointed by a member of the association."""
    person = Person.objects.filter(association=world.own).first()
    foreign_member = world.other.members.first()
    seat = {"association": world.own, "person": person, "member": foreign_member, "role": "member"}
    with pytest.raises(RuleViolation) as refused:
        services.board_seat_create(actor=SYSTEM, start=date(2020, 1, 1), end=date(2035, 12, 31), **seat)
    assert {v.code for v in refused.value.violations} == {"R-BOARD"}
    before = BoardSeat.objects.count()

    response = national_admin(world).post(
        admin_url(BoardSeat, "add"),
        {name: str(value.pk) if hasattr(value, "pk") else value for name, value in seat.items()}
        | {"start": "2020-01-01", "end": "2035-12-31"},
    )

    assert response.status_code == 403
    assert BoardSeat.objects.count() == before


def test_the_admin_does_not_change_a_board_seat_either(world: Any) -> None:
    seat = BoardSeat.objects.filter(association=world.own).first()
    response = national_admin(world).post(
        admin_url(BoardSeat, "change", seat.pk),
        {
            "association": str(world.own.pk),
            "person": str(seat.person_id),
            "member": str(world.other.members.first().pk),
            "role": seat.role,
            "start": "2020-01-01",
            "end": "2035-12-31",
        },
    )

    assert response.status_code == 403
    assert BoardSeat.objects.get(pk=seat.pk).end == seat.end


def association_form(association: Association, **changes: str) -> dict[str, str]:
    return {
        "name": association.name,
        "org_number": association.org_number,
        "seat": str(association.seat_id),
        "founded": association.founded.isoformat(),
        "dissolved": "",
        "opened_version": str(association.version),
    } | changes


def test_an_association_changed_in_the_admin_goes_through_the_service(world: Any) -> None:
    response = national_admin(world).post(
        admin_url(Association, "change", world.own.pk), association_form(world.own, name="  Nytt namn  ")
    )

    assert response.status_code == 302
    assert Association.objects.get(pk=world.own.pk).name == "Nytt namn"  # the service trims it
    entry = AuditEntry.objects.get(action="association.update")
    assert entry.actor_id == world.users[Role.NATIONAL_ADMIN].pk and entry.details == {"fields": ["name"]}


def test_a_change_the_service_refuses_is_a_form_error_and_nothing_is_written(world: Any) -> None:
    stale = association_form(world.own, name="Sent ändrat namn")
    Association.objects.filter(pk=world.own.pk).update(version=world.own.version + 1)  # someone else saved

    response = national_admin(world).post(admin_url(Association, "change", world.own.pk), stale)

    assert response.status_code == 200
    assert "Någon annan har ändrat förbundet" in response.text
    assert response.context["adminform"].form.errors
    assert Association.objects.get(pk=world.own.pk).name == world.own.name
    assert not AuditEntry.objects.filter(action="association.update").exists()


def test_associations_are_neither_added_nor_deleted_in_the_admin(world: Any) -> None:
    client = national_admin(world)
    assert (
        client.post(admin_url(Association, "add"), association_form(world.other, name="Nytt")).status_code
        == 403
    )
    assert client.post(admin_url(Association, "delete", world.own.pk), {"post": "yes"}).status_code == 403
    assert Association.objects.filter(pk=world.own.pk).exists()
