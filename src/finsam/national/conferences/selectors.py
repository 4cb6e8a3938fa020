"""Every read of the conferences, scoped by the user. Every signed-in user sees the published
conferences; the working group (CONFERENCE_EDIT) also the unpublished ones and the participant lists. A
conference the user may not see does not exist for them (Http404)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from finsam.core.access import Actor, has_capability, require, scope_for
from finsam.core.audit_text import Described, ObjectText, Refs, ids_of
from finsam.core.roles import Capability
from finsam.national.conferences import rules
from finsam.national.conferences.models import Conference, Registration
from finsam.national.conferences.schemas import RegistrationStatus
from finsam.registry import selectors as registry_selectors
from finsam.reports import ical

EDIT = Capability.CONFERENCE_EDIT
REGISTER = Capability.CONFERENCE_REGISTER
ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


def _signed_in(user: Actor) -> None:
    if not user.is_authenticated and not getattr(user, "is_system", False):
        raise PermissionDenied


def can_edit(*, user: Actor) -> bool:
    return has_capability(user, EDIT)


def _visible(user: Actor) -> QuerySet[Conference]:
    _signed_in(user)
    conferences = Conference.objects.all()
    return conferences if can_edit(user=user) else conferences.filter(published=True)


def conference_list(*, user: Actor, past: bool = False) -> QuerySet[Conference]:
    """Coming conferences (or past ones), soonest first, with their counts and the user's own status
    (`own_status`, "" when not registered). One query."""
    now = timezone.now()
    conferences = _visible(user)
    conferences = conferences.filter(ends_at__lt=now) if past else conferences.filter(ends_at__gte=now)
    own = Registration.objects.filter(conference=OuterRef("pk"), user_id=user.pk, status__in=ACTIVE)
    return (
        conferences.annotate(
            confirmed_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
            ),
            waiting_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)),
            own_status=Subquery(own.values("status")[:1]),
        )
        .annotate(free_count=F("capacity") - F("confirmed_count"))
        .order_by("-starts_at" if past else "starts_at", "id")
    )


def conference_get(*, user: Actor, conference_id: int) -> Conference:
    conference = _visible(user).filter(pk=conference_id).first()
    if conference is None:
        raise Http404
    return conference


def waiting_position(*, registration: Registration) -> int | None:
    """The place on the waiting list: 1 + those waiting who registered before (by time, then id)."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    before = Registration.objects.filter(
        conference_id=registration.conference_id, status=RegistrationStatus.WAITING
    ).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return before.count() + 1


def own_registration(*, user: Actor, conference: Conference) -> Registration | None:
    return (
        Registration.objects.filter(conference=conference, user_id=user.pk, status__in=ACTIVE)
        .select_related("association")
        .first()
    )


def registration_associations(*, user: Actor) -> list[tuple[int, str]]:
    """The förbund the user may register from (their förbund roles), by name."""
    scope = scope_for(user, REGISTER)
    if scope.empty or scope.all:
        return []
    names = registry_selectors.association_names(association_ids=scope.association_ids)
    return sorted(names.items(), key=lambda item: item[1])


@dataclass
class ConferenceDetail:
    conference: Conference
    confirmed: int
    waiting: int
    own: Registration | None
    position: int | None
    is_open: bool
    closed_reason: str
    may_register: bool
    can_edit: bool
    associations: list[tuple[int, str]] = field(default_factory=list)

    @property
    def free(self) -> int:
        return max(0, self.conference.capacity - self.confirmed)


