"""The hand-written iCalendar (RFC 5545): CRLF line ends, escaped text, folding at 75 octets without
splitting a character, all-day and timed events."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finsam.reports import ical

STAMP = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_text_values_are_escaped() -> None:
    assert ical.escape_text("Plats; sal 2, plan 3\nUmeå\\x") == "Plats\\; sal 2\\, plan 3\\nUmeå\\\\x"


def test_a_calendar_has_crlf_lines_and_the_required_properties() -> None:
    text = ical.calendar(
        [ical.Event(uid="meeting-1@finsam", summary="Medlemssamråd", start=date(2026, 4, 22))],
        name="Umeåregionen – Finsam",
        stamp=STAMP,
    )
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = ical.unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert "DTSTAMP:20261123T120000Z" in lines
    assert "DTSTART;VALUE=DATE:20260422" in lines
    assert "DTEND;VALUE=DATE:20260423" in lines
    assert lines[-2] == "END:VCALENDAR"


def test_a_timed_event_is_written_in_utc_and_lasts_two_hours_by_default() -> None:
    start = datetime(2026, 4, 22, 9, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
    lines = ical.unfold(ical.calendar([ical.Event(uid="u", summary="s", start=start)], name="n", stamp=STAMP))
    assert "DTSTART:20260422T073000Z" in lines
    assert "DTEND:20260422T093000Z" in lines


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        ical.calendar(
            [ical.Event(uid="u", summary="s", start=datetime(2026, 4, 22, 9, 30))],  # noqa: DTZ001
            name="n",
            stamp=STAMP,
        )


def test_long_lines_are_folded_at_75_octets_without_splitting_characters() -> None:
    summary = "Årsredovisning och verksamhetsberättelse för Samordningsförbundet Skellefteå–Norsjö " * 3
    text = ical.calendar(
        [ical.Event(uid="u", summary=summary, start=date(2026, 3, 31))], name="n", stamp=STAMP
    )
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    assert f"SUMMARY:{ical.escape_text(summary)}" in ical.unfold(text)


@given(st.text(max_size=400))
def test_folding_is_undone_by_unfolding_and_keeps_every_line_short(value: str) -> None:
    line = "DESCRIPTION:" + ical.escape_text(value)
    folded = ical.fold(line)
    assert ical.unfold(folded) == [line]
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))


@given(st.text(max_size=100))
def test_escaped_text_has_no_raw_line_breaks_or_unescaped_separators(value: str) -> None:
    escaped = ical.escape_text(value)
    assert "\n" not in escaped
    assert "\r" not in escaped
    unescaped = escaped.replace("\\\\", "").replace("\\;", "").replace("\\,", "").replace("\\n", "")
    assert ";" not in unescaped
    assert "," not in unescaped
