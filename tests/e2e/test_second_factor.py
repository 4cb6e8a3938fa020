"""Signing in with a second factor in the browser: the password, then the code of the TOTP app typed in;
the first time, the app set up from the page (QR code and key) and the recovery codes shown."""

from __future__ import annotations

import time
from binascii import hexlify
from typing import Any

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from finsam.core.roles import Role
from tests.e2e import axe
from tests.factories import PASSWORD, give_totp, totp_now

pytestmark = pytest.mark.e2e


def _password(ui: Any, username: str) -> None:
    ui.page.get_by_label("Användarnamn").fill(username)
    ui.page.get_by_label("Lösenord").fill(PASSWORD)
    ui.follow(ui.page.get_by_role("button", name="Logga in"))


def _no_blocking(ui: Any, where: str) -> None:
    found = axe.blocking(ui.page)
    assert not found, "\n".join(axe.describe(found, where))


def test_a_coordinator_signs_in_with_password_and_the_code_from_the_app(ui: Any, world: Any) -> None:
    user = world.users[Role.PARTICIPANT_COORDINATOR]
    give_totp(user)
    wanted = reverse("statistics:statistics_association", args=[world.own.pk])
    ui.goto(wanted)
    _password(ui, user.username)
    assert ui.page.url.startswith(ui.url(reverse("second_factor_verify")))
    assert ui.page.get_by_role("heading", level=1).inner_text() == "Tvåstegsverifiering"
    _no_blocking(ui, "second factor")

    ui.page.get_by_label("Kod").fill("000000" if totp_now() != "000000" else "111111")
    ui.follow(ui.page.get_by_role("button", name="Fortsätt"))
    field = ui.page.get_by_label("Kod")
    assert field.get_attribute("aria-invalid") == "true"
    assert "Koden stämmer inte" in ui.page.locator("main").inner_text()
    _no_blocking(ui, "second factor with a wrong code")

    time.sleep(1.1)  # the pause after one wrong code
    ui.page.get_by_label("Kod").fill(totp_now())
    ui.follow(ui.page.get_by_role("button", name="Fortsätt"))
    assert ui.page.url == ui.url(wanted)


def test_a_director_without_an_app_sets_one_up_and_is_shown_the_recovery_codes(ui: Any, world: Any) -> None:
    user = world.users[Role.ASSOCIATION_ADMIN]
    ui.goto(reverse("login"))
    _password(ui, user.username)
    assert ui.page.url == ui.url(reverse("second_factor_setup"))
    assert ui.page.get_by_role("heading", level=1).inner_text() == "Ställ in tvåstegsverifiering"
    assert ui.page.get_by_role("img", name="QR-kod för appen för tvåstegsverifiering").is_visible()
    _no_blocking(ui, "second factor setup")

    secret = ui.page.locator("code.secret").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert hexlify(__import__("base64").b32decode(secret)).decode() == device.key
    ui.page.get_by_label("Kod från appen").fill(totp_now(device.key))
    ui.follow(ui.page.get_by_role("button", name="Koppla appen"))

    assert ui.page.get_by_role("heading", level=1).inner_text() == "Dina reservkoder"
    assert ui.page.locator(".recovery-codes li").count() == 10
    _no_blocking(ui, "recovery codes")
    ui.follow(ui.page.get_by_role("link", name="Jag har sparat koderna"))
    assert ui.page.url == ui.url(reverse("home"))
