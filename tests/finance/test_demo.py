"""The finance demo data: for each Västerbotten förbund last year's budget with its outcome closed, this
year's adopted, next year's in draft; approximate populations for the 15 municipalities; idempotent."""

from __future__ import annotations

import io
from typing import Any

import pytest

from finsam import demo
from finsam.core.models import AuditEntry
from finsam.finance import selectors
from finsam.finance.demo import POPULATIONS, finance_step
from finsam.finance.models import Budget, BudgetConsultation, BudgetStatus, Contribution, Population

pytestmark = pytest.mark.django_db

STEPS = [step for step in demo.STEPS if step.run in (demo.registry_step, demo.users_step, finance_step)]


def build() -> Any:
    return demo.build(out=io.StringIO(), password="demo-lösenord-123", show_progress=False, steps=STEPS)


def test_each_forbund_has_last_this_and_next_years_budget(demo_data: demo.DemoContext) -> None:
    ctx = demo_data
    year = selectors.today().year

    for key, association in ctx.associations.items():
        budgets = {
            b.year: b for b in Budget.objects.filter(association=association).select_related("outcome")
        }
        assert sorted(budgets) == [year - 1, year, year + 1], key
        last, current, following = budgets[year - 1], budgets[year], budgets[year + 1]
        assert last.status == BudgetStatus.ADOPTED and selectors.has_outcome(budget=last)
        assert current.status == BudgetStatus.ADOPTED and not selectors.has_outcome(budget=current)
        assert following.status == BudgetStatus.DRAFT
        assert current.opening_equity == last.outcome.closing_equity
        assert current.adopted_late == (key == "sodra-lappland")
        assert selectors.unconsulted_members(budget=following)  # the consultations are under way
        for budget in budgets.values():
            assert sum(c.amount for c in budget.contributions.all()) == budget.frame
            assert budget.lines.filter(kind="intervention").exists()
            assert budget.lines.filter(kind="administration").count() == 5


def test_the_populations_are_plausible_for_the_fifteen_municipalities(demo_data: demo.DemoContext) -> None:
    year = selectors.today().year

    umea = Population.objects.get(municipality__code="2480", year=year - 2).population
    assert 120_000 < umea < 145_000
    assert Population.objects.filter(year=year - 1).count() == len(POPULATIONS) == 15


def test_running_the_demo_again_adds_nothing() -> None:
    build()
    counts = (
        Budget.objects.count(),
        Contribution.objects.count(),
        BudgetConsultation.objects.count(),
        Population.objects.count(),
        AuditEntry.objects.filter(action__startswith="budget").count(),
    )

    build()

    assert counts == (
        Budget.objects.count(),
        Contribution.objects.count(),
        BudgetConsultation.objects.count(),
        Population.objects.count(),
        AuditEntry.objects.filter(action__startswith="budget").count(),
    )
    assert counts[0] == 9
