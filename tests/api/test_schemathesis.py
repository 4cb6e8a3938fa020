"""Schemathesis against the served OpenAPI document, in-process through the WSGI application.

Every operation gets generated requests (schema examples, boundary and negative cases of the coverage
phase, random fuzzing) with a national_admin's bearer token, and the fuzzed ones once more without a
token. Whatever the input, the API must not answer 5xx, and every answer must be documented: a declared
status code, a JSON body matching that response's schema. An operation that declares a bearer token
must also refuse the request without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from finsam.wsgi import application
from tests.factories import PASSWORD, token_for

# The document as served to clients, fetched without credentials.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def connection_kept_open() -> Iterator[None]:
    """Requests go straight to the WSGI application, not through Django's test client, so the end of a
    request would close the database connection and with it the test's transaction (on PostgreSQL).
    The test client avoids that by the same means."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(world: Any) -> str:
    return token_for(username=world.users["national_admin"].username, password=PASSWORD)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_operation_answers_as_documented(
    case: Any, world: Any, admin_token: str, connection_kept_open: None
) -> None:
    generated = (case.path_parameters or {}).get("association_id")
    if isinstance(generated, int) and generated % 2:
        # Random ids rarely exist: half of them become the own association's, to get past the lookup.
        case.path_parameters["association_id"] = world.own.pk
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"}, checks=[*CHECKS, ignored_auth])
    if case.meta is None or case.meta.phase.name != TestPhase.COVERAGE:
        case.call_and_validate(checks=CHECKS)
