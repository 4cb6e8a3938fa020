"""The national report: what the national follow-up asks of each förbund each year (R-FOLLOWUP, R-SUPPRESS).

Every figure is derived from the detailed data; nothing is typed a second time:
- allocated funds and equity from the year's budget (finance selectors: contributions, totals, equity);
- budget and outcome for the administration and per intervention from the budget lines (finance);
- planned participants, focus and target group from the interventions;
- people trained and staff reached from the structural interventions' period counts;
- participants by sex from the participations of the individual-level interventions.

The participant counts leave the förbund, so they are published as R-SUPPRESS says (core.suppression):
counts 1–4 hidden, and secondary suppression so that no hidden count can be worked out from the totals.
That holds for every reader, the förbund's own included: the report is the same document wherever it is
read. What each figure is and where it comes from: docs/national-report.md.

Access: a förbund's report is read with NATIONAL_REPORT (its administration, board, auditors and member
representatives; the national working group and the national council for every förbund). The national
compilation of every förbund is for the national roles (GOVERNANCE_NATIONAL, the capability of the
national overview of the annual cycle, to which the report belongs). Both check the user here; the
finance reads then run as the system actor, because the scope has already been decided.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finsam.core.access import Actor, require
from finsam.core.roles import Capability
from finsam.core.suppression import TOTAL, Cell, OneWayTable, SuppressedTable, TwoWayTable, suppress_table
from finsam.finance import rules as finance_rules
from finsam.finance import selectors as finance
from finsam.finance.schemas import LineKind
from finsam.followup import selectors as followup
from finsam.followup.schemas import Sex
from finsam.interventions import selectors as interventions_selectors
from finsam.interventions.schemas import InterventionKind
from finsam.registry import selectors as registry
from finsam.registry.schemas import PartyKind

if TYPE_CHECKING:
    from finsam.finance.models import Contribution
    from finsam.interventions.models import Intervention
    from finsam.registry.models import Association

FIRST_YEAR = 2004  # finansiell samordning began in 2004

SEXES = tuple(Sex.values)

# Allocated funds: the members' contributions by kind of member. The state's part is FK's and AF's
# together (FK's half also covers AF's part under today's law, R-SHARES).
STATE = "state"
REGION = "region"
MUNICIPALITIES = "municipalities"
FUND_GROUPS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    (STATE, gettext_lazy("Staten (Försäkringskassan och Arbetsförmedlingen)"), (PartyKind.FK, PartyKind.AF)),
    (REGION, gettext_lazy("Region"), (PartyKind.REGION,)),
    (MUNICIPALITIES, gettext_lazy("Kommuner"), (PartyKind.MUNICIPALITY,)),
)

SUPPRESSED_TEXT = gettext_lazy("Dold: färre än 5 personer, eller dold för att skydda en annan dold uppgift.")
ZERO = Decimal("0.00")


# ---------------------------------------------------------------------------------------------------------
# What the selectors answer


@dataclass(frozen=True)
class FundsLine:
    """One kind of member's contributions: `allocated` from the adopted budget, `received` what was paid
    in (None while a contribution of the group has no payment recorded)."""

    code: str
    label: str
    allocated: Decimal
    received: Decimal | None


@dataclass(frozen=True)
class CostLine:
    """Budget and outcome of one cost line of the report: the administration, or one intervention
    (registered, or a budget line naming one not registered). `actual` None while a line has no outcome."""

    code: str
    label: str
    budget: Decimal
    actual: Decimal | None
    intervention_id: int | None = None


@dataclass(frozen=True)
class InterventionLine:
    """One intervention of the year: focus (kind), target group, plan, money and what it reached.

    Individual-level: `women`, `men`, `participants` are published cells (possibly suppressed) of the
    participants during the year. Structural: `people_trained` and `staff_reached` are published cells of
    the sums over the periods that start in the year."""

    intervention_id: int
    name: str
    kind: str
    focus: str
    target_group: str
    planned: int | None
    budget: Decimal | None
    actual: Decimal | None
    women: Cell | None = None
    men: Cell | None = None
    participants: Cell | None = None
    people_trained: Cell | None = None
    staff_reached: Cell | None = None

    @property
    def is_individual(self) -> bool:
        return self.kind == InterventionKind.INDIVIDUAL


@dataclass(frozen=True)
class NationalReport:
    """One förbund's national report for one year."""

    association: Association
    year: int
    has_budget: bool
    closed: bool
    frame: Decimal | None
    received: Decimal | None
    funds: list[FundsLine]
    equity: finance_rules.EquityPosition | None
    administration: CostLine | None
    intervention_costs: CostLine | None  # every intervention line of the budget, registered or not
    unregistered: list[CostLine]
    interventions: list[InterventionLine]
    participants: SuppressedTable | None  # individual-level interventions × sex, suppressed
    people_trained: SuppressedTable | None  # structural interventions, suppressed
    staff_reached: SuppressedTable | None

    @property
    def individual(self) -> list[InterventionLine]:
        return [line for line in self.interventions if line.is_individual]

    @property
    def structural(self) -> list[InterventionLine]:
        return [line for line in self.interventions if not line.is_individual]

    def participants_total(self, sex: str = TOTAL) -> Cell | None:
        """The published total of participants (of one sex, or all), summed over the interventions."""
        return None if self.participants is None else self.participants.cell(TOTAL, sex)

    @property
    def participants_total_women(self) -> Cell | None:
        return self.participants_total(Sex.WOMAN)

    @property
    def participants_total_men(self) -> Cell | None:
        return self.participants_total(Sex.MAN)

    @property
    def participants_total_all(self) -> Cell | None:
        return self.participants_total()

    def trained_total(self) -> Cell | None:
        return None if self.people_trained is None else self.people_trained.cell(TOTAL)

    def reached_total(self) -> Cell | None:
        return None if self.staff_reached is None else self.staff_reached.cell(TOTAL)


