"""Cost per participant and the socio-economic estimate: public support in full-year equivalents before and
after (capped at one per person), valued per year and set against the intervention's cost from finance."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from finsam.core.roles import Role
from finsam.finance.models import BudgetLine
from finsam.followup import rules
from finsam.followup.models import EXTENTS, IncomeSource
from finsam.statistics import economics
from tests.factories import make_budget, make_intervention, sign_in
from tests.statistics.test_statistics import enrol

# --- rules ------------------------------------------------------------------------------------------


def test_public_support_counts_benefits_only_and_at_most_full_time() -> None:
    assert rules.public_support_percent([("sickness_benefit", 100), ("social_assistance", 50)]) == 100
    assert rules.public_support_percent([("activity_support", 50), ("salary", 50)]) == 50
    assert rules.public_support_percent([("subsidised_salary", 100)]) == 0
    assert rules.public_support_percent([("student_aid", 75), ("other", 25)]) == 0


@given(
    st.lists(
        st.tuples(st.sampled_from(IncomeSource.values), st.sampled_from(EXTENTS)),
        max_size=len(IncomeSource.values),
        unique_by=lambda entry: entry[0],
    )
)
def test_public_support_is_the_benefit_extents_up_to_one_full_year_equivalent(entries: list[Any]) -> None:
    summed = sum(extent for source, extent in entries if source in rules.PUBLIC_SUPPORT)
    assert rules.public_support_percent(entries) == min(100, summed)


def test_estimate_values_the_fall_in_support_against_the_cost() -> None:
    estimate = rules.Estimate(
        participations=2,
        before_percent=200,
        after_percent=50,
        yearly_cost=Decimal(250000),
        cost=Decimal("240000.00"),
    )
    assert estimate.change == Decimal("1.5")
    assert estimate.value == Decimal("375000.00")
    assert estimate.ratio == Decimal("1.56")
    assert estimate.payback_years == Decimal("0.6")


def test_estimate_without_cost_or_with_rising_support_has_no_ratio_or_payback() -> None:
    rising = rules.Estimate(
        participations=1, before_percent=0, after_percent=100, yearly_cost=Decimal(250000), cost=Decimal(1000)
    )
    assert rising.value == Decimal("-250000.00")
    assert rising.payback_years is None
    no_cost = rules.Estimate(
        participations=1, before_percent=100, after_percent=0, yearly_cost=Decimal(250000), cost=None
    )
    assert no_cost.ratio is None
    assert no_cost.payback_years is None
    combined = rules.combine_estimates([rising, no_cost], yearly_cost=Decimal(250000))
    assert (combined.participations, combined.before_percent, combined.after_percent) == (2, 100, 100)
    assert combined.cost is None  # one cost unknown: the förbund's is unknown


def test_cost_per_participant_is_to_the_krona_and_missing_without_people_or_cost() -> None:
    assert rules.cost_per_participant(Decimal("240000.00"), 3) == Decimal(80000)
    assert rules.cost_per_participant(Decimal("100000.00"), 3) == Decimal(33333)
    assert rules.cost_per_participant(None, 3) is None
    assert rules.cost_per_participant(Decimal(1), 0) is None


# --- the selector -----------------------------------------------------------------------------------


@pytest.fixture
def economy_data(world: Any) -> dict[str, Any]:
    """Intervention A in 2025: two exits (support 100 % → 0 % and 100 % (capped) → 50 %), one ongoing, one
    exited in 2024, one registered by mistake; outcome 240 000 kr. B: budget only (no outcome), one
    ongoing. C: nothing in 2025. The other förbund: one exit with a budget line."""
    a = make_intervention(world.own, name="Steget vidare", start=date(2020, 1, 1))
    b = make_intervention(world.own, name="Unga till arbete", start=date(2020, 1, 1))
    make_intervention(world.own, name="Vilande insats", start=date(2020, 1, 1))
    enrol(a, start=date(2025, 2, 1), exit=date(2025, 9, 1), income_after=[("salary", 100)])
    enrol(
        a,
        sex="man",
        start=date(2025, 3, 1),
        exit=date(2025, 11, 1),
        income_before=[("sickness_benefit", 100), ("social_assistance", 50)],
        income_after=[("sickness_benefit", 50), ("salary", 50)],
    )
    enrol(a, start=date(2025, 4, 1), income_before=[("activity_support", 50), ("salary", 50)])
    enrol(a, start=date(2024, 2, 1), exit=date(2024, 10, 1))
    enrol(a, start=date(2025, 5, 1), exit=date(2025, 5, 2), reason="registered_by_mistake")
    enrol(b, start=date(2024, 6, 1))
    budget = make_budget(world.own, year=2025)
    BudgetLine.objects.create(
        budget=budget, kind="intervention", intervention=a, amount=Decimal(300000), actual=Decimal(240000)
    )
    BudgetLine.objects.create(budget=budget, kind="intervention", intervention=b, amount=Decimal(90000))
    c = make_intervention(world.other, name="Vägen till arbete", start=date(2020, 1, 1))
    enrol(c, start=date(2025, 2, 1), exit=date(2025, 6, 1))
    other_budget = make_budget(world.other, year=2025)
    BudgetLine.objects.create(
        budget=other_budget, kind="intervention", intervention=c, amount=Decimal(5), actual=Decimal(5)
    )
    return {"a": a, "b": b}


@pytest.mark.django_db
def test_economy_per_intervention_from_followup_and_finance(world: Any, economy_data: Any) -> None:
    admin = world.users[Role.ASSOCIATION_ADMIN]
    with CaptureQueriesContext(connection) as queries:
        economy = economics.association_economy(user=admin, association_id=world.own.pk, year=2025)
    assert len(queries) <= 6  # the same whatever the number of participations
    assert [row.name for row in economy.rows] == ["Steget vidare", "Unga till arbete"]
    a, b = economy.rows
    assert (a.participants, a.cost, a.cost_source, a.cost_per_participant) == (
        3,
        Decimal("240000.00"),
        economics.OUTCOME,
        Decimal(80000),
    )
    assert (a.estimate.participations, a.estimate.before, a.estimate.after) == (2, Decimal(2), Decimal("0.5"))
    assert a.estimate.value == Decimal("375000.00")
    assert a.estimate.ratio == Decimal("1.56")
    assert (b.participants, b.cost, b.cost_source, b.cost_per_participant) == (
        1,
        Decimal("90000.00"),
        economics.BUDGET,
        Decimal(90000),
    )
    assert b.estimate.participations == 0
    assert economy.participants == 4
    assert economy.total.cost == Decimal("330000.00")
    assert economy.cost_per_participant == Decimal(82500)
    assert economy.total.value == Decimal("375000.00")


@pytest.mark.django_db
def test_yearly_cost_per_full_year_equivalent_is_configurable(
    world: Any, economy_data: Any, settings: Any
) -> None:
    admin = world.users[Role.ASSOCIATION_ADMIN]
    settings.FYE_YEARLY_COST = 200000
    economy = economics.association_economy(user=admin, association_id=world.own.pk, year=2025)
    assert economy.rows[0].estimate.value == Decimal("300000.00")
    asked = economics.association_economy(
        user=admin, association_id=world.own.pk, year=2025, yearly_cost=Decimal(100000)
    )
    assert asked.rows[0].estimate.value == Decimal("150000.00")


@pytest.mark.parametrize(
    ("text", "expected", "refused"),
    [
        (None, Decimal(250000), False),
        ("", Decimal(250000), False),
        ("180 000", Decimal(180000), False),
        ("-5", Decimal(250000), True),
        ("12,5", Decimal(250000), True),
        ("99999999999", Decimal(250000), True),
    ],
)
def test_yearly_cost_asked_for_is_a_whole_positive_krona_amount(
    text: str | None, expected: Decimal, refused: bool, settings: Any
) -> None:
    settings.FYE_YEARLY_COST = 250000
    cost, problem = economics.yearly_cost_from(text)
    assert cost == expected
    assert (problem is not None) == refused
    if refused:
        assert problem is not None and "heltal i kronor" in problem


@pytest.mark.django_db
def test_economy_is_scoped_to_the_users_forbund(world: Any, economy_data: Any) -> None:
    with pytest.raises(Http404):
        economics.association_economy(
            user=world.outsiders[Role.ASSOCIATION_ADMIN], association_id=world.own.pk, year=2025
        )
    with pytest.raises(PermissionDenied):
        economics.association_economy(user=world.no_role, association_id=world.own.pk, year=2025)


# --- the page and the workbook ----------------------------------------------------------------------


@pytest.mark.django_db
def test_page_shows_figures_with_their_assumptions(client: Any, world: Any, economy_data: Any) -> None:
    sign_in(client, world.users[Role.ASSOCIATION_ADMIN])
    url = reverse("statistics:economy_association", args=[world.own.pk])
    page = client.get(url, {"ar": "2025"}).content.decode()
    assert "Steget vidare" in page
    assert "80\u00a0000\u00a0kr" in page  # cost per participant
    assert "375\u00a0000\u00a0kr" in page
    assert "Antaganden" in page and "högst 100 %" in page and "250\u00a0000\u00a0kr" in page
    assert "Budget (utfall saknas)" in page
    refused = client.get(url, {"ar": "2025", "kostnad": "mycket"}).content.decode()
    assert "heltal i kronor" in refused
    assert 'aria-invalid="true"' in refused
    cheaper = client.get(url, {"ar": "2025", "kostnad": "100000"}).content.decode()
    assert "150\u00a0000\u00a0kr" in cheaper


@pytest.mark.django_db
def test_workbook_holds_the_table_and_the_assumptions(client: Any, world: Any, economy_data: Any) -> None:
    sign_in(client, world.users[Role.ASSOCIATION_ADMIN])
    response = client.get(
        reverse("statistics:economy_association_excel", args=[world.own.pk]),
        {"ar": "2025", "kostnad": "250000"},
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = [row for row in book["Uppskattning"].iter_rows(values_only=True) if row[0] == "Steget vidare"]
    [row] = rows
    assert row[1] == 3
    assert Decimal(str(row[2])) == Decimal(240000)
    assert Decimal(str(row[4])) == Decimal(80000)
    assert Decimal(str(row[9])) == Decimal(375000)
    texts = [row[0] for row in book["Antaganden"].iter_rows(values_only=True) if row[0]]
    assert any("helårsekvivalent värderas" in str(text) for text in texts)


@pytest.mark.django_db
def test_another_forbunds_page_is_not_found(client: Any, world: Any, economy_data: Any) -> None:
    sign_in(client, world.outsiders[Role.ASSOCIATION_ADMIN])
    response = client.get(reverse("statistics:economy_association", args=[world.own.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_statistics_page_and_workbook_show_cost_per_participant(
    client: Any, world: Any, economy_data: Any
) -> None:
    sign_in(client, world.users[Role.ASSOCIATION_ADMIN])
    page = client.get(reverse("statistics:statistics_association", args=[world.own.pk]), {"ar": "2025"})
    text = page.content.decode()
    assert "Kostnad per deltagare per insats, 2025" in text
    assert "80\u00a0000\u00a0kr" in text and "82\u00a0500\u00a0kr" in text
    response = client.get(
        reverse("statistics:statistics_association_excel", args=[world.own.pk]), {"ar": "2025"}
    )
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Kostnad per deltagare"].iter_rows(values_only=True))
    assert rows[[r[0] for r in rows].index("Steget vidare")][:2] == ("Steget vidare", 3)
    assert Decimal(str(rows[[r[0] for r in rows].index("Förbundet")][4])) == Decimal(82500)
