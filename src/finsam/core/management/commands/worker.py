"""`finsam worker`: django-tasks-db's worker (`db_worker`, whose options all pass through), which also
writes a heartbeat every HEARTBEAT_SECONDS from a thread of its own, so that /health/ can tell whether a
worker runs, even while it works through a long import. The same thread seals the audit log's new entries
into the chain (core.audit_chain) at each beat, so the chain is never more than a beat behind. It refuses to
start with keys that cannot read the stored data (core.checks)."""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any

from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from finsam.core import audit_chain
from finsam.core.checks import startup_check
from finsam.core.health import HEARTBEAT_SECONDS, heartbeat_record

logger = logging.getLogger(__name__)


def _beat(worker_id: str, stop: threading.Event) -> None:
    """Beats until `stop`. A beat that fails is logged and the next one tried: the heartbeat must never
    stop the worker, only tell that it runs."""
    try:
        while True:
            try:
                heartbeat_record(worker_id=worker_id)
            except Exception as exc:  # any failure: the next beat tries again
                logger.warning("Worker heartbeat not written: %s", type(exc).__name__)
            try:
                audit_chain.seal()
            except Exception as exc:  # the next beat tries again
                logger.warning("Audit log not sealed: %s", type(exc).__name__)
            if stop.wait(HEARTBEAT_SECONDS):
                return
    finally:
        with contextlib.suppress(Exception):
            connection.close()


class Command(DBWorkerCommand):
    help = "Kör bakgrundsarbetet ur kön och skriver livstecken för hälsokontrollen."

    def handle(self, *args: Any, **options: Any) -> None:
        startup_check()
        stop = threading.Event()
        worker_id = options["worker_id"]
        beat = threading.Thread(target=_beat, args=(worker_id, stop), name="heartbeat", daemon=True)
        beat.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            beat.join(timeout=5)
