"""Showing a participant's personnummer with the keyboard: the number appears beside the control, is
announced, and the focus stays on the control; after an old sign-in, the password is confirmed first."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from finsam.core import reauth
from finsam.core.roles import Role
from tests.factories import PASSWORD, make_intervention, make_participant, valid_identity_number

pytestmark = pytest.mark.e2e


def test_the_focus_stays_on_show_personnummer_after_use(ui: Any, world: Any) -> None:
    coordinator = world.users[Role.PARTICIPANT_COORDINATOR]
    intervention = make_intervention(world.own, name="Fokusinsatsen", coordinators=[coordinator])
    number = valid_identity_number(date(1985, 3, 15))
    participant = make_participant(intervention, number=number)

    ui.login_as(coordinator)
    ui.goto(reverse("followup:participant_detail", args=[participant.pk]))
    control = ui.page.get_by_role("link", name="Visa personnummer")
    control.focus()
    ui.page.keyboard.press("Enter")
    value = ui.page.locator("#identity-value")
    value.get_by_text(number).wait_for()
    assert value.get_attribute("aria-live") == "polite"
    focused = ui.page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Visa personnummer", f"the focus moved to {focused!r}"
    assert ui.page.url.endswith(reverse("followup:participant_detail", args=[participant.pk]))


def test_an_old_sign_in_confirms_the_password_and_comes_back_to_show_the_number(ui: Any, world: Any) -> None:
    """Signed in longer ago than the allowed minutes: the control leads to the confirmation page (the whole
    page, not into the control's slot), and the password leads back to the participant, where the control
    now shows the number."""
    coordinator = world.users[Role.PARTICIPANT_COORDINATOR]
    intervention = make_intervention(world.own, name="Bekräftelseinsatsen", coordinators=[coordinator])
    number = valid_identity_number(date(1979, 11, 2))
    participant = make_participant(intervention, number=number)
    detail = reverse("followup:participant_detail", args=[participant.pk])

    ui.login_as(coordinator)
    [cookie] = [c for c in ui.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session = SessionStore(session_key=cookie["value"])
    session[reauth.SESSION_KEY] = int(time.time()) - 16 * 60
    session.save()

    ui.goto(detail)
    ui.page.get_by_role("link", name="Visa personnummer").click()
    ui.page.get_by_role("heading", name="Bekräfta ditt lösenord").wait_for()
    assert number not in ui.page.content()
    ui.page.get_by_label("Lösenord").fill(PASSWORD)
    ui.page.get_by_role("button", name="Bekräfta").click()
    ui.page.get_by_role("link", name="Visa personnummer").wait_for()
    assert ui.page.url.endswith(detail)

    ui.page.get_by_role("link", name="Visa personnummer").click()
    ui.page.locator("#identity-value").get_by_text(number).wait_for()
