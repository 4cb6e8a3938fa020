"""Every read of interventions, scoped by the user (objects outside the scope raise Http404).

The followup app asks here which interventions a user coordinates: that assignment, together with the
participant_coordinator role in the same förbund, is what opens participants and their identities.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from finsam.core.access import Actor, is_system, require, scope_for
from finsam.core.roles import Capability, Role
from finsam.interventions.models import Intervention, InterventionKind, StructuralCount
from finsam.registry.models import Member


def _with_details(interventions: QuerySet[Intervention]) -> QuerySet[Intervention]:
    members = Member.objects.select_related("region", "municipality").order_by("kind", "id")
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
    """Users who may be assigned as coordinators: those holding the participant_coordinator role there."""
    scope = require(user, Capability.INTERVENTION_VIEW)
    if not scope.allows(association_id):
        raise Http404
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            role_assignments__role=Role.PARTICIPANT_COORDINATOR,
            role_assignments__association_id=association_id,
        )
        .distinct()
        .order_by("username")
    )


def structural_counts(*, user: Actor, intervention_id: int) -> QuerySet[StructuralCount]:
    intervention_get(user=user, intervention_id=intervention_id)
    return StructuralCount.objects.filter(intervention_id=intervention_id).order_by("period_start")
