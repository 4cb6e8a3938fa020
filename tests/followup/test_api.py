"""The participant and participation endpoints: shapes, identities, bad input (400 with rule codes)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from finsam.accounts.models import RoleAssignment
from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.followup.models import Participant, Participation
from tests.factories import (
    PASSWORD,
    make_intervention,
    make_participant,
    make_participation,
    make_user,
    token_for,
    valid_identity_number,
)

NUMBER = valid_identity_number(date(1988, 8, 8), 222)


def api(user: Any) -> Any:
    client = Client()
    headers = {"HTTP_AUTHORIZATION": "Bearer " + token_for(username=user.username, password=PASSWORD)}

    class Api:
        def get(self, path: str) -> Any:
            return client.get("/api/v1" + path, **headers)

        def post(self, path: str, body: Any) -> Any:
            return client.post("/api/v1" + path, json.dumps(body), content_type="application/json", **headers)

        def patch(self, path: str, body: Any) -> Any:
            return client.patch(
                "/api/v1" + path, json.dumps(body), content_type="application/json", **headers
            )

    return Api()


def _codes(response: Any) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in response.json()["errors"]]


def _identified(fu: Any, **overrides: Any) -> dict[str, Any]:
    body = {
        "intervention": fu.x.pk,
        "registration": "identified",
        "identity_number": NUMBER,
        "consent": {"given_on": "2024-04-02", "form_version": "FK 9443 v3"},
    }
    body.update(overrides)
    return body


@pytest.mark.django_db
def test_a_coordinator_registers_an_identified_participant(fu: Any) -> None:
    response = api(fu.coordinator).post(f"/associations/{fu.world.own.pk}/participants", _identified(fu))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["registration"] == "identified"
    assert (body["sex"], body["birth_year"], body["has_identity"]) == ("woman", 1988, True)
    assert body["consent"] == {
        "given_on": "2024-04-02",
        "form_version": "FK 9443 v3",
        "withdrawn_on": None,
        "scanned_form": False,
    }
    assert "identity_number" not in body
    assert "19880808" not in response.content.decode()


@pytest.mark.django_db
def test_missing_consent_is_a_400_with_r_consent_and_nothing_is_written(fu: Any) -> None:
    response = api(fu.coordinator).post(
        f"/associations/{fu.world.own.pk}/participants", _identified(fu, consent=None)
    )
    assert response.status_code == 400
    assert ("R-CONSENT", "consent_given_on") in _codes(response)
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_an_invalid_personnummer_is_a_400_with_r_identity(fu: Any) -> None:
    response = api(fu.coordinator).post(
        f"/associations/{fu.world.own.pk}/participants", _identified(fu, identity_number="19880808-2221")
    )
    assert response.status_code == 400
    assert _codes(response) == [("R-IDENTITY", "identity_number")]
    assert response.json()["errors"][0]["message"].startswith("Kontrollsiffran")


@pytest.mark.django_db
def test_an_intervention_of_another_forbund_is_a_400_with_r_scope(fu: Any) -> None:
    RoleAssignment.objects.create(
        user=fu.coordinator, role=Role.PARTICIPANT_COORDINATOR, association=fu.world.other
    )
    foreign = make_intervention(fu.world.other, coordinators=[fu.coordinator])
    response = api(fu.coordinator).post(
        f"/associations/{fu.world.own.pk}/participants", _identified(fu, intervention=foreign.pk)
    )
    assert response.status_code == 400
    assert _codes(response) == [("R-SCOPE", "intervention")]
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_malformed_input_is_a_400_with_r_input(fu: Any) -> None:
    response = api(fu.coordinator).post(
        f"/associations/{fu.world.own.pk}/participants",
        {"intervention": "x", "registration": "anonymous", "start_year": 1800},
    )
    assert response.status_code == 400
    assert {code for code, _ in _codes(response)} == {"R-INPUT"}
    assert {field for _, field in _codes(response)} == {"intervention", "start_year"}


@pytest.mark.django_db
def test_the_list_is_pseudonymous_for_everyone_and_writes_no_identity_read(fu: Any) -> None:
    identified = make_participant(fu.x, number=NUMBER)
    make_participation(identified)
    make_participant(fu.x, anonymous=True, sex="woman")
    make_participant(fu.y)
    response = api(fu.coordinator).get(f"/associations/{fu.world.own.pk}/participants")
    assert response.status_code == 200
    rows = response.json()
    assert {row["intervention"] for row in rows} == {fu.x.pk}, "only the coordinator's own interventions"
    assert len(rows) == 2
    assert all("identity_number" not in row for row in rows)
    assert "19880808" not in response.content.decode()
    [row] = [r for r in rows if r["id"] == identified.pk]
    assert row["participations"] == [
        {
            "id": identified.participations.get().pk,
            "start": "2024-02-01",
            "exit": None,
            "exit_reason": "",
            "in_statistics": True,
        }
    ]
    assert not AuditEntry.objects.filter(action="participant.identity.read").exists()
    filtered = api(fu.coordinator).get(f"/associations/{fu.world.own.pk}/participants?intervention={fu.y.pk}")
    assert filtered.json() == []


@pytest.mark.django_db
def test_the_list_takes_a_constant_number_of_queries(fu: Any, django_assert_max_num_queries: Any) -> None:
    for _ in range(8):
        make_participation(make_participant(fu.x))
    client = api(fu.coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(f"/associations/{fu.world.own.pk}/participants")
    assert len(response.json()) == 8


@pytest.mark.django_db
def test_one_participant_with_identity_for_its_coordinator_and_each_read_audited(fu: Any) -> None:
    participant = make_participant(fu.x, number=NUMBER)
    client = api(fu.coordinator)
    for _ in range(2):
        response = client.get(f"/participants/{participant.pk}")
        assert response.status_code == 200
        assert response.json()["identity_number"] == NUMBER
    assert (
        AuditEntry.objects.filter(action="participant.identity.read", object_id=str(participant.pk)).count()
        == 2
    )
    assert api(fu.coordinator_y).get(f"/participants/{participant.pk}").status_code == 404
    assert api(fu.admin).get(f"/participants/{participant.pk}").status_code == 403
    assert api(fu.admin).get(f"/associations/{fu.world.own.pk}/participants").status_code == 403
    assert AuditEntry.objects.filter(action="participant.identity.read").count() == 2


@pytest.mark.django_db
def test_an_anonymous_participant_has_no_identity_and_no_read_is_logged(fu: Any) -> None:
    participant = make_participant(fu.x, anonymous=True)
    response = api(fu.coordinator).get(f"/participants/{participant.pk}")
    assert response.json()["identity_number"] is None
    assert response.json()["consent"] is None
    assert not AuditEntry.objects.filter(action="participant.identity.read").exists()


def _start_body(participant: Any) -> dict[str, Any]:
    return {
        "participant": participant.pk,
        "start": "2024-03-04",
        "employment_before": "none",
        "education_level": "post_secondary_short",
        "income_before": [
            {"source": "sickness_compensation", "extent": 50},
            {"source": "salary", "extent": 25},
        ],
    }


@pytest.mark.django_db
def test_start_and_exit_through_the_api(fu: Any) -> None:
    participant = make_participant(fu.x, anonymous=True)
    client = api(fu.coordinator)
    response = client.post("/participations", _start_body(participant))
    assert response.status_code == 201, response.content
    started = response.json()
    assert started["exit"] is None and started["in_statistics"] is True
    assert started["income_before"] == [
        {"source": "salary", "extent": 25},
        {"source": "sickness_compensation", "extent": 50},
    ]
    exit_body = {
        "exit": "2024-10-01",
        "exit_reason": "work",
        "employment_after": "work",
        "income_after": [
            {"source": "salary", "extent": 75},
            {"source": "sickness_compensation", "extent": 25},
        ],
    }
    response = client.patch(f"/participations/{started['id']}", exit_body)
    assert response.status_code == 200, response.content
    exited = response.json()
    assert (exited["exit"], exited["exit_reason"], exited["employment_after"]) == (
        "2024-10-01",
        "work",
        "work",
    )
    assert len(exited["income_after"]) == 2
    second = client.patch(f"/participations/{started['id']}", {**exit_body, "exit": "2024-10-02"})
    assert second.status_code == 400
    assert _codes(second) == [("R-FOLLOWUP", "exit")]


@pytest.mark.django_db
def test_an_exit_before_the_start_is_a_400_and_nothing_changes(fu: Any) -> None:
    participation = make_participation(make_participant(fu.x))
    response = api(fu.coordinator).patch(
        f"/participations/{participation.pk}", {"exit": "2024-01-31", "exit_reason": "completed"}
    )
    assert response.status_code == 400
    assert ("R-FOLLOWUP", "exit") in _codes(response)
    participation.refresh_from_db()
    assert participation.exit is None


@pytest.mark.django_db
def test_registered_by_mistake_is_out_of_statistics_in_the_answer(fu: Any) -> None:
    participation = make_participation(make_participant(fu.x))
    response = api(fu.coordinator).patch(
        f"/participations/{participation.pk}", {"exit": "2024-02-01", "exit_reason": "registered_by_mistake"}
    )
    assert response.status_code == 200
    assert response.json()["in_statistics"] is False


@pytest.mark.django_db
def test_participations_of_another_coordinator_or_forbund_are_not_found(fu: Any) -> None:
    participant_y = make_participant(fu.y, anonymous=True)
    response = api(fu.coordinator).post("/participations", _start_body(participant_y))
    assert response.status_code == 404
    outsider = make_user("outsider-coordinator", participant_coordinator=fu.world.other)
    participation = make_participation(make_participant(fu.x))
    response = api(outsider).patch(
        f"/participations/{participation.pk}", {"exit": "2024-03-01", "exit_reason": "completed"}
    )
    assert response.status_code == 404
    assert not Participation.objects.filter(participant=participant_y).exists()


@pytest.mark.django_db
def test_a_duplicate_answer_is_refused(fu: Any) -> None:
    participation = make_participation(make_participant(fu.x))
    response = api(fu.coordinator).patch(
        f"/participations/{participation.pk}",
        {
            "exit": "2024-03-01",
            "exit_reason": "registered_by_mistake",
            "answers": [{"question": 1, "value": 1}, {"question": 1, "value": 0}],
        },
    )
    assert response.status_code == 400
    assert _codes(response) == [("R-FOLLOWUP", "answers")]
