"""R-SUPPRESS: small counts never leave a förbund, not even through the totals.

Every figure that leaves a förbund is a count in a table. A count between 1 and `threshold - 1` is hidden
(primary suppression); more cells are hidden (secondary suppression) until no hidden cell can be worked out
from the shown cells and the sums that tie the table together. Suppression runs on exact counts, before any
rounding. The method, the protection level and the limits are in docs/suppression.md.

How it works. A two-way table with its row totals, column totals and grand total is a flow in a small
network: the grand total flows from a source node to each row node (the row totals), from row nodes to
column nodes (the inner cells), from column nodes to a sink (the column totals) and back to the source
(the grand total). Every sum in the table is "what flows into a node flows out of it". One-way tables and
several tables with the same total fit the same mould (a chain of such networks closed by the shared
total). Network matrices are totally unimodular, so the linear relaxation of "which tables fit what is
shown" has integer corners: the exact smallest and largest value of a hidden cell over all integer tables
consistent with the shown cells are two maximum-flow computations in integers, and every integer between
them is reached by some table. That is the audit; secondary suppression repeats it until every hidden
small count has enough room.

The module is pure: no database, no Django.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

THRESHOLD = 5
"""Counts from 1 to THRESHOLD - 1 are hidden (R-SUPPRESS: 1–4)."""

TOTAL = "total"
"""The label of a total in a cell's labels; not allowed as a category."""

Key = tuple[str, ...]
"""A cell's labels in dimension order: (row, column) or (category,); TOTAL marks a total."""


# ---------------------------------------------------------------------------------------------------------
# Tables of true counts


def _dimension(name: str) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError(f"a dimension needs a non-empty name, got {name!r}")
    return name


def _categories(dimension: str, labels: Iterable[str]) -> tuple[str, ...]:
    result = tuple(labels)
    if not result:
        raise ValueError(f"{dimension}: a table needs at least one category")
    for label in result:
        if not isinstance(label, str) or not label:
            raise ValueError(f"{dimension}: a category needs a non-empty string label, got {label!r}")
        if label == TOTAL:
            raise ValueError(f"{dimension}: {TOTAL!r} is reserved for totals")
    if len(set(result)) != len(result):
        raise ValueError(f"{dimension}: category labels must be unique")
    return result


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"a count is a non-negative integer, got {value!r}")
    return value


def _unknown_labels(given: Iterable[object], known: Iterable[object]) -> None:
    unknown = set(given) - set(known)
    if unknown:
        raise ValueError(f"counts for unknown categories: {sorted(map(repr, unknown))}")


@dataclass(frozen=True)
class OneWayTable:
    """Counts by one dimension (e.g. sex) and their total."""

    dimension: str
    labels: tuple[str, ...]
    counts: tuple[int, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "dimension", _dimension(self.dimension))
        object.__setattr__(self, "labels", _categories(self.dimension, self.labels))
        counts = tuple(_count(value) for value in self.counts)
        if len(counts) != len(self.labels):
            raise ValueError(f"{self.dimension}: {len(self.labels)} categories but {len(counts)} counts")
        object.__setattr__(self, "counts", counts)

    @classmethod
    def from_counts(cls, dimension: str, labels: Iterable[str], counts: Mapping[str, int]) -> OneWayTable:
        """The table of `labels` in that order; a category missing from `counts` is 0."""
        labels = tuple(labels)
        _unknown_labels(counts, labels)
        return cls(dimension, labels, tuple(counts.get(label, 0) for label in labels))

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class TwoWayTable:
    """Counts by two dimensions (e.g. rows = age band, columns = sex) with row, column and grand totals.

    The totals are always the sums of the inner cells: a table whose categories do not add up to the
    figure you want to publish as its total needs one more category (e.g. "unknown")."""

    row_dimension: str
    column_dimension: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "row_dimension", _dimension(self.row_dimension))
        object.__setattr__(self, "column_dimension", _dimension(self.column_dimension))
        if self.row_dimension == self.column_dimension:
            raise ValueError("the two dimensions of a table need different names")
        object.__setattr__(self, "rows", _categories(self.row_dimension, self.rows))
        object.__setattr__(self, "columns", _categories(self.column_dimension, self.columns))
        counts = tuple(tuple(_count(value) for value in row) for row in self.counts)
        if len(counts) != len(self.rows) or any(len(row) != len(self.columns) for row in counts):
            raise ValueError(f"counts must be {len(self.rows)} rows of {len(self.columns)} columns")
        object.__setattr__(self, "counts", counts)

    @classmethod
    def from_counts(
        cls,
        row_dimension: str,
        column_dimension: str,
        rows: Iterable[str],
        columns: Iterable[str],
        counts: Mapping[tuple[str, str], int],
    ) -> TwoWayTable:
        """The table of `rows` × `columns` in that order from {(row, column): count}; missing pairs are 0
        (the shape a GROUP BY answers in)."""
        rows, columns = tuple(rows), tuple(columns)
        _unknown_labels(counts, [(row, column) for row in rows for column in columns])
        grid = tuple(tuple(counts.get((row, column), 0) for column in columns) for row in rows)
        return cls(row_dimension, column_dimension, rows, columns, grid)

    @property
    def row_totals(self) -> tuple[int, ...]:
        return tuple(sum(row) for row in self.counts)

    @property
    def column_totals(self) -> tuple[int, ...]:
        return tuple(sum(column) for column in zip(*self.counts, strict=True))

    @property
    def total(self) -> int:
        return sum(self.row_totals)


