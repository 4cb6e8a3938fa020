"""Reads of finance: scoped by the user (outside the scope a budget does not exist), totals from the
database, a fixed number of queries on list reads, and the adoption status other apps read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from finsam.core.access import SYSTEM
from finsam.core.roles import Role
from finsam.finance import selectors, services
from tests.factories import make_association, make_budget

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.mark.parametrize(
    "role", [Role.NATIONAL_ADMIN, Role.ASSOCIATION_ADMIN, Role.BOARD_MEMBER, Role.AUDITOR]
)
def test_the_budget_is_read_by_the_roles_that_see_finance(world: Any, role: Role) -> None:
    budget = make_budget(world.own)

    assert selectors.budget_get(user=world.users[role], budget_id=budget.pk) == budget


@pytest.mark.parametrize("role", [Role.ASSOCIATION_ADMIN, Role.BOARD_MEMBER, Role.AUDITOR])
def test_a_budget_of_another_association_does_not_exist_for_its_outsiders(world: Any, role: Role) -> None:
    budget = make_budget(world.own)

    with pytest.raises(Http404):
        selectors.budget_get(user=world.outsiders[role], budget_id=budget.pk)
    with pytest.raises(Http404):
        selectors.budget_list(user=world.outsiders[role], association_id=world.own.pk)


def test_member_representatives_read_reports_but_not_the_working_pages(world: Any) -> None:
    budget = make_budget(world.own)
    representative = world.users[Role.MEMBER_REPRESENTATIVE]

    report = selectors.budget_report(user=representative, budget_id=budget.pk)

    assert report.association == world.own and report.totals.frame == D("1000000.00")
    with pytest.raises(PermissionDenied):
        selectors.budget_get(user=representative, budget_id=budget.pk)


@pytest.mark.parametrize("role", [Role.NATIONAL_VIEWER, Role.PARTICIPANT_COORDINATOR])
def test_roles_without_finance_read_no_budget(world: Any, role: Role) -> None:
    budget = make_budget(world.own)

    with pytest.raises(PermissionDenied):
        selectors.budget_report(user=world.users[role], budget_id=budget.pk)


def test_the_budget_list_carries_the_totals_of_each_year(world: Any) -> None:
    last = make_budget(world.own, year=2025, adopt_on=date(2024, 11, 20))
    line = last.lines.first()
    services.outcome_update(
        actor=SYSTEM,
        budget=last,
        version=last.version,
        actuals={line.pk: "590000"},
        received={c.pk: c.amount for c in last.contributions.all()},
    )
    make_budget(world.own, year=2026, frame="1100000.00")

    budgets = list(selectors.budget_list(user=world.users[Role.AUDITOR], association_id=world.own.pk))

    assert [b.year for b in budgets] == [2026, 2025]
    assert budgets[1].costs_total == D("900000.00")
    assert budgets[1].actual_total == D("590000.00")
    assert budgets[1].received_total == D("1000000.00")
    assert budgets[0].costs_total == D("900000.00") and budgets[0].actual_total == D("0.00")


def test_listing_budgets_takes_the_same_queries_for_one_year_as_for_five(world: Any) -> None:
    user = world.users[Role.ASSOCIATION_ADMIN]
    make_budget(world.own, year=2027)
    selectors.can_view(user=user, association_id=world.own.pk)  # the user's roles, cached per request
    with CaptureQueriesContext(connection) as one:
        [
            b.outcome if hasattr(b, "outcome") else None
            for b in selectors.budget_list(user=user, association_id=world.own.pk)
        ]
    for year in (2023, 2024, 2025, 2026):
        make_budget(world.own, year=year)
    with CaptureQueriesContext(connection) as five:
        [
            b.outcome if hasattr(b, "outcome") else None
            for b in selectors.budget_list(user=user, association_id=world.own.pk)
        ]

    assert len(five) == len(one)


def test_the_overview_takes_the_same_queries_for_two_associations_as_for_six(world: Any) -> None:
    user = world.users[Role.NATIONAL_ADMIN]
    for association in (world.own, world.other):
        make_budget(association)
    selectors.can_view(user=user, association_id=world.own.pk)  # the user's roles, cached per request
    with CaptureQueriesContext(connection) as two:
        rows = selectors.overview(user=user, years=[2026, 2027])
    for n in range(4):
        make_budget(make_association(f"Samordningsförbundet Extra {n}", municipalities=("2418",)))
    with CaptureQueriesContext(connection) as six:
        rows = selectors.overview(user=user, years=[2026, 2027])

    assert len(rows) == 6 and len(six) == len(two)
    assert all(row.for_year(2027) is not None for row in rows)


def test_the_overview_shows_an_association_admin_only_its_own(world: Any) -> None:
    make_budget(world.own)
    make_budget(world.other)

    rows = selectors.overview(user=world.users[Role.ASSOCIATION_ADMIN], years=[2027])

    assert [row.association for row in rows] == [world.own]


def test_the_adoption_status_of_a_year_for_the_annual_cycle(world: Any) -> None:
    make_budget(world.own, year=2026, adopt_on=date(2025, 12, 3))
    make_budget(world.own, year=2027)

    late = selectors.budget_adoption(association_id=world.own.pk, year=2026)
    draft = selectors.budget_adoption(association_id=world.own.pk, year=2027)
    none = selectors.budget_adoption(association_id=world.own.pk, year=2028)

    assert (late.adopted, late.late, late.adopted_on, late.deadline) == (
        True,
        True,
        date(2025, 12, 3),
        date(2025, 11, 30),
    )
    assert (draft.exists, draft.adopted, draft.late) == (True, False, False)
    assert (none.exists, none.adopted, none.deadline) == (False, False, date(2027, 11, 30))


def test_late_adoptions_are_listed_within_the_users_scope(world: Any) -> None:
    make_budget(world.own, year=2026, adopt_on=date(2025, 12, 3))
    make_budget(world.other, year=2026, adopt_on=date(2025, 12, 5))
    make_budget(world.own, year=2025, adopt_on=date(2024, 11, 1))

    own = selectors.late_adoptions(user=world.users[Role.BOARD_MEMBER])
    national = selectors.late_adoptions(user=world.users[Role.NATIONAL_ADMIN], year=2026)

    assert [(b.association, b.year) for b in own] == [(world.own, 2026)]
    assert {b.association for b in national} == {world.own, world.other}


@override_settings(EQUITY_REFERENCE_PERCENT=20)
def test_equity_before_any_outcome_is_a_forecast_from_the_budget(world: Any) -> None:
    budget = make_budget(world.own)  # contributions 1 000 000, costs 900 000
    budget.opening_equity = D("150000.00")
    budget.save()

    equity = selectors.equity(budget=budget)

    assert (equity.opening, equity.result, equity.closing) == (D("150000.00"), D("100000.00"), D("250000.00"))
    assert equity.share_percent == D("25.0") and equity.status == "above"


@override_settings(EQUITY_REFERENCE_PERCENT=30)
def test_the_reference_level_of_equity_is_a_setting(world: Any) -> None:
    budget = make_budget(world.own)
    budget.opening_equity = D("150000.00")
    budget.save()

    assert selectors.equity(budget=budget).status == "within"


def test_the_population_table_of_an_association_admin_holds_its_municipalities(world: Any) -> None:
    rows = selectors.population_table(user=world.users[Role.ASSOCIATION_ADMIN], year=2025)
    national = selectors.population_table(user=world.users[Role.NATIONAL_ADMIN], year=2025)

    assert [row.municipality.code for row in rows] == ["2460", "2480"]
    assert len(national) == 290


def test_calculator_results_get_the_names_of_known_codes() -> None:
    from finsam.finance import rules

    result = selectors.with_party_names(
        rules.calculate_contributions(
            rules.ContributionInput(
                total=D("100"),
                municipalities=[rules.PartyInput("2480", population=1), rules.PartyInput("X1", population=1)],
                regions=[rules.PartyInput("24")],
            )
        )
    )

    names = {share.code: share.name for share in result.shares}
    assert names["2480"] == "Umeå kommun" and names["24"] == "Region Västerbotten" and names["X1"] == "X1"
