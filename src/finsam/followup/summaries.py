"""The summary tables behind the statistics, kept current as the follow-up is written (docs/architecture.md).

One summary per published table (models.StartedSummary … TakingPartSummary): a cell is a count of the
participations the statistics count (`selectors.participations_counted`: individual-level interventions,
not "registered by mistake"). The services keep them current in the transaction of every write that
changes them, two ways:

- a write about one participant (enrolment, start, exit, a correction afterwards) runs inside
  `recounted(participant_id)`: the
  participant's cells are worked out from its rows before and after the write, in Python, and the
  difference is added (the old cells decremented, the new ones incremented) with one upsert per summary;
- the participant import adds the contributions of the rows it wrote with `add_imported_participations`:
  grouped in the database over those rows (one GROUP BY per summary), then one upsert per summary.

Consent withdrawal and the purge of identities change no cell: sex, birth year and the participations stay.

`rebuild` recomputes every cell from the rows with the grouped queries of the import and sets what
differs (`finsam rebuild-statistics`). The two computations are independent (Python per participant,
SQL over the rows), and the property test in tests/followup/test_summaries.py holds them to each other.
"""

from __future__ import annotations

import json
import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, ExtractYear, Least

from finsam.followup import rules
from finsam.followup.models import (
    DurationSummary,
    ExitedSummary,
    IncomeSourceEntry,
    IncomeSummary,
    OutcomeSummary,
    Participation,
    Phase,
    StartedAgeSummary,
    StartedSummary,
    SummaryStamp,
    TakingPartSummary,
)
from finsam.interventions.schemas import InterventionKind

# A summary's cell key (its key fields, in `Summary.keys` order) and values (in `Summary.values` order).
Key = tuple[Any, ...]
Values = tuple[int, ...]


@dataclass(frozen=True)
class Summary:
    model: type[models.Model]
    keys: tuple[str, ...]
    values: tuple[str, ...] = ("n",)


SUMMARIES: tuple[Summary, ...] = (
    Summary(StartedSummary, ("year", "association", "intervention", "sex")),
    Summary(StartedAgeSummary, ("year", "association", "age_band", "sex")),
    Summary(
        ExitedSummary,
        ("year", "association", "intervention", "sex"),
        ("n", "support_before", "support_after"),
    ),
    Summary(OutcomeSummary, ("year", "association", "employment_after", "sex")),
    Summary(IncomeSummary, ("year", "association", "income_before", "income_after")),
    Summary(DurationSummary, ("year", "association", "days")),
    Summary(TakingPartSummary, ("year", "association", "intervention", "sex"), ("change",)),
)
_BY_MODEL = {summary.model: summary for summary in SUMMARIES}


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


class Cells:
    """Changes (or contents) of the summaries: model → key → values, added up."""

    def __init__(self) -> None:
        self.cells: dict[type[models.Model], dict[Key, list[int]]] = defaultdict(dict)

    def add(self, model: type[models.Model], key: Key, *values: int) -> None:
        cell = self.cells[model].setdefault(key, [0] * len(values))
        for index, value in enumerate(values):
            cell[index] += value

    def minus(self, other: Cells) -> Cells:
        """self − other, zero cells left out."""
        difference = Cells()
        for model in set(self.cells) | set(other.cells):
            mine, theirs = self.cells.get(model, {}), other.cells.get(model, {})
            width = len(_BY_MODEL[model].values)
            for key in set(mine) | set(theirs):
                values = [
                    a - b
                    for a, b in zip(mine.get(key, [0] * width), theirs.get(key, [0] * width), strict=True)
                ]
                if any(values):
                    difference.add(model, key, *values)
        return difference

    def nonzero(self) -> dict[type[models.Model], dict[Key, Values]]:
        kept = {
            model: {key: tuple(values) for key, values in cells.items() if any(values)}
            for model, cells in self.cells.items()
        }
        return {model: cells for model, cells in kept.items() if cells}

    def __len__(self) -> int:
        return sum(len(cells) for cells in self.cells.values())


# --- the cells of one participant, worked out in Python -------------------------------------------------


def _main_source(entries: Sequence[tuple[str, int]]) -> str:
    """The income source with the largest extent (ties: the source code's order), "" when none."""
    if not entries:
        return ""
    return min(entries, key=lambda entry: (-entry[1], entry[0]))[0]


