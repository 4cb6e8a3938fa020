"""The national dashboard (R-NATIONAL): coverage against the council's goal, finance totals, follow-up
figures (suppressed, R-SUPPRESS) and the förbund's compliance, read from the apps below through their
selectors. Every function checks the user for NATIONAL_DASHBOARD first.

The state allocation and the recommended equity level belong to the allocation part: `dashboard` takes
them as arguments (`allocations`, `equity_level`) and shows their columns only when they are given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy

from finsam.core.access import SYSTEM, Actor, require
from finsam.core.roles import Capability
from finsam.core.suppression import TOTAL
from finsam.finance import selectors as finance
from finsam.governance import rules as governance_rules
from finsam.governance import selectors as governance
from finsam.registry import selectors as registry
from finsam.registry.schemas import PartyKind
from finsam.statistics import selectors as statistics

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

TREND_YEARS = 5

# The kinds of member as the law groups them (R-SHARES): the state (FK with AF's part), the regions, the
# municipalities.
KIND_GROUPS: tuple[tuple[str, _StrPromise, tuple[str, ...]], ...] = (
    ("state", gettext_lazy("Staten (FK och AF)"), (PartyKind.FK, PartyKind.AF)),
    ("regions", gettext_lazy("Regionerna"), (PartyKind.REGION,)),
    ("municipalities", gettext_lazy("Kommunerna"), (PartyKind.MUNICIPALITY,)),
)

COMPLIANCE = (
    governance_rules.Obligation.BUDGET_ADOPTION,
    governance_rules.Obligation.ANNUAL_REPORT,
    governance_rules.Obligation.MEMBER_CONSULTATION,
)


def today() -> date:
    return timezone.localdate()


# --- finance ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindRow:
    key: str
    label: str
    amount: Decimal
    share_percent: Decimal | None


@dataclass(frozen=True)
class AssociationFinance:
    association_id: int
    name: str
    contributions: Decimal | None
    by_group: dict[str, Decimal]
    equity_year: int | None
    equity: Decimal | None
    equity_share_percent: Decimal | None
    equity_status: str
    allocation: Decimal | None = None


@dataclass(frozen=True)
class FinanceTotals:
    year: int
    kinds: list[KindRow]
    total: Decimal
    associations: list[AssociationFinance]
    equity_level: Decimal | None
    allocation_total: Decimal | None


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole <= 0:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"))


def finance_totals(
    *,
    user: Actor,
    year: int,
    equity_level: Decimal | None = None,
    allocations: dict[int, Decimal] | None = None,
) -> FinanceTotals:
    """Contributions of `year` by kind of member, summed over förbund; equity per förbund and its share of
    the year's contributions. `equity_level` (the recommended level, percent) adds the comparison;
    `allocations` (förbund id → the decided state allocation) adds the state's money."""
    require(user, Capability.NATIONAL_DASHBOARD)
    data = finance.national_finance(year=year, equity_level=equity_level)
    total = data.total
    kinds = []
    for key, label, members in KIND_GROUPS:
        amount = sum((data.kind_amount(kind) for kind in members), Decimal("0.00"))
        kinds.append(KindRow(key, str(label), amount, _percent(amount, total)))
    contributions = {row.association_id: row for row in data.by_association}
    equity = {row.association_id: row for row in data.equity}
    rows = []
    for association in registry.associations_active_in(year=year):
        paid = contributions.get(association.pk)
        position = equity.get(association.pk)
        rows.append(
            AssociationFinance(
                association_id=association.pk,
                name=association.name,
                contributions=paid.total if paid else None,
                by_group={
                    key: sum((paid.by_kind.get(k, Decimal("0.00")) for k in members), Decimal("0.00"))
                    for key, _label, members in KIND_GROUPS
                }
                if paid
                else {},
                equity_year=position.year if position else None,
                equity=position.position.closing if position else None,
                equity_share_percent=position.position.share_percent if position else None,
                equity_status=position.position.status if position else "",
                allocation=None if allocations is None else allocations.get(association.pk),
            )
        )
    return FinanceTotals(
        year=year,
        kinds=kinds,
        total=total,
        associations=rows,
        equity_level=equity_level,
        allocation_total=None if allocations is None else sum(allocations.values(), Decimal("0.00")),
    )


