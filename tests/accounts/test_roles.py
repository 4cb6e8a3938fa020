"""Granting roles: national administrators and the command line; the coordinator role (which sees
identities) only from the förbund's own director; never to oneself; audited; scoped correctly. Each path —
the service, the admin, the command — obeys the same rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from finsam.accounts import services
from finsam.accounts.models import RoleAssignment
from finsam.core.access import SYSTEM, scope_for
from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.core.roles import Capability, Role
from tests.factories import make_user, sign_in


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
def test_a_director_gives_the_forbunds_roles_but_none_in_another_forbund_and_no_national_one(
    world: Any,
) -> None:
    director = world.users[Role.ASSOCIATION_ADMIN]
    staff = make_user("x")
    services.role_grant(actor=director, user=staff, role=Role.AUDITOR, association=world.own)
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=director, user=staff, role=Role.AUDITOR, association=world.other)
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=director, user=staff, role=Role.NATIONAL_VIEWER, association=None)
    assert list(RoleAssignment.objects.filter(user=staff).values_list("role", "association_id")) == [
        (Role.AUDITOR, world.own.pk)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.AUDITOR, Role.PARTICIPANT_COORDINATOR])
def test_a_board_member_an_auditor_or_a_coordinator_gives_no_role(world: Any, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        services.role_grant(
            actor=world.users[role],
            user=make_user("y"),
            role=Role.MEMBER_REPRESENTATIVE,
            association=world.own,
        )
    assert not RoleAssignment.objects.filter(user__username="y").exists()


@pytest.mark.django_db
def test_a_granted_role_scopes_the_user_to_its_association(world: Any) -> None:
    user = make_user("revisor")
    services.role_grant(
        actor=world.users[Role.NATIONAL_ADMIN], user=user, role=Role.AUDITOR, association=world.own
    )
    scope = scope_for(user, Capability.REGISTRY_VIEW)
    assert scope.association_ids == frozenset({world.own.pk}) and not scope.all
    assert scope_for(user, Capability.REGISTRY_EDIT).empty


# --- the coordinator role: only from the förbund's own director ---------------------------------

COORDINATOR = Role.PARTICIPANT_COORDINATOR


def coordinator_roles(user: Any) -> list[Any]:
    """The förbund where the user holds the coordinator role today."""
    return list(
        RoleAssignment.objects.current()
        .filter(user=user, role=COORDINATOR)
        .values_list("association_id", flat=True)
    )


@pytest.mark.django_db
def test_the_director_grants_the_coordinator_role_in_their_own_forbund(world: Any) -> None:
    director = world.users[Role.ASSOCIATION_ADMIN]
    staff = make_user("ny-deltagaransvarig")

    assignment = services.role_grant(actor=director, user=staff, role=COORDINATOR, association=world.own)

    assert coordinator_roles(staff) == [world.own.pk]
    entry = AuditEntry.objects.get(action="role.grant", object_id=str(assignment.pk))
    assert entry.actor_id == director.pk
    assert entry.details == {
        "role": COORDINATOR,
        "user_id": staff.pk,
        "starts": timezone.localdate().isoformat(),
        "ends": None,
    }


@pytest.mark.django_db
def test_a_national_admin_cannot_grant_the_coordinator_role(world: Any) -> None:
    staff = make_user("x")
    with pytest.raises(RuleViolation) as refusal:
        services.role_grant(
            actor=world.users[Role.NATIONAL_ADMIN], user=staff, role=COORDINATOR, association=world.own
        )
    assert refusal.value.code == "R-ROLE-COORDINATOR"
    assert "förbundschef" in refusal.value.message
    assert coordinator_roles(staff) == []
    assert not AuditEntry.objects.filter(action="role.grant").exists()


@pytest.mark.django_db
def test_no_one_gives_themself_the_coordinator_role(world: Any) -> None:
    """The observed path: a national admin who is also a director cannot make themself a coordinator."""
    national = world.users[Role.NATIONAL_ADMIN]
    RoleAssignment.objects.create(user=national, role=Role.ASSOCIATION_ADMIN, association=world.own)
    director = world.users[Role.ASSOCIATION_ADMIN]
    for actor in (national, director):
        with pytest.raises(RuleViolation) as refusal:
            services.role_grant(actor=actor, user=actor, role=COORDINATOR, association=world.own)
        assert refusal.value.code == "R-ROLE-SELF"
        assert coordinator_roles(actor) == []


@pytest.mark.django_db
def test_a_national_admin_gives_themself_no_role(world: Any) -> None:
    national = world.users[Role.NATIONAL_ADMIN]
    with pytest.raises(RuleViolation) as refusal:
        services.role_grant(actor=national, user=national, role=Role.ASSOCIATION_ADMIN, association=world.own)
    assert refusal.value.code == "R-ROLE-SELF"
    assert not RoleAssignment.objects.filter(user=national, role=Role.ASSOCIATION_ADMIN).exists()


@pytest.mark.django_db
def test_a_director_grants_no_coordinator_role_in_another_forbund(world: Any) -> None:
    director = world.users[Role.ASSOCIATION_ADMIN]
    staff = make_user("y")
    with pytest.raises(RuleViolation) as refusal:
        services.role_grant(actor=director, user=staff, role=COORDINATOR, association=world.other)
    assert refusal.value.code == "R-ROLE-COORDINATOR"
    with pytest.raises(RuleViolation):
        services.role_grant(
            actor=world.outsiders[Role.ASSOCIATION_ADMIN], user=staff, role=COORDINATOR, association=world.own
        )
    assert not RoleAssignment.objects.filter(user=staff).exists()


@pytest.mark.django_db
def test_the_director_ends_a_coordinator_of_their_forbund_but_not_of_another(world: Any) -> None:
    director = world.users[Role.ASSOCIATION_ADMIN]
    own = RoleAssignment.objects.get(user=world.users[COORDINATOR])
    other = RoleAssignment.objects.get(user=world.outsiders[COORDINATOR])
    with pytest.raises(RuleViolation) as refusal:
        services.role_end(actor=director, assignment=other)
    assert refusal.value.code == "R-ROLE-COORDINATOR"
    services.role_end(actor=director, assignment=own)
    own.refresh_from_db()
    assert own.ends == timezone.localdate()  # kept, ended today: it counts no more
    assert coordinator_roles(world.users[COORDINATOR]) == []
    assert RoleAssignment.objects.get(pk=other.pk).ends is None
    entry = AuditEntry.objects.get(action="role.end", object_id=str(own.pk))
    assert entry.actor_id == director.pk and entry.association_id == world.own.pk


@pytest.mark.django_db
def test_a_national_admin_ends_no_coordinator_role_but_the_forbunds_other_roles(world: Any) -> None:
    national = world.users[Role.NATIONAL_ADMIN]
    coordinator = RoleAssignment.objects.get(user=world.users[COORDINATOR])
    auditor = RoleAssignment.objects.get(user=world.users[Role.AUDITOR])
    with pytest.raises(RuleViolation) as refusal:
        services.role_end(actor=national, assignment=coordinator)
    assert refusal.value.code == "R-ROLE-COORDINATOR"
    services.role_end(actor=national, assignment=auditor)
    assert RoleAssignment.objects.get(pk=coordinator.pk).ends is None
    assert RoleAssignment.objects.get(pk=auditor.pk).ends == timezone.localdate()


@pytest.mark.django_db
def test_no_one_ends_their_own_role(world: Any) -> None:
    director = world.users[Role.ASSOCIATION_ADMIN]
    with pytest.raises(RuleViolation) as refusal:
        services.role_end(actor=director, assignment=RoleAssignment.objects.get(user=director))
    assert refusal.value.code == "R-ROLE-SELF"
    assert RoleAssignment.objects.get(user=director).ends is None


@pytest.mark.django_db
def test_the_admin_refuses_a_national_admin_the_coordinator_role_with_the_reason(world: Any) -> None:
    staff = make_user("via-admin")
    client = world.client(world.users[Role.NATIONAL_ADMIN])

    response = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": staff.pk, "role": COORDINATOR, "association": world.own.pk},
    )

    assert response.status_code == 200
    assert "förbundschef" in response.content.decode()
    assert coordinator_roles(staff) == []


@pytest.mark.django_db
def test_the_admins_user_page_refuses_the_coordinator_role_too(world: Any) -> None:
    staff = make_user("via-anvandarsidan")
    client = world.client(world.users[Role.NATIONAL_ADMIN])
    form = {
        "username": staff.username,
        "first_name": "",
        "last_name": "",
        "email": staff.email,
        "is_active": "on",
        "role_assignments-TOTAL_FORMS": "1",
        "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
        "role_assignments-0-user": str(staff.pk),
        "role_assignments-0-role": COORDINATOR,
        "role_assignments-0-association": str(world.own.pk),
    }

    response = client.post(reverse("admin:auth_user_change", args=[staff.pk]), form)

    assert response.status_code == 200
    assert "förbundschef" in response.content.decode()
    assert coordinator_roles(staff) == []
    # The same form with a role a national admin may grant is saved: the form itself is sound.
    form["role_assignments-0-role"] = Role.AUDITOR
    assert client.post(reverse("admin:auth_user_change", args=[staff.pk]), form).status_code == 302
    assert RoleAssignment.objects.filter(user=staff, role=Role.AUDITOR).exists()


@pytest.mark.django_db
def test_an_operator_grants_the_coordinator_role_from_the_command_line(world: Any) -> None:
    """The system actor's exception: the operator at the server (and `finsam demo`), audited as system."""
    staff = make_user("fran-kommandoraden")
    call_command("grant_role", staff.username, COORDINATOR, "--association", str(world.own.pk))
    assert coordinator_roles(staff) == [world.own.pk]
    assert AuditEntry.objects.get(action="role.grant").actor_username == "system"
    assert services.role_grant(actor=SYSTEM, user=staff, role=COORDINATOR, association=world.own)


