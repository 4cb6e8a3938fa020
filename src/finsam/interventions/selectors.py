"""Every read of interventions, scoped by the user (objects outside the scope raise Http404).

The followup app asks here which interventions a user coordinates: that assignment, together with the
participant_coordinator role in the same förbund, is what opens participants and their identities.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Min, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext

from finsam.accounts import selectors as account_selectors
from finsam.core.access import Actor, is_system, require, scope_for
from finsam.core.audit_text import Described, ObjectText, Refs, ids_of
from finsam.core.roles import Capability, Role
from finsam.interventions.models import Intervention, InterventionKind, PlannedParticipants, StructuralCount
from finsam.registry import selectors as registry_selectors


def _with_details(interventions: QuerySet[Intervention]) -> QuerySet[Intervention]:
    members = registry_selectors.members().select_related("region", "municipality").order_by("kind", "id")
    return interventions.prefetch_related(
        Prefetch("providers", queryset=members),
        "planned",
        Prefetch("coordinators", queryset=get_user_model().objects.order_by("username")),
    )


def intervention_list(
    *, user: Actor, association_id: int, capability: Capability = Capability.INTERVENTION_VIEW
) -> QuerySet[Intervention]:
    scope = require(user, capability)
    if not scope.allows(association_id):
        raise Http404
    return _with_details(Intervention.objects.filter(association_id=association_id)).order_by("name")


def intervention_get(
    *, user: Actor, intervention_id: int, capability: Capability = Capability.INTERVENTION_VIEW
) -> Intervention:
    scope = require(user, capability)
    intervention = (
        _with_details(Intervention.objects.select_related("association")).filter(pk=intervention_id).first()
    )
    if intervention is None or not scope.allows(intervention.association_id):
        raise Http404
    return intervention


def can_edit(*, user: Actor, association_id: int) -> bool:
    return scope_for(user, Capability.INTERVENTION_EDIT).allows(association_id)


def coordinated_interventions(
    *, user: Actor, association_id: int | None = None, individual_only: bool = False
) -> QuerySet[Intervention]:
    """The interventions whose participants the user may see: assigned to the user, in a förbund where
    the user holds the participant_coordinator role. The trusted system actor coordinates everything."""
    interventions = Intervention.objects.all()
    if association_id is not None:
        interventions = interventions.filter(association_id=association_id)
    if individual_only:
        interventions = interventions.filter(kind=InterventionKind.INDIVIDUAL)
    if is_system(user):
        return interventions
    scope = scope_for(user, Capability.PARTICIPANT_VIEW)
    if scope.empty or getattr(user, "pk", None) is None:
        return interventions.none()
    interventions = interventions.filter(coordinators=user.pk)
    if not scope.all:
        interventions = interventions.filter(association_id__in=scope.association_ids)
    return interventions


def coordinates(*, user: Actor, intervention_id: int) -> bool:
    return coordinated_interventions(user=user).filter(pk=intervention_id).exists()


def coordinator_candidates(*, user: Actor, association_id: int) -> QuerySet[Any]:
    """Users who may be assigned as coordinators: those holding the participant_coordinator role there
    today."""
    scope = require(user, Capability.INTERVENTION_VIEW)
    if not scope.allows(association_id):
        raise Http404
    return account_selectors.current_holders(role=Role.PARTICIPANT_COORDINATOR, association_id=association_id)


def structural_counts(*, user: Actor, intervention_id: int) -> QuerySet[StructuralCount]:
    intervention_get(user=user, intervention_id=intervention_id)
    return StructuralCount.objects.filter(intervention_id=intervention_id).order_by("period_start")


# --- what the apps above know of an intervention ----------------------------------------------------
# The follow-up app keeps the participants of an intervention; interventions sits below it and never
# imports it. Follow-up registers, when the apps are ready (FollowupConfig.ready), a function that tells
# whether an intervention has participants (the kind of such an intervention is fixed) and one that
# counts them for the intervention's page. Without follow-up installed, an intervention has none.

HasParticipants = Callable[[int], bool]
ParticipantCounts = Callable[..., Any]

_has_participants: list[HasParticipants] = []
_participant_counts: list[ParticipantCounts] = []


def register_participant_facts(*, has_participants: HasParticipants, counts: ParticipantCounts) -> None:
    if has_participants not in _has_participants:
        _has_participants.append(has_participants)
    if counts not in _participant_counts:
        _participant_counts.append(counts)


def has_participants(*, intervention_id: int) -> bool:
    return any(check(intervention_id) for check in _has_participants)


def participant_counts(*, user: Actor, intervention_id: int) -> Any | None:
    """The participant counts of an intervention for its page (None when no app keeps participants)."""
    for counts in _participant_counts:
        return counts(user=user, intervention_id=intervention_id)
    return None


# --- for the statistics app --------------------------------------------------------------------------
# What the outcome statistics, the economy and the national report read of the interventions. Not scoped
# by a user: the statistics check the user with `require` (and the förbund against the scope) before they
# ask. Each is one query.


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def intervention_names(*, association_id: int, kind: str) -> list[tuple[int, str]]:
    """(id, name) of the förbund's interventions of one kind, by name. Unscoped: see above."""
    return list(
        Intervention.objects.filter(association_id=association_id, kind=kind)
        .order_by("name")
        .values_list("pk", "name")
    )


