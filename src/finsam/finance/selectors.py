"""Every read of finance, scoped by the user. A budget outside the user's scope does not exist for them
(Http404). Totals are aggregated in the database; list pages take a fixed number of queries.

`budget_adoption` is the face other apps use (the governance app's annual cycle): it takes an association
id, not a user, like `registry.selectors.association_is_valid`, because its callers scope themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from finsam.core.access import Actor, filter_scope, require, scope_for
from finsam.core.audit_text import Described, ObjectText, Refs, ids_of
from finsam.core.roles import Capability
from finsam.finance import rules
from finsam.finance.models import (
    Budget,
    BudgetConsultation,
    BudgetLine,
    BudgetStatus,
    Contribution,
    LineKind,
    Outcome,
    Population,
    StateContribution,
    SupportMeasure,
)
from finsam.registry import selectors as registry_selectors
from finsam.registry.schemas import PartyKind

if TYPE_CHECKING:
    from finsam.registry.models import Association, Charter, Member, Municipality

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=16, decimal_places=2)


def today() -> date:
    return timezone.localdate()


def _sum(expression: str, **filters: Any) -> Coalesce:
    return Coalesce(
        Sum(expression, filter=Q(**filters) if filters else None), Value(ZERO), output_field=_MONEY
    )


# --- budgets ------------------------------------------------------------------------------------


def _with_totals(budgets: QuerySet[Budget]) -> QuerySet[Budget]:
    """Annotates each budget with its costs, actual costs, contributions received and counts; the sums come
    from subqueries so that the joins of one do not multiply the other."""
    from django.db.models import OuterRef, Subquery

    def line_sum(field: str) -> Coalesce:
        rows = (
            BudgetLine.objects.filter(budget=OuterRef("pk"))
            .order_by()
            .values("budget")
            .annotate(total=Sum(field))
            .values("total")
        )
        return Coalesce(Subquery(rows, output_field=_MONEY), Value(ZERO), output_field=_MONEY)

    received = (
        Contribution.objects.filter(budget=OuterRef("pk"))
        .order_by()
        .values("budget")
        .annotate(total=Sum("received"))
        .values("total")
    )
    return budgets.annotate(
        costs_total=line_sum("amount"),
        actual_total=line_sum("actual"),
        received_total=Coalesce(Subquery(received, output_field=_MONEY), Value(ZERO), output_field=_MONEY),
    )


def budget_list(*, user: Actor, association_id: int) -> QuerySet[Budget]:
    """The association's budgets, newest year first, with their totals. One query."""
    scope = require(user, Capability.FINANCE_VIEW)
    if not scope.allows(association_id):
        raise Http404
    return _with_totals(Budget.objects.filter(association_id=association_id)).select_related("outcome")


def budget_get(*, user: Actor, budget_id: int, capability: Capability = Capability.FINANCE_VIEW) -> Budget:
    scope = require(user, capability)
    budget = (
        Budget.objects.select_related("association__seat", "charter", "outcome").filter(pk=budget_id).first()
    )
    if budget is None or not scope.allows(budget.association_id):
        raise Http404
    return budget


def budget_for_year(
    *, user: Actor, association_id: int, year: int, capability: Capability = Capability.FINANCE_VIEW
) -> Budget:
    scope = require(user, capability)
    if not scope.allows(association_id):
        raise Http404
    budget = (
        Budget.objects.select_related("association__seat", "charter", "outcome")
        .filter(association_id=association_id, year=year)
        .first()
    )
    if budget is None:
        raise Http404
    return budget


def can_edit(*, user: Actor, association_id: int) -> bool:
    return scope_for(user, Capability.FINANCE_EDIT).allows(association_id)


def can_view(*, user: Actor, association_id: int) -> bool:
    return scope_for(user, Capability.FINANCE_VIEW).allows(association_id)


@dataclass
class OverviewRow:
    association: Association
    budgets: list[Budget]

    def for_year(self, year: int) -> Budget | None:
        return next((b for b in self.budgets if b.year == year), None)


