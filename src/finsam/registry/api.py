"""Registry endpoints of the API (DESIGN §5 shapes). Thin: reads through `selectors`, writes through
`services`; a broken rule comes back as 400 with its rule code (see finsam.api)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.params.functions import Path
from pydantic import ConfigDict

from finsam.core.access import Actor
from finsam.core.decorators import api_operation
from finsam.core.errors import RuleViolation, Violation, raise_if_any
from finsam.core.roles import Capability
from finsam.registry import selectors, services
from finsam.registry.models import Association, BoardSeat, Member

router = Router(tags=["registry"])

# Input bounds: what the database can hold and what makes sense for a förbund. Anything outside them is
# refused as R-INPUT before a service is called.
MAX_ID = 2**63 - 1
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1F\x7F]*$"
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)

AssociationId = Annotated[int, Path(ge=1, le=MAX_ID, description="Förbundets id.")]
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY, description="ÅÅÅÅ-MM-DD, år 1900–2199.")]


# --- shapes -------------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    kind: str = Field(description="fk, af, region eller municipality.")
    code: str = Field(description="Läns- eller kommunkod; FK respektive AF för de statliga parterna.")
    name: str


class MemberDetailOut(MemberOut):
    joined: date
    left: date | None


class AssociationOut(Schema):
    id: int
    name: str
    members: list[MemberOut]


class MunicipalityRef(Schema):
    code: str
    name: str


class AssociationDetailOut(Schema):
    id: int
    name: str
    org_number: str
    seat: MunicipalityRef
    founded: date
    dissolved: date | None
    valid: bool = Field(
        description="R-MEMBERS i dag: FK, AF, minst en region och minst en kommun är medlemmar."
    )
    missing_kinds: list[str] = Field(description="De parter som saknas för att förbundet ska vara giltigt.")
    members: list[MemberDetailOut] = Field(description="Alla medlemmar, även tidigare.")
    version: int = Field(description="Ändras vid varje sparad ändring av förbundets uppgifter.")


class PersonRef(Schema):
    id: int
    name: str


class MemberRef(Schema):
    id: int
    kind: str


class BoardSeatOut(Schema):
    id: int
    person: PersonRef
    member: MemberRef
    role: str = Field(description="member (ledamot) eller deputy (ersättare).")
    chair: bool
    vice_chair: bool
    start: date
    end: date


class AssociationIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Samordningsförbundet Exempel",
                    "org_number": "222000-9993",
                    "seat": "2418",
                    "founded": "2024-01-01",
                }
            ]
        }
    )

    name: str = Field(min_length=1, max_length=200, pattern=NO_CONTROL_CHARACTERS)
    org_number: str = Field(
        min_length=1,
        max_length=20,
        pattern=NO_CONTROL_CHARACTERS,
        description="Organisationsnummer, NNNNNN-NNNN.",
    )
    seat: str = Field(pattern=r"^[0-9]{4}$", description="Kommunkoden för förbundets säte.")
    founded: Day


class MemberIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"kind": "municipality", "municipality": "2418", "joined": "2024-01-01"}]
        }
    )

    kind: str = Field(
        min_length=1,
        max_length=32,
        pattern=NO_CONTROL_CHARACTERS,
        description="fk, af, region eller municipality.",
    )
    joined: Day
    left: Day | None = None
    region: str | None = Field(default=None, pattern=r"^[0-9]{2}$", description="Länskod, för en region.")
    municipality: str | None = Field(
        default=None, pattern=r"^[0-9]{4}$", description="Kommunkod, för en kommun."
    )


class BoardSeatIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"person": 1, "member": 1, "role": "member", "start": "2025-01-01", "end": "2026-12-31"}
            ]
        }
    )

    person: int = Field(
        ge=1, le=MAX_ID, description="Personens id (en person som förbundet har registrerat)."
    )
    member: int = Field(ge=1, le=MAX_ID, description="Id för den medlem som utser platsen.")
    role: str = Field(
        min_length=1,
        max_length=32,
        pattern=NO_CONTROL_CHARACTERS,
        description="member (ledamot) eller deputy (ersättare).",
    )
    start: Day
    end: Day
    chair: bool = False
    vice_chair: bool = False


def _member(member: Member) -> dict[str, Any]:
    return {"id": member.pk, "kind": member.kind, "code": member.code, "name": member.name}


def _member_detail(member: Member) -> dict[str, Any]:
    return {**_member(member), "joined": member.joined, "left": member.left}


def _seat(seat: BoardSeat) -> dict[str, Any]:
    return {
        "id": seat.pk,
        "person": {"id": seat.person_id, "name": seat.person.name},
        "member": {"id": seat.member_id, "kind": seat.member.kind},
        "role": seat.role,
        "chair": seat.chair,
        "vice_chair": seat.vice_chair,
        "start": seat.start,
        "end": seat.end,
    }


def _association_detail(user: Actor, association: Association) -> dict[str, Any]:
    status = selectors.association_status(user=user, association_id=association.pk)
    members = selectors.member_list(user=user, association_id=association.pk).order_by(
        "kind", "region__code", "municipality__code", "joined"
    )
    return {
        "id": association.pk,
        "name": association.name,
        "org_number": association.org_number,
        "seat": {"code": association.seat.code, "name": association.seat.name},
        "founded": association.founded,
        "dissolved": association.dissolved,
        "valid": status.valid,
        "missing_kinds": status.missing_kinds,
        "members": [_member_detail(m) for m in members],
        "version": association.version,
    }


# --- reads --------------------------------------------------------------------------------------


@api_operation(
    router,
    "get",
    "/associations",
    need=Capability.REGISTRY_VIEW,
    response=list[AssociationOut],
    summary="Förbund som användaren får se",
)
def association_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": a.id,
            "name": a.name,
            "members": [{"id": m.id, "kind": m.kind, "code": m.code, "name": m.name} for m in a.members],
        }
        for a in selectors.association_overview(user=request.user)
    ]


@api_operation(
    router,
    "get",
    "/associations/{association_id}",
    need=Capability.REGISTRY_VIEW,
    scoped="association_id",
    response=AssociationDetailOut,
    summary="Ett förbund med medlemmar och giltighet (R-MEMBERS)",
)
def association_detail(request: HttpRequest, association_id: AssociationId) -> dict[str, Any]:
    association = selectors.association_get(user=request.user, association_id=association_id)
    return _association_detail(request.user, association)


@api_operation(
    router,
    "get",
    "/associations/{association_id}/members",
    need=Capability.REGISTRY_VIEW,
    scoped="association_id",
    response=list[MemberDetailOut],
    summary="Förbundets medlemmar, med inträde och utträde",
)
def association_members(request: HttpRequest, association_id: AssociationId) -> list[dict[str, Any]]:
    members = selectors.member_list(user=request.user, association_id=association_id).order_by(
        "kind", "region__code", "municipality__code", "joined"
    )
    return [_member_detail(m) for m in members]


@api_operation(
    router,
    "get",
    "/associations/{association_id}/board",
    need=Capability.REGISTRY_VIEW,
    scoped="association_id",
    response=list[BoardSeatOut],
    summary="Styrelsen",
)
def association_board(request: HttpRequest, association_id: AssociationId) -> list[dict[str, Any]]:
    return [_seat(s) for s in selectors.board_list(user=request.user, association_id=association_id)]


# --- writes -------------------------------------------------------------------------------------


@api_operation(
    router,
    "post",
    "/associations",
    need=Capability.ASSOCIATION_CREATE,
    response={201: AssociationDetailOut},
    summary="Registrera ett förbund",
    description="Endast den nationella arbetsgruppen. Medlemmar och styrelse läggs till efteråt.",
)
def association_create(request: HttpRequest, payload: AssociationIn) -> tuple[int, dict[str, Any]]:
    seat = selectors.municipality_list(user=request.user).filter(code=payload.seat).first()
    if seat is None:
        raise RuleViolation("R-INPUT", _("Det finns ingen kommun med den koden."), "seat")
    association = services.association_create(
        actor=request.user,
        name=payload.name,
        org_number=payload.org_number,
        seat=seat,
        founded=payload.founded,
    )
    return 201, _association_detail(request.user, association)


@api_operation(
    router,
    "post",
    "/associations/{association_id}/members",
    need=Capability.REGISTRY_EDIT,
    scoped="association_id",
    response={201: MemberDetailOut},
    summary="Lägg till en medlem",
    description="Regler: R-PARTY (en av de fyra parterna), R-MEMBERS (en part är medlem en gång i taget), "
    "R-DATES (utträde efter inträde, inträde efter bildandet).",
)
def member_create(
    request: HttpRequest, association_id: AssociationId, payload: MemberIn
) -> tuple[int, dict[str, Any]]:
    association = selectors.association_get(
        user=request.user, association_id=association_id, capability=Capability.REGISTRY_EDIT
    )
    violations: list[Violation] = []
    region = municipality = None
    if payload.region is not None:
        region = selectors.region_list().filter(code=payload.region).first()
        if region is None:
            violations.append(Violation("R-PARTY", _("Det finns ingen region med den länskoden."), "region"))
    if payload.municipality is not None:
        municipality = (
            selectors.municipality_list(user=request.user).filter(code=payload.municipality).first()
        )
        if municipality is None:
            violations.append(
                Violation("R-PARTY", _("Det finns ingen kommun med den koden."), "municipality")
            )
    raise_if_any(violations)
    member = services.member_add(
        actor=request.user,
        association=association,
        kind=payload.kind,
        joined=payload.joined,
        left=payload.left,
        region=region,
        municipality=municipality,
    )
    return 201, _member_detail(member)


@api_operation(
    router,
    "post",
    "/associations/{association_id}/board",
    need=Capability.REGISTRY_EDIT,
    scoped="association_id",
    response={201: BoardSeatOut},
    summary="Tillsätt en styrelseplats",
    description="Regler: R-BOARD (mandat högst fyra år, inom den utseende partens medlemskap, en plats per "
    "person och period, en ordförande och en vice ordförande i taget), R-DATES (slut efter start).",
)
def board_seat_create(
    request: HttpRequest, association_id: AssociationId, payload: BoardSeatIn
) -> tuple[int, dict[str, Any]]:
    association = selectors.association_get(
        user=request.user, association_id=association_id, capability=Capability.REGISTRY_EDIT
    )
    violations: list[Violation] = []
    people = selectors.persons_for_choice(user=request.user, association_id=association.pk)
    person = people.filter(pk=payload.person).first()
    if person is None:
        violations.append(Violation("R-INPUT", _("Personen finns inte bland förbundets personer."), "person"))
    members = selectors.member_list(user=request.user, association_id=association.pk)
    member = members.filter(pk=payload.member).first()
    if member is None:
        violations.append(
            Violation("R-BOARD", _("Den utseende parten är inte medlem i förbundet."), "member")
        )
    if person is None or member is None:
        raise RuleViolation(violations=violations)
    seat = services.board_seat_create(
        actor=request.user,
        association=association,
        person=person,
        member=member,
        role=payload.role,
        start=payload.start,
        end=payload.end,
        chair=payload.chair,
        vice_chair=payload.vice_chair,
    )
    return 201, _seat(seat)
