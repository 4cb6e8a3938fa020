"""Governance endpoints of the API (DESIGN §5): meetings checked against R-SAMRAD, their minutes, and
the annual cycle of obligations. Thin: reads through `selectors`, writes through `services`; a broken
rule comes back as 400 with its rule code (R-SAMRAD-1, R-SAMRAD-3, R-SAMRAD-4, R-MINUTES-LOCKED …).
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.params.functions import Path
from pydantic import ConfigDict

from finsam.core.decorators import api_operation
from finsam.core.errors import Violation, raise_if_any
from finsam.core.roles import Capability
from finsam.governance import selectors, services
from finsam.governance.models import Meeting, MeetingKind

router = Router(tags=["governance"])

MAX_ID = 2**63 - 1
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1F\x7F]*$"
TEXT = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$"  # free text: newlines and tabs allowed

AssociationId = Annotated[int, Path(ge=1, le=MAX_ID, description="Förbundets id.")]
MeetingId = Annotated[int, Path(ge=1, le=MAX_ID, description="Mötets id.")]
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2199, 12, 31), description="ÅÅÅÅ-MM-DD.")]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


# --- shapes -------------------------------------------------------------------------------------


class ParticipantIn(Schema):
    person: Id = Field(description="Personens id i registret.")
    capacity: str = Field(
        min_length=1,
        max_length=32,
        pattern=NO_CONTROL_CHARACTERS,
        description="member_representative, chair, board_member, director eller other.",
    )
    member: Id | None = Field(default=None, description="Den medlem en medlemsrepresentant företräder.")
    association: Id | None = Field(
        default=None, description="Det förbund en ordförande, ledamot eller chef kommer från."
    )
    attended: bool | None = Field(default=None, description="Närvaro; tomt före mötet.")
    adjuster: bool = Field(default=False, description="Justerare av protokollet.")


class AgendaItemIn(Schema):
    title: str = Field(min_length=1, max_length=300, pattern=NO_CONTROL_CHARACTERS)
    samrad_point: int | None = Field(
        default=None, ge=1, le=5, description="Rekommendationens punkt (R-SAMRAD-6)."
    )


class MeetingIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "member_consultation",
                    "associations": [1],
                    "date": "2026-04-20",
                    "convener": 12,
                    "participants": [{"person": 12, "capacity": "member_representative", "member": 3}],
                }
            ]
        }
    )

    kind: str = Field(
        min_length=1,
        max_length=32,
        pattern=NO_CONTROL_CHARACTERS,
        description="board_meeting, member_consultation, national_council eller working_group.",
    )
    consultation_kind: str | None = Field(
        default=None,
        max_length=16,
        pattern=NO_CONTROL_CHARACTERS,
        description="annual (standard för medlemssamråd) eller budget.",
    )
    associations: list[Id] = Field(
        default_factory=list, max_length=100, description="Förbundens id (R-SAMRAD-3)."
    )
    date: Day
    start_time: time | None = None
    title: str = Field(default="", max_length=200, pattern=NO_CONTROL_CHARACTERS)
    place: str = Field(default="", max_length=200, pattern=NO_CONTROL_CHARACTERS)
    online_link: str = Field(default="", max_length=500, pattern=NO_CONTROL_CHARACTERS)
    convener: Id | None = Field(
        default=None, description="Sammankallande: en person som en medlem utsett (R-SAMRAD-4)."
    )
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=300)
    agenda: list[AgendaItemIn] | None = Field(
        default=None,
        max_length=60,
        description="Dagordningen; utelämnad: rekommendationens fem punkter för ett medlemssamråd "
        "(R-SAMRAD-6), oförändrad vid ändring.",
    )
    documents: list[Id] = Field(default_factory=list, max_length=100, description="Underlagens id.")


class MeetingUpdateIn(MeetingIn):
    version: int = Field(
        ge=1,
        le=2**31 - 1,
        description="Versionen du utgår från (mötets `version`). Har någon annan sparat sedan: "
        "409 R-CONFLICT.",
    )


class Ref(Schema):
    id: int
    name: str


class ParticipantOut(Schema):
    id: int
    person: Ref
    capacity: str
    member: Ref | None
    association: Ref | None
    attended: bool | None
    adjuster: bool


class AgendaItemOut(Schema):
    position: int
    title: str
    samrad_point: int | None
    notes: str


class DecisionOut(Schema):
    position: int
    text: str
    r_info: bool = Field(description="Markerat för medlemmarna (R-INFO, 18 §).")
    agenda_position: int | None


class WarningOut(Schema):
    code: str
    message: str
    field: str | None = None


class MinutesOut(Schema):
    status: str = Field(description="draft, checked eller locked.")
    version: int
    checked: str | None
    locked: str | None


class MeetingOut(Schema):
    id: int
    kind: str
    consultation_kind: str
    title: str
    date: date
    start_time: time | None
    place: str
    online_link: str
    associations: list[Ref]
    convener: Ref | None
    participants: list[ParticipantOut]
    agenda: list[AgendaItemOut]
    decisions: list[DecisionOut]
    documents: list[int]
    warnings: list[WarningOut] = Field(
        description="R-SAMRAD-punkter 2, 5 och 6 som inte följs (sparas med mötet). Meddelandet följer "
        "Accept-Language som felmeddelandena."
    )
    minutes: MinutesOut | None
    version: int


class MeetingSummaryOut(Schema):
    id: int
    kind: str
    title: str
    date: date
    associations: list[Ref]
    minutes_status: str | None
    warnings: int


class NoteIn(Schema):
    position: int = Field(ge=1, le=60, description="Dagordningspunktens nummer.")
    text: str = Field(max_length=20_000, pattern=TEXT)


class DecisionIn(Schema):
    text: str = Field(min_length=1, max_length=20_000, pattern=TEXT)
    r_info: bool = False
    agenda_position: int | None = Field(default=None, ge=1, le=60)


class MinutesIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "notes": [{"position": 1, "text": "Förbundschefen redovisade resultatet."}],
                    "decisions": [
                        {"text": "Verksamhetsplanen fastställs.", "r_info": True, "agenda_position": 1}
                    ],
                }
            ]
        }
    )

    notes: list[NoteIn] = Field(default_factory=list, max_length=60)
    decisions: list[DecisionIn] = Field(default_factory=list, max_length=200)
    version: int = Field(
        ge=1,
        le=2**31 - 1,
        description="Protokollets version du utgår från (1 när protokollet skrivs första gången). Har någon "
        "annan sparat sedan: 409 R-CONFLICT.",
    )


class ObligationOut(Schema):
    code: str = Field(
        description="board, annual_report, national_report, audit_report, member_consultation, "
        "discharge, budget_consultation eller budget_adoption."
    )
    rule: str
    title: str
    due: date
    status: str = Field(description="done, due, overdue eller not_applicable.")
    status_label: str
    done_on: date | None
    late: bool
    detail: str
    member: Ref | None = Field(description="För revisionsberättelse och ansvarsfrihet: medlemmen (R-AUDIT).")


class CycleOut(Schema):
    association: Ref
    year: int
    day: date
    obligations: list[ObligationOut]


class YearQuery(Schema):
    year: int | None = Field(default=None, ge=2000, le=2199, description="Årscykelns år; standard i år.")


# --- helpers --------------------------------------------------------------------------------------


def _ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def meeting_out(detail: selectors.MeetingDetail) -> dict[str, Any]:
    meeting = detail.meeting
    positions = {item.pk: item.position for item in detail.agenda}
    minutes = detail.minutes
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "consultation_kind": meeting.consultation_kind,
        "title": meeting.title,
        "date": meeting.date,
        "start_time": meeting.start_time,
        "place": meeting.place,
        "online_link": meeting.online_link,
        "associations": [_ref(a) for a in detail.associations],
        "convener": _ref(meeting.convener),
        "participants": [
            {
                "id": p.pk,
                "person": _ref(p.person),
                "capacity": p.capacity,
                "member": _ref(p.member),
                "association": _ref(p.association),
                "attended": p.attended,
                "adjuster": p.adjuster,
            }
            for p in detail.participants
        ],
        "agenda": [
            {"position": i.position, "title": i.title, "samrad_point": i.samrad_point, "notes": i.notes}
            for i in detail.agenda
        ],
        "decisions": [
            {
                "position": d.position,
                "text": d.text,
                "r_info": d.r_info,
                "agenda_position": positions.get(d.agenda_item_id) if d.agenda_item_id else None,
            }
            for d in detail.decisions
        ],
        "documents": [d.pk for d in detail.documents],
        "warnings": meeting.warnings_here(),
        "minutes": None
        if minutes is None
        else {
            "status": minutes.status,
            "version": minutes.version,
            "checked": minutes.checked.isoformat() if minutes.checked else None,
            "locked": minutes.locked.isoformat() if minutes.locked else None,
        },
        "version": meeting.version,
    }


def _arguments(request: HttpRequest, payload: MeetingIn) -> dict[str, Any]:
    """The service's arguments from the body. Förbund outside the user's record do not exist for them
    (404); unknown people, members and documents are bad input (400)."""
    user = request.user
    editable = {
        a.pk: a for a in selectors.editable_associations(user=user).filter(pk__in=payload.associations)
    }
    if any(i not in editable for i in payload.associations):
        raise Http404
    associations = [editable[i] for i in payload.associations]
    person_ids = {p.person for p in payload.participants} | (
        {payload.convener} if payload.convener else set()
    )
    people = selectors.person_choices(user=user).filter(pk__in=person_ids).in_bulk()
    members = (
        selectors.member_choices(user=user)
        .filter(pk__in={p.member for p in payload.participants if p.member})
        .in_bulk()
    )
    documents = selectors.document_choices(user=user).filter(pk__in=payload.documents).in_bulk()
    violations: list[Violation] = []
    if payload.convener is not None and payload.convener not in people:
        violations.append(Violation("R-INPUT", _("Det finns ingen sådan person."), "convener"))
    participants = []
    for index, p in enumerate(payload.participants):
        if p.person not in people:
            violations.append(
                Violation("R-INPUT", _("Det finns ingen sådan person."), f"participants[{index}].person")
            )
            continue
        if p.member is not None and p.member not in members:
            violations.append(
                Violation(
                    "R-SAMRAD-1", _("Medlemmen finns inte i förbunden."), f"participants[{index}].member"
                )
            )
            continue
        association = None
        if p.association is not None:
            association = editable.get(p.association)
            if association is None:
                violations.append(
                    Violation(
                        "R-INPUT",
                        _("Förbundet hör inte till mötets förbund."),
                        f"participants[{index}].association",
                    )
                )
                continue
        participants.append(
            services.ParticipantInput(
                person=people[p.person],
                capacity=p.capacity,
                member=members.get(p.member) if p.member else None,
                association=association,
                attended=p.attended,
                adjuster=p.adjuster,
            )
        )
    if any(i not in documents for i in payload.documents):
        violations.append(Violation("R-INPUT", _("Det finns inget sådant dokument."), "documents"))
    raise_if_any(violations)
    consultation_kind = payload.consultation_kind
    if consultation_kind is None:
        consultation_kind = "annual" if payload.kind == MeetingKind.MEMBER_CONSULTATION else ""
    return {
        "kind": payload.kind,
        "consultation_kind": consultation_kind,
        "date": payload.date,
        "associations": associations,
        "title": payload.title,
        "start_time": payload.start_time,
        "place": payload.place,
        "online_link": payload.online_link,
        "convener": people.get(payload.convener) if payload.convener else None,
        "participants": participants,
        "agenda": None
        if payload.agenda is None
        else [services.AgendaInput(a.title, a.samrad_point) for a in payload.agenda],
        "documents": [documents[i] for i in payload.documents],
    }


def _detail(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    return meeting_out(selectors.meeting_detail(user=request.user, meeting_id=meeting.pk))


# --- operations -----------------------------------------------------------------------------------


@api_operation(
    router,
    "post",
    "/meetings",
    need=Capability.GOVERNANCE_EDIT,
    scoped="associations",
    response={201: MeetingOut},
    summary="Registrera ett möte eller medlemssamråd",
    description="R-SAMRAD: varje medlem företräds av en person som inte sitter i förbundets styrelse "
    "(R-SAMRAD-1), ett samråd omfattar ett eller flera förbund (R-SAMRAD-3) och sammankallande är en person "
    "som en medlem har utsett (R-SAMRAD-4); annars 400 med regelkoden. Punkterna 2, 5 och 6 ger varningar "
    "som sparas med mötet (`warnings`). Ett styrelsemöte hör till ett förbund (R-MEETING).",
)
def meeting_create(request: HttpRequest, payload: MeetingIn) -> tuple[int, dict[str, Any]]:
    meeting = services.meeting_create(actor=request.user, **_arguments(request, payload))
    return 201, _detail(request, meeting)


@api_operation(
    router,
    "get",
    "/meetings/{meeting_id}",
    need=Capability.GOVERNANCE_VIEW,
    scoped="meeting_id",
    response=MeetingOut,
    summary="Ett möte med deltagare, dagordning, beslut, varningar och protokollets status",
)
def meeting_detail(request: HttpRequest, meeting_id: MeetingId) -> dict[str, Any]:
    return meeting_out(selectors.meeting_detail(user=request.user, meeting_id=meeting_id))


@api_operation(
    router,
    "put",
    "/meetings/{meeting_id}",
    need=Capability.GOVERNANCE_EDIT,
    scoped="meeting_id",
    response=MeetingOut,
    summary="Ändra ett möte",
    description="Samma kontroller som vid registrering. Under ett låst protokoll: 400 R-MINUTES-LOCKED. "
    "Ett justerat protokoll blir utkast igen.",
)
def meeting_update(request: HttpRequest, meeting_id: MeetingId, payload: MeetingUpdateIn) -> dict[str, Any]:
    meeting = selectors.meeting_get(
        user=request.user, meeting_id=meeting_id, capability=Capability.GOVERNANCE_EDIT
    )
    arguments = _arguments(request, payload)
    saved = services.meeting_update(actor=request.user, meeting=meeting, version=payload.version, **arguments)
    return _detail(request, saved)


@api_operation(
    router,
    "put",
    "/meetings/{meeting_id}/minutes",
    need=Capability.GOVERNANCE_EDIT,
    scoped="meeting_id",
    response=MeetingOut,
    summary="Skriv protokollet",
    description="Anteckningar per dagordningspunkt och besluten (ersätter tidigare beslut); `r_info` "
    "markerar ett beslut för medlemmarna (R-INFO). Låst protokoll: 400 R-MINUTES-LOCKED.",
)
def minutes_update(request: HttpRequest, meeting_id: MeetingId, payload: MinutesIn) -> dict[str, Any]:
    meeting = selectors.meeting_get(
        user=request.user, meeting_id=meeting_id, capability=Capability.GOVERNANCE_EDIT
    )
    notes: dict[int, str] = {}
    for note in payload.notes:
        if note.position in notes:
            raise_if_any([Violation("R-INPUT", _("En anteckning per punkt."), f"notes[{note.position}]")])
        notes[note.position] = note.text
    services.minutes_update(
        actor=request.user,
        meeting=meeting,
        notes=notes,
        decisions=[services.DecisionInput(d.text, d.r_info, d.agenda_position) for d in payload.decisions],
        version=payload.version,
    )
    return _detail(request, meeting)


@api_operation(
    router,
    "get",
    "/associations/{association_id}/meetings",
    need=Capability.GOVERNANCE_VIEW,
    scoped="association_id",
    response=list[MeetingSummaryOut],
    summary="Förbundets möten (medlemsrepresentanter: medlemssamråden)",
)
def association_meetings(request: HttpRequest, association_id: AssociationId) -> list[dict[str, Any]]:
    return [
        {
            "id": m.pk,
            "kind": m.kind,
            "title": m.title,
            "date": m.date,
            "associations": [_ref(a) for a in m.associations.all()],
            "minutes_status": getattr(getattr(m, "minutes", None), "status", None),
            "warnings": len(m.warnings),
        }
        for m in selectors.meeting_list(user=request.user, association_id=association_id)[:500]
    ]


@api_operation(
    router,
    "get",
    "/associations/{association_id}/obligations",
    need=Capability.GOVERNANCE_VIEW,
    scoped="association_id",
    response=CycleOut,
    summary="Årscykeln: varje skyldighet med sista dag och status",
    description="R-BUDGET (budgetsamråd och fastställd budget senast 30 november), R-ANNUAL "
    "(årsredovisning senast 31 mars), R-AUDIT (revisionsberättelse och ansvarsfrihet per medlem), "
    "R-SAMRAD-5 (medlemssamråd under våren), R-BOARD (styrelseplatser för varje medlem) och den nationella "
    "rapporten. Status: done, due, overdue eller not_applicable.",
)
def obligations(
    request: HttpRequest, association_id: AssociationId, query: Query[YearQuery]
) -> dict[str, Any]:
    year = query.year or selectors.today().year
    cycle = selectors.annual_cycle(user=request.user, association_id=association_id, year=year)
    return {
        "association": _ref(cycle.association),
        "year": cycle.year,
        "day": cycle.day,
        "obligations": [
            {
                "code": str(row.obligation),
                "rule": row.rule,
                "title": row.title,
                "due": row.due,
                "status": str(row.status),
                "status_label": row.status_label,
                "done_on": row.done_on,
                "late": row.late,
                "detail": row.detail,
                "member": None if row.member_id is None else {"id": row.member_id, "name": row.member_name},
            }
            for row in cycle.rows
        ],
    }