def overview(*, user: Actor, years: list[int]) -> list[OverviewRow]:
    """The associations the user may see with their budgets of `years`. Two queries."""
    scope = require(user, Capability.FINANCE_REPORT)
    associations = filter_scope(registry_selectors.associations(), scope, field="id").order_by("name")
    budgets = Budget.objects.filter(year__in=years).order_by("year")
    return [
        OverviewRow(association=a, budgets=list(a.budgets.all()))
        for a in associations.prefetch_related(Prefetch("budgets", queryset=budgets))
    ]


def report_budget_list(*, user: Actor, association_id: int) -> QuerySet[Budget]:
    """The budgets whose reports the user may read (member representatives read reports only)."""
    scope = require(user, Capability.FINANCE_REPORT)
    if not scope.allows(association_id):
        raise Http404
    return Budget.objects.filter(association_id=association_id).order_by("-year")


def lines(*, budget: Budget) -> list[BudgetLine]:
    """The budget's lines: interventions first, then administration. One query."""
    rows = list(BudgetLine.objects.filter(budget=budget).select_related("intervention"))
    rows.sort(key=lambda line: (line.kind != LineKind.INTERVENTION, line.position, line.pk))
    return rows


def contributions(*, budget: Budget) -> list[Contribution]:
    return list(
        Contribution.objects.filter(budget=budget).select_related("member__region", "member__municipality")
    )


def consultations(*, budget: Budget) -> list[BudgetConsultation]:
    return list(
        BudgetConsultation.objects.filter(budget=budget).select_related(
            "member__region", "member__municipality", "representative"
        )
    )


def budget_members(*, budget: Budget) -> list[Member]:
    """The members the budget concerns: those that are members on 1 January of its year."""
    return members_on(association_id=budget.association_id, day=date(budget.year, 1, 1))


def members_on(*, association_id: int, day: date) -> list[Member]:
    members = (
        registry_selectors.members()
        .filter(association_id=association_id, joined__lte=day)
        .filter(Q(left__isnull=True) | Q(left__gte=day))
        .select_related("region", "municipality")
    )
    order = {PartyKind.FK: 0, PartyKind.AF: 1, PartyKind.REGION: 2, PartyKind.MUNICIPALITY: 3}
    return sorted(members, key=lambda m: (order.get(PartyKind(m.kind), 9), m.code))


def unconsulted_members(*, budget: Budget) -> list[Member]:
    """R-BUDGET: the budget's members without a recorded budget consultation."""
    consulted = set(BudgetConsultation.objects.filter(budget=budget).values_list("member_id", flat=True))
    return [m for m in budget_members(budget=budget) if m.pk not in consulted]


def charter_for_year(*, association_id: int, year: int) -> Charter | None:
    """The förbundsordning in force on 1 January of `year`: the latest version valid by then."""
    return (
        registry_selectors.charters()
        .filter(association_id=association_id, valid_from__lte=date(year, 1, 1))
        .prefetch_related("shares")
        .order_by("-valid_from", "-version")
        .first()
    )


def previous_budget(*, budget: Budget) -> Budget | None:
    return (
        Budget.objects.select_related("outcome")
        .filter(association_id=budget.association_id, year=budget.year - 1)
        .first()
    )


@dataclass(frozen=True)
class BudgetTotals:
    frame: Decimal
    costs: Decimal
    budget_result: Decimal
    received: Decimal
    actual: Decimal
    outcome_result: Decimal
    contributions_complete: bool
    actuals_complete: bool


def budget_totals(*, budget: Budget) -> BudgetTotals:
    """Budgeted and actual sums of one budget, aggregated in the database. Two queries."""
    line_sums = BudgetLine.objects.filter(budget=budget).aggregate(
        costs_sum=_sum("amount"),
        actual_sum=_sum("actual"),
        actual_missing=Count("pk", filter=Q(actual__isnull=True)),
    )
    contribution_sums = Contribution.objects.filter(budget=budget).aggregate(
        received_sum=_sum("received"), received_missing=Count("pk", filter=Q(received__isnull=True))
    )
    return _totals(
        budget,
        costs=line_sums["costs_sum"],
        actual=line_sums["actual_sum"],
        actual_missing=line_sums["actual_missing"],
        received=contribution_sums["received_sum"],
        received_missing=contribution_sums["received_missing"],
    )


