"""R-SUPPRESS: no count from 1 to 4 leaves a förbund, and no hidden cell can be worked out from the rest.

The properties are checked independently of the module's own audit: for two-way tables by building, cell
by cell, other tables that agree with everything shown (each one verified by plain addition), and for small
tables and linked tables by a separate exact linear program in fractions.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from fractions import Fraction
from itertools import pairwise
from random import Random
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finsam.core.suppression import (
    TOTAL,
    Interval,
    OneWayTable,
    SuppressedTable,
    TwoWayTable,
    audit,
    cells,
    is_primary,
    suppress_table,
    suppress_tables,
)

THRESHOLD = 5
PROTECTION = THRESHOLD - 1  # the default: a hidden small count could be any of five values
SEX = ("kvinna", "man")


class Policy(NamedTuple):
    """The parameters of one suppression run, and what they promise."""

    threshold: int = THRESHOLD
    protection: int | None = None
    suppress_zeros: bool = False

    @property
    def lower(self) -> int:
        """What a reader knows of a hidden cell: ≥ 1 when zeros are always shown."""
        return 0 if self.suppress_zeros else 1

    def small(self, count: int) -> bool:
        return (0 if self.suppress_zeros else 1) <= count < self.threshold

    def need(self, count: int) -> int:
        """How far apart two consistent tables must be able to put a hidden cell."""
        if not self.small(count):
            return 1
        return self.protection if self.protection is not None else max(1, self.threshold - 1)

    def run(self, tables: list[OneWayTable | TwoWayTable]) -> list[SuppressedTable]:
        return suppress_tables(
            tables, threshold=self.threshold, protection=self.protection, suppress_zeros=self.suppress_zeros
        )


# ---------------------------------------------------------------------------------------------------------
# Hand-made examples


def test_a_small_cell_is_hidden_with_the_smallest_cells_that_close_a_rectangle_around_it() -> None:
    table = TwoWayTable("age_band", "sex", ("16-29", "30-49", "50-64"), SEX, ((12, 9), (3, 7), (20, 25)))
    result = suppress_table(table)
    # 3 is hidden; so is 7 beside it (else 10 - 7 gives it away), 12 below the column total and 9 to close
    # the rectangle. Every total stays visible.
    assert result.suppressed_keys == {
        ("16-29", "kvinna"),
        ("16-29", "man"),
        ("30-49", "kvinna"),
        ("30-49", "man"),
    }
    assert result.cell("30-49", TOTAL).value == 10
    assert result.cell(TOTAL, "kvinna").value == 35
    # 3 + 7 = 10 and 12 + 3 = 15 are known: "30-49 kvinna" could be anything from 1 to 9.
    [intervals] = audit([table], [result])
    assert intervals[("30-49", "kvinna")] == Interval(1, 9)


def test_a_small_row_is_hidden_together_with_another_row_and_both_row_totals() -> None:
    table = TwoWayTable("age_band", "sex", ("16-29", "30-49", "50-64"), SEX, ((10, 12), (1, 2), (8, 9)))
    result = suppress_table(table)
    hidden = {(row, column) for row in ("30-49", "50-64") for column in (*SEX, TOTAL)}
    assert result.suppressed_keys == hidden
    assert [c.value for c in result.cells if not c.suppressed] == [10, 12, 22, 19, 23, 42]
    [intervals] = audit([table], [result])
    # Only the sums of the two hidden rows are known (9 women, 11 men, 20 in all).
    assert intervals[("30-49", "kvinna")] == Interval(1, 8)
    assert intervals[("30-49", TOTAL)] == Interval(2, 18)


def test_two_hidden_ones_need_a_third_cell_because_hidden_cells_are_known_not_to_be_zero() -> None:
    # Zeros are always shown, so a reader knows a hidden cell is at least 1: two hidden cells that must add
    # up to 2 would both be 1. The 20 is hidden too.
    table = OneWayTable("exit_reason", ("flyttat", "sjuk", "arbete"), (1, 1, 20))
    result = suppress_table(table, protection=1)
    assert result.suppressed_keys == {("flyttat",), ("sjuk",), ("arbete",)}
    assert result.cell(TOTAL).value == 22


def test_a_small_total_hides_everything_but_the_zeros() -> None:
    table = TwoWayTable("age_band", "sex", ("16-29", "30-49"), SEX, ((2, 0), (1, 0)))
    result = suppress_table(table)
    assert [(c.key, c.value) for c in result.cells if not c.suppressed] == [
        (("16-29", "man"), 0),
        (("30-49", "man"), 0),
        ((TOTAL, "man"), 0),
    ]


def test_zeros_are_shown_unless_asked_otherwise() -> None:
    table = OneWayTable("sex", SEX, (0, 17))
    assert suppress_table(table).suppressed_keys == frozenset()
    result = suppress_table(table, suppress_zeros=True)
    assert result.suppressed_keys == {("kvinna",), ("man",)}
    # A reader then cannot assume a hidden cell is at least 1.
    assert audit([table], [result]) == [{("kvinna",): Interval(0, 17), ("man",): Interval(0, 17)}]


def test_the_threshold_and_the_protection_level_are_parameters() -> None:
    table = OneWayTable("sex", SEX, (6, 30))
    assert suppress_table(table).suppressed_keys == frozenset()
    assert suppress_table(table, threshold=10).suppressed_keys == {("kvinna",), ("man",)}
    # 2 and 3 hidden beside a shown total of 25 and a shown 20: each could only be 1..4 (width 3).
    table = OneWayTable("age_band", ("16-29", "30-49", "50-64"), (2, 3, 20))
    assert suppress_table(table, protection=3).suppressed_keys == {("16-29",), ("30-49",)}
    assert suppress_table(table).suppressed_keys == {("16-29",), ("30-49",), ("50-64",)}


def test_a_tie_between_equally_small_partners_is_broken_by_label_not_by_position() -> None:
    for order in (("b", "a", "c"), ("c", "b", "a"), ("a", "c", "b")):
        by_region = OneWayTable.from_counts("region", order, {"a": 10, "b": 10, "c": 3})
        assert suppress_table(by_region).suppressed_keys == {("a",), ("c",)}
    # Row x's 3 needs a partner in its column: rows a and b both offer 10; a wins wherever it stands.
    rows = {"x": (3, 20), "a": (10, 20), "b": (10, 20)}
    for order in (("x", "a", "b"), ("b", "x", "a"), ("b", "a", "x")):
        by_region_and_sex = TwoWayTable("region", "sex", order, SEX, tuple(rows[row] for row in order))
        assert suppress_table(by_region_and_sex).suppressed_keys == {(r, sex) for r in "xa" for sex in SEX}


def test_tables_with_a_shared_total_are_suppressed_together() -> None:
    by_sex = OneWayTable("sex", SEX, (30, 12))
    by_age = OneWayTable("age_band", ("16-29", "30-49", "50-64"), (2, 25, 15))
    sex, age = suppress_tables([by_sex, by_age])
    assert sex.suppressed_keys == frozenset()
    assert age.suppressed_keys == {("16-29",), ("50-64",)}
    assert age.cell(TOTAL).value == sex.cell(TOTAL).value == 42


def test_a_hidden_shared_total_is_hidden_in_every_table_of_the_group() -> None:
    # The age table alone would hide only its 4 and 1; the sex table's 2 + 3 = 5 would then reveal the total.
    by_sex = OneWayTable("sex", SEX, (2, 3))
    by_age = OneWayTable("age_band", ("16-29", "30-49"), (4, 1))
    sex, age = suppress_tables([by_sex, by_age])
    assert sex.cell(TOTAL).suppressed and age.cell(TOTAL).suppressed
    assert all(c.suppressed for c in (*sex.cells, *age.cells))


def test_cells_are_the_public_shape_in_reading_order() -> None:
    table = TwoWayTable("age_band", "sex", ("16-29", "30-49"), SEX, ((8, 9), (6, 7)))
    assert cells(suppress_table(table)) == [
        {"labels": {"age_band": "16-29", "sex": "kvinna"}, "value": 8, "suppressed": False},
        {"labels": {"age_band": "16-29", "sex": "man"}, "value": 9, "suppressed": False},
        {"labels": {"age_band": "16-29", "sex": TOTAL}, "value": 17, "suppressed": False},
        {"labels": {"age_band": "30-49", "sex": "kvinna"}, "value": 6, "suppressed": False},
        {"labels": {"age_band": "30-49", "sex": "man"}, "value": 7, "suppressed": False},
        {"labels": {"age_band": "30-49", "sex": TOTAL}, "value": 13, "suppressed": False},
        {"labels": {"age_band": TOTAL, "sex": "kvinna"}, "value": 14, "suppressed": False},
        {"labels": {"age_band": TOTAL, "sex": "man"}, "value": 16, "suppressed": False},
        {"labels": {"age_band": TOTAL, "sex": TOTAL}, "value": 30, "suppressed": False},
    ]
    hidden = cells(suppress_table(OneWayTable("sex", SEX, (3, 20))))
    assert hidden[0] == {"labels": {"sex": "kvinna"}, "value": None, "suppressed": True}


def test_from_counts_fills_missing_combinations_with_zero() -> None:
    table = TwoWayTable.from_counts("age_band", "sex", ["16-29", "30-49"], SEX, {("30-49", "man"): 7})
    assert table.counts == ((0, 0), (0, 7))
    assert OneWayTable.from_counts("sex", SEX, {"man": 3}).counts == (0, 3)
    with pytest.raises(ValueError, match="unknown categories"):
        OneWayTable.from_counts("sex", SEX, {"annat": 3})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: OneWayTable("sex", SEX, (1, -1)), "non-negative integer"),
        (lambda: OneWayTable("sex", SEX, (1, 2.0)), "non-negative integer"),  # type: ignore[arg-type]
        (lambda: OneWayTable("sex", SEX, (1, True)), "non-negative integer"),
        (lambda: OneWayTable("sex", ("man", "man"), (1, 2)), "unique"),
        (lambda: OneWayTable("sex", ("man", TOTAL), (1, 2)), "reserved"),
        (lambda: OneWayTable("sex", (), ()), "at least one category"),
        (lambda: OneWayTable("sex", SEX, (1,)), "2 categories but 1 counts"),
        (lambda: TwoWayTable("sex", "sex", SEX, SEX, ((1, 2), (3, 4))), "different names"),
        (lambda: TwoWayTable("a", "b", SEX, SEX, ((1, 2),)), "2 rows of 2 columns"),
        (
            lambda: suppress_tables([OneWayTable("a", SEX, (1, 2)), OneWayTable("b", SEX, (1, 3))]),
            "same total",
        ),
        (lambda: suppress_table(OneWayTable("a", SEX, (1, 2)), threshold=0), "threshold"),
        (lambda: suppress_table(OneWayTable("a", SEX, (1, 2)), protection=0), "protection"),
    ],
)
def test_malformed_tables_and_parameters_are_refused(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_is_primary_is_one_to_threshold_minus_one() -> None:
    assert [n for n in range(8) if is_primary(n)] == [1, 2, 3, 4]
    assert [n for n in range(8) if is_primary(n, suppress_zeros=True)] == [0, 1, 2, 3, 4]


# ---------------------------------------------------------------------------------------------------------
# Strategies

counts = st.one_of(st.integers(0, 4), st.integers(0, 30))  # about half the cells small
big_or_zero = st.one_of(st.just(0), st.integers(THRESHOLD, 30))
policies = st.one_of(
    st.just(Policy()),
    st.builds(Policy, st.sampled_from([2, 3, 5, 8]), st.sampled_from([None, 1, 2, 6]), st.booleans()),
)
labels = st.text(alphabet="abcdefgh", min_size=1, max_size=3)


@st.composite
def two_way_tables(
    draw: st.DrawFn, max_rows: int = 6, max_columns: int = 4, values: st.SearchStrategy[int] = counts
) -> TwoWayTable:
    rows = draw(st.lists(labels, min_size=1, max_size=max_rows, unique=True))
    columns = draw(st.lists(labels, min_size=1, max_size=max_columns, unique=True))
    grid = draw(
        st.lists(
            st.lists(values, min_size=len(columns), max_size=len(columns)),
            min_size=len(rows),
            max_size=len(rows),
        )
    )
    return TwoWayTable("row", "column", tuple(rows), tuple(columns), tuple(map(tuple, grid)))


@st.composite
def splits(draw: st.DrawFn, total: int, max_size: int) -> tuple[int, ...]:
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=0, max_size=max_size - 1)))
    bounds = [0, *cuts, total]
    return tuple(b - a for a, b in pairwise(bounds))


@st.composite
def table_groups(draw: st.DrawFn) -> list[OneWayTable | TwoWayTable]:
    if draw(st.booleans()):
        first: OneWayTable | TwoWayTable = draw(two_way_tables(max_rows=3, max_columns=2))
    else:
        n = draw(st.integers(1, 4))
        first = OneWayTable(
            "d0", tuple(f"c{i}" for i in range(n)), tuple(draw(st.lists(counts, min_size=n, max_size=n)))
        )
    group: list[OneWayTable | TwoWayTable] = [first]
    for k in range(draw(st.integers(0, 2))):
        parts = draw(splits(first.total, 4))
        group.append(OneWayTable(f"d{k + 1}", tuple(f"c{i}" for i in range(len(parts))), parts))
    return group


# ---------------------------------------------------------------------------------------------------------
# Independent checks, written against the table's own arithmetic


def full_grid(table: TwoWayTable) -> list[list[int]]:
    """The table with its totals: the last column holds row totals, the last row column totals."""
    grid = [[*row, total] for row, total in zip(table.counts, table.row_totals, strict=True)]
    grid.append([*table.column_totals, table.total])
    return grid


def hidden_mask(table: TwoWayTable, result: SuppressedTable) -> list[list[bool]]:
    rows, columns = (*table.rows, TOTAL), (*table.columns, TOTAL)
    return [[result.cell(r, c).suppressed for c in columns] for r in rows]


def check_consistent(table: TwoWayTable, result: SuppressedTable, grid: list[list[int]], lower: int) -> None:
    """`grid` is a table a reader cannot tell apart from the true one: whole non-negative numbers, hidden
    cells at least `lower` (1 when zeros are always shown), every sum right, every shown cell as
    published."""
    n, m = len(table.rows), len(table.columns)
    inner = [row[:m] for row in grid[:n]]
    assert all(isinstance(v, int) and v >= 0 for row in grid for v in row)
    assert [sum(row) for row in inner] == [grid[i][m] for i in range(n)]
    assert [sum(col) for col in zip(*inner, strict=True)] == grid[n][:m]
    assert sum(grid[n][:m]) == grid[n][m] == sum(grid[i][m] for i in range(n))
    for i, row in enumerate((*table.rows, TOTAL)):
        for j, column in enumerate((*table.columns, TOTAL)):
            cell = result.cell(row, column)
            if cell.suppressed:
                assert grid[i][j] >= lower
            else:
                assert grid[i][j] == cell.value


def unit_move(
    grid: list[list[int]], hidden: list[list[bool]], target: tuple[int, int], direction: int, lower: int
) -> bool:
    """Change the hidden cell `target` by `direction` (±1) and other hidden cells by ±1 so that every sum
    still holds and every hidden cell stays ≥ lower; False when no such change exists.

    With the totals counted negatively (sign -1 in the total row xor the total column), every row and column
    of the grid sums to zero, so a change that keeps the sums is an alternating cycle of hidden cells:
    +s, then -s in the same row, +s in that cell's column, ..., back to the target's column. Breadth-first
    search from the target's row to its column over cells whose value may drop finds one if any exists."""
    last_row, last_col = len(grid) - 1, len(grid[0]) - 1

    def sign(i: int, j: int) -> int:
        return -1 if (i == last_row) != (j == last_col) else 1

    ti, tj = target
    s = direction * sign(ti, tj)  # the target's change in signed terms
    if direction < 0 and grid[ti][tj] <= lower:
        return False

    def usable(i: int, j: int, signed_change: int) -> bool:
        return hidden[i][j] and (i, j) != target and (sign(i, j) * signed_change > 0 or grid[i][j] > lower)

    start, goal = ("row", ti), ("col", tj)
    came: dict[tuple[str, int], tuple[tuple[str, int], tuple[int, int]] | None] = {start: None}
    queue = deque([start])
    while queue and goal not in came:
        kind, index = queue.popleft()
        if kind == "row":  # leave a row through a cell changing by -s
            steps = [(("col", j), (index, j)) for j in range(last_col + 1) if usable(index, j, -s)]
        else:  # leave a column through a cell changing by +s
            steps = [(("row", i), (i, index)) for i in range(last_row + 1) if usable(i, index, s)]
        for node, cell in steps:
            if node not in came:
                came[node] = ((kind, index), cell)
                queue.append(node)
    if goal not in came:
        return False
    node = goal
    while (step := came[node]) is not None:
        previous, (i, j) = step
        grid[i][j] += sign(i, j) * (-s if previous[0] == "row" else s)
        node = previous
    grid[ti][tj] += direction
    return True


