"""Every read of participants and participations, scoped by the user.

A participant exists only for the participant coordinators assigned to its intervention (in a förbund
where they hold that role); for everyone else it raises Http404. The reads here never decrypt an
identity: that is `services.participant_identity_read`, which writes the audit entry.
Counts for those who may not see participants (association admins, boards) come from `intervention_counts`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404

from finsam.core.access import Actor, require, scope_for
from finsam.core.roles import Capability
from finsam.followup.models import (
    FollowUpAnswer,
    FollowUpQuestion,
    IncomeSourceEntry,
    Participant,
    Participation,
    Sex,
)
from finsam.interventions import selectors as intervention_selectors


def intervention_has_participants(*, intervention_id: int) -> bool:
    """For the interventions app's rules (the kind of an intervention with participants is fixed)."""
    return Participant.objects.filter(intervention_id=intervention_id).exists()


def _participations() -> QuerySet[Participation]:
    return Participation.objects.order_by("start").prefetch_related(
        Prefetch("income_sources", queryset=IncomeSourceEntry.objects.order_by("phase", "source")),
        Prefetch("answers", queryset=FollowUpAnswer.objects.select_related("question")),
    )


def participant_list(
    *, user: Actor, association_id: int, intervention_id: int | None = None
) -> QuerySet[Participant]:
    """Pseudonymous: the rows carry anonymous facts only; the ciphertext is not even loaded."""
    scope = require(user, Capability.PARTICIPANT_VIEW)
    if not scope.allows(association_id):
        raise Http404
    interventions = intervention_selectors.coordinated_interventions(user=user, association_id=association_id)
    participants = Participant.objects.filter(association_id=association_id, intervention__in=interventions)
    if intervention_id is not None:
        participants = participants.filter(intervention_id=intervention_id)
    return (
        participants.defer("identity_ciphertext")
        .annotate(
            ongoing_since=Max("participations__start", filter=Q(participations__exit__isnull=True)),
            last_exit=Max("participations__exit"),
        )
        .select_related("intervention", "consent")
        .prefetch_related(Prefetch("participations", queryset=Participation.objects.order_by("start")))
        .order_by("-id")
    )


def participant_get(
    *, user: Actor, participant_id: int, capability: Capability = Capability.PARTICIPANT_VIEW
) -> Participant:
    require(user, capability)
    interventions = intervention_selectors.coordinated_interventions(user=user)
    participant = (
        Participant.objects.filter(pk=participant_id, intervention__in=interventions)
        .select_related("intervention", "association", "consent")
        .prefetch_related(Prefetch("participations", queryset=_participations()))
        .first()
    )
    if participant is None:
        raise Http404
    return participant


def participation_get(
    *, user: Actor, participation_id: int, capability: Capability = Capability.PARTICIPANT_VIEW
) -> Participation:
    require(user, capability)
    interventions = intervention_selectors.coordinated_interventions(user=user)
    participation = (
        _participations()
        .filter(pk=participation_id, intervention__in=interventions)
        .select_related("participant", "intervention", "association")
        .first()
    )
    if participation is None:
        raise Http404
    return participation


def question_list(
    *, user: Actor, association_id: int, point: str | None = None, active_only: bool = False
) -> QuerySet[FollowUpQuestion]:
    """The förbund's follow-up questions: for its admins (to manage) and coordinators (to ask).
    `point` ("exit" or "later") keeps the active questions asked then."""
    managing = scope_for(user, Capability.FOLLOWUP_QUESTIONS_EDIT)
    asking = scope_for(user, Capability.PARTICIPANT_EDIT)
    if managing.empty and asking.empty:
        raise PermissionDenied
    if not (managing.allows(association_id) or asking.allows(association_id)):
        raise Http404
    questions = FollowUpQuestion.objects.filter(association_id=association_id)
    if point is not None:
        questions = questions.filter(active=True, asked_at__in=[point, "both"])
    elif active_only:
        questions = questions.filter(active=True)
    return questions.order_by("position", "id")


def question_get(*, user: Actor, question_id: int) -> FollowUpQuestion:
    scope = require(user, Capability.FOLLOWUP_QUESTIONS_EDIT)
    question = FollowUpQuestion.objects.filter(pk=question_id).select_related("association").first()
    if question is None or not scope.allows(question.association_id):
        raise Http404
    return question


@dataclass(frozen=True)
class InterventionCounts:
    """Counts of participations in one intervention; "registered by mistake" is left out."""

    participants: int
    started: int
    ongoing: int
    exited: int
    women: int
    men: int


def intervention_counts(*, user: Actor, intervention_id: int) -> InterventionCounts:
    """For everyone who may see the intervention: counts only, one query, no person."""
    intervention_selectors.intervention_get(user=user, intervention_id=intervention_id)
    row = (
        Participation.objects.for_statistics()
        .filter(intervention_id=intervention_id)
        .aggregate(
            participants=Count("participant", distinct=True),
            started=Count("id"),
            ongoing=Count("id", filter=Q(exit__isnull=True)),
            exited=Count("id", filter=Q(exit__isnull=False)),
            women=Count("participant", distinct=True, filter=Q(participant__sex=Sex.WOMAN)),
            men=Count("participant", distinct=True, filter=Q(participant__sex=Sex.MAN)),
        )
    )
    return InterventionCounts(**{key: value or 0 for key, value in row.items()})
