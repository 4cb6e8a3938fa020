"""Registry endpoints of the API (DESIGN §5 shapes)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from finsam.core.decorators import api_operation
from finsam.core.roles import Capability
from finsam.registry import selectors

router = Router(tags=["registry"])


class MemberOut(Schema):
    id: int
    kind: str
    code: str
    name: str


class AssociationOut(Schema):
    id: int
    name: str
    members: list[MemberOut]


def _member(member: Any) -> dict[str, Any]:
    return {"id": member.pk, "kind": member.kind, "code": member.code, "name": member.name}


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
        {"id": a.pk, "name": a.name, "members": [_member(m) for m in a.members.all()]}
        for a in selectors.association_list(user=request.user)
    ]


class PersonRef(Schema):
    id: int
    name: str


class MemberRef(Schema):
    id: int
    kind: str


class BoardSeatOut(Schema):
    person: PersonRef
    member: MemberRef
    role: str
    start: date
    end: date


@api_operation(
    router,
    "get",
    "/associations/{association_id}/board",
    need=Capability.REGISTRY_VIEW,
    scoped="association_id",
    response=list[BoardSeatOut],
    summary="Styrelsen",
)
def association_board(request: HttpRequest, association_id: int) -> list[dict[str, Any]]:
    return [
        {
            "person": {"id": s.person_id, "name": s.person.name},
            "member": {"id": s.member_id, "kind": s.member.kind},
            "role": s.role,
            "start": s.start,
            "end": s.end,
        }
        for s in selectors.board_list(user=request.user, association_id=association_id)
    ]