# --- follow-up (R-SUPPRESS) -------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowupYear:
    year: int
    started: int | None
    exited: int | None


@dataclass(frozen=True)
class FollowupAssociation:
    name: str
    started: int | None
    exited: int | None


@dataclass(frozen=True)
class Followup:
    year: int
    trend: list[FollowupYear]
    associations: list[FollowupAssociation]
    hidden_text: str


def _total(stats: statistics.Statistics, key: str, row: str = TOTAL) -> int | None:
    table = stats.table(key).table
    try:
        return table.cell(row, TOTAL).value
    except KeyError:
        return None


def followup(*, user: Actor, year: int) -> Followup:
    """Participations started and exited nationally in `year` and the years before, and per förbund in
    `year`: the statistics app's national figures, suppressed (R-SUPPRESS: a hidden count is None)."""
    require(user, Capability.NATIONAL_DASHBOARD)
    trend = []
    chosen: statistics.Statistics | None = None
    for each in range(year - TREND_YEARS + 1, year + 1):
        stats = statistics.national_statistics(user=SYSTEM, year=each)
        trend.append(FollowupYear(each, _total(stats, "started"), _total(stats, "exited")))
        chosen = stats
    assert chosen is not None
    started = chosen.table("started")
    names = dict(started.names.get("association", {}))
    associations = [
        FollowupAssociation(str(name), _total(chosen, "started", key), _total(chosen, "exited", key))
        for key, name in sorted(names.items(), key=lambda kv: str(kv[1]))
    ]
    return Followup(
        year=year, trend=trend, associations=associations, hidden_text=str(statistics.SUPPRESSED_TEXT)
    )


# --- compliance ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceRow:
    association_id: int
    name: str
    cells: list[governance_rules.GroupState | None]
    board_missing: list[str] | None

    @property
    def board_complete(self) -> bool | None:
        return None if self.board_missing is None else not self.board_missing


@dataclass(frozen=True)
class Compliance:
    year: int
    day: date
    obligations: list[tuple[governance_rules.Obligation, str]]
    rows: list[ComplianceRow]


def compliance(*, user: Actor, year: int, day: date | None = None) -> Compliance:
    """Per förbund: next year's budget adopted by 30 November, last year's annual report delivered, the
    member consultation held (from governance's national overview of the annual cycle), and whether the
    board is complete on `day` (R-BOARD, from the registry)."""
    require(user, Capability.NATIONAL_DASHBOARD)
    day = day or today()
    overview = governance.national_overview(user=SYSTEM, year=year, day=day)
    boards = registry.board_shortfalls(day=day)
    return Compliance(
        year=year,
        day=day,
        obligations=[(o, governance_rules.obligation_title(o, year)) for o in COMPLIANCE],
        rows=[
            ComplianceRow(
                association_id=row.association.pk,
                name=row.association.name,
                cells=[row.cell(o) for o in COMPLIANCE],
                board_missing=boards.get(row.association.pk),
            )
            for row in overview
        ],
    )


# --- coverage --------------------------------------------------------------------------------------


def coverage(*, user: Actor, day: date) -> registry.Coverage:
    """The registry's coverage of the day: the same function the open data reads."""
    require(user, Capability.NATIONAL_DASHBOARD)
    return registry.coverage(day=day)


@dataclass(frozen=True)
class Dashboard:
    day: date
    year: int
    coverage: registry.Coverage
    finance: FinanceTotals
    followup: Followup
    compliance: Compliance


def dashboard(
    *,
    user: Actor,
    day: date,
    year: int,
    equity_level: Decimal | None = None,
    allocations: dict[int, Decimal] | None = None,
) -> Dashboard:
    require(user, Capability.NATIONAL_DASHBOARD)
    return Dashboard(
        day=day,
        year=year,
        coverage=coverage(user=user, day=day),
        finance=finance_totals(user=user, year=year, equity_level=equity_level, allocations=allocations),
        followup=followup(user=user, year=year),
        compliance=compliance(user=user, year=year),
    )


def years() -> list[int]:
    this_year = today().year
    return list(range(this_year + 1, this_year - 10, -1))