@dataclass(frozen=True)
class ReportRow:
    """One figure of a report as open data: one row per förbund and line (CSV, Excel's data sheet)."""

    year: int
    association_id: int
    org_number: str
    association: str
    section: str
    item: str
    label: str
    measure: str
    value: int | Decimal | None
    unit: str
    suppressed: bool = False
    intervention_id: int | None = None
    focus: str = ""
    target_group: str = ""


@dataclass
class _Facts:
    """What the bulk reads found for a set of förbund (each dict keyed by association id)."""

    interventions: dict[int, list[Intervention]] = field(default_factory=lambda: defaultdict(list))
    planned: dict[int, int] = field(default_factory=dict)
    costs: dict[int, finance.InterventionCost] = field(default_factory=dict)
    budgets: dict[int, finance.BudgetFigures] = field(default_factory=dict)
    participants: dict[int, dict[tuple[str, str], int]] = field(default_factory=lambda: defaultdict(dict))
    structural: dict[int, tuple[int, int]] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------------
# Selectors


def national_report(*, user: Actor, association_id: int, year: int) -> NationalReport:
    """A förbund's national report for `year`. Http404 outside the user's scope."""
    association = registry.association_get(
        user=user, association_id=association_id, capability=Capability.NATIONAL_REPORT
    )
    return _reports([association], year)[0]


def national_reports(*, user: Actor, year: int) -> list[NationalReport]:
    """Every förbund's national report for `year` (those that existed during the year), by name."""
    scope = require(user, Capability.GOVERNANCE_NATIONAL)
    if not scope.all:
        raise PermissionDenied
    return _reports(registry.associations_active_in(year=year), year)


@dataclass(frozen=True)
class NationalTotal:
    """The national total row of the reports of all förbund for a year.

    Money is summed over the förbund with a budget for the year (`with_budget` of `associations`); a sum
    that needs a figure not yet entered (money received, an outcome) is None. The equity share is the
    total closing equity against the total contributions. A count of people is the sum of the förbund's
    counts only when none of them is hidden: with one hidden, the total less the shown ones would give
    the hidden count away (R-SUPPRESS), so the total is hidden too."""

    associations: int
    with_budget: int
    frame: Decimal
    received: Decimal | None
    equity_closing: Decimal
    equity_share_percent: Decimal | None
    administration_budget: Decimal
    administration_actual: Decimal | None
    interventions_budget: Decimal
    interventions_actual: Decimal | None
    women: Cell | None
    men: Cell | None
    participants: Cell | None
    trained: Cell | None
    reached: Cell | None


