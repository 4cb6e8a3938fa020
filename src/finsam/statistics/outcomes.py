"""Outcome statistics of individual-level interventions, aggregated in the database (R-FOLLOWUP, R-SUPPRESS).

Every figure is a GROUP BY over the follow-up's summary tables (one summary per published table, kept
current as participations are written), asked of the followup app's selectors; no participation is
read. A participation exited as "registered by mistake" is left out
everywhere (`followup.selectors.participations_counted`).

Two views:
- a förbund's own (`association_statistics`): its users see their own counts unsuppressed, per intervention,
  by sex and age band, with ongoing participations, exits, income sources and durations;
- the national one (`national_statistics`): figures that leave the förbund, per förbund and region and for
  the nation, always suppressed (R-SUPPRESS, docs/suppression.md). Tables about the same participations
  are suppressed together; a region's figure is the sum of shown förbund cells or hidden; shares, means and
  medians are shown only when every count they rest on is shown. Ongoing participations (a stock tied to
  the flows by "ongoing = ongoing a year earlier + started − exited") are not published nationally.

The year of a figure: "started" counts participations started in the year, "exited" those exited in the
year, "ongoing" those open on 31 December of the year (or today, for the current year).

What is built is kept in the process (`_kept`), under a key of everything it was built from that can
change: the summaries' stamps of the year and the years before it (`followup.selectors.summaries_stamp`,
one per förbund and year, set anew in the transaction of every write that changes a cell of that year,
and read before anything else), the names it shows (förbund, interventions,
regions: read on every request, a query each), the year and the language. A repeated request costs those
few small reads; the first after a write builds anew. The key comes from the database, so every process
sees the write at its next request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finsam.core.access import Actor, require
from finsam.core.roles import Capability
from finsam.core.suppression import (
    TOTAL,
    OneWayTable,
    SuppressedTable,
    Table,
    TwoWayTable,
    suppress_tables,
)
from finsam.followup import rules
from finsam.followup import selectors as followup
from finsam.followup.schemas import EmploymentStatus, IncomeSource, Sex
from finsam.interventions import selectors as interventions
from finsam.interventions.schemas import InterventionKind
from finsam.registry import selectors as registry

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.utils.functional import _StrOrPromise

    from finsam.registry.models import Association

UNKNOWN = "unknown"
UNKNOWN_LABEL = gettext_lazy("Uppgift saknas")

SEXES = tuple(Sex.values)
SEX_LABELS = dict(Sex.choices)

# The bands of rules.AGE_BANDS, labelled as rules.age_band labels them.
AGE_BANDS: tuple[tuple[int, int, str], ...] = tuple(
    (low, high, rules.age_band(2000 - low, 2000) or "") for low, high in rules.AGE_BANDS
)
AGE_LABELS = (*(label for _, _, label in AGE_BANDS), UNKNOWN)

OUTCOMES = (*EmploymentStatus.values, UNKNOWN)
OUTCOME_LABELS = {**dict(EmploymentStatus.choices), UNKNOWN: UNKNOWN_LABEL}
IN_WORK_OR_STUDIES = (EmploymentStatus.WORK.value, EmploymentStatus.STUDIES.value)

INCOME = (*IncomeSource.values, UNKNOWN)
INCOME_LABELS = {**dict(IncomeSource.choices), UNKNOWN: UNKNOWN_LABEL}

# Duration bands: (code, label, first day of the next band); the last band is open.
DURATION_BANDS: tuple[tuple[str, _StrOrPromise, int | None], ...] = (
    ("0-3", gettext_lazy("Under 3 månader"), 91),
    ("3-6", gettext_lazy("3–6 månader"), 183),
    ("6-12", gettext_lazy("6–12 månader"), 366),
    ("12-24", gettext_lazy("1–2 år"), 731),
    ("24-", gettext_lazy("Över 2 år"), None),
)
DURATION_LABELS = {code: label for code, label, _ in DURATION_BANDS}

# Display names of a table's categories: dimension → category code → name (a lazy translation for the
# choices and the constants above).
Names = Mapping[str, Mapping[str, "_StrOrPromise"]]

SUPPRESSED_TEXT = gettext_lazy(
    "Dold: färre än 5 deltaganden, eller dold för att skydda en annan dold uppgift."
)


# ---------------------------------------------------------------------------------------------------------
# What the selectors answer


@dataclass(frozen=True)
class StatisticsTable:
    """One published table: its cells (suppressed or not) and the display names of its categories (lazy
    translations among them: `name` gives the text in the active language)."""

    key: str
    title: str
    table: SuppressedTable
    names: Names

    @property
    def dimensions(self) -> tuple[str, ...]:
        return self.table.dimensions

    def name(self, dimension: str, code: str) -> str:
        if code == TOTAL:
            return _("Totalt")
        return str(self.names.get(dimension, {}).get(code, code))


@dataclass(frozen=True)
class Figure:
    """A derived figure (a share, a mean); `value` None when a count it rests on is hidden."""

    key: str
    label: str
    value: float | None
    unit: str


@dataclass(frozen=True)
class RegionRow:
    region: str
    code: str
    started: int | None
    exited: int | None


@dataclass(frozen=True)
class Statistics:
    year: int
    suppressed: bool
    association: Association | None
    tables: list[StatisticsTable]
    figures: list[Figure]
    regions: list[RegionRow] = field(default_factory=list)
    # What the figures were built from (see `_kept`): equal keys, equal figures. None when not kept.
    key: tuple[Any, ...] | None = field(default=None, compare=False)

    def table(self, key: str) -> StatisticsTable:
        return next(t for t in self.tables if t.key == key)


# ---------------------------------------------------------------------------------------------------------
# What was built, kept in the process

_KEPT = 64  # answers; a national one is some 1 500 cells
_kept_answers: OrderedDict[tuple[Any, ...], Statistics] = OrderedDict()
_kept_lock = threading.Lock()


def _kept(key: tuple[Any, ...], build: Callable[[], Statistics]) -> Statistics:
    """The statistics kept under `key`, or built and kept (the least recently used dropped beyond _KEPT).
    The key is read before what `build` reads, so what is kept is at least as new as its key."""
    key = (*key, translation.get_language())
    with _kept_lock:
        kept = _kept_answers.get(key)
        if kept is not None:
            _kept_answers.move_to_end(key)
            return kept
    built = replace(build(), key=key)
    with _kept_lock:
        _kept_answers[key] = built
        _kept_answers.move_to_end(key)
        while len(_kept_answers) > _KEPT:
            _kept_answers.popitem(last=False)
    return built


def forget_kept() -> None:
    """Drops what the process keeps (the tests that count queries start from nothing)."""
    with _kept_lock:
        _kept_answers.clear()


# ---------------------------------------------------------------------------------------------------------
# The counts, aggregated in the database by the followup app


@dataclass(frozen=True)
class _Participations:
    """The participations a table counts: those started, exited or ongoing in the year, of one förbund or
    of all (`followup.selectors.participation_counts` says which exactly)."""

    which: followup.YearSet
    year: int
    association_id: int | None = None


def _normalised(counts: Mapping[tuple[Any, ...], int]) -> dict[tuple[str, ...], int]:
    """{(value, …): count} with the values as text; NULL and blank become UNKNOWN."""
    normalised: dict[tuple[str, ...], int] = defaultdict(int)
    for values, n in counts.items():
        key = tuple(str(value) if value not in (None, "") else UNKNOWN for value in values)
        normalised[key] += n
    return dict(normalised)


def _grouped(
    participations: _Participations, *dimensions: followup.ParticipationDimension
) -> dict[tuple[str, ...], int]:
    """{(value, …): count} from one GROUP BY; NULL and blank become UNKNOWN."""
    return _normalised(
        followup.participation_counts(
            year=participations.year,
            which=participations.which,
            by=dimensions,
            association_id=participations.association_id,
        )
    )


def _by_age_band(
    started: _Participations, *dimensions: followup.ParticipationDimension
) -> dict[tuple[str, ...], int]:
    """{(age band, …): count} of participations started in the year, by the age in the year of the start
    (`rules.age_band`; "unknown" for an anonymous participant), as the summary keeps them."""
    return _grouped(started, "age_band", *dimensions)


def _two_way(
    row_dimension: str,
    column_dimension: str,
    rows: Sequence[str],
    columns: Sequence[str],
    counts: Mapping[tuple[str, ...], int],
) -> TwoWayTable:
    pairs: dict[tuple[str, str], int] = {}
    for (row, column), n in counts.items():
        pairs[(row, column)] = pairs.get((row, column), 0) + n
    return TwoWayTable.from_counts(row_dimension, column_dimension, rows, columns, pairs)


def _one_way(dimension: str, labels: Sequence[str], counts: Mapping[tuple[str, ...], int]) -> OneWayTable:
    return OneWayTable.from_counts(dimension, labels, {key[0]: n for key, n in counts.items()})


def _by_sex(
    participations: _Participations, group: followup.ParticipationDimension, groups: Sequence[str]
) -> TwoWayTable:
    counts = _grouped(participations, group, "sex")
    return _two_way(group, "sex", groups, SEXES, counts)


# ---------------------------------------------------------------------------------------------------------
# Publishing


def _publish(tables: Sequence[Table], *, suppress: bool) -> list[SuppressedTable]:
    """R-SUPPRESS for figures that leave the förbund; the same cell shape, nothing hidden, for its own."""
    if suppress:
        return suppress_tables(tables)
    return suppress_tables(tables, threshold=1)


def _shown(table: SuppressedTable, *labels: str) -> int | None:
    cell = table.cell(*labels)
    return cell.value


def _share(
    table: SuppressedTable, numerator: Iterable[Sequence[str]], denominator: Sequence[str]
) -> float | None:
    """A percentage from shown cells only."""
    total = _shown(table, *denominator)
    parts = [_shown(table, *labels) for labels in numerator]
    if not total or any(p is None for p in parts):
        return None
    return round(100 * sum(p for p in parts if p is not None) / total, 1)


def _exit_tables(
    exited: _Participations, first: Table
) -> tuple[list[Table], dict[str, Names], dict[int, int]]:
    """The tables about the participations exited in the year (they share their grand total), and the
    durations they rest on ({days: participations})."""
    outcome = _two_way(
        "employment_after", "sex", OUTCOMES, SEXES, _grouped(exited, "employment_after", "sex")
    )
    income = _two_way(
        "income_before", "income_after", INCOME, INCOME, _grouped(exited, "income_before", "income_after")
    )
    durations = followup.participation_durations(year=exited.year, association_id=exited.association_id)
    bands = followup.duration_band_counts(durations, [(code, limit) for code, _, limit in DURATION_BANDS])
    duration = _one_way(
        "duration",
        [code for code, _, _ in DURATION_BANDS],
        _normalised({(band,): n for band, n in bands.items()}),
    )
    names: dict[str, Names] = {
        "outcome": {"employment_after": OUTCOME_LABELS, "sex": SEX_LABELS},
        "income": {"income_before": INCOME_LABELS, "income_after": INCOME_LABELS},
        "duration": {"duration": DURATION_LABELS},
    }
    return [first, outcome, income, duration], names, durations


def _outcome_one_way(exited: _Participations) -> OneWayTable:
    return _one_way("employment_after", OUTCOMES, _grouped(exited, "employment_after"))


def _figures(
    exited_table: SuppressedTable, outcome: SuppressedTable, durations: Mapping[int, int], *, two_way: bool
) -> list[Figure]:
    total_key = (TOTAL, TOTAL) if two_way else (TOTAL,)
    share = _share(
        outcome,
        [((code, TOTAL) if two_way else (code,)) for code in IN_WORK_OR_STUDIES],
        total_key,
    )
    shown_total = _shown(exited_table, TOTAL, TOTAL)
    mean, median = followup.duration_mean_median(durations) if shown_total else (None, None)
    return [
        Figure("work_or_studies", _("Andel i arbete eller studier vid avslut"), share, "%"),
        Figure(
            "mean_days",
            _("Genomsnittlig tid i insatsen"),
            None if mean is None else round(mean, 1),
            _("dagar"),
        ),
        Figure("median_days", _("Mediantid i insatsen"), median, _("dagar")),
    ]


def _intervention_names(association_id: int) -> dict[str, str]:
    names = interventions.intervention_names(association_id=association_id, kind=InterventionKind.INDIVIDUAL)
    return {str(pk): name for pk, name in names}


def association_statistics(*, user: Actor, association_id: int, year: int) -> Statistics:
    """A förbund's own figures for its own users: exact counts (they never leave the förbund)."""
    association = registry.association_get(
        user=user, association_id=association_id, capability=Capability.STATISTICS_VIEW
    )
    stamps = followup.summaries_stamp(year=year, association_id=association_id)
    intervention_names = _intervention_names(association_id)
    key = ("association", association_id, year, stamps, tuple(intervention_names.items()))
    stats = _kept(key, lambda: _association_statistics(association, year, intervention_names))
    return stats if stats.association is association else replace(stats, association=association)