Table = OneWayTable | TwoWayTable


# ---------------------------------------------------------------------------------------------------------
# What may be published


@dataclass(frozen=True)
class Cell:
    """One published figure. `value` is None exactly when the cell is suppressed."""

    labels: tuple[tuple[str, str], ...]
    value: int | None
    suppressed: bool

    @property
    def key(self) -> Key:
        return tuple(label for _, label in self.labels)

    def as_dict(self) -> dict[str, object]:
        return {"labels": dict(self.labels), "value": self.value, "suppressed": self.suppressed}


@dataclass(frozen=True)
class SuppressedTable:
    """A table ready to leave the förbund: the true value of a suppressed cell is not in it.

    `cells` are in reading order: for a two-way table each row's cells then its total, then the column
    totals and the grand total; for a one-way table the categories then the total. Categories keep the
    order of the table they came from."""

    dimensions: tuple[str, ...]
    categories: tuple[tuple[str, ...], ...]
    cells: tuple[Cell, ...]
    threshold: int
    protection: int
    suppress_zeros: bool

    @cached_property
    def _index(self) -> dict[Key, Cell]:
        return {cell.key: cell for cell in self.cells}

    def cell(self, *labels: str) -> Cell:
        """The cell with these labels (use TOTAL for a total), e.g. cell("30-49", TOTAL)."""
        return self._index[labels]

    @property
    def suppressed_keys(self) -> frozenset[Key]:
        return frozenset(cell.key for cell in self.cells if cell.suppressed)


def cells(table: SuppressedTable) -> list[dict[str, object]]:
    """The public shape (DESIGN §5): [{"labels": {...}, "value": int | None, "suppressed": bool}, ...]."""
    return [cell.as_dict() for cell in table.cells]


class Interval(NamedTuple):
    """Every value a hidden cell can take in some table consistent with what is shown: all integers
    from `low` to `high`; `high` None means no upper bound."""

    low: int
    high: int | None

    @property
    def width(self) -> int | None:
        return None if self.high is None else self.high - self.low


def is_primary(count: int, *, threshold: int = THRESHOLD, suppress_zeros: bool = False) -> bool:
    """Whether a count is hidden for its own sake: 1 ≤ count < threshold (0 too with suppress_zeros)."""
    return (0 if suppress_zeros else 1) <= count < threshold


# ---------------------------------------------------------------------------------------------------------
# The network behind one or several tables


@dataclass
class _Network:
    nodes: int
    tails: list[int]
    heads: list[int]
    values: list[int]
    cells: list[list[tuple[int, Key]]]  # per edge: (table index, cell key) of every cell it publishes

    def add(self, tail: int, head: int, value: int, cells: list[tuple[int, Key]]) -> None:
        self.tails.append(tail)
        self.heads.append(head)
        self.values.append(value)
        self.cells.append(cells)


