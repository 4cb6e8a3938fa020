"""The pure rules of R-CONSENT and R-FOLLOWUP: identity numbers, income sources, exits, age bands."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finsam.followup import rules
from tests.factories import valid_identity_number

TODAY = date(2025, 6, 15)


def test_a_twelve_digit_personnummer_gives_sex_and_birth_date() -> None:
    parsed = rules.parse_identity_number("19811228-9874", today=TODAY)
    assert parsed.normalised == "198112289874"
    assert parsed.birth_date == date(1981, 12, 28)
    assert parsed.sex == "man"
    assert not parsed.coordination
    assert parsed.display == "19811228-9874"


def test_ten_digits_with_or_without_separator_are_the_same_number() -> None:
    forms = ["811228-9874", "8112289874", "198112289874", " 19811228 - 9874 "]
    assert {rules.parse_identity_number(f, today=TODAY).normalised for f in forms} == {"198112289874"}


def test_a_plus_sign_marks_someone_aged_a_hundred_or_more() -> None:
    number = valid_identity_number(date(1920, 5, 1), 242)
    ten = number[2:8] + "+" + number[9:]
    assert rules.parse_identity_number(ten, today=TODAY).birth_date == date(1920, 5, 1)


def test_an_even_third_serial_digit_means_a_woman() -> None:
    number = valid_identity_number(date(1990, 1, 2), 124)
    assert rules.parse_identity_number(number, today=TODAY).sex == "woman"


def test_a_samordningsnummer_has_the_day_of_birth_plus_sixty() -> None:
    number = valid_identity_number(date(1970, 10, 3), 239, coordination=True)
    assert number.startswith("19701063")
    parsed = rules.parse_identity_number(number, today=TODAY)
    assert parsed.coordination
    assert parsed.birth_date == date(1970, 10, 3)
    assert parsed.normalised == number.replace("-", "")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("19811228-9875", "Kontrollsiffran"),
        ("19811232-9874", "födelsedatum"),
        ("19810229-1234", "födelsedatum"),
        ("abc", "tio eller tolv siffror"),
        ("123456789", "tio eller tolv siffror"),
        ("", "tio eller tolv siffror"),
    ],
)
def test_an_invalid_number_is_refused_with_a_swedish_message(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rules.parse_identity_number(value, today=TODAY)


def test_a_birth_date_in_the_future_is_refused() -> None:
    with pytest.raises(ValueError, match="framtiden"):
        rules.parse_identity_number(valid_identity_number(date(2025, 7, 1), 10), today=TODAY)


@given(
    birth=st.dates(min_value=date(1901, 1, 1), max_value=TODAY),
    serial=st.integers(min_value=0, max_value=999),
    coordination=st.booleans(),
)
def test_every_valid_number_parses_to_its_own_birth_date_and_digits(
    birth: date, serial: int, coordination: bool
) -> None:
    number = valid_identity_number(birth, serial, coordination=coordination)
    parsed = rules.parse_identity_number(number, today=TODAY)
    assert parsed.birth_date == birth
    assert parsed.normalised == number.replace("-", "")
    assert parsed.coordination == coordination
    assert parsed.sex == ("man" if serial % 10 % 2 else "woman")


@given(
    birth=st.dates(min_value=date(1901, 1, 1), max_value=TODAY),
    serial=st.integers(min_value=0, max_value=999),
    wrong=st.integers(min_value=1, max_value=9),
)
def test_a_changed_check_digit_is_always_refused(birth: date, serial: int, wrong: int) -> None:
    number = valid_identity_number(birth, serial)
    bad = number[:-1] + str((int(number[-1]) + wrong) % 10)
    with pytest.raises(ValueError):
        rules.parse_identity_number(bad, today=TODAY)


def _codes(violations: list) -> list[tuple[str, str | None]]:
    return [(v.code, v.field) for v in violations]


def test_an_identified_registration_needs_consent_date_and_form_version() -> None:
    parsed, violations = rules.registration_violations(
        registration="identified",
        identity_number="19811228-9874",
        consent_given_on=None,
        consent_form_version=" ",
        sex=None,
        start_year=None,
        today=TODAY,
    )
    assert parsed is not None
    assert _codes(violations) == [("R-CONSENT", "consent_given_on"), ("R-CONSENT", "consent_form_version")]


def test_an_anonymous_registration_takes_no_number_and_needs_sex() -> None:
    _, violations = rules.registration_violations(
        registration="anonymous",
        identity_number="19811228-9874",
        consent_given_on=None,
        consent_form_version="",
        sex=None,
        start_year=2025,
        today=TODAY,
    )
    assert _codes(violations) == [("R-CONSENT", "identity_number"), ("R-REQUIRED", "sex")]


def test_income_sources_one_each_known_extents_and_none_alone() -> None:
    assert rules.income_violations([("salary", 50), ("sickness_benefit", 50)], field="f") == []
    assert _codes(rules.income_violations([], field="f")) == [("R-FOLLOWUP", "f")]
    assert "25, 50, 75 eller 100" in rules.income_violations([("salary", 30)], field="f")[0].message
    assert "en gång" in rules.income_violations([("salary", 50), ("salary", 25)], field="f")[0].message
    assert "kombineras" in rules.income_violations([("none", 100), ("salary", 25)], field="f")[0].message
    assert "Okänd" in rules.income_violations([("lottery", 100)], field="f")[0].message


def _exit(**overrides: object) -> list:
    values: dict = {
        "start": date(2025, 1, 10),
        "current_exit": None,
        "exit": date(2025, 5, 1),
        "today": TODAY,
        "exit_reason": "work",
        "employment_after": "work",
        "income_after": [("salary", 100)],
    }
    values.update(overrides)
    return rules.exit_violations(**values)


def test_a_complete_exit_passes() -> None:
    assert _exit() == []


def test_an_exit_before_the_start_is_refused() -> None:
    assert _codes(_exit(exit=date(2025, 1, 9))) == [("R-FOLLOWUP", "exit")]


def test_a_second_exit_is_refused() -> None:
    [violation] = _exit(current_exit=date(2025, 3, 1))
    assert (violation.code, violation.field) == ("R-FOLLOWUP", "exit")
    assert "redan avslutat" in violation.message


def test_an_exit_in_the_future_is_refused() -> None:
    assert _codes(_exit(exit=date(2025, 6, 16))) == [("R-FOLLOWUP", "exit")]


def test_an_exit_needs_employment_and_income_after_unless_registered_by_mistake() -> None:
    assert _codes(_exit(employment_after="", income_after=[])) == [
        ("R-FOLLOWUP", "employment_after"),
        ("R-FOLLOWUP", "income_after"),
    ]
    assert _exit(exit_reason="registered_by_mistake", employment_after="", income_after=[]) == []


def test_a_new_start_comes_after_the_previous_exit_and_never_beside_an_open_one() -> None:
    def start(day: date, previous: list[rules.Span]) -> list:
        return rules.start_violations(
            start=day,
            today=TODAY,
            intervention_kind="individual",
            intervention_start=date(2020, 1, 1),
            intervention_end=None,
            previous=previous,
            employment_before="none",
            education_level="unknown",
            income_before=[("none", 100)],
        )

    assert start(date(2025, 3, 2), [rules.Span(date(2025, 1, 1), date(2025, 3, 1))]) == []
    assert _codes(start(date(2025, 3, 1), [rules.Span(date(2025, 1, 1), date(2025, 3, 1))])) == [
        ("R-FOLLOWUP", "start")
    ]
    assert "pågående" in start(date(2025, 3, 2), [rules.Span(date(2025, 1, 1), None)])[0].message
    assert _codes(start(date(2019, 12, 31), [])) == [("R-DATES", "start")]


def test_answers_must_fit_the_question_kind() -> None:
    questions = {1: "yes_no", 2: "scale"}
    assert rules.answer_violations({1: 1, 2: 5}, questions=questions) == []
    assert rules.answer_violations({1: 2}, questions=questions)[0].code == "R-FOLLOWUP"
    assert rules.answer_violations({2: 0}, questions=questions)[0].code == "R-FOLLOWUP"
    assert rules.answer_violations({3: 1}, questions=questions)[0].code == "R-FOLLOWUP"


def test_age_bands() -> None:
    assert rules.age_band(1990, 2025) == "30–39"
    assert rules.age_band(2007, 2025) == "–19"
    assert rules.age_band(1958, 2025) == "65–"
    assert rules.age_band(None, 2025) is None


def test_the_retention_cutoff_counts_whole_years_back() -> None:
    assert rules.retention_cutoff(date(2025, 6, 15), 5) == date(2020, 6, 15)
    assert rules.retention_cutoff(date(2024, 2, 29), 5) == date(2019, 2, 28)


def test_a_scanned_form_is_a_small_pdf_or_image() -> None:
    assert rules.scanned_form_violations(size=1000, head=b"%PDF-1.7") == []
    assert rules.scanned_form_violations(size=1000, head=b"\x89PNG\r\n\x1a\n....") == []
    assert rules.scanned_form_violations(size=1000, head=b"MZ\x90\x00")[0].code == "R-FILE"
    assert rules.scanned_form_violations(size=6 * 1024 * 1024, head=b"%PDF-1.7")[0].code == "R-FILE"