def _total_cell(cells: Iterable[Cell | None], label: str) -> Cell | None:
    present = [cell for cell in cells if cell is not None]
    if not present:
        return None
    if any(cell.suppressed for cell in present):
        return Cell(((label, TOTAL),), None, True)
    return Cell(((label, TOTAL),), sum(cell.value or 0 for cell in present), False)


def national_total(reports: Sequence[NationalReport]) -> NationalTotal:
    """The total row of `national_reports` (see NationalTotal)."""
    budgeted = [r for r in reports if r.has_budget]
    equities = [r.equity for r in budgeted if r.equity is not None]
    closing = sum((e.closing for e in equities), ZERO)
    contributions = sum((e.contributions for e in equities), ZERO)
    share = (closing * 100 / contributions).quantize(Decimal("0.1")) if contributions else None
    return NationalTotal(
        associations=len(reports),
        with_budget=len(budgeted),
        frame=sum((r.frame or ZERO for r in budgeted), ZERO),
        received=_sum_or_none(r.received for r in budgeted),
        equity_closing=closing,
        equity_share_percent=share,
        administration_budget=sum((r.administration.budget for r in budgeted if r.administration), ZERO),
        administration_actual=_sum_or_none(
            r.administration.actual if r.administration else ZERO for r in budgeted
        ),
        interventions_budget=sum(
            (r.intervention_costs.budget for r in budgeted if r.intervention_costs), ZERO
        ),
        interventions_actual=_sum_or_none(
            r.intervention_costs.actual if r.intervention_costs else ZERO for r in budgeted
        ),
        women=_total_cell((r.participants_total_women for r in reports), "sex"),
        men=_total_cell((r.participants_total_men for r in reports), "sex"),
        participants=_total_cell((r.participants_total_all for r in reports), "sex"),
        trained=_total_cell((r.trained_total() for r in reports), "intervention"),
        reached=_total_cell((r.reached_total() for r in reports), "intervention"),
    )


def years() -> list[int]:
    """The years to choose from, newest first: from the first intervention or participation on record
    (at most back to 2004) to this year."""
    this_year = timezone.localdate().year
    starts = [
        interventions_selectors.interventions_first_start(),
        followup.participations_first_start(counted_only=False),
    ]
    first = min([s.year for s in starts if s is not None] + [this_year - 1])
    return list(range(this_year, max(FIRST_YEAR, first) - 1, -1))


def default_year() -> int:
    """The year the national report is due for: last year (it is filed by 31 March)."""
    return timezone.localdate().year - 1


# ---------------------------------------------------------------------------------------------------------
# Building the reports


def _reports(associations: Sequence[Association], year: int) -> list[NationalReport]:
    facts = _facts([a.pk for a in associations], year)
    return [_report(association, year, facts) for association in associations]


def _facts(association_ids: list[int], year: int) -> _Facts:
    """The bulk reads shared by every förbund of the report: a fixed number of queries."""
    facts = _Facts()
    facts.costs = finance.intervention_costs(association_ids=association_ids, year=year)
    facts.budgets = finance.budget_figures(association_ids=association_ids, year=year)

    counts = followup.participants_per_intervention_and_sex(year=year, association_ids=association_ids)
    counted: set[int] = set()
    for (association_id, intervention_id, sex), n in counts.items():
        facts.participants[association_id][(str(intervention_id), sex)] = n
        counted.add(intervention_id)

    facts.structural = interventions_selectors.structural_sums(association_ids=association_ids, year=year)

    # The year's interventions: running during the year, or with money, participants or counts in it.
    involved = set(facts.costs) | counted | set(facts.structural)
    for intervention in interventions_selectors.interventions_of_year(
        association_ids=association_ids, year=year, involved=involved
    ):
        facts.interventions[intervention.association_id].append(intervention)
    facts.planned = interventions_selectors.planned_participants(association_ids=association_ids, year=year)
    return facts


