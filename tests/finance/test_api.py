"""The finance API: the calculators' shapes (DESIGN §5, amounts as decimal strings), refusals as 400 with
rule codes and the field's path, and the budgets read within the user's scope."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.finance.models import Budget
from tests.factories import PASSWORD, make_budget, token_for

pytestmark = pytest.mark.django_db

API = "/api/v1"


def call(user: Any, method: str, path: str, body: Any = None) -> Any:
    headers = {}
    if user is not None:
        headers["HTTP_AUTHORIZATION"] = "Bearer " + token_for(username=user.username, password=PASSWORD)
    client = Client()
    if method == "get":
        return client.get(API + path, **headers)
    return client.post(API + path, data=json.dumps(body), content_type="application/json", **headers)


def errors(response: Any) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in response.json()["errors"]]


# --- contributions --------------------------------------------------------------------------------


def test_contributions_are_calculated_to_the_ore_with_names_from_the_reference_data(world: Any) -> None:
    writes = AuditEntry.objects.exclude(action__startswith="api_token")
    response = call(
        world.users[Role.PARTICIPANT_COORDINATOR],
        "post",
        "/contributions/calculate",
        {
            "total": "1000000.00",
            "municipal_key": "population",
            "regions": [{"code": "24"}],
            "municipalities": [
                {"code": "2418", "population": 10000},
                {"code": "2422", "population": 20000},
                {"code": "2421", "population": 40000},
            ],
        },
    )

    assert response.status_code == 200
    assert response.json() == {
        "total": "1000000.00",
        "shares": [
            {"kind": "fk", "code": "FK", "name": "Försäkringskassan", "amount": "500000.00"},
            {"kind": "af", "code": "AF", "name": "Arbetsförmedlingen", "amount": "0.00"},
            {"kind": "region", "code": "24", "name": "Region Västerbotten", "amount": "250000.00"},
            {"kind": "municipality", "code": "2418", "name": "Malå kommun", "amount": "35714.29"},
            {"kind": "municipality", "code": "2421", "name": "Storumans kommun", "amount": "142857.14"},
            {"kind": "municipality", "code": "2422", "name": "Sorsele kommun", "amount": "71428.57"},
        ],
    }
    assert not writes.exists()  # a calculator writes nothing


def test_fixed_percentages_not_summing_to_a_hundred_get_400_with_the_rule_code(world: Any) -> None:
    response = call(
        world.users[Role.BOARD_MEMBER],
        "post",
        "/contributions/calculate",
        {
            "total": "1000",
            "municipal_key": "fixed",
            "regions": [{"code": "24"}],
            "municipalities": [{"code": "2480", "share": "60"}, {"code": "2460", "share": "30"}],
        },
    )

    assert response.status_code == 400
    assert errors(response) == [("R-SHARES", "municipalities")]
    assert "90 %" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("total", "field"),
    [("-1", "total"), ("tusen", "total"), ("1e400", "total"), ("9999999999999999", "total")],
)
def test_bad_totals_get_400_with_r_input(world: Any, total: str, field: str) -> None:
    response = call(
        world.users[Role.AUDITOR],
        "post",
        "/contributions/calculate",
        {"total": total, "regions": [{"code": "24"}], "municipalities": [{"code": "2480"}]},
    )

    assert response.status_code == 400
    assert (("R-INPUT", field)) in errors(response)
    assert all(e["message"] for e in response.json()["errors"])


def test_every_population_zero_gets_400(world: Any) -> None:
    response = call(
        world.users[Role.AUDITOR],
        "post",
        "/contributions/calculate",
        {
            "total": "1000",
            "regions": [{"code": "24"}],
            "municipalities": [{"code": "2480", "population": 0}, {"code": "2460", "population": 0}],
        },
    )

    assert response.status_code == 400 and errors(response) == [("R-SHARES", "municipalities")]


def test_a_float_amount_is_refused_because_amounts_are_decimal_strings(world: Any) -> None:
    response = call(
        world.users[Role.AUDITOR],
        "post",
        "/contributions/calculate",
        {"total": 1000.5, "regions": [{"code": "24"}], "municipalities": [{"code": "2480"}]},
    )

    assert response.status_code == 400 and errors(response) == [("R-INPUT", "total")]


def test_the_calculators_need_a_role(world: Any) -> None:
    body = {"sickness_benefit_costs": "109569000"}
    assert call(None, "post", "/contributions/cap-2004", body).status_code == 401
    assert call(world.no_role, "post", "/contributions/cap-2004", body).status_code == 403


# --- R-CAP-2004 ----------------------------------------------------------------------------------


def test_hallstahammar_2001_comes_out_exactly_in_kronor(world: Any) -> None:
    response = call(
        world.users[Role.NATIONAL_VIEWER],
        "post",
        "/contributions/cap-2004",
        {"sickness_benefit_costs": "109569000"},
    )

    assert response.status_code == 200
    assert response.json() == {"state": "5478000.00", "per_party": "2739000.00", "total": "10956000.00"}


def test_negative_costs_are_refused(world: Any) -> None:
    response = call(
        world.users[Role.NATIONAL_VIEWER], "post", "/contributions/cap-2004", {"sickness_benefit_costs": "-1"}
    )

    assert response.status_code == 400 and errors(response) == [("R-INPUT", "sickness_benefit_costs")]


# --- R-STATE-MODEL -------------------------------------------------------------------------------


def _association(code: str, name: str, support: str, population: int, previous: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"Samordningsförbundet {name}",
        "support_measure": support,
        "population": population,
        "previous": previous,
    }


# docs/state-allocation-worked-example.md
WORKED_EXAMPLE = {
    "appropriation": "10000000",
    "associations": [
        _association("A", "Ask", "3000", 40000, "3800000"),
        _association("B", "Björk", "1500", 30000, "2400000"),
        _association("C", "Ceder", "1000", 20000, "2000000"),
        _association("D", "Dunge", "1500", 15000, "2260000"),
    ],
}


def test_the_worked_example_of_the_state_model_comes_out_as_computed_by_hand(world: Any) -> None:
    response = call(world.users[Role.NATIONAL_ADMIN], "post", "/state-allocation/calculate", WORKED_EXAMPLE)

    assert response.status_code == 200
    body = response.json()
    assert (body["need_pool"], body["population_pool"], body["floor_rounds"]) == (
        "6300000.00",
        "2100000.00",
        2,
    )
    assert [
        (a["code"], a["model_amount"], a["final"], a["change"], a["at_floor"]) for a in body["allocations"]
    ] == [
        ("A", "3900000.00", "3847584.00", "47584.00", False),
        ("B", "2350000.00", "2318416.00", "-81584.00", False),
        ("C", "1700000.00", "1800000.00", "-200000.00", True),
        ("D", "2050000.00", "2034000.00", "-226000.00", True),
    ]
    assert (
        body["allocations"][2]["floor"] == "1800000.00"
        and body["allocations"][2]["name"] == "Samordningsförbundet Ceder"
    )


def test_floors_beyond_the_appropriation_get_400_naming_both_sums(world: Any) -> None:
    response = call(
        world.users[Role.NATIONAL_ADMIN],
        "post",
        "/state-allocation/calculate",
        {**WORKED_EXAMPLE, "appropriation": "8000000"},
    )

    assert response.status_code == 400 and errors(response) == [("R-STATE-MODEL", "appropriation")]
    assert "9\u00a0414\u00a0000,00\u00a0kr" in response.json()["errors"][0]["message"]


def test_weights_not_summing_to_one_get_400(world: Any) -> None:
    response = call(
        world.users[Role.NATIONAL_ADMIN],
        "post",
        "/state-allocation/calculate",
        {**WORKED_EXAMPLE, "need_weight": "0.7"},
    )

    assert response.status_code == 400 and errors(response) == [("R-STATE-MODEL", "need_weight")]


def test_a_negative_population_is_refused_by_the_schema(world: Any) -> None:
    body = {
        "appropriation": "1000000",
        "associations": [{"code": "A", "support_measure": "1", "population": -5}],
    }

    response = call(world.users[Role.NATIONAL_ADMIN], "post", "/state-allocation/calculate", body)

    assert response.status_code == 400 and errors(response) == [("R-INPUT", "associations.0.population")]


# --- budgets ------------------------------------------------------------------------------------


def test_the_budgets_of_an_association_are_listed_with_amounts_as_strings(world: Any) -> None:
    make_budget(world.own, year=2026, adopt_on=date(2025, 12, 2))
    make_budget(world.own, year=2027)

    response = call(world.users[Role.AUDITOR], "get", f"/associations/{world.own.pk}/budgets")

    assert response.status_code == 200
    assert [(b["year"], b["status"], b["frame"], b["costs"], b["adopted_late"]) for b in response.json()] == [
        (2027, "draft", "1000000.00", "900000.00", False),
        (2026, "adopted", "1000000.00", "900000.00", True),
    ]


def test_one_budget_holds_contributions_lines_consultations_and_equity(world: Any) -> None:
    budget = make_budget(world.own, year=2027, consult=True)

    response = call(world.users[Role.BOARD_MEMBER], "get", f"/associations/{world.own.pk}/budgets/2027")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == budget.pk and body["status"] == "consulted" and body["population_year"] == 2025
    assert [(c["member"]["code"], c["amount"]) for c in body["contributions"]] == [
        ("FK", "500000.00"),
        ("AF", "0.00"),
        ("24", "250000.00"),
        ("2460", "83333.33"),
        ("2480", "166666.67"),
    ]
    assert [(line["kind"], line["title"], line["amount"]) for line in body["lines"]] == [
        ("intervention", "Arbetslivsinriktad rehabilitering", "600000.00"),
        ("administration", "Personalkostnader", "300000.00"),
    ]
    assert len(body["consulted_members"]) == 5
    assert body["equity"] == {
        "opening": "0.00",
        "result": "100000.00",
        "closing": "100000.00",
        "share_percent": "10.0",
        "reference_percent": "20",
        "status": "within",
        "closed": False,
    }


def test_budgets_of_another_association_are_not_found(world: Any) -> None:
    make_budget(world.own, year=2027)

    outsider = world.outsiders[Role.ASSOCIATION_ADMIN]
    assert call(outsider, "get", f"/associations/{world.own.pk}/budgets").status_code == 404
    assert call(outsider, "get", f"/associations/{world.own.pk}/budgets/2027").status_code == 404
    assert (
        call(world.users[Role.AUDITOR], "get", f"/associations/{world.own.pk}/budgets/2030").status_code
        == 404
    )
    assert Budget.objects.count() == 1