def interventions_of_year(
    *, association_ids: Collection[int], year: int, involved: Collection[int] = ()
) -> list[Intervention]:
    """The förbund's interventions of `year`: running during the year, or among `involved` (those with
    money, participants or counts in it), by kind, name and id. Unscoped: see above."""
    first, last = _year_bounds(year)
    running = Q(start__lte=last) & (Q(end__isnull=True) | Q(end__gte=first))
    return list(
        Intervention.objects.filter(association_id__in=association_ids)
        .filter(running | Q(pk__in=involved))
        .order_by("kind", "name", "pk")
    )


def planned_participants(*, association_ids: Collection[int], year: int) -> dict[int, int]:
    """Intervention id → the participants planned for `year`. Unscoped: see above."""
    return dict(
        PlannedParticipants.objects.filter(
            intervention__association_id__in=association_ids, year=year
        ).values_list("intervention_id", "count")
    )


def structural_sums(*, association_ids: Collection[int], year: int) -> dict[int, tuple[int, int]]:
    """Structural intervention id → (people trained, staff reached), summed over the periods that start in
    `year`. Unscoped: see above."""
    first, last = _year_bounds(year)
    rows = (
        StructuralCount.objects.filter(
            intervention__association_id__in=association_ids,
            intervention__kind=InterventionKind.STRUCTURAL,
        )
        .filter(period_start__gte=first, period_start__lte=last)
        .order_by()
        .values("intervention_id")
        .annotate(trained=Sum("people_trained"), reached=Sum("staff_reached"))
    )
    return {row["intervention_id"]: (row["trained"] or 0, row["reached"] or 0) for row in rows}


def interventions_first_start() -> date | None:
    """The first start of an intervention on record."""
    first: date | None = Intervention.objects.aggregate(first=Min("start"))["first"]
    return first


# --- the audit log's words ------------------------------------------------------------------------


def audit_objects(*, refs: Refs) -> Described:
    """The interventions named in audit entries (and those whose counts were written), for the log. One
    query per kind of object."""
    described: Described = {}
    for i in Intervention.objects.filter(pk__in=ids_of(refs, "interventions.intervention")):
        described["interventions.intervention", str(i.pk)] = ObjectText(
            gettext("insatsen {name}").format(name=i.name),
            reverse("interventions:intervention_detail", args=[i.pk]),
        )
    for c in StructuralCount.objects.filter(
        pk__in=ids_of(refs, "interventions.structuralcount")
    ).select_related("intervention"):
        described["interventions.structuralcount", str(c.pk)] = ObjectText(
            gettext("insatsen {name}").format(name=c.intervention.name),
            reverse("interventions:intervention_detail", args=[c.intervention_id]),
        )
    return described
