"""The council's rules as pure functions: the life of a recommendation and the rules it may cite."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from finsam.core.errors import Violation
from finsam.national.council.schemas import RecommendationStatus

COUNCIL_INPUT = "R-COUNCIL-INPUT"
STATUS = "R-COUNCIL-STATUS"

# draft → published → withdrawn; a draft may be dropped back to nothing only by deletion (not offered).
ALLOWED = {
    RecommendationStatus.DRAFT: {RecommendationStatus.DRAFT, RecommendationStatus.PUBLISHED},
    RecommendationStatus.PUBLISHED: {RecommendationStatus.PUBLISHED, RecommendationStatus.WITHDRAWN},
    RecommendationStatus.WITHDRAWN: {RecommendationStatus.WITHDRAWN},
}


def status_violations(old: str | None, new: str) -> list[Violation]:
    """A new recommendation starts as a draft or published; a published one is withdrawn, never made a
    draft again; a withdrawn one stays withdrawn (what was published stays on record)."""
    if old is None:
        if new == RecommendationStatus.WITHDRAWN:
            return [Violation(STATUS, _("En ny rekommendation kan inte vara återkallad."), "status")]
        return []
    if new not in ALLOWED[RecommendationStatus(old)]:
        message = {
            RecommendationStatus.PUBLISHED: (
                _("En publicerad rekommendation kan inte bli utkast igen; återkalla den i stället.")
            ),
            RecommendationStatus.WITHDRAWN: _("En återkallad rekommendation kan inte ändra status."),
        }.get(RecommendationStatus(old), _("Statusen kan inte ändras så."))
        return [Violation(STATUS, message, "status")]
    return []


def rule_code_violations(codes: Sequence[str], known: Callable[[str], Any]) -> list[Violation]:
    """Each cited rule must be in the register (`known` is core.rulebook.rule_for)."""
    unknown = [code for code in codes if known(code) is None]
    if unknown:
        return [
            Violation(COUNCIL_INPUT, _("Okänd regel: %(list)s.") % {"list": ", ".join(unknown)}, "rule_codes")
        ]
    return []


def recommendation_violations(*, title: str, text: str) -> list[Violation]:
    violations = []
    if not title.strip():
        violations.append(Violation(COUNCIL_INPUT, _("Ange en rubrik."), "title"))
    if not text.strip():
        violations.append(Violation(COUNCIL_INPUT, _("Skriv rekommendationens text."), "text"))
    return violations


def period_violations(*, start: date, end: date | None) -> list[Violation]:
    if end is not None and end < start:
        return [Violation(COUNCIL_INPUT, _("Slutdatum kan inte vara före startdatum."), "end")]
    return []


def is_current(*, start: date, end: date | None, day: date) -> bool:
    return start <= day and (end is None or end >= day)