def _year_runs(spans: Iterable[tuple[int, int | None]]) -> list[tuple[int, int | None]]:
    """The maximal runs of consecutive years covered by (first year, last year or None while open)."""
    runs: list[tuple[int, int | None]] = []
    for first, last in sorted(spans, key=lambda span: span[0]):
        if runs:
            run_first, run_last = runs[-1]
            if run_last is None or first <= run_last + 1:
                merged = None if run_last is None or last is None else max(run_last, last)
                runs[-1] = (run_first, merged)
                continue
        runs.append((first, last))
    return runs


def participant_cells(participant_id: int) -> Cells:
    """What one participant contributes to every summary, from its rows (two queries)."""
    cells = Cells()
    participations = list(
        Participation.objects.for_statistics()
        .filter(participant_id=participant_id, intervention__kind=InterventionKind.INDIVIDUAL)
        .select_related("participant")
        .only(
            "association_id",
            "intervention_id",
            "start",
            "exit",
            "employment_after",
            "participant__sex",
            "participant__birth_year",
        )
        .prefetch_related("income_sources")
        .order_by("start")
    )
    spans: list[tuple[int, int | None]] = []
    for p in participations:
        sex, birth_year = p.participant.sex, p.participant.birth_year
        association, intervention = p.association_id, p.intervention_id
        year = p.start.year
        cells.add(StartedSummary, (year, association, intervention, sex), 1)
        cells.add(StartedAgeSummary, (year, association, rules.age_band(birth_year, year) or "", sex), 1)
        spans.append((year, p.exit.year if p.exit else None))
        if p.exit is None:
            continue
        entries = list(p.income_sources.all())
        before = [(e.source, e.extent) for e in entries if e.phase == Phase.BEFORE]
        after = [(e.source, e.extent) for e in entries if e.phase == Phase.AFTER]
        year = p.exit.year
        cells.add(
            ExitedSummary,
            (year, association, intervention, sex),
            1,
            rules.public_support_percent(before),
            rules.public_support_percent(after),
        )
        cells.add(OutcomeSummary, (year, association, p.employment_after, sex), 1)
        cells.add(IncomeSummary, (year, association, _main_source(before), _main_source(after)), 1)
        cells.add(DurationSummary, (year, association, (p.exit - p.start).days), 1)
    if participations:
        first = participations[0]
        key = (first.association_id, first.intervention_id, first.participant.sex)
        for run_first, run_last in _year_runs(spans):
            cells.add(TakingPartSummary, (run_first, *key), 1)
            if run_last is not None:
                cells.add(TakingPartSummary, (run_last + 1, *key), -1)
    return cells


@contextmanager
def recounted(participant_id: int | None) -> Iterator[list[int]]:
    """Around a write about one participant, inside its transaction: the participant's cells before and
    after, and the difference added to the summaries. For a participant created inside the block, pass
    None and append its id to the list yielded."""
    ids = [] if participant_id is None else [participant_id]
    before = participant_cells(participant_id) if participant_id is not None else Cells()
    yield ids
    after = participant_cells(ids[0]) if ids else Cells()
    add(after.minus(before))


# --- adding to the summaries ----------------------------------------------------------------------------

# The rows of one VALUES list: the stamps, and the cells elsewhere than on PostgreSQL.
_ROWS_PER_STATEMENT = 500


def add(cells: Cells, *, stamp: bool = True) -> None:
    """Adds `cells` to the summaries: one upsert (INSERT … ON CONFLICT DO UPDATE) per summary, the cells in
    a fixed order of their keys so that concurrent writers lock them in the same order. On PostgreSQL the
    cells go as one array per column (`unnest`), so a summary is one statement however many cells;
    elsewhere as VALUES lists of 500 cells. The förbund and years whose cells change get new stamps
    (models.SummaryStamp) first; `stamp=False` only for the migration that fills the summaries before the
    stamps' table exists."""
    quote = connection.ops.quote_name
    postgresql = connection.vendor == "postgresql"
    # Every summary's key starts (year, association): the förbund and years whose cells change.
    changed = sorted(
        {
            (key[1], key[0])
            for changes in cells.cells.values()
            for key, values in changes.items()
            if any(values)
        },
    )
    with connection.cursor() as cursor:
        if changed and stamp:
            _stamp(cursor, changed)
        for summary in SUMMARIES:
            changes = cells.cells.get(summary.model)
            if not changes:
                continue
            fields = [_field(summary.model, name) for name in (*summary.keys, *summary.values)]
            table = quote(summary.model._meta.db_table)
            columns = [quote(str(field.column)) for field in fields]
            keys = columns[: len(summary.keys)]
            updates = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in columns[len(summary.keys) :])
            upsert = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
            items = sorted((key, values) for key, values in changes.items() if any(values))
            if not items:
                continue
            if postgresql:
                arrays = [
                    list(column)
                    for column in zip(*(key + tuple(values) for key, values in items), strict=True)
                ]
                types = ["text[]" if isinstance(field, models.CharField) else "bigint[]" for field in fields]
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                    f"SELECT * FROM unnest({', '.join(f'%s::{t}' for t in types)}) {upsert}",
                    arrays,
                )
                continue
            for offset in range(0, len(items), _ROWS_PER_STATEMENT):
                chunk = items[offset : offset + _ROWS_PER_STATEMENT]
                row = "(" + ", ".join(["%s"] * len(columns)) + ")"
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                    f"VALUES {', '.join([row] * len(chunk))} {upsert}",
                    [value for key, values in chunk for value in (*key, *values)],
                )