def lp_maximum(
    equations: list[tuple[dict[int, int], int]], size: int, objective: dict[int, int]
) -> Fraction | None:
    """max objective·y over real y ≥ 0 with every equation Σ coeff·y = rhs; None when unbounded. A plain
    two-phase simplex in fractions with Bland's rule (no cycling); the system is known to be feasible."""
    rows = []
    for coefficients, rhs in equations:
        row = [Fraction(coefficients.get(v, 0)) for v in range(size)] + [Fraction(rhs)]
        rows.append([-x for x in row] if rhs < 0 else row)
    m = len(rows)
    tableau = [
        row[:size] + [Fraction(int(i == k)) for k in range(m)] + [row[size]] for i, row in enumerate(rows)
    ]
    basis = [size + i for i in range(m)]
    width = size + m

    def run(cost: list[Fraction], allowed: int) -> bool:  # False when unbounded
        while True:
            reduced = [
                cost[j] - sum(cost[basis[i]] * tableau[i][j] for i in range(len(basis)))
                for j in range(allowed)
            ]
            entering = next((j for j in range(allowed) if reduced[j] > 0), None)
            if entering is None:
                return True
            ratios = [
                (tableau[i][-1] / tableau[i][entering], basis[i], i)
                for i in range(len(basis))
                if tableau[i][entering] > 0
            ]
            if not ratios:
                return False
            pivot(min(ratios)[2], entering)

    def pivot(r: int, c: int) -> None:
        factor = tableau[r][c]
        tableau[r] = [x / factor for x in tableau[r]]
        for i in range(len(tableau)):
            if i != r and tableau[i][c] != 0:
                f = tableau[i][c]
                tableau[i] = [a - f * b for a, b in zip(tableau[i], tableau[r], strict=True)]
        basis[r] = c

    run([Fraction(0)] * size + [Fraction(-1)] * m, width)
    assert all(tableau[i][-1] == 0 for i in range(m) if basis[i] >= size), "the true table is feasible"
    for i in reversed(range(m)):  # drive artificial variables out of the basis, dropping redundant rows
        if basis[i] >= size:
            column = next((j for j in range(size) if tableau[i][j] != 0), None)
            if column is None:
                del tableau[i], basis[i]
            else:
                pivot(i, column)
    cost = [Fraction(objective.get(v, 0)) for v in range(size)] + [Fraction(0)] * m
    if not run(cost, size):
        return None
    return sum((cost[basis[i]] * tableau[i][-1] for i in range(len(basis))), Fraction(0))