def _totals(
    budget: Budget,
    *,
    costs: Decimal,
    actual: Decimal,
    actual_missing: int,
    received: Decimal,
    received_missing: int,
) -> BudgetTotals:
    planned = rules.year_result(income=budget.frame, costs=[costs])
    outcome = rules.year_result(income=received, costs=[actual])
    return BudgetTotals(
        frame=budget.frame,
        costs=planned.costs,
        budget_result=planned.result,
        received=outcome.income,
        actual=outcome.costs,
        outcome_result=outcome.result,
        contributions_complete=received_missing == 0,
        actuals_complete=actual_missing == 0,
    )


@dataclass(frozen=True)
class BudgetFigures:
    """One budget with what a compilation reads of it: its totals, lines (as `lines` orders them),
    contributions (with their members) and equity at the end of its year."""

    budget: Budget
    totals: BudgetTotals
    lines: list[BudgetLine]
    contributions: list[Contribution]
    equity: rules.EquityPosition

    @property
    def closed(self) -> bool:
        return _has_outcome(self.budget)


def budget_figures(*, association_ids: Iterable[int], year: int) -> dict[int, BudgetFigures]:
    """The budgets of `year` of many associations with their totals, lines, contributions and equity,
    keyed by association id (those without a budget are absent). Three queries however many associations:
    the budgets, all their lines and all their contributions; the sums are taken over the rows read.
    The caller has decided the scope (this reads for the system, as `intervention_costs` does)."""
    budgets = {
        b.pk: b
        for b in Budget.objects.select_related("association__seat", "charter", "outcome").filter(
            association_id__in=list(association_ids), year=year
        )
    }
    if not budgets:
        return {}
    lines_of: dict[int, list[BudgetLine]] = {pk: [] for pk in budgets}
    for line in BudgetLine.objects.filter(budget_id__in=budgets).select_related("intervention"):
        lines_of[line.budget_id].append(line)
    contributions_of: dict[int, list[Contribution]] = {pk: [] for pk in budgets}
    for contribution in Contribution.objects.filter(budget_id__in=budgets).select_related(
        "member__region", "member__municipality"
    ):
        contributions_of[contribution.budget_id].append(contribution)
    figures = {}
    for pk, budget in budgets.items():
        budget_lines = sorted(
            lines_of[pk], key=lambda line: (line.kind != LineKind.INTERVENTION, line.position, line.pk)
        )
        paid = contributions_of[pk]
        totals = _totals(
            budget,
            costs=sum((line.amount for line in budget_lines), ZERO),
            actual=sum((line.actual for line in budget_lines if line.actual is not None), ZERO),
            actual_missing=sum(1 for line in budget_lines if line.actual is None),
            received=sum((c.received for c in paid if c.received is not None), ZERO),
            received_missing=sum(1 for c in paid if c.received is None),
        )
        figures[budget.association_id] = BudgetFigures(
            budget=budget,
            totals=totals,
            lines=budget_lines,
            contributions=paid,
            equity=equity(budget=budget, totals=totals),
        )
    return figures


def reference_percent() -> Decimal:
    return Decimal(settings.EQUITY_REFERENCE_PERCENT)


def equity(*, budget: Budget, totals: BudgetTotals | None = None) -> rules.EquityPosition:
    """Equity at the end of the budget's year: from the closed outcome when there is one; otherwise a
    forecast from the outcome entered so far, or (before any outcome) from the budgeted result."""
    outcome = getattr(budget, "outcome", None) if _has_outcome(budget) else None
    if outcome is not None:
        return rules.equity_position(
            opening=outcome.opening_equity,
            result=outcome.result,
            contributions=outcome.income,
            reference_percent=reference_percent(),
        )
    totals = totals or budget_totals(budget=budget)
    has_outcome = totals.received > 0 or totals.actual > 0
    return rules.equity_position(
        opening=budget.opening_equity,
        result=totals.outcome_result if has_outcome else totals.budget_result,
        contributions=totals.received if has_outcome else totals.frame,
        reference_percent=reference_percent(),
    )