@pytest.mark.django_db
def test_the_observed_escalation_no_longer_reads_an_identity(world: Any) -> None:
    """A national admin gives themself a coordinator role and asks for a personnummer: refused at the grant,
    and so the identity page stays closed."""
    from tests.factories import followup_sample

    national = world.users[Role.NATIONAL_ADMIN]
    client = world.client(national)
    client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": national.pk, "role": COORDINATOR, "association": world.own.pk},
    )
    participant = followup_sample(world.own).participant
    response = client.get(reverse("followup:participant_identity", args=[participant.pk]))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="participant.identity.read").exists()


# --- the director's page ---------------------------------------------------------------------------


def coordinators_page(world: Any) -> str:
    return reverse("interventions:coordinator_roles", args=[world.own.pk])


@pytest.mark.django_db
def test_the_director_gives_and_takes_the_coordinator_role_on_their_page(world: Any) -> None:
    director = world.users[Role.ASSOCIATION_ADMIN]
    staff = make_user("ny-pa-sidan")
    client = world.client(director)

    page = client.get(coordinators_page(world))
    assert page.status_code == 200 and world.users[COORDINATOR].username in page.content.decode()

    response = client.post(coordinators_page(world), {"username": staff.username})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=staff, role=COORDINATOR, association=world.own)
    assert AuditEntry.objects.get(action="role.grant", object_id=str(assignment.pk)).actor_id == director.pk

    assert client.post(coordinators_page(world), {"assignment": assignment.pk}).status_code == 302
    assert coordinator_roles(staff) == []
    assert AuditEntry.objects.filter(action="role.end", object_id=str(assignment.pk)).exists()