def _association_statistics(
    association: Association, year: int, intervention_names: dict[str, str]
) -> Statistics:
    association_id = association.pk
    groups = list(intervention_names) or ["-"]
    names: Names = {"intervention": intervention_names, "sex": SEX_LABELS}
    started = _Participations("started", year, association_id)
    exited = _Participations("exited", year, association_id)
    started_by_intervention = _by_sex(started, "intervention", groups)
    started_by_age = _two_way("age_band", "sex", AGE_LABELS, SEXES, _by_age_band(started, "sex"))
    ongoing = _by_sex(_Participations("ongoing", year, association_id), "intervention", groups)
    exited_by_intervention = _by_sex(exited, "intervention", groups)
    exit_tables, exit_names, durations = _exit_tables(exited, exited_by_intervention)
    published = _publish([started_by_intervention], suppress=False)
    published += _publish([started_by_age], suppress=False)
    published += _publish([ongoing], suppress=False)
    published += _publish(exit_tables, suppress=False)
    titles: list[tuple[str, str, Names]] = [
        ("started", _("Påbörjade deltaganden per insats och kön"), names),
        (
            "started_age",
            _("Påbörjade deltaganden per åldersgrupp och kön"),
            {"age_band": {UNKNOWN: UNKNOWN_LABEL}, "sex": SEX_LABELS},
        ),
        ("ongoing", _("Pågående deltaganden vid årets slut per insats och kön"), names),
        ("exited", _("Avslutade deltaganden per insats och kön"), names),
        ("outcome", _("Sysselsättning vid avslut"), exit_names["outcome"]),
        ("income", _("Huvudsaklig försörjning före och efter (avslutade deltaganden)"), exit_names["income"]),
        ("duration", _("Tid i insatsen (avslutade deltaganden)"), exit_names["duration"]),
    ]
    tables = [
        StatisticsTable(key, title, table, table_names)
        for (key, title, table_names), table in zip(titles, published, strict=True)
    ]
    figures = _figures(published[3], published[4], durations, two_way=True)
    return Statistics(year=year, suppressed=False, association=association, tables=tables, figures=figures)


