"""Data for the state allocation's tests: the state model's figures for a world's förbund, the year's
settings, and a decision."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from finsam.core.access import SYSTEM
from finsam.finance.models import Population, SupportMeasure
from finsam.national.allocation import selectors, services
from finsam.registry.models import Municipality
from finsam.registry.schemas import PartyKind

YEAR = date.today().year  # noqa: DTZ011 - a decision cannot be dated in the future
# municipality code → (population 16-64, försörjningsmått): the world's four municipalities.
FIGURES = {
    "2480": (85_000, Decimal("7100.5")),
    "2460": (5_000, Decimal("610")),
    "2482": (44_000, Decimal("4400")),
    "2417": (2_200, Decimal("300.25")),
}


def state_model_figures(year: int = YEAR, figures: dict[str, tuple[int, Decimal]] | None = None) -> None:
    """Population 16-64 and försörjningsmått of `year - 2` for every municipality in FIGURES (or given)."""
    for code, (aged, measure) in (figures or FIGURES).items():
        municipality = Municipality.objects.get(code=code)
        Population.objects.update_or_create(
            municipality=municipality,
            year=year - 2,
            defaults={"population": aged * 3 // 2, "population_16_64": aged},
        )
        SupportMeasure.objects.update_or_create(
            municipality=municipality, year=year - 2, defaults={"value": measure}
        )


def allocation_settings(year: int = YEAR, **values: Any) -> Any:
    data: dict[str, Any] = {
        "appropriation": Decimal("10000000"),
        "base_amount": Decimal("400000"),
        "need_weight": Decimal("0.75"),
        "population_weight": Decimal("0.25"),
        "max_reduction": Decimal("0.10"),
        "equity_level_percent": Decimal("20"),
        "population_year": year - 2,
        "support_measure_year": year - 2,
    } | values
    current = selectors.settings_for(user=SYSTEM, year=year)
    return services.allocation_settings_save(
        actor=SYSTEM, year=year, version=current.version if current else None, **data
    )


def decided(year: int = YEAR) -> Any:
    """The year's current decision, made (with figures and settings) when there is none."""
    decision = selectors.current_decision(year=year)
    if decision is None:
        state_model_figures(year)
        if selectors.settings_for(user=SYSTEM, year=year) is None:
            allocation_settings(year)
        decision = services.allocation_decide(
            actor=SYSTEM, year=year, decided_on=date(year, 1, 1), reference="§ 7"
        )
    return decision


def municipalities_of(association: Any) -> list[str]:
    return sorted(
        association.members.filter(kind=PartyKind.MUNICIPALITY).values_list("municipality__code", flat=True)
    )


def decision_for(associations: list[Any], year: int = YEAR) -> Any:
    """The year's current decision; when there is none, one written directly with a row per given
    förbund (for tests that only read a decision, whatever else the database holds)."""
    from finsam.national.allocation.models import AllocationDecision, AllocationRow

    decision = selectors.current_decision(year=year)
    if decision is not None:
        return decision
    decision = AllocationDecision.objects.create(
        year=year,
        decided_on=date(year, 1, 1),
        appropriation=Decimal("2000000"),
        base_amount=Decimal("400000"),
        need_weight=Decimal("0.75"),
        population_weight=Decimal("0.25"),
        max_reduction=Decimal("0.10"),
        equity_level_percent=Decimal("20"),
        population_year=year - 2,
        support_measure_year=year - 2,
        need_pool=Decimal("900000"),
        population_pool=Decimal("300000"),
    )
    for association in associations:
        AllocationRow.objects.create(
            decision=decision,
            association=association,
            name=association.name,
            population_16_64=40_000,
            support_measure=Decimal("3000"),
            floor_protected=True,
            base=Decimal("400000"),
            need_part=Decimal("450000"),
            population_part=Decimal("150000"),
            model_amount=Decimal("1000000"),
            floor_adjustment=Decimal("0"),
            amount=Decimal("1000000"),
            at_floor=False,
        )
    return decision
