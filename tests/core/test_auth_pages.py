"""Sign-in, sign-out and password reset by e-mail, through Django's test client."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

import finsam
from finsam.core.roles import Role
from tests.factories import PASSWORD, sign_in

PACKAGE = Path(finsam.__file__).resolve().parent
NEW_PASSWORD = "Nytt-långt-lösenord-2026"


def _reset_link(body: str) -> str:
    links = re.findall(r"https?://testserver(/\S+)", body)
    assert len(links) == 1, body
    return links[0]


@pytest.mark.django_db
def test_a_password_is_reset_through_the_link_in_the_email_and_then_works(world: Any) -> None:
    user = world.users[Role.AUDITOR]
    client = Client()
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Återställ ditt lösenord till Finsam"
    assert "Välj ett nytt lösenord här" in message.body

    form_page = client.get(_reset_link(message.body), follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")

    fresh = Client()
    refused = fresh.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert refused.status_code == 200 and SESSION_KEY not in fresh.session
    signed_in = fresh.post(reverse("login"), {"username": user.username, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and signed_in.url == reverse("home")
    assert fresh.session[SESSION_KEY] == str(user.pk)


@pytest.mark.django_db
def test_the_reset_mail_is_queued_for_the_worker_without_its_token(world: Any, settings: Any) -> None:
    """The page answers without waiting for the mail server; the worker makes the link and sends it, in the
    language the request was made in."""
    from django_tasks_db.models import DBTaskResult

    from finsam.accounts.tasks import password_reset_mail

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    user = world.users[Role.AUDITOR]
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302 and mail.outbox == []

    queued = DBTaskResult.objects.get()
    assert queued.task_path == "finsam.accounts.tasks.password_reset_mail"
    assert queued.args_kwargs["kwargs"] == {
        "user_id": user.pk,
        "domain": "testserver",
        "site_name": "testserver",
        "protocol": "http",
        "language": "en",
    }
    password_reset_mail.call(**queued.args_kwargs["kwargs"])
    (message,) = mail.outbox
    assert message.to == [user.email] and message.subject == "Reset your password for Finsam"
    assert client.get(_reset_link(message.body), follow=True).context["validlink"]


@pytest.mark.django_db
def test_a_reset_link_works_only_once(world: Any) -> None:
    user = world.users[Role.BOARD_MEMBER]
    client = Client()
    client.post(reverse("password_reset"), {"email": user.email})
    link = _reset_link(mail.outbox[0].body)
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = Client().get(link, follow=True)
    assert not again.context["validlink"]
    assert "Länken är ogiltig eller redan använd" in again.text


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_and_no_mail(world: Any) -> None:
    response = Client().post(reverse("password_reset"), {"email": "ingen@example.org"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_password_pages_and_the_mail_are_finsams_not_the_admins(world: Any) -> None:
    client = Client()
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        response = client.get(reverse(name))
        origin = Path(response.templates[0].origin.name)
        assert origin.is_relative_to(PACKAGE), f"{name} is rendered from {origin}"
        assert 'class="site-header"' in response.text
    client.post(reverse("password_reset"), {"email": world.users[Role.AUDITOR].email})
    assert mail.outbox[0].body.startswith("Hej!")


@pytest.mark.django_db
def test_signing_out_takes_a_post_and_ends_the_session(world: Any) -> None:
    client = Client()
    sign_in(client, world.users[Role.NATIONAL_ADMIN])
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200, "a GET must not sign the user out"
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_a_wrong_password_is_refused_with_a_message_and_the_user_name_kept(world: Any) -> None:
    user = world.users[Role.NATIONAL_ADMIN]
    response = Client().post(reverse("login"), {"username": user.username, "password": "fel"})
    assert response.status_code == 200
    assert 'role="alert"' in response.text and "Fel användarnamn eller lösenord" in response.text
    assert f'value="{user.username}"' in response.text
