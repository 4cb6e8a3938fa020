"""iCalendar (RFC 5545) by hand: a feed of VEVENTs is small enough that a library would add more than it
saves. Lines end in CRLF, text values are escaped (backslash, semicolon, comma, newline) and lines longer
than 75 octets are folded without splitting a UTF-8 character."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

CRLF = "\r\n"
LINE_OCTETS = 75


@dataclass(frozen=True)
class Event:
    uid: str
    summary: str
    start: date | datetime  # a date is an all-day event; a datetime must be aware
    end: date | datetime | None = None
    description: str = ""
    location: str = ""
    url: str = ""


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1): CRLF and one space before each continuation."""
    encoded = line.encode("utf-8")
    if len(encoded) <= LINE_OCTETS:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
            limit = LINE_OCTETS - 1  # the leading space of a continuation line counts
        current += char
        size += width
    parts.append(current)
    return (CRLF + " ").join(parts)


def unfold(text: str) -> list[str]:
    """The content lines of a calendar, unfolded (the inverse of `fold`, for tests and readers)."""
    return text.replace(CRLF + " ", "").replace(CRLF + "\t", "").split(CRLF)


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("a calendar time must be aware")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _when(name: str, value: date | datetime) -> str:
    if isinstance(value, datetime):
        return f"{name}:{_utc(value)}"
    return f"{name};VALUE=DATE:{value:%Y%m%d}"


def calendar(events: Iterable[Event], *, name: str, stamp: datetime) -> str:
    """A complete VCALENDAR with the events, ready to serve as text/calendar."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Finsam//Styrning//SV",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Europe/Stockholm",
    ]
    for event in events:
        end = event.end
        if end is None:
            end = event.start + (
                timedelta(hours=2) if isinstance(event.start, datetime) else timedelta(days=1)
            )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(event.uid)}",
            f"DTSTAMP:{_utc(stamp)}",
            _when("DTSTART", event.start),
            _when("DTEND", end),
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF
