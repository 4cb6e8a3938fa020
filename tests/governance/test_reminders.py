"""The daily reminders: e-mails to the responsible roles before and after each due date, each sent once,
also when a run is repeated, overlaps another or fails half-way."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from finsam.core.access import SYSTEM
from finsam.core.models import AuditEntry
from finsam.governance import selectors, services
from finsam.governance.models import ReminderSent
from tests.factories import make_document

pytestmark = pytest.mark.django_db

YEAR = date.today().year  # noqa: DTZ011
WEEK_BEFORE = date(YEAR, 3, 24)  # seven days before the annual report and the national report fall due


def recipients() -> set[tuple[str, str]]:
    return {
        (message.to[0], message.subject.split(":")[1].split(" senast")[0].strip()) for message in mail.outbox
    }


def test_a_week_before_the_due_date_the_responsible_roles_are_reminded(world: Any) -> None:
    run = services.reminders_send(day=WEEK_BEFORE)
    annual = f"Årsredovisning och verksamhetsberättelse {YEAR - 1} till medlemmarna"
    national = f"Nationell uppföljningsrapport {YEAR - 1}"
    expected = set()
    for prefix in ("own", "other"):
        expected |= {
            (f"{prefix}-association_admin@example.org", annual),
            (f"{prefix}-board_member@example.org", annual),
            (f"{prefix}-association_admin@example.org", national),
        }
    assert recipients() == expected
    assert run.sent == 6
    own_admin = next(
        m for m in mail.outbox if m.to == ["own-association_admin@example.org"] and annual in m.subject
    )
    assert own_admin.subject == f"Påminnelse: {annual} senast {YEAR}-03-31 – {world.own.name}"
    assert selectors.cycle_url(world.own.pk, YEAR) in own_admin.body
    assert set(ReminderSent.objects.values_list("offset", flat=True)) == {-7}
    assert ReminderSent.objects.filter(sent__isnull=True).count() == 0
    assert AuditEntry.objects.filter(action="reminder.sent").count() == 6


def test_a_second_run_the_same_day_sends_nothing(world: Any) -> None:
    services.reminders_send(day=WEEK_BEFORE)
    mail.outbox.clear()
    run = services.reminders_send(day=WEEK_BEFORE)
    assert mail.outbox == []
    assert (run.sent, run.already) == (0, 6)
    assert ReminderSent.objects.count() == 6


def test_a_reminder_claimed_by_another_run_is_not_sent_again(world: Any) -> None:
    """Another worker claimed one reminder (and may be sending it right now): this run leaves it."""
    ReminderSent.objects.create(
        association=world.own, obligation="national_report", year=YEAR, offset=-7,
        recipient=world.users["association_admin"],
    )  # fmt: skip
    run = services.reminders_send(day=WEEK_BEFORE)
    assert (run.sent, run.already) == (5, 1)
    assert not any(
        m.to == ["own-association_admin@example.org"] and "Nationell" in m.subject for m in mail.outbox
    )


def test_claiming_twice_gives_the_reminder_to_the_first_claim_only(world: Any) -> None:
    [item] = [
        d
        for d in selectors.reminders_due(day=WEEK_BEFORE, before=[30, 7], after=[1, 14])
        if d.association == world.own and d.obligation == "national_report"
    ]
    [recipient] = item.recipients
    assert services._claim(item, recipient) is not None
    assert services._claim(item, recipient) is None


def test_an_obligation_that_is_done_is_not_reminded(world: Any) -> None:
    for kind in ("annual_report", "activity_report"):
        make_document(world.own, kind=kind, year=YEAR - 1, delivered_on=date(YEAR - 1, 12, 20))
    services.reminders_send(day=WEEK_BEFORE)
    assert not any("Årsredovisning" in m.subject and world.own.name in m.subject for m in mail.outbox)
    assert any("Årsredovisning" in m.subject and world.other.name in m.subject for m in mail.outbox)


def test_after_the_due_date_the_reminder_says_it_is_late(world: Any) -> None:
    services.reminders_send(day=date(YEAR, 4, 1))
    late = f"Nationell uppföljningsrapport {YEAR - 1} skulle vara klart {YEAR}-03-31"
    assert f"Försenat: {late} – {world.own.name}" in {m.subject for m in mail.outbox}
    offsets = dict(ReminderSent.objects.values_list("obligation", "offset").distinct())
    # The annual and national reports are a day late; the audit report falls due in 30 days.
    assert offsets == {"annual_report": 1, "national_report": 1, "audit_report": -30}


def test_the_offsets_come_from_the_settings(world: Any, settings: Any) -> None:
    settings.REMINDER_DAYS_BEFORE = [3]
    assert services.reminders_send(day=WEEK_BEFORE).sent == 0
    assert services.reminders_send(day=date(YEAR, 3, 28)).sent == 6
    assert set(ReminderSent.objects.values_list("offset", flat=True)) == {-3}


def test_a_message_the_backend_refuses_gives_its_claim_back_for_the_next_run(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Any, *args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    run = services.reminders_send(day=WEEK_BEFORE)
    assert (run.sent, run.failed) == (0, 6)
    assert ReminderSent.objects.count() == 0
    monkeypatch.undo()
    assert services.reminders_send(day=WEEK_BEFORE).sent == 6


def test_only_the_system_sends_reminders(world: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.reminders_send(actor=world.users["association_admin"], day=WEEK_BEFORE)


def test_the_command_sends_once_and_reports_what_it_did(world: Any) -> None:
    out = io.StringIO()
    call_command("send_reminders", "--date", WEEK_BEFORE.isoformat(), stdout=out)
    assert out.getvalue() == "Påminnelser: 6 skickade, 0 redan skickade, 0 misslyckade.\n"
    out = io.StringIO()
    call_command("send_reminders", "--date", WEEK_BEFORE.isoformat(), stdout=out)
    assert "0 skickade, 6 redan skickade" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "31 mars")


def test_the_daily_task_runs_the_reminders(world: Any) -> None:
    from finsam.governance.tasks import send_reminders

    result = send_reminders.call()
    assert set(result) == {"sent", "already", "failed"}
    assert result["sent"] == len(mail.outbox)
    assert SYSTEM.get_username() == "system"


def test_the_timer_queues_the_reminders_for_the_worker(world: Any, settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from finsam.governance.tasks import send_reminders

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    out = io.StringIO()
    call_command("send_reminders", "--enqueue", "--date", WEEK_BEFORE.isoformat(), stdout=out)

    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.args_kwargs["args"], queued.status) == (
        "finsam.governance.tasks.send_reminders",
        [WEEK_BEFORE.isoformat()],
        "READY",
    )
    assert str(queued.id) in out.getvalue()
    assert mail.outbox == []  # sent by the worker, when it runs the task
    assert send_reminders.call(*queued.args_kwargs["args"])["sent"] == 6 == len(mail.outbox)