def lp_intervals(
    tables: list[OneWayTable | TwoWayTable], results: list[SuppressedTable], lower: int
) -> list[dict[tuple[str, ...], Interval]]:
    """The exact interval of every hidden cell, from the tables' sums written out one by one: each hidden
    cell is an unknown x = lower + y with y ≥ 0 (the shared total is one unknown), each shown cell a
    constant."""
    unknowns: dict[object, int] = {}
    truth: dict[object, int] = {}
    sums: list[tuple[list[object], object]] = []  # parts, whole

    def ident(k: int, key: tuple[str, ...]) -> object:
        return "grand total" if all(label == TOTAL for label in key) else (k, key)

    for k, table in enumerate(tables):
        if isinstance(table, OneWayTable):
            keys = [(label,) for label in table.labels]
            for key, n in zip(keys, table.counts, strict=True):
                truth[ident(k, key)] = n
            sums.append(([ident(k, key) for key in keys], ident(k, (TOTAL,))))
        else:
            for r, row in enumerate(table.rows):
                for c, column in enumerate(table.columns):
                    truth[ident(k, (row, column))] = table.counts[r][c]
                truth[ident(k, (row, TOTAL))] = table.row_totals[r]
                sums.append(([ident(k, (row, c)) for c in table.columns], ident(k, (row, TOTAL))))
            for c, column in enumerate(table.columns):
                truth[ident(k, (TOTAL, column))] = table.column_totals[c]
                sums.append(([ident(k, (r, column)) for r in table.rows], ident(k, (TOTAL, column))))
            sums.append(([ident(k, (row, TOTAL)) for row in table.rows], ident(k, (TOTAL, TOTAL))))
            sums.append(([ident(k, (TOTAL, c)) for c in table.columns], ident(k, (TOTAL, TOTAL))))
        truth["grand total"] = table.total
        for cell in results[k].cells:
            if cell.suppressed:
                unknowns.setdefault(ident(k, cell.key), len(unknowns))

    equations = []
    for parts, whole in sums:
        coefficients: dict[int, int] = {}
        rhs = 0
        for name, sign in [*((p, 1) for p in parts), (whole, -1)]:
            if name in unknowns:
                coefficients[unknowns[name]] = coefficients.get(unknowns[name], 0) + sign
                rhs -= sign * lower  # x = lower + y
            else:
                rhs -= sign * truth[name]
        if coefficients:
            equations.append((coefficients, rhs))
        else:
            assert rhs == 0
    out: list[dict[tuple[str, ...], Interval]] = [{} for _ in tables]
    for k, result in enumerate(results):
        for cell in result.cells:
            if cell.suppressed:
                v = unknowns[ident(k, cell.key)]
                high = lp_maximum(equations, len(unknowns), {v: 1})
                low = -lp_maximum(equations, len(unknowns), {v: -1})  # type: ignore[operator]
                assert low.denominator == 1 and (high is None or high.denominator == 1)
                out[k][cell.key] = Interval(lower + int(low), None if high is None else lower + int(high))
    return out