def equity_forecast(*, budget: Budget, totals: BudgetTotals | None = None) -> rules.EquityPosition | None:
    """`equity`, except that a budget with neither lines nor outcome forecasts nothing (None): without
    costs its budgeted result would be the whole frame, a surplus nobody planned."""
    totals = totals or budget_totals(budget=budget)
    if (
        not _has_outcome(budget)
        and totals.costs == 0
        and totals.received == 0
        and totals.actual == 0
        and not budget.lines.exists()
    ):
        return None
    return equity(budget=budget, totals=totals)


def _has_outcome(budget: Budget) -> bool:
    try:
        return budget.outcome is not None
    except Budget.outcome.RelatedObjectDoesNotExist:
        return False


def has_outcome(*, budget: Budget) -> bool:
    """Whether the budget's year is closed (its result carried to equity)."""
    return _has_outcome(budget)


# --- for other apps -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Adoption:
    """R-BUDGET for the annual cycle: whether the budget for `year` is adopted, when, and whether late."""

    year: int
    deadline: date
    exists: bool
    adopted: bool
    adopted_on: date | None
    late: bool
    budget_id: int | None

    @property
    def overdue(self) -> bool:
        """Not adopted and the deadline has passed."""
        return not self.adopted and today() > self.deadline


def budget_adoption(*, association_id: int, year: int) -> Adoption:
    """The adoption of the association's budget for `year` (for the governance app's annual cycle)."""
    budget = Budget.objects.filter(association_id=association_id, year=year).first()
    adopted = budget is not None and budget.status == BudgetStatus.ADOPTED
    return Adoption(
        year=year,
        deadline=rules.adoption_deadline(year),
        exists=budget is not None,
        adopted=adopted,
        adopted_on=budget.adopted_on if budget is not None else None,
        late=bool(budget and budget.adopted_late),
        budget_id=budget.pk if budget is not None else None,
    )


def budget_adoptions(*, association_ids: Iterable[int], year: int) -> dict[int, Adoption]:
    """`budget_adoption` of many associations at once, keyed by association id. One query."""
    budgets = {
        b.association_id: b
        for b in Budget.objects.filter(association_id__in=list(association_ids), year=year)
    }
    deadline = rules.adoption_deadline(year)
    adoptions = {}
    for association_id in association_ids:
        budget = budgets.get(association_id)
        adoptions[association_id] = Adoption(
            year=year,
            deadline=deadline,
            exists=budget is not None,
            adopted=budget is not None and budget.status == BudgetStatus.ADOPTED,
            adopted_on=budget.adopted_on if budget is not None else None,
            late=bool(budget and budget.adopted_late),
            budget_id=budget.pk if budget is not None else None,
        )
    return adoptions


@dataclass(frozen=True)
class ConsultationState:
    """R-BUDGET for the annual cycle: a budget's members without a recorded consultation (as
    `unconsulted_members`), and the days its consultations were held."""

    missing: list[Member]
    held: list[date]


def consultation_states(*, budget_ids: Iterable[int]) -> dict[int, ConsultationState]:
    """The consultation state of many budgets at once, keyed by budget id. Three queries."""
    budgets = list(Budget.objects.filter(pk__in=list(budget_ids)))
    if not budgets:
        return {}
    consulted: dict[int, set[int]] = {b.pk: set() for b in budgets}
    held: dict[int, list[date]] = {b.pk: [] for b in budgets}
    for budget_id, member_id, held_on in BudgetConsultation.objects.filter(budget__in=budgets).values_list(
        "budget_id", "member_id", "held_on"
    ):
        consulted[budget_id].add(member_id)
        held[budget_id].append(held_on)
    members: dict[int, list[Member]] = {}
    for member in (
        registry_selectors.members()
        .filter(association_id__in={b.association_id for b in budgets})
        .select_related("region", "municipality")
    ):
        members.setdefault(member.association_id, []).append(member)
    order = {PartyKind.FK: 0, PartyKind.AF: 1, PartyKind.REGION: 2, PartyKind.MUNICIPALITY: 3}
    states = {}
    for budget in budgets:
        day = date(budget.year, 1, 1)
        on_day = sorted(
            (m for m in members.get(budget.association_id, []) if m.active_on(day)),
            key=lambda m: (order.get(PartyKind(m.kind), 9), m.code),
        )
        states[budget.pk] = ConsultationState(
            missing=[m for m in on_day if m.pk not in consulted[budget.pk]], held=held[budget.pk]
        )
    return states