def _stamp(cursor: Any, changed: Sequence[tuple[int, int]]) -> None:
    """A new random stamp for each of these (förbund, year) (models.SummaryStamp), before their cells, in
    the order of the pairs: the stamps' row locks, held to the commit, order the writers of one förbund's
    summaries of a year."""
    quote = connection.ops.quote_name
    table = quote(SummaryStamp._meta.db_table)
    columns = [quote("association_id"), quote("year"), quote("stamp")]
    for offset in range(0, len(changed), _ROWS_PER_STATEMENT):
        chunk = changed[offset : offset + _ROWS_PER_STATEMENT]
        rows = ", ".join(["(%s, %s, %s)"] * len(chunk))
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {rows} "  # noqa: S608
            f"ON CONFLICT ({columns[0]}, {columns[1]}) DO UPDATE SET {columns[2]} = EXCLUDED.{columns[2]}",
            [value for association, year in chunk for value in (association, year, secrets.randbits(62))],
        )


# --- the cells of many participations, grouped in the database -------------------------------------------


def _counted() -> QuerySet[Participation]:
    return Participation.objects.for_statistics().filter(intervention__kind=InterventionKind.INDIVIDUAL)


def _main_income_source(phase: str) -> Coalesce:
    """The income source with the largest extent (ties: the source code's order) of one phase, "" if none."""
    return Coalesce(
        Subquery(
            IncomeSourceEntry.objects.filter(participation=OuterRef("pk"), phase=phase)
            .order_by("-extent", "source")
            .values("source")[:1],
            output_field=CharField(),
        ),
        Value(""),
        output_field=CharField(),
    )


def _public_support_percent(phase: str) -> Least:
    """`rules.public_support_percent` of one phase, in the database."""
    summed = (
        IncomeSourceEntry.objects.filter(
            participation=OuterRef("pk"), phase=phase, source__in=rules.PUBLIC_SUPPORT
        )
        .order_by()
        .values("participation")
        .annotate(total=Sum("extent"))
        .values("total")
    )
    return Least(
        Coalesce(Subquery(summed, output_field=IntegerField()), Value(0)),
        Value(100),
        output_field=IntegerField(),
    )


def _groups(
    participations: QuerySet[Participation], fields: Sequence[str], **aggregates: Any
) -> Iterable[tuple[Any, ...]]:
    """(field value, …, aggregate, …) per group."""
    grouped: Iterable[tuple[Any, ...]] = (
        participations.values(*fields).annotate(**aggregates).values_list(*fields, *aggregates)
    )
    return grouped


def _grouped(participations: QuerySet[Participation], into: Cells) -> None:
    """Every summary's cells of `participations` (all the participations of their participants), one
    GROUP BY per summary."""
    started = participations.annotate(year=ExtractYear("start")).order_by()
    by_intervention = ("year", "association_id", "intervention_id", "participant__sex")
    for *key, n in _groups(started, by_intervention, n=Count("id")):
        into.add(StartedSummary, tuple(key), n)
    for year, association, birth_year, sex, n in _groups(
        started, ("year", "association_id", "participant__birth_year", "participant__sex"), n=Count("id")
    ):
        into.add(StartedAgeSummary, (year, association, rules.age_band(birth_year, year) or "", sex), n)

    exited = participations.filter(exit__isnull=False).annotate(year=ExtractYear("exit")).order_by()
    supported = exited.annotate(
        before=_public_support_percent(Phase.BEFORE), after=_public_support_percent(Phase.AFTER)
    )
    for *key, n, before, after in _groups(
        supported, by_intervention, n=Count("id"), support_before=Sum("before"), support_after=Sum("after")
    ):
        into.add(ExitedSummary, tuple(key), n, before or 0, after or 0)
    for *key, n in _groups(
        exited, ("year", "association_id", "employment_after", "participant__sex"), n=Count("id")
    ):
        into.add(OutcomeSummary, tuple(key), n)
    incomes = exited.annotate(
        income_before=_main_income_source(Phase.BEFORE), income_after=_main_income_source(Phase.AFTER)
    )
    for *key, n in _groups(
        incomes, ("year", "association_id", "income_before", "income_after"), n=Count("id")
    ):
        into.add(IncomeSummary, tuple(key), n)
    durations = exited.annotate(days=ExpressionWrapper(F("exit") - F("start"), output_field=DurationField()))
    for year, association, days, n in _groups(durations, ("year", "association_id", "days"), n=Count("id")):
        into.add(DurationSummary, (year, association, days.days), n)

    _grouped_taking_part(participations, into)