def _region_rows(
    started: SuppressedTable,
    exited: SuppressedTable,
    associations: Sequence[str],
    membership: Mapping[int, Sequence[tuple[str, str]]],
) -> list[RegionRow]:
    """A region's figure is the sum of its förbunds' shown totals, hidden if any of them is hidden."""
    by_region: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key in associations:
        for region in membership.get(int(key), []):
            by_region[region].append(key)

    def total(table: SuppressedTable, keys: list[str]) -> int | None:
        values = [table.cell(key, TOTAL).value for key in keys]
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)

    return [
        RegionRow(region=name, code=code, started=total(started, keys), exited=total(exited, keys))
        for (code, name), keys in sorted(by_region.items())
    ]


def national_statistics(*, user: Actor, year: int) -> Statistics:
    """The national figures: per förbund (one table whose total row is the nation), by age band, exit
    outcome, income sources and duration; always suppressed (R-SUPPRESS), whoever asks."""
    require(user, Capability.STATISTICS_NATIONAL)
    stamps = followup.summaries_stamp(year=year)
    # The names of every förbund with summaries of the year or before it (those with participations counted
    # are among them, and which they are follows from those summaries, hence from their stamps).
    names = registry.association_names(association_ids=sorted({pk for pk, _, _ in stamps}))
    membership = registry.association_regions()
    key = (
        "national",
        year,
        stamps,
        tuple(names.items()),
        tuple(sorted((pk, tuple(regions)) for pk, regions in membership.items())),
    )
    return _kept(key, lambda: _national_statistics(year, names, membership))


