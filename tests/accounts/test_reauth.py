"""Confirming the password again: a personnummer, a scanned consent form and a change of roles need the
password given in the last 15 minutes in this session. A sign-in counts; otherwise the user confirms it on a
Swedish page and comes back to where they were. A wrong password changes nothing."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from finsam.accounts.models import RoleAssignment
from finsam.core import reauth
from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from tests.factories import PASSWORD, followup_sample, make_user, sign_in

pytestmark = pytest.mark.django_db


def signed_in_long_ago(user: Any, minutes: int = 16) -> Client:
    client = Client()
    sign_in(client, user)
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time()) - minutes * 60
    session.save()
    return client


def identity_url(world: Any) -> str:
    return reverse("followup:participant_identity", args=[followup_sample(world.own).participant.pk])


def detail_url(world: Any) -> str:
    return reverse("followup:participant_detail", args=[followup_sample(world.own).participant.pk])


def next_of(location: str) -> str:
    parts = urlsplit(location)
    assert parts.path == reverse("reauthenticate")
    return parse_qs(parts.query)["next"][0]


def identity_reads() -> int:
    return AuditEntry.objects.filter(action="participant.identity.read").count()


def test_a_fresh_sign_in_shows_the_personnummer_at_once(world: Any) -> None:
    client = world.client(world.users[Role.PARTICIPANT_COORDINATOR])
    response = client.get(identity_url(world))
    assert response.status_code == 200
    assert identity_reads() == 1


def test_an_old_sign_in_is_sent_to_confirm_the_password_and_nothing_is_shown(world: Any) -> None:
    client = signed_in_long_ago(world.users[Role.PARTICIPANT_COORDINATOR])
    url = identity_url(world)

    response = client.get(url)

    assert response.status_code == 302
    assert next_of(response["Location"]) == url
    assert identity_reads() == 0
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Bekräfta ditt lösenord" in page.content.decode()


def test_fourteen_minutes_are_still_recent(world: Any) -> None:
    client = signed_in_long_ago(world.users[Role.PARTICIPANT_COORDINATOR], minutes=14)
    assert client.get(identity_url(world)).status_code == 200


def test_the_right_password_leads_back_and_the_number_shows(world: Any) -> None:
    user = world.users[Role.PARTICIPANT_COORDINATOR]
    client = signed_in_long_ago(user)
    url = identity_url(world)

    response = client.post(reverse("reauthenticate"), {"password": PASSWORD, "next": url})

    assert response.status_code == 302 and response["Location"] == url
    assert client.get(url).status_code == 200
    assert identity_reads() == 1
    assert AuditEntry.objects.filter(action="user.reauthenticate", actor_id=user.pk).count() == 1


def test_a_wrong_password_is_refused_with_a_message_and_changes_nothing(world: Any) -> None:
    client = signed_in_long_ago(world.users[Role.PARTICIPANT_COORDINATOR])
    url = identity_url(world)

    response = client.post(reverse("reauthenticate"), {"password": "fel-lösenord", "next": url})

    assert response.status_code == 400
    assert "Fel lösenord. Försök igen." in response.content.decode()
    assert client.get(url).status_code == 302
    assert identity_reads() == 0
    assert not AuditEntry.objects.filter(action="user.reauthenticate").exists()


def test_an_empty_password_is_refused_at_the_field(world: Any) -> None:
    client = signed_in_long_ago(world.users[Role.PARTICIPANT_COORDINATOR])
    response = client.post(reverse("reauthenticate"), {"password": ""})
    assert response.status_code == 400
    assert "Ange ditt lösenord." in response.content.decode()


def test_wrong_passwords_on_the_confirmation_count_towards_the_lock(world: Any) -> None:
    client = signed_in_long_ago(world.users[Role.PARTICIPANT_COORDINATOR])
    for _ in range(10):
        client.post(reverse("reauthenticate"), {"password": "fel-lösenord"})

    response = client.post(reverse("reauthenticate"), {"password": PASSWORD, "next": identity_url(world)})

    assert response.status_code == 429
    assert "För många misslyckade inloggningsförsök" in response.content.decode()
    assert client.get(identity_url(world)).status_code == 302


def test_the_confirmation_never_leads_to_another_site(world: Any) -> None:
    client = signed_in_long_ago(world.users[Role.PARTICIPANT_COORDINATOR])
    response = client.post(
        reverse("reauthenticate"), {"password": PASSWORD, "next": "https://elak.example.com/"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_the_show_control_sends_htmx_to_the_confirmation_and_back_to_the_participant(world: Any) -> None:
    """The control loads the number into the page by htmx: an old sign-in gets the whole confirmation page
    (HX-Redirect), which leads back to the participant's page the user was on."""
    client = signed_in_long_ago(world.users[Role.PARTICIPANT_COORDINATOR])
    page = "http://testserver" + detail_url(world)

    response = client.get(identity_url(world), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=page)

    assert response.status_code == 204
    assert next_of(response["HX-Redirect"]) == page
    assert identity_reads() == 0


def test_the_scanned_consent_form_needs_a_recent_password_too(world: Any) -> None:
    client = signed_in_long_ago(world.users[Role.PARTICIPANT_COORDINATOR])
    url = reverse("followup:consent_form", args=[followup_sample(world.own).participant.pk])

    response = client.get(url)

    assert response.status_code == 302 and next_of(response["Location"]) == url
    assert not AuditEntry.objects.filter(action="participant.consent_form.read").exists()


def test_a_refusal_stays_a_refusal_before_any_confirmation(world: Any) -> None:
    client = signed_in_long_ago(world.users[Role.ASSOCIATION_ADMIN])
    assert client.get(identity_url(world)).status_code == 403


def test_changing_roles_in_the_admin_needs_a_recent_password(world: Any) -> None:
    client = signed_in_long_ago(world.users[Role.NATIONAL_ADMIN])
    newcomer = make_user("ny-revisor")
    add = reverse("admin:accounts_roleassignment_add")

    response = client.post(add, {"user": newcomer.pk, "role": Role.AUDITOR, "association": world.own.pk})

    assert response.status_code == 302 and next_of(response["Location"]) == add
    assert not RoleAssignment.objects.filter(user=newcomer).exists()
    assignment = RoleAssignment.objects.get(user=world.users[Role.AUDITOR])
    delete = reverse("admin:accounts_roleassignment_delete", args=[assignment.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    user_page = reverse("admin:auth_user_change", args=[newcomer.pk])
    assert next_of(client.get(user_page)["Location"]) == user_page

    client.post(reverse("reauthenticate"), {"password": PASSWORD, "next": add})
    response = client.post(add, {"user": newcomer.pk, "role": Role.AUDITOR, "association": world.own.pk})
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=newcomer, role=Role.AUDITOR).exists()


def test_the_confirmation_page_needs_a_sign_in() -> None:
    response = Client().get(reverse("reauthenticate"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
