"""Never log personal data: the log records of whole flows with personnummer, collected from every logger
at every level, hold no personnummer in any notation and no name of the people involved.

The flows: registering a participant on the page (and a refused registration with a bad number), reading
the personnummer on the page and in the API, searching by personnummer, registering through the API with
a number already registered, and a participant import with a valid row and a row in error. The command
line's import, backup, restore and subject report are checked the same way in tests/core/test_recovery.py
(they need committed data)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from finsam.followup.models import Participant
from tests.factories import valid_identity_number
from tests.followup.test_api import _identified, api
from tests.followup.test_pages import _enrol_data
from tests.imports.test_import import csv_bytes, row
from tests.imports.test_import_pages import _upload

pytestmark = pytest.mark.django_db

PAGE_NUMBER = valid_identity_number(date(1975, 11, 30), 333)
API_NUMBER = valid_identity_number(date(1988, 8, 8), 222)
IMPORT_NUMBER = valid_identity_number(date(1985, 3, 14), 101)
BAD_NUMBER = "19751130-3334"  # a wrong check digit


def _notations(number: str) -> set[str]:
    """19751130-3331 as people write it: with and without the century, with and without the dash."""
    digits = number.replace("-", "").replace("+", "")
    return {digits, digits[2:], f"{digits[:8]}-{digits[8:]}", f"{digits[2:8]}-{digits[8:]}"}


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG (those the settings quiet too) for the length of the test."""
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    levels = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
    caplog.set_level(logging.DEBUG)
    try:
        yield caplog
    finally:
        for logger, level, disabled in levels:
            logger.setLevel(level)
            logger.disabled = disabled


def _text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), str(record.args)]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


def test_the_logs_of_whole_flows_hold_no_personnummer_and_no_name(
    fu: Any, all_logs: pytest.LogCaptureFixture
) -> None:
    coordinator = fu.world.client(fu.coordinator)
    register = reverse("followup:participant_register", args=[fu.world.own.pk])
    assert coordinator.post(register, _enrol_data(fu, identity_number=PAGE_NUMBER)).status_code == 302
    assert coordinator.post(register, _enrol_data(fu, identity_number=BAD_NUMBER)).status_code == 400
    participant = Participant.objects.get()
    identity = coordinator.get(reverse("followup:participant_identity", args=[participant.pk]))
    assert identity.status_code == 200

    client = api(fu.coordinator)
    created = client.post(f"/associations/{fu.world.own.pk}/participants", _identified(fu))
    assert created.status_code == 201
    again = client.post(f"/associations/{fu.world.own.pk}/participants", _identified(fu))
    assert again.status_code == 400
    assert client.get(f"/participants/{created.json()['id']}").json()["identity_number"] == API_NUMBER
    found = client.post(
        f"/associations/{fu.world.own.pk}/participants/search", {"identity_number": PAGE_NUMBER}
    )
    assert found.status_code == 200

    upload = reverse("imports:import_upload", args=[fu.world.own.pk])
    data = csv_bytes([row(fu.x.pk, personnummer=IMPORT_NUMBER), row(fu.x.pk, personnummer=BAD_NUMBER)])
    assert _upload(coordinator, upload, data).status_code == 302
    good = csv_bytes([row(fu.x.pk, personnummer=IMPORT_NUMBER)])
    assert _upload(coordinator, upload, good).status_code == 302
    assert Participant.objects.count() == 3, "the flows ran to their end"

    records = all_logs.records
    assert any(r.levelno == logging.DEBUG for r in records), "the capture missed the debug records"
    secrets = set().union(*(_notations(n) for n in (PAGE_NUMBER, API_NUMBER, IMPORT_NUMBER, BAD_NUMBER)))
    names = {fu.coordinator.first_name, fu.coordinator.last_name} - {""}
    for record in records:
        text = _text(record)
        leaked = sorted(s for s in secrets | names if s in text)
        assert not leaked, f"{record.name} {record.levelname} logged {leaked}: {text[:300]}"
