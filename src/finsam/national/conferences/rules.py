"""The conferences' rules as pure functions: who gets a place, when registration is open, when a
reminder is due. Plain values in, plain values or Violations out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from finsam.core.errors import Violation
from finsam.national.conferences.schemas import RegistrationStatus

CLOSED = "R-CONFERENCE-CLOSED"
TWICE = "R-CONFERENCE-TWICE"
NOT_OPEN = "R-CONFERENCE-NOT-OPEN"
CONFERENCE_INPUT = "R-CONFERENCE-INPUT"


@dataclass(frozen=True)
class Opening:
    published: bool
    cancelled: bool
    registration_closes: date
    starts_on: date


def registration_violations(opening: Opening, *, day: date, already_registered: bool) -> list[Violation]:
    """Why a registration is refused on `day`: the conference is not open (unpublished or cancelled),
    the last day to register has passed, or the user already holds a place or a place in the queue."""
    if not opening.published or opening.cancelled:
        return [Violation(NOT_OPEN, _("Konferensen är inte öppen för anmälan."))]
    violations = []
    if day > opening.registration_closes or day >= opening.starts_on:
        violations.append(
            Violation(
                CLOSED,
                (
                    _(
                        "Anmälan stängde %(registration_closes)s. Kontakta arbetsgruppen "
                        "om du ändå vill delta."
                    )
                    % {"registration_closes": format(opening.registration_closes, "%Y-%m-%d")}
                ),
            )
        )
    if already_registered:
        violations.append(
            Violation(TWICE, _("Du är redan anmäld till konferensen. Din anmälan och plats syns på sidan."))
        )
    return violations


def status_for_new(*, confirmed: int, capacity: int) -> RegistrationStatus:
    """A place while there is one; else the waiting list (after everyone already on it)."""
    return RegistrationStatus.CONFIRMED if confirmed < capacity else RegistrationStatus.WAITING


def places_to_fill(*, confirmed: int, capacity: int, waiting: int) -> int:
    """How many of the waiting list get a place: the free places, at most as many as wait."""
    return max(0, min(capacity - confirmed, waiting))


def conference_violations(
    *,
    title: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    registration_closes: date,
) -> list[Violation]:
    violations = []
    if not title.strip():
        violations.append(Violation(CONFERENCE_INPUT, _("Ange konferensens rubrik."), "title"))
    if not place.strip():
        violations.append(Violation(CONFERENCE_INPUT, _("Ange var konferensen hålls."), "place"))
    if ends_at < starts_at:
        violations.append(
            Violation(CONFERENCE_INPUT, _("Konferensen kan inte sluta innan den börjar."), "ends_at")
        )
    if capacity < 1:
        violations.append(Violation(CONFERENCE_INPUT, _("Konferensen behöver minst en plats."), "capacity"))
    if registration_closes > starts_at.date():
        violations.append(
            Violation(
                CONFERENCE_INPUT,
                _("Sista anmälningsdag kan inte vara efter konferensens första dag."),
                "registration_closes",
            )
        )
    return violations


def reminder_due(*, starts_on: date, day: date, days_before: int) -> bool:
    """The reminder goes out from `days_before` days before the first day until the day before it (a
    missed run catches up; the day itself is too late to be of use)."""
    return starts_on - timedelta(days=days_before) <= day < starts_on
