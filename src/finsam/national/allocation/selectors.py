"""Reads of the state allocation. The draft and the settings are the working group's (checked with
`require`); a decided allocation is public (R-STATE-MODEL: the state's money per förbund), so
`decided_allocations` and `recommended_equity_level` take no user: the dashboard and open data read them.
A letter is read by those who read the förbund's state allocation, scoped to their förbund (others 404).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from finsam.core.access import Actor, require, scope_for
from finsam.core.errors import RuleViolation
from finsam.core.roles import Capability
from finsam.finance import rules as finance_rules
from finsam.finance import selectors as finance_selectors
from finsam.national.allocation import rules
from finsam.national.allocation.models import AllocationDecision, AllocationRow, AllocationSettings
from finsam.registry import selectors as registry_selectors
from finsam.registry.schemas import PartyKind

# --- public reads (no user) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DecidedAllocation:
    year: int
    association_id: int
    association_name: str
    amount: Decimal
    decided_on: date


def decided_allocations(*, year: int | None = None) -> list[DecidedAllocation]:
    """The current decision's amount per förbund, of one year or of every year (latest year first, then
    by name). Public: no user. One query."""
    rows = AllocationRow.objects.filter(decision__superseded=False).select_related("decision")
    if year is not None:
        rows = rows.filter(decision__year=year)
    return [
        DecidedAllocation(
            year=row.decision.year,
            association_id=row.association_id,
            association_name=row.name,
            amount=row.amount,
            decided_on=row.decision.decided_on,
        )
        for row in rows.order_by("-decision__year", "name")
    ]


def recommended_equity_level(year: int) -> Decimal:
    """The recommended level of equity for `year`'s allocation, as a percentage of a year's contributions:
    the working group's setting for the year, else the platform's reference level (R-EQUITY)."""
    level = (
        AllocationSettings.objects.filter(year=year).values_list("equity_level_percent", flat=True).first()
    )
    return level if level is not None else finance_selectors.reference_percent()


# --- the working group's reads ------------------------------------------------------------------------


def settings_for(*, user: Actor, year: int) -> AllocationSettings | None:
    require(user, Capability.STATE_ALLOCATION_EDIT)
    return AllocationSettings.objects.filter(year=year).first()


def settings_years(*, user: Actor) -> list[int]:
    require(user, Capability.STATE_ALLOCATION_VIEW)
    return list(AllocationSettings.objects.values_list("year", flat=True))


def current_decision(*, year: int) -> AllocationDecision | None:
    return AllocationDecision.objects.filter(year=year, superseded=False).first()


@dataclass
class DraftRow:
    """One förbund in the draft: its figures, what is missing, and (when complete) its result."""

    association_id: int
    name: str
    municipalities: int
    population_16_64: int | None
    support_measure: Decimal | None
    previous: Decimal | None
    equity: finance_selectors.ClosedEquity | None
    exemption: rules.Exemption
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    result: finance_rules.StateAllocationResult | None = None


@dataclass
class Draft:
    year: int
    settings: AllocationSettings | None
    rows: list[DraftRow]
    calculation: finance_rules.StateAllocationCalculation | None = None
    refusal: RuleViolation | None = None
    decision: AllocationDecision | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        return any(row.missing for row in self.rows)

    @property
    def can_decide(self) -> bool:
        return self.calculation is not None and not self.missing and not self.problems

    @property
    def total(self) -> Decimal | None:
        return (
            None if self.calculation is None else sum((r.final for r in self.calculation.results), Decimal(0))
        )


def _names(ids: list[int], municipality_names: dict[int, str]) -> str:
    return ", ".join(sorted(municipality_names.get(i, str(i)) for i in ids))


def draft(*, user: Actor, year: int) -> Draft:
    """The allocation for `year` computed from the registry: the förbund active on 1 January, the sums of
    their member municipalities' population 16-64 and försörjningsmått (of the settings' years), last
    year's decided allocation and each förbund's latest closed equity (floor exemption). The computation
    itself is finance.rules.calculate_state_allocation. Missing figures are named per förbund; the draft
    then has no result and cannot be decided. A fixed number of queries."""
    require(user, Capability.STATE_ALLOCATION_EDIT)
    settings = AllocationSettings.objects.filter(year=year).first()
    result = Draft(year=year, settings=settings, rows=[], decision=current_decision(year=year))
    day = date(year, 1, 1)
    associations = list(
        registry_selectors.associations()
        .filter(founded__lte=day)
        .filter(Q(dissolved__isnull=True) | Q(dissolved__gte=day))
        .order_by("name")
    )
    if not associations:
        result.problems.append(_("Inget förbund är verksamt den 1 januari %(year)s.") % {"year": year})
    if settings is None:
        result.problems.append(_("Inställningarna för %(year)s saknas: fyll i dem först.") % {"year": year})
    ids = [a.pk for a in associations]
    members: dict[int, list[int]] = defaultdict(list)
    for association_id, municipality_id in (
        registry_selectors.members()
        .filter(
            association_id__in=ids, kind=PartyKind.MUNICIPALITY, municipality__isnull=False, joined__lte=day
        )
        .filter(Q(left__isnull=True) | Q(left__gte=day))
        .values_list("association_id", "municipality_id")
    ):
        members[association_id].append(municipality_id)
    municipality_ids = {m for ms in members.values() for m in ms}
    names = dict(
        registry_selectors.municipalities().filter(pk__in=municipality_ids).values_list("pk", "name")
    )
    populations: dict[int, int] = {}
    measures: dict[int, Decimal] = {}
    if settings is not None:
        populations = finance_selectors.populations_16_64(
            municipality_ids=municipality_ids, year=settings.population_year
        )
        measures = finance_selectors.support_measures(
            municipality_ids=municipality_ids, year=settings.support_measure_year
        )
    previous_decision = current_decision(year=year - 1)
    previous = (
        dict(previous_decision.rows.values_list("association_id", "amount"))
        if previous_decision is not None
        else {}
    )
    equity = finance_selectors.latest_closed_equity(association_ids=ids, before_year=year)
    level = settings.equity_level_percent if settings is not None else recommended_equity_level(year)

    for association in associations:
        own = members.get(association.pk, [])
        closed = equity.get(association.pk)
        exemption = rules.floor_exemption(
            closing=closed.closing if closed else None,
            contributions=closed.contributions if closed else None,
            equity_year=closed.year if closed else None,
            level_percent=level,
        )
        row = DraftRow(
            association_id=association.pk,
            name=association.name,
            municipalities=len(own),
            population_16_64=None,
            support_measure=None,
            previous=previous.get(association.pk),
            equity=closed,
            exemption=exemption,
        )
        if not own:
            row.missing.append(
                _("Förbundet har ingen kommun som medlem den 1 januari %(year)s.") % {"year": year}
            )
        if settings is not None and own:
            without_population = [m for m in own if m not in populations]
            without_measure = [m for m in own if m not in measures]
            if without_population:
                row.missing.append(
                    _(
                        "Befolkning 16–64 år %(population_year)s saknas för %(names)s: "
                        "läs in SCB:s tabell efter ålder."
                    )
                    % {
                        "population_year": settings.population_year,
                        "names": _names(without_population, names),
                    }
                )
            else:
                row.population_16_64 = sum(populations[m] for m in own)
            if without_measure:
                row.missing.append(
                    _(
                        "Försörjningsmått %(support_measure_year)s saknas för %(names)s: "
                        "läs in försörjningsmåtten."
                    )
                    % {
                        "support_measure_year": settings.support_measure_year,
                        "names": _names(without_measure, names),
                    }
                )
            else:
                row.support_measure = sum((measures[m] for m in own), Decimal(0))
        if row.previous is None:
            row.notes.append(
                _("Ingen beslutad tilldelning för %(value)s: ny i fördelningen, ingen spärr.")
                % {"value": year - 1}
            )
        result.rows.append(row)

    if settings is None or result.missing or result.problems:
        return result
    try:
        calculation = finance_rules.calculate_state_allocation(
            finance_rules.StateModelInput(
                appropriation=settings.appropriation,
                base_amount=settings.base_amount,
                need_weight=settings.need_weight,
                population_weight=settings.population_weight,
                max_reduction=settings.max_reduction,
                associations=[
                    finance_rules.AssociationFigures(
                        code=str(row.association_id),
                        name=row.name,
                        support_measure=row.support_measure or Decimal(0),
                        population=row.population_16_64 or 0,
                        previous=row.previous,
                        floor_protected=row.exemption.protected,
                    )
                    for row in result.rows
                ],
            )
        )
    except RuleViolation as exc:
        result.refusal = exc
        result.problems.extend(v.message for v in exc.violations)
        return result
    result.calculation = calculation
    for row in result.rows:
        row.result = calculation.result_for(str(row.association_id))
    return result


# --- decided allocations, scoped ----------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionView:
    decision: AllocationDecision
    rows: list[AllocationRow]


def decision_list(*, user: Actor) -> list[DecisionView]:
    """The current decisions, latest year first, each with the rows the user may read: every förbund for
    the national roles, the own förbund for the others. Two queries."""
    scope = require(user, Capability.STATE_ALLOCATION_VIEW)
    decisions = list(AllocationDecision.objects.filter(superseded=False).order_by("-year"))
    rows = AllocationRow.objects.filter(decision__in=decisions).order_by("name")
    if not scope.all:
        rows = rows.filter(association_id__in=scope.association_ids)
    by_decision: dict[int, list[AllocationRow]] = defaultdict(list)
    for row in rows:
        by_decision[row.decision_id].append(row)
    return [DecisionView(decision=d, rows=by_decision.get(d.pk, [])) for d in decisions]


@dataclass(frozen=True)
class Letter:
    decision: AllocationDecision
    row: AllocationRow
    previous: AllocationRow | None
    generated: date


def letter(*, user: Actor, year: int, association_id: int) -> Letter:
    """The decision letter of one förbund: the current decision's row and last year's. 404 outside the
    user's scope or without a decision."""
    scope = scope_for(user, Capability.STATE_ALLOCATION_VIEW)
    if not scope.allows(association_id):
        raise Http404
    row = (
        AllocationRow.objects.select_related("decision")
        .filter(decision__year=year, decision__superseded=False, association_id=association_id)
        .first()
    )
    if row is None:
        raise Http404
    previous = AllocationRow.objects.filter(
        decision__year=year - 1, decision__superseded=False, association_id=association_id
    ).first()
    return Letter(decision=row.decision, row=row, previous=previous, generated=finance_selectors.today())
