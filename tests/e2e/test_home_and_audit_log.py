"""The home page of each role and the audit log, with their lists filled, pass axe in Swedish and English,
and the audit log's filter is used with the keyboard alone (issue 13, points 3 and 9)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from finsam.core import audit
from finsam.core.roles import Role
from finsam.governance.audit_actions import AuditAction as GovernanceAction
from finsam.imports.models import ImportRun
from finsam.registry.audit_actions import AuditAction as RegistryAction
from tests.e2e import axe
from tests.factories import followup_sample, make_budget, make_consultation, make_populations
from tests.national.helpdesk_samples import ask

pytestmark = pytest.mark.e2e

ROLES = [
    Role.ASSOCIATION_ADMIN,
    Role.NATIONAL_ADMIN,
    Role.PARTICIPANT_COORDINATOR,
    Role.BOARD_MEMBER,
    Role.AUDITOR,
    Role.MEMBER_REPRESENTATIVE,
]


def _fill(world: Any) -> None:
    today = timezone.localdate()
    followup_sample(world.own)
    make_populations(world.own, today.year - 2)
    make_budget(world.own, year=today.year)
    make_populations(world.own, today.year - 1)
    make_budget(world.own, year=today.year + 1)
    meeting = make_consultation([world.own], day=today + timedelta(days=10), title="Vårens medlemssamråd")
    ask(world.own, title="Hur räknas medlemsavgiften?")
    ImportRun.objects.create(association=world.own, status="refused", error_count=3)
    admin = world.users[Role.ASSOCIATION_ADMIN]
    audit.record(
        actor=admin, action=GovernanceAction.MEETING_UPDATE, target=meeting, association_id=world.own.pk
    )
    for _ in range(3):
        audit.record(
            actor=admin,
            action=RegistryAction.ASSOCIATION_UPDATE,
            target=world.own,
            association_id=world.own.pk,
        )


def _switch_to_english(ui: Any) -> None:
    ui.follow(ui.page.get_by_role("button", name="English"))
    assert ui.page.get_attribute("html", "lang") == "en"


def test_each_role_s_home_page_and_the_audit_log_pass_axe_in_swedish_and_english(ui: Any, world: Any) -> None:
    _fill(world)
    problems: list[str] = []
    for role in ROLES:
        ui.login_as(world.users[role])
        pages = [reverse("home")]
        if role in (Role.ASSOCIATION_ADMIN, Role.NATIONAL_ADMIN, Role.AUDITOR):
            pages += [reverse("audit_log"), reverse("audit_log") + "?date_from=12+mars"]
        for path in pages:
            ui.goto(path)
            problems += axe.describe(axe.blocking(ui.page), f"{path} as {role} (sv)")
        _switch_to_english(ui)
        for path in pages:
            ui.goto(path)
            problems += axe.describe(axe.blocking(ui.page), f"{path} as {role} (en)")
        ui.follow(ui.page.get_by_role("button", name="Svenska"))
        ui.logout()
    assert not problems, "\n".join(problems)


def test_the_audit_log_is_filtered_with_the_keyboard_alone(ui: Any, world: Any) -> None:
    _fill(world)
    ui.login_as(world.users[Role.AUDITOR])
    ui.goto(reverse("audit_log"))
    ui.page.focus("#id_person")
    # Through the fields to the button by Tab, choosing the event with the arrow keys on the way.
    for _ in range(10):
        ui.page.keyboard.press("Tab")
        if ui.page.evaluate("document.activeElement.id") == "id_action":
            break
    assert ui.page.evaluate("document.activeElement.id") == "id_action"
    for _ in range(200):  # a closed select steps through its options with the arrow keys
        if ui.page.evaluate("document.activeElement.value") == "meeting.update":
            break
        ui.page.keyboard.press("ArrowDown")
    assert ui.page.evaluate("document.activeElement.value") == "meeting.update"
    for _ in range(10):
        ui.page.keyboard.press("Tab")
        if ui.page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
    with ui.page.expect_navigation():
        ui.page.keyboard.press("Enter")
    assert "action=meeting.update" in ui.page.url
    rows = ui.page.locator("table tbody tr")
    assert rows.count() == 1
    assert "ändrade medlemssamrådet" in rows.first.inner_text()
