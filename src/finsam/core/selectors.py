"""Reads of the audit log, scoped: national administrators see everything, a förbund's administrator and
auditors the entries of their förbund."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from finsam.core.access import Actor, filter_scope, require
from finsam.core.models import AuditEntry
from finsam.core.roles import Capability


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    username: str = ""
    association_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries(*, user: Actor, filters: AuditFilter | None = None) -> QuerySet[AuditEntry]:
    scope = require(user, Capability.AUDIT_VIEW)
    entries = filter_scope(AuditEntry.objects.all(), scope)
    f = filters or AuditFilter()
    if f.action:
        entries = entries.filter(action=f.action)
    if f.username:
        entries = entries.filter(actor_username=f.username)
    if f.association_id is not None:
        entries = entries.filter(association_id=f.association_id)
    if f.date_from:
        entries = entries.filter(at__gte=_start_of(f.date_from))
    if f.date_to:
        entries = entries.filter(at__lt=_start_of(f.date_to + timedelta(days=1)))
    return entries.order_by("-at", "-id")


def audit_actors(*, user: Actor) -> list[tuple[int | None, str]]:
    """(user id, user name) of everyone who appears in the entries the user may read. One query."""
    scope = require(user, Capability.AUDIT_VIEW)
    return list(
        filter_scope(AuditEntry.objects.all(), scope)
        .order_by("actor_username")
        .values_list("actor_id", "actor_username")
        .distinct()
    )


def audit_entries_about(
    *,
    user: Actor,
    targets: Mapping[str, Collection[str]],
    listing_actions: Collection[str] = (),
    listing_key: str = "",
    listed_ids: Collection[int] = (),
    association_ids: Collection[int] = (),
) -> list[AuditEntry]:
    """The entries about some objects, oldest first: those whose target is one of `targets` (object type →
    object ids), and those of `listing_actions` in the förbund `association_ids` whose details list one of
    `listed_ids` under `listing_key` (a search names what it found that way). For a subject access request
    (`followup.services.subject_report`)."""
    scope = require(user, Capability.AUDIT_VIEW)
    entries = filter_scope(AuditEntry.objects.all(), scope)
    about = Q(pk__in=[])
    for object_type, ids in targets.items():
        if ids:
            about |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    found = list(entries.filter(about))
    if listing_actions and listed_ids and association_ids:
        wanted = set(listed_ids)
        found += [
            entry
            for entry in entries.filter(action__in=listing_actions, association_id__in=association_ids)
            if isinstance(entry.details, dict) and wanted & set(entry.details.get(listing_key) or [])
        ]
    return sorted(found, key=lambda entry: (entry.at, entry.pk))