def _network(tables: Sequence[Table]) -> _Network:
    """One edge per published cell, in a canonical order that depends on labels only (categories sorted),
    so that the result does not depend on the order of rows and columns. Table k sits between hub nodes
    k and k + 1; the shared grand total closes the chain from the last hub back to hub 0."""
    if not tables:
        raise ValueError("no table to suppress")
    total = tables[0].total
    if any(table.total != total for table in tables):
        raise ValueError("tables suppressed together must have the same total")
    net = _Network(nodes=len(tables) + 1, tails=[], heads=[], values=[], cells=[])
    for k, table in enumerate(tables):
        hub, next_hub = k, k + 1
        if isinstance(table, OneWayTable):
            for p in sorted(range(len(table.labels)), key=table.labels.__getitem__):
                net.add(hub, next_hub, table.counts[p], [(k, (table.labels[p],))])
            continue
        rows = sorted(range(len(table.rows)), key=table.rows.__getitem__)
        columns = sorted(range(len(table.columns)), key=table.columns.__getitem__)
        row_node = {i: net.nodes + n for n, i in enumerate(rows)}
        net.nodes += len(rows)
        column_node = {j: net.nodes + n for n, j in enumerate(columns)}
        net.nodes += len(columns)
        for i in rows:
            for j in columns:
                key = (table.rows[i], table.columns[j])
                net.add(row_node[i], column_node[j], table.counts[i][j], [(k, key)])
        row_totals, column_totals = table.row_totals, table.column_totals
        for i in rows:
            net.add(hub, row_node[i], row_totals[i], [(k, (table.rows[i], TOTAL))])
        for j in columns:
            net.add(column_node[j], next_hub, column_totals[j], [(k, (TOTAL, table.columns[j]))])
    total_key = {OneWayTable: (TOTAL,), TwoWayTable: (TOTAL, TOTAL)}
    net.add(len(tables), 0, total, [(k, total_key[type(table)]) for k, table in enumerate(tables)])
    return net


class _Flow(NamedTuple):
    value: int
    source_side: set[int]  # reachable from the source in the final residual graph, if value < limit
    edges: set[int]  # the hidden edges whose arcs carry flow


def _max_flow(nodes: int, arcs: list[tuple[int, int, int, int]], source: int, sink: int, limit: int) -> _Flow:
    """Edmonds–Karp in integers over arcs (tail, head, capacity, edge), stopping once the flow reaches
    `limit`. Below the limit the flow is maximum and the source side is that of a minimum cut."""
    adjacency: list[list[int]] = [[] for _ in range(nodes)]
    head: list[int] = []
    capacity: list[int] = []
    for tail, to, cap, _ in arcs:
        adjacency[tail].append(len(head))
        head.append(to)
        capacity.append(cap)
        adjacency[to].append(len(head))
        head.append(tail)
        capacity.append(0)
    flow = 0
    while flow < limit:
        via = [-1] * nodes
        seen = [False] * nodes
        seen[source] = True
        queue = deque([source])
        while queue and not seen[sink]:
            node = queue.popleft()
            for arc in adjacency[node]:
                nxt = head[arc]
                if capacity[arc] > 0 and not seen[nxt]:
                    seen[nxt] = True
                    via[nxt] = arc
                    queue.append(nxt)
        if not seen[sink]:
            return _Flow(flow, {node for node in range(nodes) if seen[node]}, _carrying(arcs, capacity))
        push, node = limit - flow, sink
        while node != source:
            push = min(push, capacity[via[node]])
            node = head[via[node] ^ 1]
        node = sink
        while node != source:
            capacity[via[node]] -= push
            capacity[via[node] ^ 1] += push
            node = head[via[node] ^ 1]
        flow += push
    return _Flow(flow, set(), _carrying(arcs, capacity))


def _carrying(arcs: list[tuple[int, int, int, int]], capacity: list[int]) -> set[int]:
    return {edge for n, (_, _, cap, edge) in enumerate(arcs) if capacity[2 * n] < cap}


def _arcs(
    net: _Network, hidden: set[int], edge: int, lower: int, unbounded: int
) -> list[tuple[int, int, int, int]]:
    """The moves open to a consistent table other than through `edge` itself. Any table that agrees with
    what is shown differs from the true one by a circulation on hidden edges: a hidden edge may carry
    more (arc forward, no limit, written as `unbounded`) or less (arc backward, down to `lower`)."""
    arcs: list[tuple[int, int, int, int]] = []
    for f in sorted(hidden):
        if f != edge:
            arcs.append((net.tails[f], net.heads[f], unbounded, f))
            arcs.append((net.heads[f], net.tails[f], net.values[f] - lower, f))
    return arcs


def _interval(net: _Network, hidden: set[int], edge: int, lower: int) -> Interval:
    """The exact interval of the hidden cell `edge`: it rises by the largest flow that can return from its
    head to its tail around it, and falls by the largest flow the other way (down to `lower`)."""
    infinity = 1 + sum(net.values[f] for f in hidden)
    arcs = _arcs(net, hidden, edge, lower, infinity)
    tail, head, value = net.tails[edge], net.heads[edge], net.values[edge]
    up = _max_flow(net.nodes, arcs, head, tail, infinity).value
    down = _max_flow(net.nodes, arcs, tail, head, value - lower).value
    return Interval(value - down, None if up >= infinity else value + up)