def _grouped_taking_part(participations: QuerySet[Participation], into: Cells) -> None:
    """TakingPartSummary: per participant, +1 in a year with a participation open that follows a year
    without, −1 in a year without that follows a year with; counted once per participant and year."""
    years = participations.annotate(first=ExtractYear("start"), last=ExtractYear("exit"))
    others = _counted().annotate(first=ExtractYear("start"), last=ExtractYear("exit"))

    def covering(year: Any) -> Exists:
        """Another counted participation of the same participant open at some time in `year`."""
        return Exists(
            others.filter(participant_id=OuterRef("participant_id"), first__lte=year).filter(
                Q(last__isnull=True) | Q(last__gte=year)
            )
        )

    group = ("association_id", "intervention_id", "participant__sex")
    entering = (
        years.filter(~covering(OuterRef("first") - 1))
        .order_by()
        .values("first", *group)
        .annotate(n=Count("participant_id", distinct=True))
    )
    for row in entering:
        into.add(TakingPartSummary, (row["first"], *(row[g] for g in group)), row["n"])
    leaving = (
        years.filter(last__isnull=False)
        .filter(~covering(OuterRef("last") + 1))
        .order_by()
        .values("last", *group)
        .annotate(n=Count("participant_id", distinct=True))
    )
    for row in leaving:
        into.add(TakingPartSummary, (row["last"] + 1, *(row[g] for g in group)), -row["n"])


def _no_jit() -> None:
    """PostgreSQL compiles a plan whose estimated cost is high (the correlated subqueries per exited
    participation) at every call, which costs more than it saves here: off for the rest of the
    transaction, whose last work this is."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _among(participations: QuerySet[Participation], ids: Sequence[int]) -> QuerySet[Participation]:
    """The participations with these ids, the ids as one query parameter: on PostgreSQL an array that
    `= ANY` looks up by hash row by row (the ids come from a sequence, so their range bounds an index
    scan); elsewhere JSON."""
    ids = list(ids)
    participations = participations.filter(pk__gte=min(ids), pk__lte=max(ids))
    if connection.vendor == "postgresql":
        column = (
            f"{connection.ops.quote_name(Participation._meta.db_table)}.{connection.ops.quote_name('id')}"
        )
        return participations.filter(
            RawSQL(f"{column} = ANY(%s::bigint[])", [ids], output_field=BooleanField())  # noqa: S611 - the ids are a parameter
        )
    return participations.filter(pk__in=RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)]))


def add_imported_participations(participation_ids: Sequence[int]) -> None:
    """The participant import's one call, at the end of its write transaction: adds the contributions of
    the participations it wrote (each of a participant new in the import), grouped in the database."""
    if not participation_ids:
        return
    _no_jit()
    cells = Cells()
    _grouped(_among(_counted(), participation_ids), cells)
    add(cells)


# --- rebuilding -----------------------------------------------------------------------------------------


def computed() -> Cells:
    """Every summary as the rows make it."""
    cells = Cells()
    _grouped(_counted(), cells)
    return cells


def stored() -> Cells:
    """Every summary as it is stored."""
    cells = Cells()
    for summary in SUMMARIES:
        fields = [_field(summary.model, name).attname for name in summary.keys]
        for row in summary.model._default_manager.values_list(*fields, *summary.values):
            cells.add(summary.model, row[: len(fields)], *row[len(fields) :])
    return cells


def rebuild(*, fix: bool = True) -> dict[str, int]:
    """The cells that differ from the rows, per summary (model name → cells); set right when `fix`. Call
    inside a transaction; on PostgreSQL the participations are locked against writes meanwhile."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {connection.ops.quote_name(Participation._meta.db_table)} IN SHARE MODE"
            )
    _no_jit()
    difference = computed().minus(stored())
    if fix:
        add(difference)
    return {
        summary.model.__name__: len(difference.cells.get(summary.model, {}))
        for summary in SUMMARIES
        if difference.cells.get(summary.model)
    }
