"""Every write of the conferences. Registering and cancelling lock the conference's row first
(`select_for_update`), so that two users asking for the last place at the same moment are served one after
the other: one gets it, the other the waiting list. Mails go out after the commit, through the tasks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from finsam.core import audit
from finsam.core.access import SYSTEM, Actor, require, scope_for
from finsam.core.errors import RuleViolation, check_version, raise_if_any
from finsam.core.roles import Capability
from finsam.core.updates import model_update
from finsam.national.audit_actions import AuditAction
from finsam.national.conferences import rules
from finsam.national.conferences.models import Conference, Registration
from finsam.national.conferences.schemas import RegistrationStatus

logger = logging.getLogger(__name__)

EDIT = Capability.CONFERENCE_EDIT
REGISTER = Capability.CONFERENCE_REGISTER
ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _lock(conference_id: int) -> Conference:
    return Conference.objects.select_for_update().get(pk=conference_id)


def conference_url(conference: Conference) -> str:
    return f"{settings.SITE_URL}{reverse('national:conference_detail', args=[conference.pk])}"


# --- conferences ------------------------------------------------------------------------------------


@transaction.atomic
def conference_create(
    *,
    actor: Actor,
    title: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    registration_closes: date,
    programme: str = "",
    reminder_days: int = 7,
    published: bool = False,
) -> Conference:
    require(actor, EDIT)
    raise_if_any(
        rules.conference_violations(
            title=title,
            place=place,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            registration_closes=registration_closes,
        )
    )
    conference = Conference.objects.create(
        title=title.strip(),
        programme=programme,
        place=place.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        registration_closes=registration_closes,
        reminder_days=reminder_days,
        published=published,
    )
    audit.record(actor=actor, action=AuditAction.CONFERENCE_CREATE, target=conference)
    return conference


@transaction.atomic
def conference_update(
    *,
    actor: Actor,
    conference: Conference,
    version: int | None,
    title: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    registration_closes: date,
    programme: str = "",
    reminder_days: int = 7,
    published: bool = False,
    cancelled: bool = False,
) -> Conference:
    """Changes the conference. More places give the first on the waiting list a place (and a mail);
    fewer places take nobody's place away: those who have one keep it."""
    require(actor, EDIT)
    conference = _lock(conference.pk)
    check_version(conference.version, version, _("konferensen"), kept=True)
    was_cancelled = conference.cancelled
    raise_if_any(
        rules.conference_violations(
            title=title,
            place=place,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            registration_closes=registration_closes,
        )
    )
    model_update(
        actor=actor,
        instance=conference,
        values={
            "title": title.strip(),
            "programme": programme,
            "place": place.strip(),
            "starts_at": starts_at,
            "ends_at": ends_at,
            "capacity": capacity,
            "registration_closes": registration_closes,
            "reminder_days": reminder_days,
            "published": published,
            "cancelled": cancelled,
        },
        action=AuditAction.CONFERENCE_UPDATE,
        association_id=None,
    )
    _fill_places(actor, conference)
    if cancelled and not was_cancelled:
        transaction.on_commit(_enqueue_cancelled_mail(conference.pk))
    return conference


def _fill_places(actor: Actor, conference: Conference) -> list[Registration]:
    """Gives free places to the waiting list in order of registration; each promoted user is told by
    mail after the commit. The caller holds the conference's lock."""
    if conference.cancelled:
        return []
    registrations = Registration.objects.filter(conference=conference)
    confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = registrations.filter(status=RegistrationStatus.WAITING).order_by("created_at", "id")
    count = rules.places_to_fill(confirmed=confirmed, capacity=conference.capacity, waiting=waiting.count())
    promoted = list(waiting[:count])
    now = timezone.now()
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        audit.record(
            actor=actor,
            action=AuditAction.CONFERENCE_PROMOTE,
            target=registration,
            association_id=registration.association_id,
            details={"conference": conference.pk},
        )
        transaction.on_commit(_enqueue_promoted_mail(registration.pk))
    return promoted


def _enqueue_cancelled_mail(conference_id: int) -> Callable[[], None]:
    def enqueue() -> None:
        from finsam.national.conferences import tasks

        tasks.cancelled_mail.enqueue(conference_id)

    return enqueue


