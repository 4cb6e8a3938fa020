"""Interventions: rules, services, API and pages."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.interventions import services
from finsam.interventions.models import Intervention, InterventionKind, StructuralCount
from finsam.registry.models import Member, PartyKind
from tests.factories import PASSWORD, make_intervention, make_participant, make_user, token_for


def _create(world: Any, **overrides: Any) -> Intervention:
    values: dict[str, Any] = {
        "actor": world.users[Role.ASSOCIATION_ADMIN],
        "association": world.own,
        "kind": "individual",
        "name": "Steget vidare",
        "start": date(2024, 1, 1),
        "end": date(2026, 12, 31),
        "providers": list(world.own.members.filter(kind__in=[PartyKind.AF, PartyKind.MUNICIPALITY])),
        "coordinators": [world.users[Role.PARTICIPANT_COORDINATOR]],
        "planned": [(2024, 30), (2025, 40)],
        "board_decision_reference": "2023-11-20 § 8",
        "board_decision_date": date(2023, 11, 20),
        "esf_cofinanced": True,
        "status": "active",
    }
    values.update(overrides)
    return services.intervention_create(**values)


def _codes(exc: pytest.ExceptionInfo[RuleViolation]) -> list[tuple[str, str | None]]:
    return [(v.code, v.field) for v in exc.value.violations]


@pytest.mark.django_db
def test_an_association_admin_registers_an_intervention_with_everything(world: Any) -> None:
    intervention = _create(world)
    assert intervention.kind == InterventionKind.INDIVIDUAL
    assert {m.kind for m in intervention.providers.all()} == {"af", "municipality"}
    assert list(intervention.coordinators.all()) == [world.users[Role.PARTICIPANT_COORDINATOR]]
    assert list(intervention.planned.values_list("year", "count")) == [(2024, 30), (2025, 40)]
    assert intervention.esf_cofinanced and intervention.board_decision_date == date(2023, 11, 20)
    entry = AuditEntry.objects.get(action="intervention.create")
    assert entry.association_id == world.own.pk and entry.object_id == str(intervention.pk)


@pytest.mark.django_db
def test_broken_rules_are_refused_together_and_nothing_is_written(world: Any) -> None:
    foreign_member = Member.objects.filter(association=world.other).first()
    with pytest.raises(RuleViolation) as exc:
        _create(
            world,
            kind="other",
            end=date(2023, 12, 31),
            providers=[foreign_member],
            coordinators=[world.users[Role.BOARD_MEMBER]],
            planned=[(2030, 5)],
        )
    assert set(_codes(exc)) == {
        ("R-KIND", "kind"),
        ("R-DATES", "end"),
        ("R-PLANNED", "planned"),
        ("R-PARTY", "providers"),
        ("R-ROLE", "coordinators"),
    }
    assert not Intervention.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="intervention").exists()


@pytest.mark.django_db
def test_an_ended_intervention_needs_an_end_and_names_are_unique_in_a_forbund(world: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        _create(world, status="ended", end=None)
    assert _codes(exc) == [("R-DATES", "end")]
    _create(world)
    with pytest.raises(RuleViolation) as exc:
        _create(world)
    assert _codes(exc) == [("R-UNIQUE", "name")]
    other_admin = world.outsiders[Role.ASSOCIATION_ADMIN]
    services.intervention_create(
        actor=other_admin,
        association=world.other,
        kind="individual",
        name="Steget vidare",
        start=date(2024, 1, 1),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.NATIONAL_ADMIN, Role.PARTICIPANT_COORDINATOR, Role.BOARD_MEMBER])
def test_only_the_association_admin_writes_interventions(world: Any, role: str) -> None:
    with pytest.raises(PermissionDenied):
        _create(world, actor=world.users[role])
    with pytest.raises(PermissionDenied):
        _create(world, actor=world.outsiders[Role.ASSOCIATION_ADMIN])


@pytest.mark.django_db
def test_an_edit_with_a_stale_version_is_a_conflict(world: Any) -> None:
    intervention = _create(world)
    admin = world.users[Role.ASSOCIATION_ADMIN]
    arguments = {
        "actor": admin,
        "intervention": intervention,
        "kind": "individual",
        "name": "Steget vidare 2",
        "start": intervention.start,
        "end": intervention.end,
        "description": "",
        "target_group": "Unga vuxna 18–29 år",
        "providers": [],
        "board_decision_reference": "",
        "board_decision_date": None,
        "followup_method": "",
        "esf_cofinanced": False,
        "status": "active",
        "planned": [(2024, 35)],
        "coordinators": [],
    }
    updated = services.intervention_update(version=1, **arguments)
    assert updated.version == 2
    assert list(updated.planned.values_list("year", "count")) == [(2024, 35)]
    assert not updated.coordinators.exists()
    fields = AuditEntry.objects.get(action="intervention.update").details["fields"]
    assert {"name", "target_group", "providers", "coordinators", "planned", "esf_cofinanced"} <= set(fields)
    with pytest.raises(RuleViolation) as exc:
        services.intervention_update(version=1, **arguments)
    assert exc.value.code == "R-CONFLICT"


@pytest.mark.django_db
def test_the_kind_is_fixed_once_there_are_participants(world: Any) -> None:
    intervention = make_intervention(world.own)
    make_participant(intervention, anonymous=True)
    with pytest.raises(RuleViolation) as exc:
        services.intervention_update(
            actor=world.users[Role.ASSOCIATION_ADMIN],
            intervention=intervention,
            version=intervention.version,
            kind="structural",
            name=intervention.name,
            start=intervention.start,
            end=None,
            description="",
            target_group="",
            providers=[],
            board_decision_reference="",
            board_decision_date=None,
            followup_method="",
            esf_cofinanced=False,
            status="active",
            planned=[],
            coordinators=[],
        )
    assert _codes(exc) == [("R-KIND", "kind")]


@pytest.mark.django_db
def test_structural_interventions_record_counts_per_period_never_persons(world: Any) -> None:
    admin = world.users[Role.ASSOCIATION_ADMIN]
    structural = _create(world, kind="structural", name="Kompetenslyftet", coordinators=[])
    record = services.structural_count_record(
        actor=admin,
        intervention=structural,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        people_trained=120,
        staff_reached=45,
    )
    again = services.structural_count_record(
        actor=admin,
        intervention=structural,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        people_trained=125,
        staff_reached=45,
    )
    assert again.pk == record.pk and StructuralCount.objects.get().people_trained == 125
    with pytest.raises(RuleViolation) as exc:
        services.structural_count_record(
            actor=admin,
            intervention=_create(world, name="Individinsats"),
            period_start=date(2024, 1, 1),
            period_end=date(2024, 12, 31),
            people_trained=1,
            staff_reached=1,
        )
    assert exc.value.code == "R-KIND"
    with pytest.raises(RuleViolation) as exc:
        services.structural_count_record(
            actor=admin,
            intervention=structural,
            period_start=date(2024, 6, 1),
            period_end=date(2024, 5, 1),
            people_trained=1,
            staff_reached=1,
        )
    assert _codes(exc) == [("R-DATES", "period_end")]


# --- API ----------------------------------------------------------------------------------------


def _api(user: Any) -> tuple[Client, dict[str, str]]:
    return Client(), {"HTTP_AUTHORIZATION": "Bearer " + token_for(username=user.username, password=PASSWORD)}


@pytest.mark.django_db
def test_the_api_lists_the_interventions_of_a_forbund(world: Any, django_assert_max_num_queries: Any) -> None:
    _create(world)
    _create(world, name="Kompetenslyftet", kind="structural", coordinators=[])
    make_intervention(world.other)
    client, headers = _api(world.users[Role.BOARD_MEMBER])
    with django_assert_max_num_queries(10):
        response = client.get(f"/api/v1/associations/{world.own.pk}/interventions", **headers)
    assert response.status_code == 200
    body = response.json()
    assert [i["name"] for i in body] == ["Kompetenslyftet", "Steget vidare"]
    steget = body[1]
    assert steget["planned_participants"] == [{"year": 2024, "count": 30}, {"year": 2025, "count": 40}]
    assert steget["board_decision"] == {"reference": "2023-11-20 § 8", "date": "2023-11-20"}
    assert {p["kind"] for p in steget["providers"]} == {"af", "municipality"}
    assert steget["coordinators"] == [
        {"id": world.users[Role.PARTICIPANT_COORDINATOR].pk, "name": "own-participant_coordinator"}
    ]
    assert client.get(f"/api/v1/associations/{world.other.pk}/interventions", **headers).status_code == 404


@pytest.mark.django_db
def test_the_api_creates_an_intervention_and_refuses_bad_input(world: Any) -> None:
    client, headers = _api(world.users[Role.ASSOCIATION_ADMIN])
    url = f"/api/v1/associations/{world.own.pk}/interventions"
    af = Member.objects.get(association=world.own, kind=PartyKind.AF)
    body = {
        "kind": "individual",
        "name": "Vägen in",
        "start": "2025-01-01",
        "providers": [af.pk],
        "coordinators": [world.users[Role.PARTICIPANT_COORDINATOR].pk],
        "planned_participants": [{"year": 2025, "count": 20}],
        "board_decision": {"reference": "2024-10-01 § 4", "date": "2024-10-01"},
        "esf_cofinanced": True,
    }
    response = client.post(url, json.dumps(body), content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    assert response.json()["providers"] == [{"id": af.pk, "kind": "af", "name": "Arbetsförmedlingen"}]
    foreign = Member.objects.filter(association=world.other).first()
    bad = {**body, "name": "Annan", "providers": [foreign.pk], "coordinators": [world.users[Role.AUDITOR].pk]}
    response = client.post(url, json.dumps(bad), content_type="application/json", **headers)
    assert response.status_code == 400
    assert {e["code"] for e in response.json()["errors"]} == {"R-PARTY", "R-ROLE"}
    response = client.post(
        url,
        json.dumps({**body, "name": "Tredje", "end": "2024-01-01"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "R-DATES"
    assert Intervention.objects.count() == 1


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_and_detail_pages(world: Any) -> None:
    intervention = _create(world)
    client = world.client(world.users[Role.AUDITOR])
    listing = client.get(reverse("interventions:intervention_list", args=[world.own.pk]))
    assert listing.status_code == 200 and "Steget vidare" in listing.content.decode()
    detail = client.get(reverse("interventions:intervention_detail", args=[intervention.pk]))
    assert detail.status_code == 200
    assert "2023-11-20 § 8" in detail.content.decode()
    assert (
        world.client(world.outsiders[Role.AUDITOR])
        .get(reverse("interventions:intervention_detail", args=[intervention.pk]))
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_creating_on_the_page_with_planned_participants(world: Any) -> None:
    client = world.client(world.users[Role.ASSOCIATION_ADMIN])
    url = reverse("interventions:intervention_create", args=[world.own.pk])
    form = client.get(url)
    assert form.status_code == 200
    coordinator = world.users[Role.PARTICIPANT_COORDINATOR]
    assert list(form.context["form"].fields["coordinators"].queryset) == [coordinator]
    data = {
        "name": "Vägen in",
        "kind": "individual",
        "status": "planned",
        "start": "2025-01-01",
        "end": "2026-12-31",
        "coordinators": [coordinator.pk],
        "planned-TOTAL_FORMS": "3",
        "planned-INITIAL_FORMS": "0",
        "planned-0-year": "2025",
        "planned-0-count": "25",
        "planned-1-year": "2026",
        "planned-1-count": "30",
        "planned-2-year": "2027",
        "planned-2-count": "",
    }
    bad = client.post(url, {**data, "planned-1-year": "2030"})
    assert bad.status_code == 400
    assert "R-PLANNED" in [e.code for e in bad.context["form"].non_field_errors().as_data()]
    assert not Intervention.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302
    intervention = Intervention.objects.get()
    assert list(intervention.planned.values_list("year", "count")) == [(2025, 25), (2026, 30)]
    assert list(intervention.coordinators.all()) == [coordinator]


@pytest.mark.django_db
def test_an_edit_on_the_page_after_someone_else_saved_is_a_conflict_409(world: Any) -> None:
    intervention = _create(world, coordinators=[], planned=[])
    client = world.client(world.users[Role.ASSOCIATION_ADMIN])
    url = reverse("interventions:intervention_edit", args=[intervention.pk])
    data = {
        "name": "Vägen in",
        "kind": "individual",
        "status": "active",
        "start": "2024-01-01",
        "end": "2026-12-31",
        "version": str(intervention.version),
        "planned-TOTAL_FORMS": "0",
        "planned-INITIAL_FORMS": "0",
    }
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "name": "Vägen ut"})
    assert stale.status_code == 409
    assert "Någon annan har ändrat insatsen sedan du öppnade formuläret" in stale.content.decode()
    intervention.refresh_from_db()
    assert intervention.name == "Vägen in" and intervention.version == 2


@pytest.mark.django_db
def test_editing_on_the_page_and_recording_structural_counts(world: Any) -> None:
    structural = _create(world, kind="structural", name="Kompetenslyftet", coordinators=[])
    client = world.client(world.users[Role.ASSOCIATION_ADMIN])
    edit = reverse("interventions:intervention_edit", args=[structural.pk])
    form = client.get(edit).context["form"]
    assert form.initial["version"] == 1
    url = reverse("interventions:structural_count_create", args=[structural.pk])
    bad = client.post(
        url,
        {
            "period_start": "2024-06-01",
            "period_end": "2024-01-01",
            "people_trained": "3",
            "staff_reached": "0",
        },
    )
    assert bad.status_code == 400 and not StructuralCount.objects.exists()
    good = client.post(
        url,
        {
            "period_start": "2024-01-01",
            "period_end": "2024-06-30",
            "people_trained": "30",
            "staff_reached": "12",
        },
    )
    assert good.status_code == 302
    detail = client.get(reverse("interventions:intervention_detail", args=[structural.pk]))
    assert "2024-01-01–2024-06-30" in detail.content.decode()
    assert world.client(world.users[Role.BOARD_MEMBER]).post(url, {}).status_code == 403


@pytest.mark.django_db
def test_a_coordinator_sees_the_way_to_their_participants(world: Any) -> None:
    intervention = _create(world)
    other_coordinator = make_user("other-coord", participant_coordinator=world.own)
    url = reverse("interventions:intervention_detail", args=[intervention.pk])
    mine = world.client(world.users[Role.PARTICIPANT_COORDINATOR]).get(url).content.decode()
    assert reverse("followup:participant_register", args=[world.own.pk]) in mine
    theirs = world.client(other_coordinator).get(url).content.decode()
    assert reverse("followup:participant_register", args=[world.own.pk]) not in theirs
