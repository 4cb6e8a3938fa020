"""Edits made beside an import, from other threads with connections of their own, go through while it
reads, checks and encrypts the file, and none of them fails. On SQLite that is the point of the import's
staging: it holds the database's one write lock only for the short transaction that stores its rows, so
that no edit fails with "database is locked" (docs/import.md, "Beside the work of others"). On
PostgreSQL the import writes as it reads in one transaction whose row locks no edit of another
intervention meets; the same test holds it to that.

On SQLite the database is the test database's file in a temporary directory (not an in-memory database,
where threads would not share it), so the test runs in real transactions."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from finsam.core.access import SYSTEM
from finsam.followup import services
from finsam.followup.models import Participant
from finsam.imports import importing
from tests.committed import audit_guard
from tests.imports.test_import import csv_file, number, row

ROWS = 3000  # identified rows: some seconds of checking and encrypting on a small machine
WRITERS = 3


@pytest.fixture
def committed(transactional_db: None, django_db_serialized_rollback: None) -> Iterator[None]:
    audit_guard(install=True)
    yield
    audit_guard(install=False)


@pytest.fixture(scope="module", autouse=True)
def _audit_guard_back(django_db_blocker: Any) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        audit_guard(install=True)


def test_edits_beside_an_import_wait_seconds_at_most_and_never_fail(
    committed: None, fu: Any, tmp_path: Path
) -> None:
    if connection.vendor == "sqlite":
        assert connection.settings_dict["NAME"] != ":memory:" and "mode=memory" not in str(
            connection.settings_dict["NAME"]
        )
    numbers = [number(serial % 1000, date(1960 + serial // 1000, 5, 17)) for serial in range(ROWS)]
    path = csv_file(tmp_path, [row(fu.x.pk, personnummer=n) for n in numbers])
    stop = threading.Event()
    errors: list[BaseException] = []
    writes: list[tuple[float, float]] = []  # (began, committed) of each edit beside the import

    def edit_beside() -> None:
        try:
            while not stop.is_set():
                began = time.monotonic()
                services.participant_register(
                    actor=SYSTEM,
                    association=fu.world.own,
                    intervention=fu.y,
                    registration="anonymous",
                    sex="woman",
                    start_year=2024,
                )
                writes.append((began, time.monotonic()))
                time.sleep(0.02)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit_beside) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    try:
        context = importing.context_for(actor=fu.coordinator, association=fu.world.own)
        time.sleep(0.1)  # the writers at work
        import_began = time.monotonic()
        loaded = importing.load(importing.ImportFile(path), actor=fu.coordinator, context=context)
        import_ended = time.monotonic()
    finally:
        stop.set()
        for thread in threads:
            thread.join()

    assert errors == []
    assert loaded.counts is not None and loaded.counts["participants"] == ROWS
    assert Participant.objects.filter(intervention=fu.x).count() == ROWS
    assert Participant.objects.filter(intervention=fu.y).count() == len(writes)
    # Begun and committed while the import ran: had the import held the write lock throughout, an edit
    # begun after it started would have waited for its end (at most one per writer could slip in between
    # the import's commit and its return).
    during = [done for began, done in writes if import_began < began and done < import_ended]
    assert len(during) >= 10, f"{len(during)} edits went through in the {import_ended - import_began:.1f} s"
    longest = max(done - began for began, done in writes)
    assert longest < import_ended - import_began, "no edit waited for the whole import"
