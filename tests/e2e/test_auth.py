"""Signing in and out, and choosing a new password through the link sent by e-mail, in the browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from finsam.core.roles import Role
from tests.e2e import axe
from tests.factories import PASSWORD, give_totp, totp_now

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Nytt-långt-lösenord-2026"


def _sign_in(ui: Any, username: str, password: str) -> None:
    ui.goto(reverse("login"))
    ui.page.get_by_label("Användarnamn").fill(username)
    ui.page.get_by_label("Lösenord").fill(password)
    ui.follow(ui.page.get_by_role("button", name="Logga in"))


def _give_code(ui: Any) -> None:
    """The second step for a role that needs it (tests/e2e/test_second_factor.py tests it on its own)."""
    assert ui.page.url.startswith(ui.url(reverse("second_factor_verify")))
    ui.page.get_by_label("Kod").fill(totp_now())
    ui.follow(ui.page.get_by_role("button", name="Fortsätt"))


def test_a_forgotten_password_is_replaced_through_the_link_in_the_email(ui: Any, world: Any) -> None:
    user = world.users[Role.ASSOCIATION_ADMIN]
    ui.goto(reverse("login"))
    ui.follow(ui.page.get_by_role("link", name="Glömt lösenordet?"))
    ui.page.locator("#id_email").fill(user.email)
    ui.follow(ui.page.get_by_role("button", name="Skicka länk"))
    assert ui.page.get_by_role("heading", level=1).inner_text() == "Kontrollera din e-post"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Återställ ditt lösenord till Finsam"
    links = re.findall(r"https?://\S+", message.body)
    assert len(links) == 1 and links[0].startswith(ui.base_url), message.body

    ui.page.goto(links[0])
    assert ui.page.get_by_role("heading", level=1).inner_text() == "Välj nytt lösenord"
    found = axe.blocking(ui.page)
    assert not found, "\n".join(axe.describe(found, "set-password form"))
    ui.page.locator("#id_new_password1").fill(NEW_PASSWORD)
    ui.page.locator("#id_new_password2").fill(NEW_PASSWORD)
    ui.follow(ui.page.get_by_role("button", name="Spara lösenord"))
    assert ui.page.get_by_role("heading", level=1).inner_text() == "Lösenordet är bytt"

    ui.page.goto(links[0])
    assert "Länken är ogiltig eller redan använd" in ui.page.inner_text("main"), "the link works twice"

    _sign_in(ui, user.username, PASSWORD)
    assert ui.page.url.startswith(ui.url(reverse("login"))), "the old password still works"
    give_totp(user)
    _sign_in(ui, user.username, NEW_PASSWORD)
    _give_code(ui)
    assert ui.page.url == ui.url(reverse("home"))


def test_a_mistyped_new_password_is_shown_on_the_field_accessibly(ui: Any, world: Any) -> None:
    user = world.users[Role.BOARD_MEMBER]
    ui.goto(reverse("password_reset"))
    ui.page.locator("#id_email").fill(user.email)
    ui.follow(ui.page.get_by_role("button", name="Skicka länk"))
    link = re.findall(r"https?://\S+", mail.outbox[0].body)[0]
    ui.page.goto(link)
    ui.page.locator("#id_new_password1").fill(NEW_PASSWORD)
    ui.page.locator("#id_new_password2").fill(NEW_PASSWORD + "x")
    ui.follow(ui.page.get_by_role("button", name="Spara lösenord"))
    field = ui.page.locator("#id_new_password2")
    assert field.get_attribute("aria-invalid") == "true"
    error = ui.page.locator("#" + field.get_attribute("aria-describedby"))
    assert "stämmer inte" in error.inner_text() or "matchar inte" in error.inner_text(), error.inner_text()
    assert ui.page.get_by_role("alert").count() == 1
    found = axe.blocking(ui.page)
    assert not found, "\n".join(axe.describe(found, "set-password form with errors"))


def test_a_wrong_password_is_refused_with_an_accessible_message(ui: Any, world: Any) -> None:
    user = world.users[Role.NATIONAL_ADMIN]
    _sign_in(ui, user.username, "fel-lösenord")
    assert ui.page.url.startswith(ui.url(reverse("login")))
    assert ui.page.get_by_role("alert").inner_text() == "Fel användarnamn eller lösenord. Försök igen."
    assert ui.page.get_by_label("Användarnamn").input_value() == user.username
    found = axe.blocking(ui.page)
    assert not found, "\n".join(axe.describe(found, "login with error"))


def test_signing_in_leads_back_to_the_page_asked_for_and_signing_out_ends_the_session(
    ui: Any, world: Any
) -> None:
    user = world.users[Role.NATIONAL_ADMIN]
    give_totp(user)
    wanted = reverse("audit_log")
    ui.goto(wanted)
    assert ui.page.url.startswith(ui.url(reverse("login")))
    ui.page.get_by_label("Användarnamn").fill(user.username)
    ui.page.get_by_label("Lösenord").fill(PASSWORD)
    ui.follow(ui.page.get_by_role("button", name="Logga in"))
    _give_code(ui)
    assert ui.page.url == ui.url(wanted)

    ui.follow(ui.page.get_by_role("button", name="Logga ut"))
    assert ui.page.url == ui.url(reverse("login"))
    ui.goto(wanted)
    assert ui.page.url.startswith(ui.url(reverse("login"))), "the session survived signing out"
