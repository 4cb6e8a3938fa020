"""Background work of the conferences, through django.tasks: the mail to someone who got a place from
the waiting list, and the daily reminders (`finsam send-conference-reminders --enqueue`)."""

from __future__ import annotations

from datetime import date

from django.tasks import task

from finsam.core.access import SYSTEM
from finsam.national.conferences import services


@task()
def promoted_mail(registration_id: int) -> None:
    """Tells a user that they got a place (the registration's id; nothing if it is gone or cancelled)."""
    services.promoted_mail_send(registration_id=registration_id)


@task()
def cancelled_mail(conference_id: int) -> int:
    """Tells those registered that the conference is cancelled."""
    return services.cancelled_mail_send(conference_id=conference_id)


@task()
def send_reminders(day: str | None = None) -> dict[str, int]:
    """The conference reminders due on `day` (ISO date; today when left out)."""
    run = services.reminders_send(actor=SYSTEM, day=date.fromisoformat(day) if day else None)
    return {"sent": run.sent, "failed": run.failed}
