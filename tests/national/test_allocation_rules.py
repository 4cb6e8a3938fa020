"""The floor exemption (R-STATE-MODEL): equity above the recommended level lifts the floor, compared
exactly; at the level, without a closed year or without contributions the floor applies."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from finsam.national.allocation.rules import check_settings, floor_exemption

LEVEL = Decimal("20")


def test_equity_exactly_at_the_level_keeps_the_floor_and_one_ore_above_lifts_it() -> None:
    at = floor_exemption(
        closing=Decimal("200000.00"),
        contributions=Decimal("1000000.00"),
        equity_year=2025,
        level_percent=LEVEL,
    )
    above = floor_exemption(
        closing=Decimal("200000.01"),
        contributions=Decimal("1000000.00"),
        equity_year=2025,
        level_percent=LEVEL,
    )
    assert at.protected and "inom den rekommenderade nivån 20 %" in at.reason
    assert not above.protected and "spärren gäller inte" in above.reason
    assert above.share_percent == Decimal("20.0")  # the shown share is rounded; the comparison is not


def test_without_a_closed_year_or_contributions_the_floor_applies() -> None:
    assert floor_exemption(closing=None, contributions=None, equity_year=None, level_percent=LEVEL).protected
    none = floor_exemption(
        closing=Decimal("5"), contributions=Decimal("0"), equity_year=2025, level_percent=LEVEL
    )
    assert none.protected and "Inga bidrag 2025" in none.reason


@given(
    closing=st.decimals(min_value=-(10**9), max_value=10**9, places=2),
    contributions=st.decimals(min_value=Decimal("0.01"), max_value=10**9, places=2),
    level=st.decimals(min_value=0, max_value=100, places=2),
)
def test_the_floor_is_lifted_exactly_when_equity_exceeds_the_level(
    closing: Decimal, contributions: Decimal, level: Decimal
) -> None:
    result = floor_exemption(
        closing=closing, contributions=contributions, equity_year=2025, level_percent=level
    )
    assert result.protected == (closing * 100 <= level * contributions)


def test_settings_name_each_wrong_value() -> None:
    violations = check_settings(
        year=2026,
        need_weight=Decimal("1.2"),
        population_weight=Decimal("0.25"),
        max_reduction=Decimal("0.10"),
        equity_level_percent=Decimal("-1"),
        population_year=2010,
        support_measure_year=2027,
    )
    assert {v.field for v in violations} == {
        "need_weight",
        "equity_level_percent",
        "population_year",
        "support_measure_year",
    }