def _enqueue_promoted_mail(registration_id: int) -> Callable[[], None]:
    def enqueue() -> None:
        from finsam.national.conferences import tasks

        tasks.promoted_mail.enqueue(registration_id)

    return enqueue


# --- registrations ----------------------------------------------------------------------------------


@transaction.atomic
def registration_create(
    *,
    actor: Actor,
    conference: Conference,
    association_id: int | None = None,
    user: Any = None,
    day: date | None = None,
) -> Registration:
    """Registers a user (the actor, unless the working group or the system registers someone) for the
    conference from one of the user's förbund: a place while there is one, else the waiting list.
    Refused, with nothing written, after the last day to register and when the user is already
    registered."""
    user = actor if user is None else user
    if user is not actor and not scope_for(actor, EDIT).all:
        raise PermissionDenied
    scope = require(user, REGISTER)
    if association_id is None and not scope.all and len(scope.association_ids) == 1:
        [association_id] = scope.association_ids
    if association_id is None:
        raise RuleViolation(rules.CONFERENCE_INPUT, _("Välj vilket förbund du kommer från."), "association")
    if not scope.allows(association_id):
        raise RuleViolation(
            rules.CONFERENCE_INPUT,
            _("Du kan anmäla dig från ett förbund där du har en roll."),
            "association",
        )
    conference = _lock(conference.pk)
    day = day or timezone.localdate()
    registrations = Registration.objects.filter(conference=conference)
    already = registrations.filter(user_id=user.pk, status__in=ACTIVE).exists()
    opening = rules.Opening(
        published=conference.published,
        cancelled=conference.cancelled,
        registration_closes=conference.registration_closes,
        starts_on=_local_day(conference.starts_at),
    )
    raise_if_any(rules.registration_violations(opening, day=day, already_registered=already))
    confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    status = rules.status_for_new(confirmed=confirmed, capacity=conference.capacity)
    registration = Registration.objects.create(
        conference=conference,
        user_id=user.pk,
        association_id=association_id,
        status=status,
        created_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.CONFERENCE_REGISTER,
        target=registration,
        association_id=association_id,
        details={"conference": conference.pk, "status": str(status)},
    )
    return registration


@transaction.atomic
def registration_cancel(*, actor: Actor, registration: Registration) -> list[Registration]:
    """Cancels a registration (the user's own; the working group may cancel anyone's). A place set free
    goes to the first on the waiting list, who is told by mail. Returns those who got a place."""
    own = registration.user_id == actor.pk and not scope_for(actor, REGISTER).empty
    if not own and not scope_for(actor, EDIT).all:
        raise PermissionDenied
    conference = _lock(registration.conference_id)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        raise RuleViolation(rules.CONFERENCE_INPUT, _("Anmälan är redan avanmäld."))
    had_place = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    audit.record(
        actor=actor,
        action=AuditAction.CONFERENCE_CANCEL,
        target=registration,
        association_id=registration.association_id,
        details={"conference": conference.pk, "had_place": had_place},
    )
    return _fill_places(actor, conference) if had_place else []


def promoted_mail_send(*, registration_id: int) -> bool:
    """The mail to a user who got a place from the waiting list; nothing when the registration is no
    longer confirmed (cancelled meanwhile) or the user has no address."""
    registration = (
        Registration.objects.select_related("conference", "user")
        .filter(pk=registration_id, status=RegistrationStatus.CONFIRMED)
        .first()
    )
    if registration is None or not registration.user.email:
        return False
    conference = registration.conference
    starts = timezone.localtime(conference.starts_at)
    body = "\n".join(
        [
            "Hej!",
            "",
            f"En plats har blivit ledig och du har fått den: du är nu anmäld till {conference.title}.",
            "",
            f"Tid: {starts:%Y-%m-%d %H:%M}",
            f"Plats: {conference.place}",
            "",
            "Kan du inte komma? Avanmäl dig så att nästa på väntelistan får platsen:",
            conference_url(conference),
            "",
            "Nationella arbetsgruppen, Finsam",
        ]
    )
    EmailMessage(
        subject=f"Du har fått en plats: {conference.title}", body=body, to=[registration.user.email]
    ).send()
    return True


