"""The demo has a decided state allocation for the current year, built on last year's, from the demo
municipalities' population 16–64 and försörjningsmått."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finsam import demo
from finsam.finance import selectors as finance_selectors
from finsam.finance.models import Population, StateContribution, SupportMeasure
from finsam.national.allocation import selectors
from finsam.national.allocation.demo import APPROPRIATION

pytestmark = pytest.mark.django_db


def test_the_current_and_last_year_are_decided_for_every_demo_forbund(demo_data: demo.DemoContext) -> None:
    year = finance_selectors.today().year
    ids = {association.pk for association in demo_data.associations.values()}

    current = selectors.decided_allocations(year=year)
    assert {row.association_id for row in current} == ids
    assert sum(row.amount for row in current) == APPROPRIATION[0]
    last = {row.association_id: row.amount for row in selectors.decided_allocations(year=year - 1)}
    decision = selectors.current_decision(year=year)
    assert decision is not None
    assert {row.association_id: row.previous for row in decision.rows.all()} == last
    # One förbund above the demo's recommended level of equity is exempt from the floor.
    assert sorted(decision.rows.values_list("floor_protected", flat=True)) == [False, True, True]
    assert StateContribution.objects.filter(year=year, association_id__in=ids).count() == len(ids)


def test_the_demo_municipalities_have_the_state_models_figures(demo_data: demo.DemoContext) -> None:
    year = finance_selectors.today().year - 2
    assert not Population.objects.filter(year=year, population_16_64__isnull=True).exists()
    assert SupportMeasure.objects.filter(year=year).count() == 15
    assert all(m.value > Decimal(0) for m in SupportMeasure.objects.filter(year=year))
