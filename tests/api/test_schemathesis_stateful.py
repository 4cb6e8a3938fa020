"""Schemathesis, stateful: sequences of API calls that use what earlier answers gave.

The stateless test (test_schemathesis.py) sends each operation generated input, so most ids it sends do
not exist and most answers are 404. Here schemathesis chains the operations by the links it infers from
the OpenAPI document (GET /associations gives the ids that GET /associations/{id}/members needs, POST
…/participants the participant that GET /participants/{id} reads, and so on) and walks them as a
national_admin with a bearer token: whatever the sequence, no answer may be a server error, and every
answer must be one the document declares, with a body that matches its schema.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from finsam.accounts.selectors import token_row
from finsam.wsgi import application
from tests.factories import PASSWORD, token_for

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SCENARIOS = 60  # sequences of up to STEPS calls each
STEPS = 10
AT_LEAST = 400  # calls in the run, of which
FOUND_AT_LEAST = 40  # an operation on a record named in its path that answered 2xx: an id from an answer


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    token: ClassVar[str] = ""
    username: ClassVar[str] = ""
    calls: ClassVar[Counter[str]] = Counter()

    def before_call(self, case: Any) -> None:
        if token_row(Workflow.token) is None:
            # The walk may revoke its own token (GET /auth/tokens gives the id DELETE /auth/tokens/{id}
            # takes): it signs in again rather than spend the rest of the run on 401s.
            Workflow.token = token_for(username=Workflow.username, password=PASSWORD)
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        case.headers = {**headers, "Authorization": f"Bearer {self.token}"}

    def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **_: Any) -> None:
        Workflow.calls["all"] += 1
        if case.path_parameters and response.status_code < 300:
            Workflow.calls["found"] += 1
        case.validate_response(response, checks=CHECKS)


@pytest.fixture
def connection_kept_open() -> Iterator[None]:
    """As in test_schemathesis.py: the WSGI application must not close the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_sequences_of_calls_along_the_links_answer_as_documented(
    world: Any, connection_kept_open: Any
) -> None:
    Workflow.username = world.users["national_admin"].username
    Workflow.token = token_for(username=Workflow.username, password=PASSWORD)
    Workflow.calls.clear()

    Workflow.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
    )

    # The run did what it says: many calls, and a good share of them on records that exist, which
    # random ids almost never name.
    assert Workflow.calls["all"] >= AT_LEAST, Workflow.calls
    assert Workflow.calls["found"] >= FOUND_AT_LEAST, Workflow.calls