def conference_detail(*, user: Actor, conference_id: int, day: date | None = None) -> ConferenceDetail:
    conference = conference_get(user=user, conference_id=conference_id)
    day = day or timezone.localdate()
    counts = Registration.objects.filter(conference=conference).aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
    )
    own = own_registration(user=user, conference=conference)
    opening = rules.Opening(
        published=conference.published,
        cancelled=conference.cancelled,
        registration_closes=conference.registration_closes,
        starts_on=timezone.localtime(conference.starts_at).date(),
    )
    reasons = rules.registration_violations(opening, day=day, already_registered=False)
    return ConferenceDetail(
        conference=conference,
        confirmed=counts["confirmed"],
        waiting=counts["waiting"],
        own=own,
        position=waiting_position(registration=own) if own is not None else None,
        is_open=not reasons,
        closed_reason=reasons[0].message if reasons else "",
        may_register=has_capability(user, REGISTER),
        can_edit=can_edit(user=user),
        associations=registration_associations(user=user),
    )


def registration_get(*, user: Actor, registration_id: int) -> Registration:
    """A registration the user may cancel: their own, or any for the working group."""
    registrations = Registration.objects.select_related("conference")
    if not can_edit(user=user):
        require(user, REGISTER)
        registrations = registrations.filter(user_id=user.pk)
    registration = registrations.filter(pk=registration_id).first()
    if registration is None:
        raise Http404
    return registration


@dataclass(frozen=True)
class ParticipantRow:
    name: str
    email: str
    association: str
    status: str
    status_label: str
    position: int | None
    registered: Any


def participants(*, user: Actor, conference_id: int) -> tuple[Conference, list[ParticipantRow]]:
    """The participant list (the working group's): those with a place, then the waiting list in order."""
    require(user, EDIT)
    conference = conference_get(user=user, conference_id=conference_id)
    registrations = (
        Registration.objects.filter(conference=conference, status__in=ACTIVE)
        .select_related("user", "association")
        .order_by(
            Case(When(status=RegistrationStatus.CONFIRMED, then=Value(0)), default=Value(1)),
            "created_at",
            "id",
        )
    )
    rows = []
    position = 0
    for registration in registrations:
        waiting = registration.status == RegistrationStatus.WAITING
        position += 1 if waiting else 0
        rows.append(
            ParticipantRow(
                name=registration.user.get_full_name() or registration.user.get_username(),
                email=registration.user.email,
                association=registration.association.name,
                status=registration.status,
                status_label=str(RegistrationStatus(registration.status).label),
                position=position if waiting else None,
                registered=timezone.localtime(registration.created_at),
            )
        )
    return conference, rows


# --- calendar ---------------------------------------------------------------------------------------


def conference_event(conference: Conference) -> ical.Event:
    url = f"{settings.SITE_URL}{reverse('national:conference_detail', args=[conference.pk])}"
    return ical.Event(
        uid=f"conference-{conference.pk}@finsam",
        summary=conference.title,
        start=conference.starts_at,
        end=conference.ends_at,
        location=conference.place,
        url=url,
        description=f"Konferens. Program och anmälan: {url}",
        cancelled=conference.cancelled,
    )


def calendar_events(*, user: Actor) -> list[ical.Event]:
    """The published conferences from a year back, as calendar events (cancelled ones marked so)."""
    since = timezone.now() - timedelta(days=366)
    conferences = _visible(user).filter(published=True, ends_at__gte=since).order_by("starts_at", "id")
    return [conference_event(conference) for conference in conferences]


# --- the audit log's words ------------------------------------------------------------------------


def audit_objects(*, refs: Refs) -> Described:
    """The conferences named in audit entries (and those registered for), for the log. One query a kind."""
    described: Described = {}
    for c in Conference.objects.filter(pk__in=ids_of(refs, "national.conference")):
        described["national.conference", str(c.pk)] = ObjectText(
            gettext("konferensen ”{title}”").format(title=c.title),
            reverse("national:conference_detail", args=[c.pk]),
        )
    for r in Registration.objects.filter(pk__in=ids_of(refs, "national.registration")).select_related(
        "conference"
    ):
        described["national.registration", str(r.pk)] = ObjectText(
            gettext("en anmälan till konferensen ”{title}”").format(title=r.conference.title),
            reverse("national:conference_detail", args=[r.conference_id]),
        )
    return described