def true_values(table: OneWayTable | TwoWayTable) -> dict[tuple[str, ...], int]:
    if isinstance(table, OneWayTable):
        return {
            **{(label,): n for label, n in zip(table.labels, table.counts, strict=True)},
            (TOTAL,): sum(table.counts),
        }
    grid = full_grid(table)
    return {
        (row, column): grid[i][j]
        for i, row in enumerate((*table.rows, TOTAL))
        for j, column in enumerate((*table.columns, TOTAL))
    }


def assert_nothing_small_and_nothing_changed(
    table: OneWayTable | TwoWayTable, result: SuppressedTable, policy: Policy
) -> None:
    truth = true_values(table)
    assert [cell.key for cell in result.cells] == list(truth)
    for cell in result.cells:
        assert cell.suppressed == (cell.value is None)
        if cell.suppressed:
            assert truth[cell.key] >= policy.lower  # zeros are hidden only when asked
        else:
            assert not policy.small(truth[cell.key])
            assert cell.value == truth[cell.key]


# ---------------------------------------------------------------------------------------------------------
# Properties


@settings(max_examples=300, deadline=None)
@given(two_way_tables(), policies)
def test_no_hidden_cell_of_a_two_way_table_can_be_recovered(table: TwoWayTable, policy: Policy) -> None:
    [result] = policy.run([table])
    assert_nothing_small_and_nothing_changed(table, result, policy)
    truth, hidden = full_grid(table), hidden_mask(table, result)
    for row in hidden:
        assert sum(row) != 1  # a row (totals included) never hides exactly one cell
    for column in zip(*hidden, strict=True):
        assert sum(column) != 1
    for i, row in enumerate(hidden):
        for j, is_hidden in enumerate(row):
            if not is_hidden:
                continue
            need, lower = policy.need(truth[i][j]), policy.lower
            up, down = [r[:] for r in truth], [r[:] for r in truth]
            rise = sum(1 for _ in range(need) if unit_move(up, hidden, (i, j), +1, lower))
            fall = sum(1 for _ in range(need - rise) if unit_move(down, hidden, (i, j), -1, lower))
            check_consistent(table, result, up, lower)
            check_consistent(table, result, down, lower)
            # Two tables that match everything shown and differ in this cell by at least `need`.
            assert up[i][j] - down[i][j] == rise + fall >= need


