"""Background work of the follow-up app, through django.tasks. A task is one more interface: it calls the
service. Schedule `purge_identities` (or the `finsam purge-identities` command) once a day; it removes
only identities whose retention time has passed, so running it more often does no harm."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from finsam.core.access import SYSTEM
from finsam.followup import services


@task()
def purge_identities() -> dict[str, int]:
    return {"removed": services.participant_identities_purge(actor=SYSTEM, today=timezone.localdate())}
