"""The pure functions added for budgets and outcome: the adoption deadline of R-BUDGET, the year's result,
and equity carried and compared with the reference level (R-EQUITY)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from finsam.finance import rules

D = Decimal
quick = settings(max_examples=80, deadline=None)
amounts = st.decimals(min_value=D("-1000000000"), max_value=D("1000000000"), places=2)
positive = st.decimals(min_value=D("0.01"), max_value=D("1000000000"), places=2)


def test_the_budget_for_a_year_is_due_on_the_thirtieth_of_november_before() -> None:
    assert rules.adoption_deadline(2027) == date(2026, 11, 30)
    assert not rules.adopted_late(2027, date(2026, 11, 30))
    assert rules.adopted_late(2027, date(2026, 12, 1))
    assert not rules.adopted_late(2027, date(2026, 6, 1))


@given(year=st.integers(min_value=2005, max_value=2100), days=st.integers(min_value=-400, max_value=400))
@quick
def test_late_means_exactly_after_the_deadline(year: int, days: int) -> None:
    day = rules.adoption_deadline(year) + timedelta(days=days)
    assert rules.adopted_late(year, day) == (days > 0)


def test_the_years_result_is_income_less_costs() -> None:
    result = rules.year_result(income=D("1000000"), costs=[D("600000.50"), D("300000.25")])

    assert (result.income, result.costs, result.result) == (D("1000000.00"), D("900000.75"), D("99999.25"))


@given(opening=amounts, result=amounts, contributions=positive)
@quick
def test_closing_equity_is_opening_plus_result(
    opening: Decimal, result: Decimal, contributions: Decimal
) -> None:
    position = rules.equity_position(
        opening=opening, result=result, contributions=contributions, reference_percent=20
    )
    assert position.closing == opening + result


@given(contributions=positive, reference=st.integers(min_value=0, max_value=100))
@quick
def test_equity_exactly_at_the_reference_level_is_within_it(contributions: Decimal, reference: int) -> None:
    at_level = (contributions * reference / 100).quantize(D("0.01"))
    position = rules.equity_position(
        opening=at_level, result=D(0), contributions=contributions, reference_percent=reference
    )
    exact = at_level * 100 <= reference * contributions
    assert position.status == (rules.WITHIN if exact else rules.ABOVE)


def test_the_status_of_equity_against_a_reference_of_twenty_percent() -> None:
    def status(closing: str, contributions: str = "1000000") -> tuple[str, Decimal | None]:
        position = rules.equity_position(
            opening=D(closing), result=D(0), contributions=D(contributions), reference_percent=20
        )
        return position.status, position.share_percent

    assert status("200000") == (rules.WITHIN, D("20.0"))
    assert status("200000.01") == (rules.ABOVE, D("20.0"))  # above, though it rounds to 20,0 %
    assert status("-1") == (rules.NEGATIVE, D("0.0"))
    assert status("0") == (rules.WITHIN, D("0.0"))
    assert status("100", contributions="0") == (rules.UNKNOWN, None)


def test_amounts_typed_by_people_are_checked_like_the_rules_inputs() -> None:
    violations: list = []

    assert rules.check_amount("1234.50", field="f", label="Beloppet", violations=violations) == D("1234.50")
    assert rules.check_amount("-1", field="f", label="Beloppet", violations=violations) is None
    assert rules.check_population("12.5", field="p", label="Folkmängden", violations=violations) is None
    assert rules.check_population("130000", field="p", label="Folkmängden", violations=violations) == 130000
    assert [(v.code, v.message) for v in violations] == [
        ("R-INPUT", "Beloppet får inte vara mindre än noll."),
        ("R-INPUT", "Folkmängden måste vara ett heltal."),
    ]
