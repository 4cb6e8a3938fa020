"""The conferences in the API: the list and one conference for every signed-in user, and registration
for a förbund's users (400 with the rule code after the closing date or when already registered)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.params.functions import Path

from finsam.core.decorators import AUTHENTICATED, api_operation
from finsam.core.roles import Capability
from finsam.national.conferences import selectors, services
from finsam.national.conferences.models import Conference, Registration

router = Router(tags=["conferences"])

MAX_ID = 2**63 - 1
ConferenceId = Annotated[int, Path(ge=1, le=MAX_ID, description="Konferensens id.")]


class RegistrationOut(Schema):
    status: str = Field(description="confirmed (plats) eller waiting (väntelistan).")
    position: int | None = Field(description="Platsen på väntelistan; tomt med plats.")
    association: int = Field(description="Förbundet personen kommer från.")


class ConferenceOut(Schema):
    id: int
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    confirmed: int
    waiting: int
    registration_closes: date
    published: bool
    cancelled: bool
    programme: str = Field(description="Programmet i Markdown.")
    registration: RegistrationOut | None = Field(description="Den egna anmälan, om någon.")


class RegistrationIn(Schema):
    association: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="Förbundet du kommer från; behövs bara om du har roller i flera förbund.",
    )


def _registration(registration: Registration | None) -> dict[str, Any] | None:
    if registration is None:
        return None
    return {
        "status": registration.status,
        "position": selectors.waiting_position(registration=registration),
        "association": registration.association_id,
    }


def _conference(
    conference: Conference, confirmed: int, waiting: int, own: Registration | None
) -> dict[str, Any]:
    return {
        "id": conference.pk,
        "title": conference.title,
        "place": conference.place,
        "starts_at": conference.starts_at,
        "ends_at": conference.ends_at,
        "capacity": conference.capacity,
        "confirmed": confirmed,
        "waiting": waiting,
        "registration_closes": conference.registration_closes,
        "published": conference.published,
        "cancelled": conference.cancelled,
        "programme": conference.programme,
        "registration": _registration(own),
    }


@api_operation(
    router,
    "get",
    "/conferences",
    need=AUTHENTICATED,
    response=list[ConferenceOut],
    summary="Kommande konferenser",
)
def conference_list(request: HttpRequest) -> list[dict[str, Any]]:
    conferences = list(selectors.conference_list(user=request.user))
    user_id: Any = request.user.pk
    own = {
        r.conference_id: r
        for r in Registration.objects.filter(
            conference__in=conferences, user_id=user_id, status__in=selectors.ACTIVE
        )
    }
    return [
        _conference(c, c.confirmed_count, c.waiting_count, own.get(c.pk))  # type: ignore[attr-defined]
        for c in conferences
    ]


@api_operation(
    router,
    "get",
    "/conferences/{conference_id}",
    need=AUTHENTICATED,
    response=ConferenceOut,
    summary="En konferens med antal anmälda och den egna anmälan",
)
def conference_detail(request: HttpRequest, conference_id: ConferenceId) -> dict[str, Any]:
    detail = selectors.conference_detail(user=request.user, conference_id=conference_id)
    return _conference(detail.conference, detail.confirmed, detail.waiting, detail.own)


@api_operation(
    router,
    "post",
    "/conferences/{conference_id}/registration",
    need=Capability.CONFERENCE_REGISTER,
    response={201: RegistrationOut},
    summary="Anmäl dig till en konferens",
    description="En plats om det finns någon, annars väntelistan. 400 med R-CONFERENCE-CLOSED efter sista "
    "anmälningsdag, R-CONFERENCE-TWICE för den som redan är anmäld och R-CONFERENCE-NOT-OPEN för en "
    "inställd konferens; inget sparas då.",
)
def conference_register(
    request: HttpRequest, conference_id: ConferenceId, payload: RegistrationIn
) -> tuple[int, dict[str, Any] | None]:
    conference = selectors.conference_get(user=request.user, conference_id=conference_id)
    registration = services.registration_create(
        actor=request.user, conference=conference, association_id=payload.association
    )
    return 201, _registration(registration)
