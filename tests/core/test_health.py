"""The health check for the load balancer: /health/ answers whether the database answers and whether a
worker beat lately, without sign-in, without personal data and without an audit entry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from finsam.core.health import STALE_AFTER, heartbeat_record
from finsam.core.models import AuditEntry, WorkerHeartbeat
from tests.committed import audit_guard
from tests.imports.test_worker import DATABASE_QUEUE, _worker

URL = "/health/"


@pytest.mark.django_db
def test_without_a_worker_the_check_passes_but_says_the_worker_is_stale() -> None:
    before = AuditEntry.objects.count()
    response = Client().get(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "database", "worker", "version"}
    assert (body["status"], body["database"], body["worker"]) == ("ok", "ok", "stale")
    assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies
    assert AuditEntry.objects.count() == before
    # Monitoring asks for the worker too.
    assert Client().get(URL, {"worker": "1"}).status_code == 503


@pytest.mark.django_db
def test_a_worker_that_beat_lately_is_ok_and_one_that_stopped_is_not() -> None:
    heartbeat_record(worker_id="host-1234")
    assert Client().get(URL, {"worker": "1"}).json()["worker"] == "ok"
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - STALE_AFTER - timedelta(seconds=1))
    response = Client().get(URL, {"worker": "1"})
    assert (response.status_code, response.json()["worker"]) == (503, "stale")


@pytest.mark.django_db
def test_a_database_that_does_not_answer_makes_the_check_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    class Down:
        def cursor(self) -> Any:
            raise OperationalError("could not connect to server")

    monkeypatch.setattr("finsam.core.health.connection", Down())
    response = Client().get(URL)
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.fixture(scope="module", autouse=True)
def _audit_guard_back(django_db_blocker: Any) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        audit_guard(install=True)


@pytest.fixture
def committed(transactional_db: None, django_db_serialized_rollback: None) -> Iterator[None]:
    audit_guard(install=True)
    yield
    audit_guard(install=False)


def test_finsam_worker_writes_a_heartbeat(committed: None, settings: Any, tmp_path: Path) -> None:
    settings.TASKS = DATABASE_QUEUE
    log = tmp_path / "worker.log"
    assert _worker(log, "--batch", "--worker-id", "health-test").wait(timeout=60) == 0, log.read_text()
    beat = WorkerHeartbeat.objects.get(worker_id="health-test")
    assert timezone.now() - beat.beat_at < STALE_AFTER
    assert Client().get(URL, {"worker": "1"}).json()["worker"] == "ok"