def _national_statistics(
    year: int, names: Mapping[int, str], membership: Mapping[int, Sequence[tuple[str, str]]]
) -> Statistics:
    active = set(followup.participation_association_ids(until_year=year))
    names_by_id = {str(pk): name for pk, name in names.items() if pk in active}
    keys = list(names_by_id) or ["-"]
    started = _Participations("started", year)
    exited = _Participations("exited", year)
    started_tables: list[Table] = [
        _by_sex(started, "association", keys),
        _one_way("age_band", AGE_LABELS, _by_age_band(started)),
    ]
    exited_by_association = _by_sex(exited, "association", keys)
    exit_tables, exit_names, durations = _exit_tables(exited, exited_by_association)
    exit_tables[1] = _outcome_one_way(exited)
    published = _publish(started_tables, suppress=True) + _publish(exit_tables, suppress=True)
    association_names: Names = {"association": names_by_id, "sex": SEX_LABELS}
    titles: list[tuple[str, str, Names]] = [
        ("started", _("Påbörjade deltaganden per förbund och kön"), association_names),
        ("started_age", _("Påbörjade deltaganden per åldersgrupp"), {"age_band": {UNKNOWN: UNKNOWN_LABEL}}),
        ("exited", _("Avslutade deltaganden per förbund och kön"), association_names),
        ("outcome", _("Sysselsättning vid avslut"), {"employment_after": OUTCOME_LABELS}),
        ("income", _("Huvudsaklig försörjning före och efter (avslutade deltaganden)"), exit_names["income"]),
        ("duration", _("Tid i insatsen (avslutade deltaganden)"), exit_names["duration"]),
    ]
    tables = [
        StatisticsTable(key, title, table, table_names)
        for (key, title, table_names), table in zip(titles, published, strict=True)
    ]
    figures = _figures(published[2], published[3], durations, two_way=False)
    regions = _region_rows(published[0], published[2], [k for k in keys if k != "-"], membership)
    return Statistics(
        year=year, suppressed=True, association=None, tables=tables, figures=figures, regions=regions
    )


def years() -> list[int]:
    """The years to choose from: from the first start on record (or this year) to this year."""
    this_year = timezone.localdate().year
    first = followup.statistics_first_year()
    start = min(first, this_year) if first else this_year
    return list(range(this_year, start - 1, -1))


def statistics_associations(*, user: Actor) -> QuerySet[Association]:
    """The förbund whose own statistics the user may see."""
    scope = require(user, Capability.STATISTICS_VIEW)
    return registry.associations_by_name(association_ids=None if scope.all else scope.association_ids)
