"""Pure functions of the intervention rules. No ORM: plain values in, violations out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext as _

from finsam.core.errors import Violation

KINDS = ("individual", "structural")
STATUSES = ("planned", "active", "ended")
# Planned participants are given for the years the intervention runs; an open-ended one plans ahead at
# most this many years.
PLANNING_HORIZON_YEARS = 10
MAX_PLANNED = 100_000


def intervention_violations(
    *,
    name: str,
    kind: str,
    status: str,
    start: date,
    end: date | None,
    planned: Sequence[tuple[int, int]],
) -> list[Violation]:
    violations: list[Violation] = []
    if not name.strip():
        violations.append(Violation("R-REQUIRED", _("Ange insatsens namn."), "name"))
    if kind not in KINDS:
        violations.append(
            Violation("R-KIND", _("Ange om insatsen är individinriktad eller strukturövergripande."), "kind")
        )
    if status not in STATUSES:
        violations.append(
            Violation("R-INPUT", _("Status ska vara planerad, pågående eller avslutad."), "status")
        )
    if end is not None and end < start:
        violations.append(Violation("R-DATES", _("Slutdatum kan inte ligga före startdatum."), "end"))
    if status == "ended" and end is None:
        violations.append(Violation("R-DATES", _("Ange slutdatum för en avslutad insats."), "end"))
    violations += planned_violations(planned, start=start, end=end)
    return violations


def planned_violations(
    planned: Sequence[tuple[int, int]], *, start: date, end: date | None
) -> list[Violation]:
    """Planned participants: one figure per year, within the years the intervention runs."""
    last = end.year if end is not None else start.year + PLANNING_HORIZON_YEARS
    seen: set[int] = set()
    for year, count in planned:
        if year in seen:
            return [
                Violation("R-PLANNED", _("År %(year)s förekommer flera gånger.") % {"year": year}, "planned")
            ]
        seen.add(year)
        if not start.year <= year <= last:
            return [
                Violation(
                    "R-PLANNED",
                    (
                        _("År %(year)s ligger utanför insatsens period (%(year2)s–%(last)s).")
                        % {"year": year, "year2": start.year, "last": last}
                    ),
                    "planned",
                )
            ]
        if not 0 <= count <= MAX_PLANNED:
            return [
                Violation("R-PLANNED", _("Antalet planerade deltagare ska vara 0 eller fler."), "planned")
            ]
    return []


def structural_count_violations(
    *,
    kind: str,
    intervention_start: date,
    intervention_end: date | None,
    period_start: date,
    period_end: date,
    people_trained: int,
    staff_reached: int,
) -> list[Violation]:
    """Counts of a structural intervention: for such interventions only, for a period it ran in."""
    if kind != "structural":
        return [
            Violation(
                "R-KIND",
                _(
                    "Antal utbildade och nådd personal registreras bara för "
                    "strukturövergripande insatser; individinriktade insatser följs "
                    "upp med deltagare."
                ),
                None,
            )
        ]
    violations: list[Violation] = []
    if period_end < period_start:
        violations.append(
            Violation("R-DATES", _("Periodens slut kan inte ligga före dess början."), "period_end")
        )
    elif period_end < intervention_start or (
        intervention_end is not None and period_start > intervention_end
    ):
        violations.append(
            Violation("R-DATES", _("Perioden ligger utanför insatsens period."), "period_start")
        )
    if people_trained < 0:
        violations.append(Violation("R-INPUT", _("Antalet kan inte vara negativt."), "people_trained"))
    if staff_reached < 0:
        violations.append(Violation("R-INPUT", _("Antalet kan inte vara negativt."), "staff_reached"))
    return violations