@dataclass(frozen=True)
class InterventionCost:
    """An intervention's budget and outcome (utfall) in one year, summed over its budget lines. `actual` is
    None while a line of it has no outcome yet."""

    intervention_id: int
    budget: Decimal
    actual: Decimal | None


def intervention_costs(*, association_ids: list[int], year: int) -> dict[int, InterventionCost]:
    """Budget and outcome per registered intervention of the associations' budgets for `year`, keyed by
    intervention id (for the follow-up app's cost per participant and socio-economic estimate, and the
    national report). Its callers scope themselves. One query."""
    rows = (
        BudgetLine.objects.filter(
            budget__association_id__in=association_ids, budget__year=year, intervention__isnull=False
        )
        .values("intervention_id")
        .annotate(
            budget_sum=_sum("amount"),
            actual_sum=_sum("actual"),
            missing=Count("pk", filter=Q(actual__isnull=True)),
        )
        .order_by()
    )
    return {
        row["intervention_id"]: InterventionCost(
            intervention_id=row["intervention_id"],
            budget=row["budget_sum"],
            actual=row["actual_sum"] if row["missing"] == 0 else None,
        )
        for row in rows
    }


def late_adoptions(*, user: Actor, year: int | None = None) -> QuerySet[Budget]:
    """Budgets adopted after the deadline, in the user's scope (optionally of one year)."""
    scope = require(user, Capability.FINANCE_VIEW)
    budgets = filter_scope(Budget.objects.filter(adopted_late=True), scope).select_related("association")
    if year is not None:
        budgets = budgets.filter(year=year)
    return budgets.order_by("-year", "association__name")


# --- populations --------------------------------------------------------------------------------


def population_editable_municipalities(*, user: Actor) -> QuerySet[Municipality]:
    """The municipalities whose populations the user may change: every one for the national working
    group and the system; for an association admin those that are (or were) members of its förbund."""
    scope = require(user, Capability.POPULATION_EDIT)
    municipalities = registry_selectors.municipalities().select_related("region")
    if not scope.all:
        municipalities = municipalities.filter(
            memberships__association_id__in=scope.association_ids, memberships__kind=PartyKind.MUNICIPALITY
        ).distinct()
    return municipalities.order_by("code")


@dataclass(frozen=True)
class PopulationRow:
    municipality: Municipality
    population: int | None
    previous: int | None


def population_table(*, user: Actor, year: int) -> list[PopulationRow]:
    """The editable municipalities with their population of `year` and of the year before. Two queries."""
    municipalities = list(population_editable_municipalities(user=user))
    figures = {
        (row.municipality_id, row.year): row.population
        for row in Population.objects.filter(
            year__in=(year, year - 1), municipality_id__in=[m.pk for m in municipalities]
        )
    }
    return [
        PopulationRow(
            municipality=m, population=figures.get((m.pk, year)), previous=figures.get((m.pk, year - 1))
        )
        for m in municipalities
    ]


def population_years() -> list[int]:
    return list(Population.objects.order_by("-year").values_list("year", flat=True).distinct())


def populations(*, municipality_ids: list[int], year: int) -> dict[int, int]:
    """municipality id → population of `year` (reference data: no scope)."""
    return dict(
        Population.objects.filter(municipality_id__in=municipality_ids, year=year).values_list(
            "municipality_id", "population"
        )
    )


