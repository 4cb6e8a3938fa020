"""A refused request logs one line, without a traceback; a server fault keeps its traceback."""

from __future__ import annotations

import io
import logging
import logging.config
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from finsam.core.logging import RefusalOnOneLine
from finsam.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """What the console handler of settings.LOGGING writes, while the test runs (configured afresh: other
    tests in the process may have changed the logging)."""
    logging.config.dictConfig(settings.LOGGING)
    handler = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, RefusalOnOneLine) for f in h.filters)
    )
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


def test_a_page_outside_the_role_logs_one_line(world: Any, log: io.StringIO) -> None:
    response = world.client(world.users[Role.BOARD_MEMBER]).get("/granskningslogg/")
    assert response.status_code == 403
    lines = log.getvalue().splitlines()
    assert [line for line in lines if "Forbidden" in line] and len(lines) == 1, lines
    assert "Traceback" not in log.getvalue()


def test_an_unknown_page_logs_one_line(world: Any, log: io.StringIO) -> None:
    assert world.client(world.users[Role.BOARD_MEMBER]).get("/finns-inte/").status_code == 404
    lines = log.getvalue().splitlines()
    assert len(lines) == 1 and "Not Found" in lines[0], lines


def test_a_server_fault_keeps_its_traceback(log: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(token: str) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("finsam.api.token_row", broken)
    response = Client(raise_request_exception=False).get(
        "/api/v1/associations", HTTP_AUTHORIZATION="Bearer x"
    )
    assert response.status_code == 500
    assert "Traceback" in log.getvalue() and "RuntimeError: a bug" in log.getvalue()
