"""Showing a participant's personnummer with the keyboard: the number appears beside the control, is
announced, and the focus stays on the control."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from finsam.core.roles import Role
from tests.factories import make_intervention, make_participant, valid_identity_number

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