def region_populations(*, region_ids: list[int], year: int) -> dict[int, int]:
    """region id → the sum of its municipalities' populations of `year`, and how many have none."""
    rows = (
        Population.objects.filter(municipality__region_id__in=region_ids, year=year)
        .values("municipality__region_id")
        .annotate(total=Sum("population"))
    )
    return {row["municipality__region_id"]: row["total"] for row in rows}


# --- reports --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportLine:
    title: str
    amount: Decimal
    actual: Decimal | None

    @property
    def deviation(self) -> Decimal | None:
        """Outcome less budget: positive means more was spent than budgeted."""
        return None if self.actual is None else self.actual - self.amount


@dataclass(frozen=True)
class LineGroup:
    kind: str
    title: str
    lines: tuple[ReportLine, ...]

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def actual(self) -> Decimal | None:
        """The sum of the outcome, or None while a line has none."""
        if any(line.actual is None for line in self.lines):
            return None
        return sum((line.actual for line in self.lines if line.actual is not None), ZERO)

    @property
    def deviation(self) -> Decimal | None:
        actual = self.actual
        return None if actual is None else actual - self.amount


@dataclass(frozen=True)
class BudgetReport:
    budget: Budget
    association: Association
    groups: tuple[LineGroup, ...]
    contributions: tuple[Contribution, ...]
    totals: BudgetTotals
    equity: rules.EquityPosition
    closed: bool
    director: str
    generated: date

    @property
    def has_outcome(self) -> bool:
        return self.totals.actual > 0 or self.totals.received > 0 or self.closed

    @property
    def lines(self) -> list[ReportLine]:
        return [line for group in self.groups for line in group.lines]


def budget_report(*, user: Actor, budget_id: int) -> BudgetReport:
    """Everything the budget-and-outcome report shows (page, PDF, Excel and contribution letters)."""
    budget = budget_get(user=user, budget_id=budget_id, capability=Capability.FINANCE_REPORT)
    return _report(budget)


def _report(budget: Budget) -> BudgetReport:
    rows = lines(budget=budget)
    groups = []
    for kind, title in (
        (LineKind.INTERVENTION, _("Insatser")),
        (LineKind.ADMINISTRATION, _("Administration")),
    ):
        mine = tuple(ReportLine(line.title, line.amount, line.actual) for line in rows if line.kind == kind)
        if mine:
            groups.append(LineGroup(kind=str(kind), title=str(title), lines=mine))
    totals = budget_totals(budget=budget)
    day = budget.adopted_on or today()
    director = (
        registry_selectors.directors()
        .filter(association_id=budget.association_id, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("person")
        .order_by("-start")
        .first()
    )
    return BudgetReport(
        budget=budget,
        association=budget.association,
        groups=tuple(groups),
        contributions=tuple(contributions(budget=budget)),
        totals=totals,
        equity=equity(budget=budget, totals=totals),
        closed=_has_outcome(budget),
        director=director.person.name if director is not None else "",
        generated=today(),
    )


def contribution_for_letter(
    *, user: Actor, budget_id: int, member_id: int
) -> tuple[BudgetReport, Contribution]:
    """The report and one member's contribution, for the member's contribution letter. A member that pays
    nothing gets no letter."""
    report = budget_report(user=user, budget_id=budget_id)
    contribution = next((c for c in report.contributions if c.member_id == member_id), None)
    if contribution is None or not contribution.amount:
        raise Http404
    return report, contribution


def with_party_names(result: rules.ContributionResult) -> rules.ContributionResult:
    """The calculator's result with the names of the regions and municipalities from the reference data,
    where the code is one of theirs (the rules know codes only). Two queries."""
    from dataclasses import replace

    codes = {share.code for share in result.shares}
    names = dict(registry_selectors.municipalities().filter(code__in=codes).values_list("code", "name"))
    regions = dict(registry_selectors.regions().filter(code__in=codes).values_list("code", "name"))
    shares = []
    for share in result.shares:
        known = regions if share.kind == "region" else names if share.kind == "municipality" else {}
        shares.append(
            replace(share, name=known.get(share.code, share.name)) if share.code in known else share
        )
    return rules.ContributionResult(total=result.total, shares=tuple(shares))


# --- national aggregates (for the national dashboard and open data) --------------------------------
# Not scoped by a user, like `budget_adoption`: the national app checks its user first. Aggregated in the
# database: a fixed number of queries for all förbund.


@dataclass(frozen=True)
class KindTotal:
    """The contributions of one kind of member (FK, AF, regions, municipalities) in adopted budgets."""

    kind: str
    amount: Decimal
    received: Decimal
    associations: int


@dataclass(frozen=True)
class AssociationContributions:
    association_id: int
    by_kind: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.by_kind.values(), ZERO)


