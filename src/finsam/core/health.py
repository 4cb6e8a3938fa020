"""The health of a running installation, for a load balancer and for monitoring: the database answers,
and a task worker has shown a sign of life lately. Nothing personal, no sign-in, no audit entry."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import DatabaseError, connection
from django.utils import timezone

from finsam.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# A worker beats this often; one that has not beaten for three beats is taken for stopped.
HEARTBEAT_SECONDS = 30
STALE_AFTER = timedelta(seconds=3 * HEARTBEAT_SECONDS)
# Rows of workers that stopped are removed when another beats, after a day.
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Health:
    database: bool
    worker: bool


def heartbeat_record(*, worker_id: str) -> None:
    """A worker's sign of life (not audited: it is no one's action and would only fill the log)."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id[:64], defaults={"beat_at": now})
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()


def health_get() -> Health:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        worker = WorkerHeartbeat.objects.filter(beat_at__gte=timezone.now() - STALE_AFTER).exists()
    except DatabaseError as exc:
        logger.error("Health check: the database does not answer (%s)", type(exc).__name__)
        return Health(database=False, worker=False)
    return Health(database=True, worker=worker)