def cancelled_mail_send(*, conference_id: int) -> int:
    """Tells everyone registered (with a place or on the waiting list) that the conference is cancelled;
    nothing if it was opened again meanwhile. Returns the number of messages."""
    conference = Conference.objects.filter(pk=conference_id, cancelled=True).first()
    if conference is None:
        return 0
    starts = timezone.localtime(conference.starts_at)
    addresses = sorted(
        {
            email
            for email in Registration.objects.filter(conference=conference, status__in=ACTIVE).values_list(
                "user__email", flat=True
            )
            if email
        }
    )
    body = "\n".join(
        [
            "Hej!",
            "",
            f"{conference.title} {starts:%Y-%m-%d} är tyvärr inställd.",
            "Du behöver inte avanmäla dig.",
            "",
            conference_url(conference),
            "",
            "Nationella arbetsgruppen, Finsam",
        ]
    )
    for address in addresses:
        EmailMessage(subject=f"Inställd: {conference.title}", body=body, to=[address]).send()
    return len(addresses)


# --- reminders --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderRun:
    sent: int
    failed: int


def _reminder(registration: Registration) -> EmailMessage:
    conference = registration.conference
    starts = timezone.localtime(conference.starts_at)
    body = "\n".join(
        [
            "Hej!",
            "",
            f"Välkommen till {conference.title} {starts:%Y-%m-%d} kl. {starts:%H:%M}.",
            f"Plats: {conference.place}",
            "",
            f"Programmet och din anmälan: {conference_url(conference)}",
            "Kan du inte komma? Avanmäl dig så att nästa på väntelistan får platsen.",
            "",
            "Nationella arbetsgruppen, Finsam",
        ]
    )
    return EmailMessage(
        subject=f"Påminnelse: {conference.title} {starts:%Y-%m-%d}", body=body, to=[registration.user.email]
    )


def reminders_send(*, actor: Actor = SYSTEM, day: date | None = None) -> ReminderRun:
    """The daily run: a reminder to everyone with a place, from the conference's `reminder_days` before
    it. Each reminder is claimed first (`reminded_at` set by a conditional update), so that it goes out
    once also when runs overlap; a message the mail backend refuses gives its claim back for the next
    run. Not atomic as a whole: each claim commits by itself."""
    if not scope_for(actor, EDIT).all:
        raise PermissionDenied
    day = day or timezone.localdate()
    sent = failed = 0
    coming = Conference.objects.filter(published=True, cancelled=False, starts_at__gt=timezone.now())
    for conference in coming:
        starts_on = _local_day(conference.starts_at)
        if not rules.reminder_due(starts_on=starts_on, day=day, days_before=conference.reminder_days):
            continue
        due = (
            Registration.objects.select_related("conference", "user")
            .filter(conference=conference, status=RegistrationStatus.CONFIRMED, reminded_at__isnull=True)
            .exclude(user__email="")
        )
        for registration in due:
            claimed = Registration.objects.filter(
                pk=registration.pk, status=RegistrationStatus.CONFIRMED, reminded_at__isnull=True
            ).update(reminded_at=timezone.now())
            if not claimed:
                continue
            try:
                _reminder(registration).send()
            except Exception:  # the backend's failure: give the claim back, try again on the next run
                logger.exception("conference reminder %s could not be sent", registration.pk)
                Registration.objects.filter(pk=registration.pk).update(reminded_at=None)
                failed += 1
                continue
            audit.record(
                actor=actor,
                action=AuditAction.CONFERENCE_REMINDER_SENT,
                target=registration,
                association_id=registration.association_id,
                details={"conference": conference.pk},
            )
            sent += 1
    return ReminderRun(sent=sent, failed=failed)


@transaction.atomic
def participant_export_record(*, actor: Actor, conference: Conference, file_format: str) -> None:
    """The participant list left the system (Excel or CSV): who took it, when."""
    require(actor, EDIT)
    audit.record(
        actor=actor,
        action=AuditAction.CONFERENCE_EXPORT,
        target=conference,
        details={"format": file_format},
    )