@pytest.mark.django_db
def test_the_page_refuses_oneself_and_an_unknown_account_with_a_message(world: Any) -> None:
    director = world.users[Role.ASSOCIATION_ADMIN]
    client = world.client(director)

    self_grant = client.post(coordinators_page(world), {"username": director.username})
    unknown = client.post(coordinators_page(world), {"username": "finns-inte"})

    assert (
        self_grant.status_code == 400 and "Du kan inte ge dig själv en roll." in self_grant.content.decode()
    )
    assert unknown.status_code == 400
    assert "Det finns inget aktivt konto med det användarnamnet." in unknown.content.decode()
    assert coordinator_roles(director) == []


@pytest.mark.django_db
def test_the_page_is_the_directors_only(world: Any) -> None:
    assert world.client(world.users[Role.NATIONAL_ADMIN]).get(coordinators_page(world)).status_code == 403
    assert (
        world.client(world.outsiders[Role.ASSOCIATION_ADMIN]).get(coordinators_page(world)).status_code == 404
    )
    other = RoleAssignment.objects.get(user=world.outsiders[COORDINATOR])
    response = world.client(world.users[Role.ASSOCIATION_ADMIN]).post(
        coordinators_page(world), {"assignment": other.pk}
    )
    assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
def test_a_change_on_the_page_needs_a_recent_password(world: Any) -> None:
    import time

    from django.test import Client

    from finsam.core import reauth

    staff = make_user("vantar")
    client = Client()
    sign_in(client, world.users[Role.ASSOCIATION_ADMIN])
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time()) - 16 * 60
    session.save()

    assert client.get(coordinators_page(world)).status_code == 200  # looking is fine
    response = client.post(coordinators_page(world), {"username": staff.username})

    assert response.status_code == 302 and response["Location"].startswith(reverse("reauthenticate"))
    assert coordinator_roles(staff) == []