class _Protection(NamedTuple):
    ok: bool
    relies_on: set[int]  # when ok: the hidden edges the proof uses (it stays valid while they stay hidden)
    cuts: list[set[int]]  # when not ok: source sides of the minimum cuts that hold the cell in


def _protection(net: _Network, hidden: set[int], edge: int, lower: int, need: int) -> _Protection:
    """Whether the hidden cell `edge` can move over at least `need` values. Flows are cut off at what is
    needed, so a protected cell costs a handful of searches; an unprotected one yields its minimum cuts."""
    arcs = _arcs(net, hidden, edge, lower, need)  # no flow ever needs more than `need` on one arc
    tail, head = net.tails[edge], net.heads[edge]
    down_limit = min(need, net.values[edge] - lower)
    down = _max_flow(net.nodes, arcs, tail, head, down_limit) if down_limit > 0 else _Flow(0, set(), set())
    up = (
        _max_flow(net.nodes, arcs, head, tail, need - down.value)
        if down.value < need
        else _Flow(0, set(), set())
    )
    if down.value + up.value >= need:
        return _Protection(True, down.edges | up.edges, [])
    cuts = [up.source_side]
    if down.value < net.values[edge] - lower:
        cuts.append(down.source_side)
    return _Protection(False, set(), cuts)


def _suppress(net: _Network, *, threshold: int, protection: int, suppress_zeros: bool) -> set[int]:
    lower = 0 if suppress_zeros else 1
    need = max(1, protection)
    edges = range(len(net.values))
    primary = [
        e for e in edges if is_primary(net.values[e], threshold=threshold, suppress_zeros=suppress_zeros)
    ]
    hidden = set(primary)
    relies_on: dict[int, set[int]] = {}

    # Secondary suppression: while a primary cell lacks room, hide the smallest shown non-zero cell that
    # crosses a minimum cut holding it in (or, failing that, the smallest anywhere). Hiding more only
    # widens intervals, so a cell once protected stays protected. It ends: with every non-zero cell hidden,
    # every hidden cell lies on a cycle of hidden cells through the grand total and can rise without bound.
    for e in primary:
        while not (check := _protection(net, hidden, e, lower, need)).ok:
            shown = [g for g in edges if g not in hidden and net.values[g] > 0]
            crossing = [
                g for g in shown if any((net.tails[g] in cut) != (net.heads[g] in cut) for cut in check.cuts)
            ]
            hidden.add(min(crossing or shown, key=lambda g: (net.values[g], g)))
        relies_on[e] = check.relies_on

    # The greedy steps can overshoot: show a secondary cell again, largest first, when every primary cell
    # stays protected without it. A primary cell whose proof of protection does not use that cell stays
    # protected; only the others are checked again.
    primaries = set(primary)
    for g in sorted(hidden - primaries, key=lambda g: (-net.values[g], g)):
        hidden.discard(g)
        renewed: dict[int, set[int]] = {}
        for e in primary:
            if g in relies_on[e]:
                check = _protection(net, hidden, e, lower, need)
                if not check.ok:
                    hidden.add(g)
                    break
                renewed[e] = check.relies_on
        else:
            relies_on.update(renewed)

    # No secondary cell left can be worked out exactly either. A cell g stayed because some primary cell
    # lacked room without it; had g a single possible value at the end, showing it would change nobody's
    # interval, so that primary cell would be protected without g among the final hidden cells, a subset
    # of those it lacked room among when g was tried: impossible, as intervals only narrow as less is hidden.
    return hidden


# ---------------------------------------------------------------------------------------------------------
# Public operations


def _publish(table: Table, k: int, hidden_keys: set[tuple[int, Key]], policy: _Policy) -> SuppressedTable:
    def cell(labels: tuple[tuple[str, str], ...], value: int) -> Cell:
        hide = (k, tuple(label for _, label in labels)) in hidden_keys
        return Cell(labels=labels, value=None if hide else value, suppressed=hide)

    out: list[Cell] = []
    if isinstance(table, OneWayTable):
        dim = table.dimension
        out.extend(
            cell(((dim, label),), count) for label, count in zip(table.labels, table.counts, strict=True)
        )
        out.append(cell(((dim, TOTAL),), table.total))
        return SuppressedTable((dim,), (table.labels,), tuple(out), *policy)
    rd, cd = table.row_dimension, table.column_dimension
    for row, counts, row_total in zip(table.rows, table.counts, table.row_totals, strict=True):
        out.extend(
            cell(((rd, row), (cd, column)), n) for column, n in zip(table.columns, counts, strict=True)
        )
        out.append(cell(((rd, row), (cd, TOTAL)), row_total))
    out.extend(
        cell(((rd, TOTAL), (cd, column)), n)
        for column, n in zip(table.columns, table.column_totals, strict=True)
    )
    out.append(cell(((rd, TOTAL), (cd, TOTAL)), table.total))
    return SuppressedTable((rd, cd), (table.rows, table.columns), tuple(out), *policy)


