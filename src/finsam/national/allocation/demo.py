"""Demo of the state allocation: the working group's settings for last year and this year, and both years
decided from the demo's registry and figures (the populations 16-64 and försörjningsmått of the finance
demo, which are synthetic). The appropriation is scaled to the three demo förbund (the real one is about
339 Mkr for all of them). Idempotent: what an earlier run decided stays."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from finsam.core.access import SYSTEM
from finsam.finance import selectors as finance_selectors
from finsam.national.allocation import selectors, services

if TYPE_CHECKING:
    from finsam.core.demo import DemoContext

# Invented: about the state's half of the demo förbund's budgets.
APPROPRIATION = {1: Decimal("13600000"), 0: Decimal("13900000")}  # years before this year → amount


def allocation_step(ctx: DemoContext) -> None:
    this_year = finance_selectors.today().year
    for back in (1, 0):
        year = this_year - back
        if selectors.settings_for(user=SYSTEM, year=year) is None:
            services.allocation_settings_save(
                actor=SYSTEM,
                year=year,
                appropriation=APPROPRIATION[back],
                base_amount=Decimal("400000"),
                need_weight=Decimal("0.75"),
                population_weight=Decimal("0.25"),
                max_reduction=Decimal("0.10"),
                equity_level_percent=Decimal("25"),
                population_year=year - 2,
                support_measure_year=year - 2,
            )
        if selectors.current_decision(year=year) is None:
            services.allocation_decide(
                actor=SYSTEM,
                year=year,
                decided_on=min(date(year - 1, 12, 10), finance_selectors.today()),
                reference=f"Arbetsgruppen {year - 1}-12-10, § {year % 100}",
            )
