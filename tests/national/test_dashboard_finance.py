"""Finance's national aggregates, which the dashboard and open data read: contributions of adopted
budgets by kind of member, and each förbund's equity at its latest closed year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from finsam.core.access import SYSTEM
from finsam.finance import selectors, services
from tests.factories import make_association, make_budget

pytestmark = pytest.mark.django_db


def _close(budget: Any, *, spent: str) -> None:
    line = budget.lines.get(kind="intervention")
    others = {x.pk: x.amount for x in budget.lines.exclude(pk=line.pk)}
    services.outcome_update(
        actor=SYSTEM,
        budget=budget,
        version=budget.version,
        actuals={line.pk: spent, **others},
        received={c.pk: c.amount for c in budget.contributions.all()},
    )
    budget.refresh_from_db()
    services.outcome_close(actor=SYSTEM, budget=budget, closed_on=date(budget.year + 1, 2, 20))


def test_contributions_are_summed_by_kind_over_adopted_budgets_only(db: Any) -> None:
    first = make_association(municipalities=("2480", "2460"))
    second = make_association(municipalities=("2482",))
    third = make_association(municipalities=("2417",))
    make_budget(first, year=2025, frame="1000000.00", adopt_on=date(2024, 11, 20))
    make_budget(second, year=2025, frame="200000.00", adopt_on=date(2024, 11, 25))
    make_budget(third, year=2025, frame="999999.00")  # a draft counts for nothing
    with CaptureQueriesContext(connection) as queries:
        data = selectors.national_finance(year=2025)
    assert len(queries) == 3
    assert data.total == Decimal("1200000.00")
    assert data.kind_amount("fk") == Decimal("600000.00")  # FK's half covers AF's part (R-SHARES)
    assert data.kind_amount("region") == Decimal("300000.00")
    assert data.kind_amount("municipality") == Decimal("300000.00")
    by_association = {a.association_id: a for a in data.by_association}
    assert set(by_association) == {first.pk, second.pk}
    assert by_association[second.pk].total == Decimal("200000.00")


def test_equity_is_that_of_the_latest_closed_year_against_its_contributions(db: Any) -> None:
    association = make_association(municipalities=("2480",))
    budget = make_budget(association, year=2024, frame="1000000.00", adopt_on=date(2023, 11, 20))
    _close(budget, spent="500000.00")  # 1 000 000 in, 500 000 + 300 000 out: 200 000 to equity
    make_budget(association, year=2025, frame="1000000.00", adopt_on=date(2024, 11, 20))  # not closed
    data = selectors.national_finance(year=2025, equity_level=Decimal(10))
    [row] = data.equity
    assert row.year == 2024
    assert row.position.closing == Decimal("200000.00")
    assert row.position.share_percent == Decimal("20.0")
    assert row.position.status == "above"
    assert selectors.national_finance(year=2023).equity == []