class _Policy(NamedTuple):
    threshold: int
    protection: int
    suppress_zeros: bool


def _check_parameters(threshold: int, protection: int | None) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"threshold must be a positive integer, got {threshold!r}")
    if protection is None:
        return max(1, threshold - 1)
    if isinstance(protection, bool) or not isinstance(protection, int) or protection < 1:
        raise ValueError(f"protection must be a positive integer, got {protection!r}")
    return protection


def suppress_tables(
    tables: Sequence[Table],
    *,
    threshold: int = THRESHOLD,
    protection: int | None = None,
    suppress_zeros: bool = False,
) -> list[SuppressedTable]:
    """Suppress tables that are published together and share their grand total (e.g. participants by sex
    and by age band), so that no combination of them reveals a hidden cell. One- and two-way tables may be
    mixed; the shared total is hidden in all of them or in none.

    threshold: counts from 1 to threshold - 1 are hidden (primary suppression).
    protection: every primary cell must be able to take at least protection + 1 values (its interval's
      width ≥ protection) in tables consistent with what is shown; default threshold - 1, so a hidden
      small count could be any of `threshold` values. A secondary cell that could be worked out exactly
      anyway is shown: hiding it would protect nothing.
    suppress_zeros: hide zeros too (as primary cells). Off by default: a zero is nobody.
    """
    policy = _Policy(threshold, _check_parameters(threshold, protection), bool(suppress_zeros))
    return list(_suppressed(tuple(tables), policy))


@lru_cache(maxsize=64)
def _suppressed(tables: tuple[Table, ...], policy: _Policy) -> tuple[SuppressedTable, ...]:
    """The suppression is a function of the counts alone (tables and their results are immutable), so the
    result for the same tables is kept: the national statistics are asked for far more often than their
    counts change, and the maximum-flow audits are most of their cost."""
    net = _network(list(tables))
    hidden = _suppress(
        net, threshold=policy.threshold, protection=policy.protection, suppress_zeros=policy.suppress_zeros
    )
    hidden_keys = {cell for e in hidden for cell in net.cells[e]}
    return tuple(_publish(table, k, hidden_keys, policy) for k, table in enumerate(tables))


def suppress_table(
    table: Table,
    threshold: int = THRESHOLD,
    *,
    protection: int | None = None,
    suppress_zeros: bool = False,
) -> SuppressedTable:
    """Primary and secondary suppression of one table (R-SUPPRESS); see suppress_tables for the
    parameters. Deterministic: the same counts under the same labels give the same result, whatever the
    order of rows and columns."""
    [result] = suppress_tables(
        [table], threshold=threshold, protection=protection, suppress_zeros=suppress_zeros
    )
    return result


def audit(tables: Sequence[Table], published: Sequence[SuppressedTable]) -> list[dict[Key, Interval]]:
    """For every hidden cell of `published` (suppressed together from `tables`), the exact interval of
    values it can take in non-negative integer tables that agree with every shown cell and every sum.
    A hidden cell is taken to be at least 1 unless zeros are suppressed too: a reader who knows that zeros
    are always shown knows that a hidden cell is not zero."""
    tables, published = list(tables), list(published)
    if len(tables) != len(published):
        raise ValueError("one published table per table")
    net = _network(tables)
    where = {cell: e for e in range(len(net.values)) for cell in net.cells[e]}
    hidden: set[int] = set()
    for k, (table, result) in enumerate(zip(tables, published, strict=True)):
        expected = _publish(
            table, k, set(), _Policy(result.threshold, result.protection, result.suppress_zeros)
        )
        if [c.labels for c in expected.cells] != [c.labels for c in result.cells]:
            raise ValueError(f"published table {k} does not have the cells of table {k}")
        hidden.update(where[(k, cell.key)] for cell in result.cells if cell.suppressed)
    # A reader may take a hidden cell as ≥ 1 only if zeros are never hidden.
    zeros_hidden = any(r.suppress_zeros for r in published) or any(net.values[e] == 0 for e in hidden)
    lower = 0 if zeros_hidden else 1
    intervals: list[dict[Key, Interval]] = [{} for _ in tables]
    for e in sorted(hidden):
        interval = _interval(net, hidden, e, lower)
        for k, key in net.cells[e]:
            intervals[k][key] = interval
    return intervals
