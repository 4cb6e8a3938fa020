"""R-MEMBERS and R-BOARD as pure functions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finsam.registry import rules
from finsam.registry.rules import Period

BASE = date(2024, 1, 1)


def test_an_association_needs_all_four_kinds_of_party() -> None:
    assert rules.missing_member_kinds(["fk", "af", "region", "municipality", "municipality"]) == []
    assert rules.missing_member_kinds(["fk", "region", "municipality"]) == ["af"]
    assert rules.missing_member_kinds([]) == ["fk", "af", "region", "municipality"]


def test_a_mandate_lasts_at_most_four_years() -> None:
    assert rules.mandate_violations(date(2023, 1, 1), date(2026, 12, 31)) == []
    [violation] = rules.mandate_violations(date(2023, 1, 1), date(2027, 1, 1))
    assert violation.code == "R-BOARD" and violation.field == "end"
    assert rules.mandate_violations(date(2024, 2, 29), date(2028, 2, 28)) == []


def test_an_end_before_the_start_is_refused() -> None:
    [violation] = rules.mandate_violations(date(2024, 5, 1), date(2024, 4, 30))
    assert violation.code == "R-DATES"
    assert "före" in violation.message


@pytest.mark.parametrize("value", ["222000-1362", "2220001362", " 222000-1362 "])
def test_valid_organisation_numbers_are_normalised(value: str) -> None:
    assert rules.normalise_org_number(value) == "222000-1362"


@pytest.mark.parametrize("value", ["222000-1363", "12345", "abcdef-ghij", ""])
def test_invalid_organisation_numbers_are_refused_in_swedish(value: str) -> None:
    with pytest.raises(ValueError, match="Organisationsnumret är ogiltigt"):
        rules.normalise_org_number(value)


def test_gaps_are_the_uncovered_days_of_the_window() -> None:
    window = Period(date(2024, 1, 1), date(2024, 12, 31))
    seats = [Period(date(2024, 1, 1), date(2024, 3, 31)), Period(date(2024, 5, 1), date(2024, 10, 31))]
    assert rules.coverage_gaps(seats, window) == [
        Period(date(2024, 4, 1), date(2024, 4, 30)),
        Period(date(2024, 11, 1), date(2024, 12, 31)),
    ]


def test_adjacent_and_open_ended_periods_leave_no_gap() -> None:
    window = Period(date(2024, 1, 1), date(2024, 12, 31))
    seats = [Period(date(2023, 1, 1), date(2024, 6, 30)), Period(date(2024, 7, 1), None)]
    assert rules.coverage_gaps(seats, window) == []


periods = st.builds(
    lambda start, length: Period(BASE + timedelta(days=start), BASE + timedelta(days=start + length)),
    st.integers(-100, 500),
    st.integers(0, 400),
)


@given(st.lists(periods, max_size=8))
def test_every_day_is_either_covered_or_in_exactly_one_gap(seats: list[Period]) -> None:
    window = Period(BASE, BASE + timedelta(days=365))
    gaps = rules.coverage_gaps(seats, window)
    day = window.start
    while day <= window.end:  # type: ignore[operator]
        covered = any(seat.contains(day) for seat in seats)
        in_gaps = sum(gap.contains(day) for gap in gaps)
        assert in_gaps == (0 if covered else 1), day
        day += timedelta(days=1)
    assert gaps == sorted(gaps)
    assert rules.coverage_gaps(list(reversed(seats)), window) == gaps
