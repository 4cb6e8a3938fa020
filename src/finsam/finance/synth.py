"""The finance part of `finsam synth`: populations of every municipality, and for each förbund and year a
budget with its contributions (R-SHARES), the budget consultation with every member, the adoption before
30 November (now and then a late one), the outcome and the closed year with its equity.

The populations are fictional but of a realistic spread (a few thousand to several hundred thousand
inhabitants, growing or shrinking a little every year); they weight the förbund's share of the
participations as well. The budget frame follows the population covered (about 75 kr an inhabitant, as
700 Mkr over the 9 million inhabitants of the covered municipalities), the lines finance the förbund's
interventions of the year and its administration. The populations go through the population import;
the budgets, the same for every scale but 1 500 of them, are written in bulk with the finance rules
(R-SHARES, R-EQUITY) computing what the services would.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from finsam.core import audit
from finsam.core.bulk import insert_many
from finsam.core.synth import SynthAssociation, SynthContext
from finsam.finance import rules, selectors, services
from finsam.finance.audit_actions import AuditAction
from finsam.finance.models import Budget, BudgetConsultation, BudgetLine, Contribution, Outcome
from finsam.finance.schemas import BudgetStatus, CostType, LineKind
from finsam.registry import selectors as registry_selectors
from finsam.registry.schemas import PartyKind

if TYPE_CHECKING:
    from finsam.registry.models import Member

ADMINISTRATION = (
    (CostType.PERSONNEL, Decimal("0.12")),
    (CostType.PREMISES, Decimal("0.025")),
    (CostType.SERVICES, Decimal("0.02")),
    (CostType.BOARD, Decimal("0.015")),
    (CostType.OTHER, Decimal("0.01")),
)
INTERVENTION_SHARE = Decimal("0.78")
MAX_INTERVENTION_LINES = 8


def _round_thousand(amount: Decimal) -> Decimal:
    return (amount / 1000).quantize(Decimal(1)) * 1000


def populations_step(ctx: SynthContext) -> None:
    """Every municipality's population for the budgets' population years (two before the first year)
    up to the last year, through the population import."""
    rng = ctx.rng
    figures = []
    for code in registry_selectors.municipalities().order_by("code").values_list("code", flat=True):
        base = min(max(int(rng.lognormvariate(math.log(16_000), 0.95)), 2_400), 980_000)
        growth = rng.uniform(-0.008, 0.014)
        share = rng.uniform(0.55, 0.64)
        first = ctx.years[0] - services.POPULATION_LAG
        for year in range(first, ctx.years[-1] + 1):
            population = round(base * (1 + growth) ** (year - ctx.years[-1]))
            figures.append(
                services.PopulationFigure(
                    code=code, year=year, population=population, population_16_64=round(population * share)
                )
            )
            ctx.population_by_year[(code, year)] = population
        ctx.population[code] = base
    services.population_import(actor=ctx.actor, figures=figures)


def _active(intervention: object, year: int) -> bool:
    start: date = intervention.start  # type: ignore[attr-defined]
    end: date | None = intervention.end  # type: ignore[attr-defined]
    return start <= date(year, 12, 31) and (end is None or end >= date(year, 1, 1))


def _members(item: SynthAssociation) -> list[Member]:
    """The members in the order the budget lists them (as `selectors.members_on` does)."""
    return sorted(
        item.members,
        key=lambda m: (
            m.kind,
            m.region.code if m.region else "",
            m.municipality.code if m.municipality else "",
        ),
    )


def _contributions(
    ctx: SynthContext, members: list[Member], municipal_key: str, year: int, frame: Decimal
) -> list[Contribution]:
    """Each member's part of the frame under the charter's key (R-SHARES, the same pure rule as the
    service); unsaved, without their budget."""
    municipalities = [m for m in members if m.kind == PartyKind.MUNICIPALITY]
    regions = [m for m in members if m.kind == PartyKind.REGION]
    by_population = municipal_key == rules.POPULATION
    population_year = year - services.POPULATION_LAG

    def population(member: Member) -> int | None:
        assert member.municipality is not None
        return ctx.population_by_year[(member.municipality.code, population_year)] if by_population else None

    result = rules.calculate_contributions(
        rules.ContributionInput(
            total=frame,
            municipalities=[
                rules.PartyInput(
                    code=m.code, name=m.name, population=population(m) if len(municipalities) > 1 else None
                )
                for m in municipalities
            ],
            regions=[rules.PartyInput(code=m.code, name=m.name) for m in regions],
            municipal_key=municipal_key,
            region_key=rules.POPULATION,
        )
    )
    amounts = {(share.kind, share.code): share.amount for share in result.shares}
    return [
        Contribution(
            member=member,
            position=position,
            amount=amounts.get((str(member.kind), member.code), rules.ZERO),
            received=amounts.get((str(member.kind), member.code), rules.ZERO),
            population=population(member) if member.kind == PartyKind.MUNICIPALITY else None,
        )
        for position, member in enumerate(members)
    ]


def _lines(ctx: SynthContext, item: SynthAssociation, year: int, frame: Decimal) -> list[BudgetLine]:
    """The year's lines, unsaved: its running interventions (at most eight) and the administration,
    with an outcome of 85–106 % of the budget."""
    rng = ctx.rng
    running = [i for i in item.interventions if _active(i, year)][:MAX_INTERVENTION_LINES]
    lines = []
    weights = [Decimal(rng.randint(2, 10)) for _ in running]
    for intervention, weight in zip(running, weights, strict=True):
        amount = _round_thousand(frame * INTERVENTION_SHARE * weight / sum(weights))
        lines.append(BudgetLine(kind=LineKind.INTERVENTION, intervention=intervention, amount=amount))
    for cost_type, share in ADMINISTRATION:
        lines.append(
            BudgetLine(
                kind=LineKind.ADMINISTRATION, cost_type=cost_type, amount=_round_thousand(frame * share)
            )
        )
    for position, line in enumerate(lines):
        line.position = position
        line.actual = (line.amount * Decimal(rng.randint(85, 106)) / 100).quantize(Decimal("0.01"))
    return lines


def budgets_step(ctx: SynthContext) -> None:
    """Every förbund's budgets, one per year, adopted and closed: written in bulk (it is the same for every
    scale), with the contributions computed by the rule of R-SHARES and the equity carried year to year by
    the rule of R-EQUITY, as the services would. One audit entry per budget, as the system actor."""
    rng = ctx.rng
    reference = selectors.reference_percent()
    for item in ctx.progress(ctx.associations, desc="Budgetar"):
        association = item.association
        members = _members(item)
        representatives = {
            r.member_id: r.person_id
            for r in registry_selectors.representatives().filter(member__association_id=association.pk)
        }
        charter = selectors.charter_for_year(association_id=association.pk, year=ctx.years[0])
        assert charter is not None
        covered = sum(ctx.population[code] for code in item.municipality_codes)
        closing: Decimal | None = None
        budgets: list[Budget] = []
        parts: list[tuple[list[Contribution], list[BudgetLine], list[BudgetConsultation]]] = []
        outcomes: list[Outcome] = []
        for year in ctx.years:
            frame = _round_thousand(
                Decimal(covered) * Decimal(rng.randint(60, 95)) * Decimal("1.02") ** (year - ctx.years[-1])
            )
            frame = max(frame, Decimal(500_000))
            opening = _round_thousand(frame * Decimal("0.1")) if closing is None else closing
            late = rng.random() < 0.05
            adopted_on = (
                date(year - 1, 12, rng.randint(2, 15)) if late else date(year - 1, 11, rng.randint(10, 28))
            )
            budgets.append(
                Budget(
                    association=association,
                    year=year,
                    status=BudgetStatus.ADOPTED,
                    frame=frame,
                    charter=charter,
                    population_year=year - services.POPULATION_LAG,
                    opening_equity=opening,
                    adopted_on=adopted_on,
                    adoption_reference=f"§ {rng.randint(20, 60)}",
                    adopted_late=rules.adopted_late(year, adopted_on),
                )
            )
            contributions = _contributions(ctx, members, charter.municipal_key, year, frame)
            lines = _lines(ctx, item, year, frame)
            held_on = date(year - 1, 10, rng.randint(1, 28))
            consultations = [
                BudgetConsultation(member=m, held_on=held_on, representative_id=representatives[m.pk])
                for m in members
            ]
            parts.append((contributions, lines, consultations))
            result = rules.year_result(
                income=sum((c.amount for c in contributions), rules.ZERO),
                costs=[line.actual or rules.ZERO for line in lines],
            )
            position = rules.equity_position(
                opening=opening,
                result=result.result,
                contributions=result.income,
                reference_percent=reference,
            )
            outcomes.append(
                Outcome(
                    closed_on=date(year + 1, 2, rng.randint(10, 28)),
                    income=result.income,
                    costs=result.costs,
                    result=position.result,
                    opening_equity=position.opening,
                    closing_equity=position.closing,
                )
            )
            closing = position.closing
        with transaction.atomic():
            insert_many(Budget, budgets)
            for budget, (contributions, lines, consultations), outcome in zip(
                budgets, parts, outcomes, strict=True
            ):
                for row in (*contributions, *lines, *consultations):
                    row.budget = budget  # type: ignore[attr-defined]
                outcome.budget = budget
            insert_many(Contribution, [c for contributions, _, _ in parts for c in contributions])
            insert_many(BudgetLine, [line for _, lines, _ in parts for line in lines])
            insert_many(BudgetConsultation, [c for _, _, consultations in parts for c in consultations])
            insert_many(Outcome, outcomes)
            audit.record_many(
                actor=ctx.actor,
                action=AuditAction.BUDGET_CREATE,
                entries=[
                    (budget, association.pk, {"year": budget.year, "synthetic": True}) for budget in budgets
                ],
            )
