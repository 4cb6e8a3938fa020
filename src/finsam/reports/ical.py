"""iCalendar (RFC 5545) feeds, written with the `icalendar` library: it escapes text values, folds long
lines at 75 octets without splitting a UTF-8 character and ends lines in CRLF. Times are written in UTC;
a date is an all-day event. `escape_text`, `fold` and `unfold` are the library's rules, kept here for
callers and tests that look at single lines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar
from icalendar.parser import Contentline

CRLF = "\r\n"
LINE_OCTETS = 75
PRODID = "-//Finsam//Finsam//SV"


@dataclass(frozen=True)
class Event:
    uid: str
    summary: str
    start: date | datetime  # a date is an all-day event; a datetime must be aware
    end: date | datetime | None = None
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False  # STATUS:CANCELLED, so that calendars strike the event out


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11)."""
    return str(icalendar.vText(value).to_ical().decode("utf-8"))


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1): CRLF and one space before each continuation."""
    return str(Contentline(line).to_ical().decode("utf-8"))


def unfold(text: str) -> list[str]:
    """The content lines of a calendar, unfolded (the inverse of `fold`, for tests and readers)."""
    return text.replace(CRLF + " ", "").replace(CRLF + "\t", "").split(CRLF)


def _moment(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a calendar time must be aware")
        return value.astimezone(UTC)
    return value


def _event(event: Event, stamp: datetime) -> icalendar.Event:
    end = event.end
    if end is None:
        end = event.start + (timedelta(hours=2) if isinstance(event.start, datetime) else timedelta(days=1))
    item = icalendar.Event()
    item.add("uid", event.uid)
    item.add("dtstamp", stamp)
    item.add("dtstart", _moment(event.start))
    item.add("dtend", _moment(end))
    item.add("summary", event.summary)
    if event.description:
        item.add("description", event.description)
    if event.location:
        item.add("location", event.location)
    if event.url:
        item.add("url", event.url)
    if event.cancelled:
        item.add("status", "CANCELLED")
    return item


def calendar(events: Iterable[Event], *, name: str, stamp: datetime) -> str:
    """A complete VCALENDAR with the events, ready to serve as text/calendar."""
    stamp = _moment(stamp)  # type: ignore[assignment]
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", icalendar.vText(name))
    cal.add("x-wr-timezone", "Europe/Stockholm")
    for event in events:
        cal.add_component(_event(event, stamp))
    return cal.to_ical().decode("utf-8")