def _report(association: Association, year: int, facts: _Facts) -> NationalReport:
    interventions = facts.interventions.get(association.pk, [])
    individual = [i for i in interventions if i.kind == InterventionKind.INDIVIDUAL]
    structural = [i for i in interventions if i.kind == InterventionKind.STRUCTURAL]

    participants = None
    if individual:
        participants = suppress_table(
            TwoWayTable.from_counts(
                "intervention",
                "sex",
                [str(i.pk) for i in individual],
                SEXES,
                facts.participants.get(association.pk, {}),
            )
        )
    trained = reached = None
    if structural:
        keys = [str(i.pk) for i in structural]
        trained = suppress_table(
            OneWayTable.from_counts(
                "intervention", keys, {str(i.pk): facts.structural.get(i.pk, (0, 0))[0] for i in structural}
            )
        )
        reached = suppress_table(
            OneWayTable.from_counts(
                "intervention", keys, {str(i.pk): facts.structural.get(i.pk, (0, 0))[1] for i in structural}
            )
        )

    lines = []
    for intervention in interventions:
        key = str(intervention.pk)
        cost = facts.costs.get(intervention.pk)
        line = InterventionLine(
            intervention_id=intervention.pk,
            name=intervention.name,
            kind=intervention.kind,
            focus=str(InterventionKind(intervention.kind).label),
            target_group=intervention.target_group,
            planned=facts.planned.get(intervention.pk),
            budget=None if cost is None else cost.budget,
            actual=None if cost is None else cost.actual,
        )
        if participants is not None and intervention.kind == InterventionKind.INDIVIDUAL:
            line = replace(
                line,
                women=participants.cell(key, Sex.WOMAN),
                men=participants.cell(key, Sex.MAN),
                participants=participants.cell(key, TOTAL),
            )
        if trained is not None and reached is not None and intervention.kind == InterventionKind.STRUCTURAL:
            line = replace(line, people_trained=trained.cell(key), staff_reached=reached.cell(key))
        lines.append(line)

    report = NationalReport(
        association=association,
        year=year,
        has_budget=False,
        closed=False,
        frame=None,
        received=None,
        funds=[],
        equity=None,
        administration=None,
        intervention_costs=None,
        unregistered=[],
        interventions=lines,
        participants=participants,
        people_trained=trained,
        staff_reached=reached,
    )
    figures = facts.budgets.get(association.pk)
    if figures is None:
        return report
    totals = figures.totals
    admin = [line for line in figures.lines if line.kind == LineKind.ADMINISTRATION]
    spent = [line for line in figures.lines if line.kind == LineKind.INTERVENTION]
    return replace(
        report,
        has_budget=True,
        closed=figures.closed,
        frame=totals.frame,
        received=totals.received if totals.contributions_complete else None,
        funds=_funds(figures.contributions),
        equity=figures.equity,
        administration=_cost_line("administration", _("Administration"), admin),
        intervention_costs=_cost_line("interventions", _("Insatser"), spent),
        unregistered=[
            CostLine(f"line-{line.pk}", line.label, line.amount, line.actual)
            for line in spent
            if line.intervention_id is None
        ],
    )


def _cost_line(code: str, label: str, lines: Sequence[Any]) -> CostLine:
    return CostLine(
        code, label, sum((line.amount for line in lines), ZERO), _sum_or_none(line.actual for line in lines)
    )


def _sum_or_none(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum, or None when a value is missing (an outcome not yet entered)."""
    total = ZERO
    for value in values:
        if value is None:
            return None
        total += value
    return total


def _funds(contributions: Sequence[Contribution]) -> list[FundsLine]:
    funds = []
    for code, label, kinds in FUND_GROUPS:
        mine = [c for c in contributions if c.member.kind in kinds]
        funds.append(
            FundsLine(
                code=code,
                label=str(label),
                allocated=sum((c.amount for c in mine), ZERO),
                received=_sum_or_none(c.received for c in mine),
            )
        )
    return funds


# ---------------------------------------------------------------------------------------------------------
# Open data: one row per förbund and line


class _Rows:
    """Collects the rows of one report."""

    def __init__(self, report: NationalReport) -> None:
        self.report = report
        self.rows: list[ReportRow] = []

    def add(
        self,
        section: str,
        item: str,
        label: str,
        measure: str,
        value: int | Decimal | None,
        unit: str,
        *,
        suppressed: bool = False,
        line: InterventionLine | None = None,
    ) -> None:
        association = self.report.association
        self.rows.append(
            ReportRow(
                year=self.report.year,
                association_id=association.pk,
                org_number=association.org_number,
                association=association.name,
                section=section,
                item=item,
                label=label,
                measure=measure,
                value=value,
                unit=unit,
                suppressed=suppressed,
                intervention_id=None if line is None else line.intervention_id,
                focus="" if line is None else line.focus,
                target_group="" if line is None else line.target_group,
            )
        )

    def count(
        self, section: str, item: str, label: str, measure: str, cell: Cell | None, **extra: Any
    ) -> None:
        if cell is not None:
            self.add(section, item, label, measure, cell.value, COUNT, suppressed=cell.suppressed, **extra)

    def money(self, section: str, line: CostLine | FundsLine, measures: dict[str, Decimal | None]) -> None:
        for measure, value in measures.items():
            self.add(section, line.code, line.label, measure, value, KR)


KR = "kr"
COUNT = "antal"
PERCENT = "%"


def rows(report: NationalReport) -> list[ReportRow]:
    """The report as rows of single figures (section, item, measure, value), in reading order."""
    out = _Rows(report)
    if report.has_budget:
        for funds in report.funds:
            out.money("funds", funds, {"allocated": funds.allocated, "received": funds.received})
        total = FundsLine("total", _("Summa (budgetram)"), report.frame or ZERO, report.received)
        out.money("funds", total, {"allocated": total.allocated, "received": total.received})
        equity = report.equity
        assert equity is not None
        label = _("Eget kapital") if report.closed else _("Eget kapital (prognos)")
        for measure, value in (
            ("opening", equity.opening),
            ("result", equity.result),
            ("closing", equity.closing),
        ):
            out.add("equity", "equity", label, measure, value, KR)
        out.add("equity", "equity", label, "share_of_contributions", equity.share_percent, PERCENT)
        out.add("equity", "equity", label, "reference_level", equity.reference_percent, PERCENT)
        for cost in (report.administration, report.intervention_costs, *report.unregistered):
            assert cost is not None
            out.money("costs", cost, {"budget": cost.budget, "actual": cost.actual})
    for line in report.interventions:
        item, name = line.kind, line.name
        out.add("interventions", item, name, "planned_participants", line.planned, COUNT, line=line)
        out.add("interventions", item, name, "budget", line.budget, KR, line=line)
        out.add("interventions", item, name, "actual", line.actual, KR, line=line)
        out.count("interventions", item, name, "participants_women", line.women, line=line)
        out.count("interventions", item, name, "participants_men", line.men, line=line)
        out.count("interventions", item, name, "participants", line.participants, line=line)
        out.count("interventions", item, name, "people_trained", line.people_trained, line=line)
        out.count("interventions", item, name, "staff_reached", line.staff_reached, line=line)
    if report.participants is not None:
        label = _("Individinriktade insatser, summa")
        out.count(
            "participants", "individual", label, "participants_women", report.participants_total(Sex.WOMAN)
        )
        out.count("participants", "individual", label, "participants_men", report.participants_total(Sex.MAN))
        out.count("participants", "individual", label, "participants", report.participants_total())
    if report.people_trained is not None:
        label = _("Strukturövergripande insatser, summa")
        out.count("participants", "structural", label, "people_trained", report.trained_total())
        out.count("participants", "structural", label, "staff_reached", report.reached_total())
    return out.rows


MEASURES: dict[str, Any] = {
    "allocated": gettext_lazy("Tilldelat (budget)"),
    "received": gettext_lazy("Inbetalt"),
    "opening": gettext_lazy("Ingående eget kapital"),
    "result": gettext_lazy("Årets resultat"),
    "closing": gettext_lazy("Utgående eget kapital"),
    "share_of_contributions": gettext_lazy("Andel av årets bidrag"),
    "reference_level": gettext_lazy("Referensnivå"),
    "budget": gettext_lazy("Budget"),
    "actual": gettext_lazy("Utfall"),
    "planned_participants": gettext_lazy("Planerade deltagare"),
    "participants_women": gettext_lazy("Deltagare, kvinnor"),
    "participants_men": gettext_lazy("Deltagare, män"),
    "participants": gettext_lazy("Deltagare, totalt"),
    "people_trained": gettext_lazy("Utbildade personer"),
    "staff_reached": gettext_lazy("Nådd personal"),
}
