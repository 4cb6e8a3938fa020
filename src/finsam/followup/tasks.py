"""Background work of the follow-up app, through django.tasks. A task is one more interface: it calls the
service. `finsam purge-identities --enqueue`, run daily by a timer, queues `purge_identities` for the
worker; it removes only identities whose retention time has passed, so running it more often does no harm.
(The participant import's task is `imports.tasks.run_import`.)"""

from __future__ import annotations

from datetime import date

from django.tasks import task
from django.utils import timezone

from finsam.core.access import SYSTEM
from finsam.followup import services


@task()
def purge_identities(today: str | None = None) -> dict[str, int]:
    """The identities past their retention time on `today` (ISO date; today when left out)."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return {"removed": services.participant_identities_purge(actor=SYSTEM, today=day)}
