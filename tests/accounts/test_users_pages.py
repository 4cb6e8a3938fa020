"""The pages "Användare och roller": who may give and end which role (the director in their förbund, the
working group in every förbund, the coordinator role only from the förbund's own director, no one their own
role), roles that count only within their dates, inviting a new user by e-mail through to signing in, and
every change audited."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from finsam.accounts import selectors, services
from finsam.accounts.models import Invitation, RoleAssignment
from finsam.core.access import SYSTEM, scope_for
from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.core.roles import Capability, Role
from tests.accounts.test_reauth import signed_in_long_ago
from tests.factories import followup_sample, make_user

pytestmark = pytest.mark.django_db

COORDINATOR = Role.PARTICIPANT_COORDINATOR


def users_page(association: Any) -> str:
    return reverse("registry:association_users", args=[association.pk])


def invite_page(association: Any) -> str:
    return reverse("registry:user_invite", args=[association.pk])


def end_page(assignment: Any) -> str:
    return reverse("registry:role_end", args=[assignment.association_id, assignment.pk])


def today() -> Any:
    return timezone.localdate()


def holds(user: Any, role: str, association: Any) -> bool:
    return RoleAssignment.objects.current().filter(user=user, role=role, association=association).exists()


# --- dates: a role counts from its start until its end --------------------------------------------


def fresh(user: Any) -> Any:
    """The user as a new request sees it (the roles are read once per request)."""
    return type(user).objects.get(pk=user.pk)


def test_a_role_before_its_start_and_from_its_end_gives_no_access(world: Any) -> None:
    auditor = make_user("kommande-revisor")
    assignment = RoleAssignment.objects.create(
        user=auditor, role=Role.AUDITOR, association=world.own, starts=today() + timedelta(days=1)
    )
    assert scope_for(fresh(auditor), Capability.FINANCE_VIEW).empty

    assignment.starts = today() - timedelta(days=10)
    assignment.save()
    assert scope_for(fresh(auditor), Capability.FINANCE_VIEW).association_ids == {world.own.pk}

    assignment.ends = today()  # the first day without the role
    assignment.save()
    assert scope_for(fresh(auditor), Capability.FINANCE_VIEW).empty


def test_an_ended_coordinator_no_longer_reads_participants(world: Any) -> None:
    coordinator = world.users[COORDINATOR]
    participant = followup_sample(world.own).participant
    url = reverse("followup:participant_identity", args=[participant.pk])
    assert world.client(coordinator).get(url).status_code == 200

    RoleAssignment.objects.filter(user=coordinator).update(ends=today(), starts=today() - timedelta(days=5))

    assert world.client(coordinator).get(url).status_code == 403


def test_the_database_refuses_a_role_that_ends_before_it_starts(world: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=world.no_role,
            role=Role.AUDITOR,
            association=world.own,
            starts=today(),
            ends=today() - timedelta(days=1),
        )


def test_a_role_given_ending_before_it_starts_or_overlapping_is_refused(world: Any) -> None:
    director = world.users[Role.ASSOCIATION_ADMIN]
    staff = make_user("period")
    with pytest.raises(RuleViolation) as refusal:
        services.role_grant(
            actor=director,
            user=staff,
            role=Role.AUDITOR,
            association=world.own,
            starts=today(),
            ends=today() - timedelta(days=1),
        )
    assert refusal.value.code == "R-ROLE-DATES" and refusal.value.violations[0].field == "ends"

    first = services.role_grant(
        actor=director,
        user=staff,
        role=Role.AUDITOR,
        association=world.own,
        ends=today() + timedelta(days=30),
    )
    # Asking again for a period already held changes nothing; an overlapping longer one is refused.
    again = services.role_grant(
        actor=director,
        user=staff,
        role=Role.AUDITOR,
        association=world.own,
        ends=today() + timedelta(days=10),
    )
    assert again.pk == first.pk
    with pytest.raises(RuleViolation) as overlap:
        services.role_grant(
            actor=director,
            user=staff,
            role=Role.AUDITOR,
            association=world.own,
            starts=today() + timedelta(days=20),
        )
    assert overlap.value.code == "R-ROLE-DATES"
    # The next period may follow the first.
    services.role_grant(
        actor=director,
        user=staff,
        role=Role.AUDITOR,
        association=world.own,
        starts=today() + timedelta(days=30),
    )
    assert RoleAssignment.objects.filter(user=staff).count() == 2
    assert AuditEntry.objects.filter(action="role.grant", details__user_id=staff.pk).count() == 2


def test_an_end_is_never_put_in_the_past_nor_moved_once_passed(world: Any) -> None:
    director = world.users[Role.ASSOCIATION_ADMIN]
    auditor = RoleAssignment.objects.get(user=world.users[Role.AUDITOR])
    with pytest.raises(RuleViolation) as past:
        services.role_end(actor=director, assignment=auditor, ends=today() - timedelta(days=1))
    assert past.value.code == "R-ROLE-DATES"
    services.role_end(actor=director, assignment=auditor)
    with pytest.raises(RuleViolation):
        services.role_end(actor=director, assignment=auditor, ends=today() + timedelta(days=3))
    assert RoleAssignment.objects.get(pk=auditor.pk).ends == today()


# --- the page: who may give which role --------------------------------------------------------------


def test_the_director_sees_who_has_which_role_with_dates(world: Any) -> None:
    page = world.client(world.users[Role.ASSOCIATION_ADMIN]).get(users_page(world.own))
    html = page.content.decode()
    assert page.status_code == 200
    for role in (Role.AUDITOR, Role.BOARD_MEMBER, COORDINATOR):
        assert world.users[role].username in html
    assert world.outsiders[Role.AUDITOR].username not in html
    assert today().isoformat() in html and "Tills vidare" in html


def test_the_director_gives_the_coordinator_role_on_the_page_audited(world: Any) -> None:
    director = world.users[Role.ASSOCIATION_ADMIN]
    staff = make_user("ny-deltagaransvarig")
    response = world.client(director).post(
        users_page(world.own), {"account": staff.email, "role": COORDINATOR, "starts": "", "ends": ""}
    )
    assert response.status_code == 302
    assert holds(staff, COORDINATOR, world.own)
    entry = AuditEntry.objects.get(action="role.grant", details__user_id=staff.pk)
    assert entry.actor_id == director.pk and entry.association_id == world.own.pk


def test_the_working_group_is_not_offered_and_cannot_give_the_coordinator_role(world: Any) -> None:
    client = world.client(world.users[Role.NATIONAL_ADMIN])
    staff = make_user("inte-fran-nationellt")
    form = client.get(users_page(world.own)).context["form"]
    assert COORDINATOR not in dict(form.fields["role"].choices)
    assert Role.AUDITOR in dict(form.fields["role"].choices)

    refused = client.post(users_page(world.own), {"account": staff.username, "role": COORDINATOR})
    given = client.post(users_page(world.own), {"account": staff.username, "role": Role.AUDITOR})

    assert refused.status_code == 400 and "Du kan inte ge den rollen här." in refused.content.decode()
    assert given.status_code == 302
    assert not holds(staff, COORDINATOR, world.own) and holds(staff, Role.AUDITOR, world.own)


def test_the_working_group_manages_every_forbund(world: Any) -> None:
    client = world.client(world.users[Role.NATIONAL_ADMIN])
    staff = make_user("i-andra-forbundet")
    assert client.get(users_page(world.other)).status_code == 200
    assert (
        client.post(
            users_page(world.other), {"account": staff.username, "role": Role.BOARD_MEMBER}
        ).status_code
        == 302
    )
    assert holds(staff, Role.BOARD_MEMBER, world.other)


def test_no_one_gives_themself_a_role_on_the_page(world: Any) -> None:
    director = world.users[Role.ASSOCIATION_ADMIN]
    response = world.client(director).post(
        users_page(world.own), {"account": director.username, "role": COORDINATOR}
    )
    assert response.status_code == 400 and "Du kan inte ge dig själv en roll." in response.content.decode()
    assert not holds(director, COORDINATOR, world.own)


def test_another_forbunds_director_finds_no_page(world: Any) -> None:
    client = world.client(world.outsiders[Role.ASSOCIATION_ADMIN])
    staff = make_user("utifran")
    assert client.get(users_page(world.own)).status_code == 404
    assert (
        client.post(users_page(world.own), {"account": staff.username, "role": COORDINATOR}).status_code
        == 404
    )
    assert client.get(end_page(RoleAssignment.objects.get(user=world.users[Role.AUDITOR]))).status_code == 404
    assert not RoleAssignment.objects.filter(user=staff).exists()


def test_only_one_who_manages_the_forbunds_roles_may_look_up_an_account_for_a_role(world: Any) -> None:
    staff = make_user("slas-upp")
    director = fresh(world.users[Role.ASSOCIATION_ADMIN])
    found = selectors.account_for_role(user=director, association_id=world.own.pk, identifier=staff.email)
    assert found == staff
    for caller in (
        world.outsiders[Role.ASSOCIATION_ADMIN],
        world.users[COORDINATOR],
        world.users[Role.AUDITOR],
        world.users[Role.BOARD_MEMBER],
    ):
        with pytest.raises(PermissionDenied):
            selectors.account_for_role(
                user=fresh(caller), association_id=world.own.pk, identifier=staff.email
            )
    with pytest.raises(PermissionDenied):  # the director of one förbund, asking for another
        selectors.account_for_role(user=director, association_id=world.other.pk, identifier=staff.username)


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.AUDITOR, COORDINATOR, Role.MEMBER_REPRESENTATIVE])
def test_a_board_member_an_auditor_or_a_coordinator_is_refused(world: Any, role: Role) -> None:
    client = world.client(world.users[role])
    staff = make_user("nekas")
    assert client.get(users_page(world.own)).status_code == 403
    assert (
        client.post(users_page(world.own), {"account": staff.username, "role": Role.AUDITOR}).status_code
        == 403
    )
    assert client.post(invite_page(world.own), {"email": "ny@example.org"}).status_code == 403
    assert not RoleAssignment.objects.filter(user=staff).exists()


def test_a_change_on_the_pages_needs_a_recent_password(world: Any) -> None:
    client = signed_in_long_ago(world.users[Role.ASSOCIATION_ADMIN])
    staff = make_user("vantar-pa-losenord")
    assert client.get(users_page(world.own)).status_code == 200  # looking is fine
    for url, data in (
        (users_page(world.own), {"account": staff.username, "role": COORDINATOR}),
        (invite_page(world.own), {"email": "x@example.org"}),
        (end_page(RoleAssignment.objects.get(user=world.users[COORDINATOR])), {"ends": today().isoformat()}),
    ):
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("reauthenticate"))
    assert not holds(staff, COORDINATOR, world.own)
    assert RoleAssignment.objects.get(user=world.users[COORDINATOR]).ends is None


def test_the_list_is_searchable_and_shows_ended_roles_on_request(world: Any) -> None:
    client = world.client(world.users[Role.ASSOCIATION_ADMIN])
    auditor = RoleAssignment.objects.get(user=world.users[Role.AUDITOR])
    services.role_end(actor=SYSTEM, assignment=auditor)

    found = client.get(users_page(world.own), {"q": "board"}).content.decode()
    current = client.get(users_page(world.own)).content.decode()
    everything = client.get(users_page(world.own), {"avslutade": "on"}).content.decode()

    assert world.users[Role.BOARD_MEMBER].username in found and world.users[COORDINATOR].username not in found
    assert world.users[Role.AUDITOR].username not in current
    assert world.users[Role.AUDITOR].username in everything and "Avslutad" in everything


# --- ending a role on its page ------------------------------------------------------------------------


def test_the_director_ends_a_coordinator_role_from_a_day(world: Any) -> None:
    director = world.users[Role.ASSOCIATION_ADMIN]
    assignment = RoleAssignment.objects.get(user=world.users[COORDINATOR])
    later = today() + timedelta(days=14)
    response = world.client(director).post(end_page(assignment), {"ends": later.isoformat()})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ends == later and holds(world.users[COORDINATOR], COORDINATOR, world.own)
    entry = AuditEntry.objects.get(action="role.end", object_id=str(assignment.pk))
    assert entry.actor_id == director.pk and entry.details["ends"] == later.isoformat()


def test_an_end_before_the_start_is_refused_at_the_field(world: Any) -> None:
    director = world.users[Role.ASSOCIATION_ADMIN]
    assignment = RoleAssignment.objects.get(user=world.users[Role.AUDITOR])
    assignment.starts = today() + timedelta(days=10)
    assignment.save()
    response = world.client(director).post(
        end_page(assignment), {"ends": (today() + timedelta(days=2)).isoformat()}
    )
    assert response.status_code == 400
    assert "Slutdatumet kan inte vara före startdatumet." in response.content.decode()
    assert RoleAssignment.objects.get(pk=assignment.pk).ends is None


def test_the_working_group_cannot_end_a_coordinator_role_on_the_page(world: Any) -> None:
    assignment = RoleAssignment.objects.get(user=world.users[COORDINATOR])
    client = world.client(world.users[Role.NATIONAL_ADMIN])
    page = client.get(end_page(assignment))
    assert "bara av förbundets egen förbundschef" in page.content.decode()
    response = client.post(end_page(assignment), {"ends": today().isoformat()})
    assert response.status_code == 400 and "förbundschef" in response.content.decode()
    assert RoleAssignment.objects.get(pk=assignment.pk).ends is None
    assert not AuditEntry.objects.filter(action="role.end").exists()


# --- inviting a new user by e-mail ----------------------------------------------------------------------


def invite(client: Client, association: Any, **data: Any) -> Any:
    form = {
        "email": "ny.samordnare@example.org",
        "first_name": "Nora",
        "last_name": "Nyström",
        "role": COORDINATOR,
    }
    return client.post(invite_page(association), form | data)


def link_in(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/konto/inbjudan/[^\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_an_invitation_end_to_end(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    director = world.users[Role.ASSOCIATION_ADMIN]
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(world.client(director), world.own)
    assert response.status_code == 302

    newcomer = type(director).objects.get(email="ny.samordnare@example.org")
    assert newcomer.username == "ny.samordnare@example.org" and not newcomer.has_usable_password()
    assert holds(newcomer, COORDINATOR, world.own)
    [message] = mail.outbox
    assert message.to == ["ny.samordnare@example.org"] and message.subject == "Inbjudan till Finsam"
    assert world.own.name in message.body and newcomer.username in message.body
    link = link_in(message)
    token = link.rstrip("/").rsplit("/", 1)[1]
    row = Invitation.objects.get(user=newcomer)
    assert token not in row.key_hash and len(row.key_hash) == 64  # only its digest is kept

    visitor = Client()
    chosen = visitor.get(link, follow=True)
    assert chosen.status_code == 200 and token not in chosen.redirect_chain[-1][0]
    assert "Välj ditt lösenord" in chosen.content.decode()
    saved = visitor.post(
        chosen.redirect_chain[-1][0],
        {"new_password1": "Ett-eget-lösenord-77", "new_password2": "Ett-eget-lösenord-77"},
    )
    assert saved.status_code == 302 and saved["Location"] == reverse("login")
    newcomer.refresh_from_db()
    assert newcomer.check_password("Ett-eget-lösenord-77")
    signed_in = Client().post(
        reverse("login"), {"username": newcomer.username, "password": "Ett-eget-lösenord-77"}
    )
    assert signed_in.status_code == 302

    invited = AuditEntry.objects.get(action="user.invite")
    assert invited.actor_id == director.pk and invited.object_id == str(newcomer.pk)
    assert invited.association_id == world.own.pk
    assert AuditEntry.objects.get(action="user.invitation_accept").actor_id == newcomer.pk
    assert AuditEntry.objects.filter(action="role.grant", details__user_id=newcomer.pk).exists()
    for entry in AuditEntry.objects.filter(
        action__in=["user.invite", "user.invitation_accept", "role.grant"]
    ):
        assert "example.org" not in str(entry.details) and token not in str(entry.details)

    # Used once: the link says so, and changes nothing.
    again = Client()
    reused = again.get(link, follow=True)
    assert "Länken har redan använts." in reused.content.decode()
    assert (
        again.post(
            reused.redirect_chain[-1][0],
            {"new_password1": "Annat-lösen-88", "new_password2": "Annat-lösen-88"},
        ).status_code
        == 200
    )
    newcomer.refresh_from_db()
    assert newcomer.check_password("Ett-eget-lösenord-77")


def test_an_expired_or_unknown_link_says_so(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(world.client(world.users[Role.ASSOCIATION_ADMIN]), world.own)
    link = link_in(mail.outbox[0])
    Invitation.objects.update(expires=timezone.now() - timedelta(minutes=1))

    expired = Client().get(link, follow=True).content.decode()
    unknown = Client().get(reverse("invitation_accept", args=["fel-lank"]), follow=True).content.decode()

    assert "Länken har gått ut." in expired and 'name="new_password1"' not in expired
    assert "Länken gäller inte." in unknown
    with pytest.raises(RuleViolation):
        services.invitation_accept(token=link.rstrip("/").rsplit("/", 1)[1], password="Ett-eget-lösenord-77")


def test_an_invitation_to_an_address_in_use_is_refused_at_the_field(world: Any) -> None:
    taken = world.users[Role.AUDITOR].email
    before = type(world.no_role).objects.count()
    response = invite(world.client(world.users[Role.ASSOCIATION_ADMIN]), world.own, email=taken.upper())
    assert response.status_code == 400
    assert "Det finns redan ett konto med den e-postadressen." in response.content.decode()
    assert type(world.no_role).objects.count() == before and not Invitation.objects.exists()
    assert mail.outbox == []


def test_the_working_group_cannot_invite_a_coordinator(world: Any) -> None:
    response = invite(world.client(world.users[Role.NATIONAL_ADMIN]), world.own)
    assert response.status_code == 400
    assert not type(world.no_role).objects.filter(email="ny.samordnare@example.org").exists()
    with pytest.raises(RuleViolation) as refusal:
        services.user_invite(
            actor=world.users[Role.NATIONAL_ADMIN],
            email="ny@example.org",
            first_name="A",
            last_name="B",
            role=COORDINATOR,
            association=world.own,
            domain="testserver",
            protocol="https",
            language="sv",
        )
    assert refusal.value.code == "R-ROLE-COORDINATOR"
    assert not type(world.no_role).objects.filter(email="ny@example.org").exists()


def test_an_invitation_mail_is_sent_once(world: Any) -> None:
    from finsam.accounts import tasks

    row = services.user_invite(
        actor=world.users[Role.ASSOCIATION_ADMIN],
        email="en-gang@example.org",
        first_name="En",
        last_name="Gång",
        role=Role.BOARD_MEMBER,
        association=world.own,
        domain="testserver",
        protocol="https",
        language="sv",
    )
    for _ in range(2):
        tasks.invitation_mail.call(invitation_id=row.pk, domain="testserver", protocol="https", language="sv")
    assert len(mail.outbox) == 1


def test_the_password_rules_apply_to_an_invited_users_first_password(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(world.client(world.users[Role.ASSOCIATION_ADMIN]), world.own)
    visitor = Client()
    page = visitor.get(link_in(mail.outbox[0]), follow=True)
    response = visitor.post(page.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 400
    assert not Invitation.objects.get().used


def test_the_menu_and_the_forbund_page_lead_the_director_here(world: Any) -> None:
    client = world.client(world.users[Role.ASSOCIATION_ADMIN])
    home = client.get(reverse("home")).content.decode()
    forbund = client.get(reverse("registry:association_detail", args=[world.own.pk])).content.decode()
    assert users_page(world.own) in home and users_page(world.own) in forbund
    board = world.client(world.users[Role.BOARD_MEMBER])
    assert (
        users_page(world.own)
        not in board.get(reverse("registry:association_detail", args=[world.own.pk])).content.decode()
    )


def test_the_admin_gives_roles_with_dates_by_the_same_rules(world: Any) -> None:
    client = world.client(world.users[Role.NATIONAL_ADMIN])
    staff = make_user("admin-datum")
    response = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {
            "user": staff.pk,
            "role": Role.AUDITOR,
            "association": world.own.pk,
            "starts": today().isoformat(),
            "ends": (today() - timedelta(days=1)).isoformat(),
        },
    )
    assert (
        response.status_code == 200
        and "Slutdatumet kan inte vara före startdatumet." in response.content.decode()
    )
    assert not RoleAssignment.objects.filter(user=staff).exists()
    later = today() + timedelta(days=7)
    response = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {
            "user": staff.pk,
            "role": Role.AUDITOR,
            "association": world.own.pk,
            "starts": later.isoformat(),
            "ends": "",
        },
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.get(user=staff).starts == later and not holds(
        staff, Role.AUDITOR, world.own
    )


def test_the_list_takes_as_many_queries_with_more_roles(world: Any) -> None:
    """No query per row: the roles, their users and who may end each are read at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client(world.users[Role.ASSOCIATION_ADMIN])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(users_page(world.own)).status_code == 200
        return len(captured)

    for i in range(3):
        make_user(f"fler-{i}", board_member=world.own)
    before = queries()
    for i in range(3, 12):
        make_user(f"fler-{i}", auditor=world.own)
    assert queries() == before


def test_an_invitation_whose_link_expired_is_sent_again(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = world.client(world.users[Role.ASSOCIATION_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, world.own)
    first = link_in(mail.outbox[0])
    Invitation.objects.update(expires=timezone.now() - timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert invite(client, world.own).status_code == 302
    second = link_in(mail.outbox[1])

    assert type(world.no_role).objects.filter(email="ny.samordnare@example.org").count() == 1
    assert RoleAssignment.objects.filter(user__email="ny.samordnare@example.org").count() == 1
    assert "Länken har gått ut." in Client().get(first, follow=True).content.decode()
    assert 'name="new_password1"' in Client().get(second, follow=True).content.decode()
    assert AuditEntry.objects.filter(action="user.invite").count() == 2