@settings(max_examples=100, deadline=None)
@given(two_way_tables(max_rows=3, max_columns=3), policies)
def test_the_audit_of_a_small_table_agrees_with_an_exact_linear_program(
    table: TwoWayTable, policy: Policy
) -> None:
    [result] = policy.run([table])
    [expected] = lp_intervals([table], [result], policy.lower)
    assert audit([table], [result]) == [expected]
    assert set(expected) == result.suppressed_keys


@settings(max_examples=150, deadline=None)
@given(table_groups(), policies)
def test_no_hidden_cell_of_tables_sharing_a_total_can_be_recovered_from_them_together(
    group: list[OneWayTable | TwoWayTable], policy: Policy
) -> None:
    results = policy.run(group)
    for table, result in zip(group, results, strict=True):
        assert_nothing_small_and_nothing_changed(table, result, policy)
    assert len({result.cells[-1].suppressed for result in results}) == 1  # the shared total
    expected = lp_intervals(group, results, policy.lower)
    assert audit(group, results) == expected
    for table, intervals in zip(group, expected, strict=True):
        truth = true_values(table)
        for key, (low, high) in intervals.items():
            assert high is None or high - low >= policy.need(truth[key])


def shuffled(table: OneWayTable | TwoWayTable, random: Random) -> OneWayTable | TwoWayTable:
    """The same table with its categories in another order."""
    if isinstance(table, OneWayTable):
        order = random.sample(range(len(table.labels)), len(table.labels))
        return OneWayTable(
            table.dimension, tuple(table.labels[i] for i in order), tuple(table.counts[i] for i in order)
        )
    rows = random.sample(range(len(table.rows)), len(table.rows))
    columns = random.sample(range(len(table.columns)), len(table.columns))
    return TwoWayTable(
        table.row_dimension,
        table.column_dimension,
        tuple(table.rows[i] for i in rows),
        tuple(table.columns[j] for j in columns),
        tuple(tuple(table.counts[i][j] for j in columns) for i in rows),
    )