@dataclass(frozen=True)
class EquityRow:
    """A förbund's equity at the end of its latest closed year up to the asked year (R-EQUITY)."""

    association_id: int
    year: int
    position: rules.EquityPosition


@dataclass(frozen=True)
class NationalFinance:
    year: int
    by_kind: list[KindTotal]
    by_association: list[AssociationContributions]
    equity: list[EquityRow]

    @property
    def total(self) -> Decimal:
        return sum((k.amount for k in self.by_kind), ZERO)

    def kind_amount(self, kind: str) -> Decimal:
        return next((k.amount for k in self.by_kind if k.kind == kind), ZERO)


KIND_ORDER = (PartyKind.FK, PartyKind.AF, PartyKind.REGION, PartyKind.MUNICIPALITY)


def national_finance(*, year: int, equity_level: Decimal | None = None) -> NationalFinance:
    """The members' contributions of `year` in adopted budgets, by kind of member, nationally and per
    förbund, and each förbund's equity at the end of its latest closed year up to `year` against that
    year's contributions (outcome income). Three queries. `equity_level` is the percentage the equity is
    compared with (the finance setting when None)."""
    adopted = Contribution.objects.filter(budget__year=year, budget__status=BudgetStatus.ADOPTED)
    national = {
        row["member__kind"]: row
        for row in adopted.order_by()
        .values("member__kind")
        .annotate(
            amount=_sum("amount"),
            received=_sum("received"),
            associations=Count("budget__association", distinct=True),
        )
    }
    by_kind = [
        KindTotal(
            kind=str(kind),
            amount=national[kind]["amount"] if kind in national else ZERO,
            received=national[kind]["received"] if kind in national else ZERO,
            associations=national[kind]["associations"] if kind in national else 0,
        )
        for kind in KIND_ORDER
    ]
    per_association: dict[int, dict[str, Decimal]] = {}
    for association_id, kind, amount in (
        adopted.order_by("budget__association_id")
        .values("budget__association_id", "member__kind")
        .annotate(amount=_sum("amount"))
        .values_list("budget__association_id", "member__kind", "amount")
    ):
        per_association.setdefault(association_id, {})[kind] = amount
    latest = (
        Budget.objects.filter(
            association_id=OuterRef("association_id"), year__lte=year, outcome__isnull=False
        )
        .order_by("-year")
        .values("year")[:1]
    )
    reference = equity_level if equity_level is not None else reference_percent()
    equity_rows = [
        EquityRow(
            association_id=budget.association_id,
            year=budget.year,
            position=rules.equity_position(
                opening=budget.outcome.opening_equity,
                result=budget.outcome.result,
                contributions=budget.outcome.income,
                reference_percent=reference,
            ),
        )
        for budget in Budget.objects.filter(outcome__isnull=False, year=Subquery(latest))
        .select_related("outcome")
        .order_by("association_id")
    ]
    return NationalFinance(
        year=year,
        by_kind=by_kind,
        by_association=[AssociationContributions(a, kinds) for a, kinds in per_association.items()],
        equity=equity_rows,
    )


# --- the state model's data (R-STATE-MODEL), for the national allocation -----------------------------
# Reference data and figures the working group reads for every förbund: not scoped by a user; the
# national app checks the user with `require` before it asks.


def populations_16_64(*, municipality_ids: Iterable[int], year: int) -> dict[int, int]:
    """municipality id → population aged 16-64 of `year`, where it is known. One query."""
    rows = Population.objects.filter(
        municipality_id__in=list(municipality_ids), year=year, population_16_64__isnull=False
    ).values_list("municipality_id", "population_16_64")
    return {municipality_id: aged for municipality_id, aged in rows if aged is not None}


