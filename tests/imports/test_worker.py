"""A real `finsam worker` process on the database queue, killed half-way through a large import: nothing of
that import is stored, the run is shown as failed once its lease has run out, and a new import goes through.

The worker sees the test's database (a file on SQLite, the test database on PostgreSQL), so this test runs
in real transactions. The lease is short so that the test need not wait long for it to run out.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from finsam.core.models import AuditEntry
from finsam.followup.models import Participant
from finsam.imports import services as import_services
from finsam.imports.models import ImportRun, ImportStatus
from tests.committed import audit_guard
from tests.imports.test_import import anonymous, assert_nothing_written, csv_bytes, exited, number, row

LEASE_SECONDS = 2
LARGE = 60_000  # rows: some seconds of validating, and some of writing, where the kill lands
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


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


def _database_url() -> str:
    """The address of the test's database, for the worker process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    credentials = quote(db["USER"] or "", safe="") + (
        ":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else ""
    )
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}{port}/{db['NAME']}"


def _worker(log: Path, *args: str) -> subprocess.Popen[bytes]:
    """`finsam worker` with the production settings (the database queue), on the test's database and data
    directory (where the uploaded files lie), with the short lease."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {
            "FINSAM_TESTING": "1",
            "FINSAM_TEST_DATABASE_URL": _database_url(),
            "FINSAM_DATA_DIR": str(settings.DATA_DIR),
            "FINSAM_IMPORT_LEASE_SECONDS": str(LEASE_SECONDS),
            "FINSAM_LOG_LEVEL": "WARNING",
        }
    )
    command = [
        sys.executable,
        "-m",
        "finsam",
        "worker",
        "--interval",
        "0.1",
        "--no-startup-delay",
        "--no-reload",
    ]
    with log.open("ab") as out:
        return subprocess.Popen(command + list(args), env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def _wait_for(
    condition: Callable[[], bool], *, seconds: float, what: str, log: Path, worker: Any = None
) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"the worker stopped before {what}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {seconds} s; the worker said:\n{log.read_text()}")
        time.sleep(0.05)


def _upload(client: Any, association: Any, data: bytes) -> ImportRun:
    url = reverse("imports:import_upload", args=[association.pk])
    response = client.post(url, {"file": SimpleUploadedFile("deltagare.csv", data)})
    assert response.status_code == 302, response.content.decode()
    return ImportRun.objects.latest("pk")


def test_a_worker_killed_half_way_through_an_import_leaves_nothing_and_a_new_import_succeeds(
    committed: None, fu: Any, settings: Any, tmp_path: Path
) -> None:
    settings.TASKS = DATABASE_QUEUE
    log = tmp_path / "worker.log"
    client = fu.world.client(fu.coordinator)
    run = _upload(client, fu.world.own, csv_bytes(anonymous(fu.x.pk) for _ in range(LARGE)))
    assert [task.args_kwargs["args"] for task in DBTaskResult.objects.filter(status="READY")] == [[run.pk]]

    worker = _worker(log)
    try:
        leases: list[bool] = []

        def writing() -> bool:
            run.refresh_from_db()
            if run.status == ImportStatus.VALIDATING:
                leases.append(run.lease_expires > timezone.now())
            return run.status == ImportStatus.WRITING

        _wait_for(writing, seconds=120, what="the write pass", log=log, worker=worker)
        time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

    run.refresh_from_db()
    assert run.status == ImportStatus.WRITING, "the kill came too late: make the file larger"
    assert leases and all(leases), "the worker let its lease run out while it validated"
    assert_nothing_written()
    _wait_for(lambda: run.lease_expires < timezone.now(), seconds=LEASE_SECONDS + 5, what="expiry", log=log)
    page = client.get(reverse("imports:import_run", args=[run.pk])).content.decode()

    assert "Inläsningen avbröts innan den var klar; ingenting har sparats." in page
    run.refresh_from_db()
    assert (run.status, run.stored_name) == (ImportStatus.FAILED, "")
    assert list(import_services.upload_dir().iterdir()) == []
    assert AuditEntry.objects.filter(action="import_run.expire", object_id=str(run.pk)).count() == 1
    assert_nothing_written()

    again = _upload(
        client, fu.world.own, csv_bytes([row(fu.x.pk), exited(fu.x.pk, personnummer=number(102))])
    )
    assert again.status == ImportStatus.QUEUED
    batch = _worker(log, "--batch")
    assert batch.wait(timeout=60) == 0, log.read_text()

    again.refresh_from_db()
    assert (again.status, again.counts["participants"]) == (ImportStatus.DONE, 2), again.message
    assert Participant.objects.count() == 2
    assert AuditEntry.objects.filter(action="participant.import").count() == 1