@settings(max_examples=300, deadline=None)
@given(two_way_tables(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_rows_and_columns(
    table: TwoWayTable, random: Random
) -> None:
    other = shuffled(table, random)
    assert isinstance(other, TwoWayTable)
    original, permuted = suppress_table(table), suppress_table(other)
    assert {c.key: c for c in original.cells} == {c.key: c for c in permuted.cells}
    # The published table keeps the caller's order.
    assert [c.key for c in permuted.cells] == [
        (row, column) for row in (*other.rows, TOTAL) for column in (*other.columns, TOTAL)
    ]
    assert suppress_table(table) == original  # and the same input gives the same output


@settings(max_examples=100, deadline=None)
@given(table_groups(), st.randoms(use_true_random=False))
def test_the_result_for_linked_tables_does_not_depend_on_the_order_of_categories(
    group: list[OneWayTable | TwoWayTable], random: Random
) -> None:
    original = suppress_tables(group)
    permuted = suppress_tables([shuffled(table, random) for table in group])
    for a, b in zip(original, permuted, strict=True):
        assert {c.key: c for c in a.cells} == {c.key: c for c in b.cells}


@settings(max_examples=60, deadline=None)
@given(two_way_tables(values=big_or_zero))
def test_a_table_without_small_counts_is_published_whole(table: TwoWayTable) -> None:
    result = suppress_table(table)
    assert not any(cell.suppressed for cell in result.cells)
    zeros = TwoWayTable(
        "row", "column", table.rows, table.columns, tuple((0,) * len(table.columns) for _ in table.rows)
    )
    assert all(cell.value == 0 for cell in suppress_table(zeros).cells)