def support_measures(*, municipality_ids: Iterable[int], year: int) -> dict[int, Decimal]:
    """municipality id → försörjningsmått of `year`. One query."""
    return dict(
        SupportMeasure.objects.filter(municipality_id__in=list(municipality_ids), year=year).values_list(
            "municipality_id", "value"
        )
    )


def support_measure_years() -> list[tuple[int, int]]:
    """(year, number of municipalities) of the stored försörjningsmått, latest first. One query."""
    return list(SupportMeasure.objects.values_list("year").annotate(count=Count("pk")).order_by("-year"))


@dataclass(frozen=True)
class ClosedEquity:
    """A förbund's equity at the end of its latest closed year: the closing equity and the contributions
    received that year (R-EQUITY's measure: equity as a share of the year's contributions)."""

    year: int
    closing: Decimal
    contributions: Decimal


def latest_closed_equity(*, association_ids: Iterable[int], before_year: int) -> dict[int, ClosedEquity]:
    """association id → equity of its latest closed year before `before_year`. One query."""
    rows = (
        Outcome.objects.filter(budget__association_id__in=list(association_ids), budget__year__lt=before_year)
        .order_by("budget__association_id", "-budget__year")
        .values_list("budget__association_id", "budget__year", "closing_equity", "income")
    )
    latest: dict[int, ClosedEquity] = {}
    for association_id, year, closing, income in rows:
        latest.setdefault(association_id, ClosedEquity(year=year, closing=closing, contributions=income))
    return latest


def state_contribution(*, budget: Budget) -> StateContribution | None:
    """The state's decided contribution for the budget's förbund and year, if decided."""
    return StateContribution.objects.filter(association_id=budget.association_id, year=budget.year).first()


# --- the audit log's words ------------------------------------------------------------------------


def audit_objects(*, refs: Refs) -> Described:
    """Finance's objects named in audit entries, for the log (the caller has scoped the entries). One
    query per kind of object."""
    described: Described = {}

    def budget_text(budget: Budget) -> ObjectText:
        return ObjectText(
            gettext("budgeten för {year}").format(year=budget.year),
            reverse("finance:budget_detail", args=[budget.pk]),
        )

    for b in Budget.objects.filter(pk__in=ids_of(refs, "finance.budget")):
        described["finance.budget", str(b.pk)] = budget_text(b)
    for o in Outcome.objects.filter(pk__in=ids_of(refs, "finance.outcome")).select_related("budget"):
        described["finance.outcome", str(o.pk)] = ObjectText(
            gettext("bokslutet för {year}").format(year=o.budget.year),
            reverse("finance:budget_detail", args=[o.budget_id]),
        )
    for c in BudgetConsultation.objects.filter(
        pk__in=ids_of(refs, "finance.budgetconsultation")
    ).select_related("budget", "member__region", "member__municipality"):
        described["finance.budgetconsultation", str(c.pk)] = ObjectText(
            gettext("budgetsamrådet med {member} {day} om budgeten för {year}").format(
                member=c.member.name, day=date_format(c.held_on, "j F Y"), year=c.budget.year
            ),
            reverse("finance:budget_detail", args=[c.budget_id]),
        )
    for k in Contribution.objects.filter(pk__in=ids_of(refs, "finance.contribution")).select_related(
        "budget", "member__region", "member__municipality"
    ):
        described["finance.contribution", str(k.pk)] = ObjectText(
            gettext("bidraget från {member} i budgeten för {year}").format(
                member=k.member.name, year=k.budget.year
            ),
            reverse("finance:budget_detail", args=[k.budget_id]),
        )
    for st in StateContribution.objects.filter(pk__in=ids_of(refs, "finance.statecontribution")):
        described["finance.statecontribution", str(st.pk)] = ObjectText(
            gettext("statens bidrag för {year}").format(year=st.year),
            reverse("finance:budget_list", args=[st.association_id]),
        )
    return described
