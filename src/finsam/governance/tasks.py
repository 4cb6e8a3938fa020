"""Background work of governance, through django.tasks. A task is one more interface: it calls the
service. `finsam send-reminders --enqueue`, run daily by a timer, queues `send_reminders` for the worker;
running it more often does no harm, since each reminder is claimed before it is sent."""

from __future__ import annotations

import logging
from datetime import date

from django.tasks import task

from finsam.core.access import SYSTEM
from finsam.governance import services

logger = logging.getLogger(__name__)


@task()
def send_reminders(day: str | None = None) -> dict[str, int]:
    """The reminders due on `day` (ISO date; today when left out)."""
    run = services.reminders_send(actor=SYSTEM, day=date.fromisoformat(day) if day else None)
    if run.failed:
        logger.error("%s reminders could not be sent; they are tried again on the next run", run.failed)
    return {"sent": run.sent, "already": run.already, "failed": run.failed}
