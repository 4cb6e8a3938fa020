"""Every read of the council, scoped by the user: its organisations and representatives and its
published and withdrawn recommendations for every signed-in user; drafts for the working group
(COUNCIL_EDIT) only. The meetings are governance's, read through its selectors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from finsam.core.access import Actor, has_capability
from finsam.core.roles import Capability
from finsam.governance import selectors as governance_selectors
from finsam.national.council.models import CouncilOrganisation, CouncilRepresentative, Recommendation
from finsam.national.council.schemas import Body, RecommendationStatus

EDIT = Capability.COUNCIL_EDIT


def _signed_in(user: Actor) -> None:
    if not user.is_authenticated and not getattr(user, "is_system", False):
        raise PermissionDenied


def can_edit(*, user: Actor) -> bool:
    return has_capability(user, EDIT)


def organisations(*, user: Actor) -> QuerySet[CouncilOrganisation]:
    _signed_in(user)
    return CouncilOrganisation.objects.order_by("name")


@dataclass
class BodyMembers:
    body: Body
    current: list[CouncilRepresentative]
    past: list[CouncilRepresentative]


def representatives(*, user: Actor, day: date | None = None) -> list[BodyMembers]:
    """The council's and the working group's representatives on `day` (current) and before (past)."""
    _signed_in(user)
    day = day or timezone.localdate()
    rows = CouncilRepresentative.objects.select_related("organisation").order_by("body", "start", "name")
    result = {body: BodyMembers(body=body, current=[], past=[]) for body in Body}
    role_order = ["chair", "vice_chair", "member", "deputy", "secretary"]
    for row in rows:
        group = result[Body(row.body)]
        if row.end is not None and row.end < day:
            group.past.append(row)
        elif row.start <= day:
            group.current.append(row)
    for group in result.values():
        group.current.sort(key=lambda r: (role_order.index(r.role), r.organisation.name, r.name))
        group.past.sort(key=lambda r: r.end or day, reverse=True)
    return list(result.values())


def representative_get(*, user: Actor, council_representative_id: int) -> CouncilRepresentative:
    if not can_edit(user=user):
        raise PermissionDenied
    row = CouncilRepresentative.objects.filter(pk=council_representative_id).first()
    if row is None:
        raise Http404
    return row


def _visible(user: Actor) -> QuerySet[Recommendation]:
    _signed_in(user)
    recommendations = Recommendation.objects.all()
    if not can_edit(user=user):
        recommendations = recommendations.exclude(status=RecommendationStatus.DRAFT)
    return recommendations


def recommendation_list(*, user: Actor) -> QuerySet[Recommendation]:
    """Published first, then withdrawn, then (for the working group) drafts; newest first within each."""
    order = Case(
        When(status=RecommendationStatus.PUBLISHED, then=Value(0)),
        When(status=RecommendationStatus.WITHDRAWN, then=Value(1)),
        default=Value(2),
    )
    return _visible(user).order_by(order, "-date", "-id")


def recommendation_get(*, user: Actor, recommendation_id: int) -> Recommendation:
    recommendation = _visible(user).filter(pk=recommendation_id).first()
    if recommendation is None:
        raise Http404
    return recommendation


def meetings(*, user: Actor) -> tuple[Any, bool]:
    """The council's and working group's meetings from governance, and whether the user may open them."""
    _signed_in(user)
    return (
        governance_selectors.national_meeting_list(user=user),
        governance_selectors.can_open_national_meetings(user=user),
    )
