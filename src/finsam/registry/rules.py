"""Pure functions of the registry rules (R-MEMBERS, R-BOARD). No ORM here: plain values in, plain
values out, so that each can be property-tested."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr

from finsam.core.errors import Violation

MANDATE_YEARS = 4
REQUIRED_KINDS = ("fk", "af", "region", "municipality")
KIND_LABELS = {
    "fk": "Försäkringskassan",
    "af": "Arbetsförmedlingen",
    "region": "minst en region",
    "municipality": "minst en kommun",
}


@dataclass(frozen=True, order=True)
class Period:
    """A closed interval of days; `end` None means open-ended."""

    start: date
    end: date | None = None

    def overlaps(self, other: Period) -> bool:
        return (self.end is None or other.start <= self.end) and (
            other.end is None or self.start <= other.end
        )

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def normalise_org_number(value: str) -> str:
    """An organisation number as NNNNNN-NNNN; ValueError with a Swedish message when invalid."""
    try:
        return orgnr.format(orgnr.validate(value))
    except StdnumError as exc:
        raise ValueError(_("Organisationsnumret är ogiltigt (kontrollera de tio siffrorna).")) from exc


def check_period(start: date, end: date | None, *, field: str = "end") -> list[Violation]:
    if end is not None and end < start:
        return [Violation("R-DATES", _("Slutdatum kan inte ligga före startdatum."), field)]
    return []


def missing_member_kinds(kinds: Iterable[str]) -> list[str]:
    """R-MEMBERS: the party kinds missing for a valid association (FK, AF, a region, a municipality)."""
    present = set(kinds)
    return [kind for kind in REQUIRED_KINDS if kind not in present]


def mandate_violations(start: date, end: date) -> list[Violation]:
    """R-BOARD: a mandate lasts at most four years."""
    violations = check_period(start, end)
    if violations:
        return violations
    try:
        limit = start.replace(year=start.year + MANDATE_YEARS)
    except ValueError:  # 29 February
        limit = date(start.year + MANDATE_YEARS, 3, 1)
    if end >= limit:
        return [Violation("R-BOARD", _("Ett mandat varar högst fyra år (lag 2003:1210, 12 §)."), "end")]
    return []


def coverage_gaps(periods: Sequence[Period], window: Period) -> list[Period]:
    """The parts of `window` that no period covers (R-BOARD: days without a ledamot, say).

    `window.end` must be set. Adjacent periods (one ends the day before the next starts) leave no gap.
    """
    assert window.end is not None
    gaps: list[Period] = []
    cursor = window.start
    for period in sorted(periods):
        if period.end is not None and period.end < cursor:
            continue
        if period.start > window.end:
            break
        if period.start > cursor:
            gaps.append(Period(cursor, min(period.start - timedelta(days=1), window.end)))
        if period.end is None:
            return gaps
        cursor = max(cursor, period.end + timedelta(days=1))
        if cursor > window.end:
            return gaps
    if cursor <= window.end:
        gaps.append(Period(cursor, window.end))
    return gaps


def first_overlap(candidate: Period, existing: Iterable[Period]) -> Period | None:
    for period in existing:
        if candidate.overlaps(period):
            return period
    return None


def percent(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole`, half up to one decimal; None when there is no whole
    (R-NATIONAL's coverage shares)."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
