"""Background work of governance, through django.tasks. A task is one more interface: it calls the
service. Schedule `send_reminders` (or the `finsam send-reminders` command) once a day; running it more
often does no harm, since each reminder is claimed before it is sent."""

from __future__ import annotations

from django.tasks import task

from finsam.core.access import SYSTEM
from finsam.governance import services


@task()
def send_reminders() -> dict[str, int]:
    run = services.reminders_send(actor=SYSTEM)
    return {"sent": run.sent, "already": run.already, "failed": run.failed}
