"""The registry API: the shapes of DESIGN §5, scoping, authentication, and bad input.

Bad input answers 400 with {"errors": [{"code", "message", "field"}]} and writes nothing: no row and no
audit entry.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from finsam.core.models import AuditEntry
from finsam.registry.models import Association, BoardSeat, Member, PartyKind, Person, SeatRole
from tests.factories import PASSWORD, token_for, valid_org_number

pytestmark = pytest.mark.django_db


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Bearer " + token_for(username=user.username, password=PASSWORD)}


def get(user: Any, url: str) -> Any:
    return Client().get(url, **(bearer(user) if user is not None else {}))


def post(user: Any, url: str, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    headers = bearer(user) if user is not None else {}
    return Client().post(url, data=data, content_type="application/json", **headers)


def counts() -> dict[str, int]:
    return {
        "associations": Association.objects.count(),
        "members": Member.objects.count(),
        "seats": BoardSeat.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def refused(response: Any, code: str, field: str | None) -> dict[str, Any]:
    """The one error with `code` on `field` in a 400 answer of the shared shape."""
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert all(set(e) == {"code", "message", "field"} and e["message"] for e in errors)
    matching = [e for e in errors if e["code"] == code and e["field"] == field]
    assert matching, errors
    return matching[0]


def today() -> date:
    return timezone.localdate()


# --- reads: shapes --------------------------------------------------------------------------------


def test_the_list_shows_only_the_own_association_with_its_members(world: Any) -> None:
    response = get(world.users["association_admin"], "/api/v1/associations")
    assert response.status_code == 200
    [association] = response.json()
    assert association["id"] == world.own.pk
    assert association["name"] == "Samordningsförbundet Umeåregionen"
    assert all(set(m) == {"id", "kind", "code", "name"} for m in association["members"])
    assert {(m["kind"], m["code"]) for m in association["members"]} == {
        ("fk", "FK"),
        ("af", "AF"),
        ("region", "24"),
        ("municipality", "2480"),
        ("municipality", "2460"),
    }


def test_a_national_role_lists_every_association(world: Any) -> None:
    response = get(world.users["national_viewer"], "/api/v1/associations")
    assert {a["id"] for a in response.json()} == {world.own.pk, world.other.pk}


def test_the_detail_has_the_registry_fields_and_validity(world: Any) -> None:
    response = get(world.users["board_member"], f"/api/v1/associations/{world.own.pk}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "id",
        "name",
        "org_number",
        "seat",
        "founded",
        "dissolved",
        "valid",
        "missing_kinds",
        "members",
        "version",
    }
    assert body["org_number"] == world.own.org_number
    assert body["seat"] == {"code": "2480", "name": world.own.seat.name}
    assert body["founded"] == "2005-01-01"
    assert body["dissolved"] is None
    assert body["valid"] is True
    assert body["missing_kinds"] == []
    assert body["version"] == 1
    assert len(body["members"]) == 5
    assert all(set(m) == {"id", "kind", "code", "name", "joined", "left"} for m in body["members"])


def test_an_association_whose_fk_member_has_left_is_not_valid(world: Any) -> None:
    fk = Member.objects.get(association=world.own, kind=PartyKind.FK)
    fk.left = today() - timedelta(days=1)
    fk.save()
    body = get(world.users["auditor"], f"/api/v1/associations/{world.own.pk}").json()
    assert body["valid"] is False
    assert body["missing_kinds"] == ["fk"]
    former = next(m for m in body["members"] if m["id"] == fk.pk)
    assert former["left"] == fk.left.isoformat()


def test_the_members_have_join_and_leave_dates(world: Any) -> None:
    response = get(world.users["member_representative"], f"/api/v1/associations/{world.own.pk}/members")
    assert response.status_code == 200
    members = response.json()
    assert len(members) == 5
    assert {m["joined"] for m in members} == {"2005-01-01"}
    assert {m["left"] for m in members} == {None}
    assert all(set(m) == {"id", "kind", "code", "name", "joined", "left"} for m in members)


def test_the_board_lists_seats_with_person_member_role_and_period(world: Any) -> None:
    response = get(world.users["participant_coordinator"], f"/api/v1/associations/{world.own.pk}/board")
    assert response.status_code == 200
    seats = response.json()
    assert len(seats) == 10  # a ledamot and an ersättare for each of the five members
    for seat in seats:
        assert {"person", "member", "role", "start", "end"} <= set(seat)
        assert set(seat["person"]) == {"id", "name"}
        assert set(seat["member"]) == {"id", "kind"}
        assert seat["role"] in {"member", "deputy"}
        assert seat["start"] <= seat["end"]
    assert sum(seat["chair"] for seat in seats) == 1
    own_people = set(Person.objects.filter(association=world.own).values_list("pk", flat=True))
    assert {seat["person"]["id"] for seat in seats} <= own_people


# --- scoping and authentication -------------------------------------------------------------------


def test_an_outsider_gets_404_for_another_associations_id(world: Any) -> None:
    outsider = world.outsiders["association_admin"]
    for suffix in ("", "/members", "/board"):
        response = get(outsider, f"/api/v1/associations/{world.own.pk}{suffix}")
        assert response.status_code == 404, suffix
        assert response.json()["errors"][0]["code"] == "R-NOT-FOUND"


def test_an_outsider_cannot_write_to_another_association(world: Any) -> None:
    outsider = world.outsiders["association_admin"]
    headers = bearer(outsider)
    before = counts()
    client = Client()
    member = client.post(
        f"/api/v1/associations/{world.own.pk}/members",
        data=json.dumps({"kind": "municipality", "municipality": "2418", "joined": "2024-01-01"}),
        content_type="application/json",
        **headers,
    )
    assert member.status_code == 404
    assert counts() == before


def test_an_unknown_association_is_404(world: Any) -> None:
    response = get(world.users["national_admin"], "/api/v1/associations/999999")
    assert response.status_code == 404


OPERATIONS = [
    ("get", "/api/v1/associations"),
    ("post", "/api/v1/associations"),
    ("get", "/api/v1/associations/{id}"),
    ("get", "/api/v1/associations/{id}/members"),
    ("post", "/api/v1/associations/{id}/members"),
    ("get", "/api/v1/associations/{id}/board"),
    ("post", "/api/v1/associations/{id}/board"),
]


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic dXNlcjpwdw=="])
def test_without_a_valid_token_every_operation_answers_401(world: Any, authorization: str | None) -> None:
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    for method, path in OPERATIONS:
        url = path.format(id=world.own.pk)
        if method == "get":
            response = Client().get(url, **headers)
        else:
            response = Client().post(url, data="{}", content_type="application/json", **headers)
        assert response.status_code == 401, f"{method} {url}"
        assert response.json()["errors"][0]["code"] == "R-AUTH"


def test_a_read_only_role_cannot_write(world: Any) -> None:
    user = world.users["board_member"]
    headers = bearer(user)
    before = counts()
    response = Client().post(
        f"/api/v1/associations/{world.own.pk}/members",
        data=json.dumps({"kind": "municipality", "municipality": "2418", "joined": "2024-01-01"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "R-ACCESS"
    assert counts() == before


def test_only_the_national_working_group_registers_an_association(world: Any) -> None:
    headers = bearer(world.users["association_admin"])
    before = counts()
    body = {
        "name": "Samordningsförbundet Ny",
        "org_number": valid_org_number(901),
        "seat": "2418",
        "founded": "2024-01-01",
    }
    response = Client().post(
        "/api/v1/associations", data=json.dumps(body), content_type="application/json", **headers
    )
    assert response.status_code == 403
    assert counts() == before


# --- writes ---------------------------------------------------------------------------------------


def test_the_national_working_group_registers_an_association(world: Any) -> None:
    admin = world.users["national_admin"]
    response = post(
        admin,
        "/api/v1/associations",
        {
            "name": "Samordningsförbundet Södra Lappland",
            "org_number": valid_org_number(902).replace("-", ""),
            "seat": "2481",
            "founded": "2008-01-01",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    association = Association.objects.get(pk=body["id"])
    assert body["org_number"] == valid_org_number(902)  # stored and shown as NNNNNN-NNNN
    assert body["seat"]["code"] == "2481"
    assert body["members"] == []
    assert body["valid"] is False
    assert body["missing_kinds"] == ["fk", "af", "region", "municipality"]
    entry = AuditEntry.objects.get(action="association.create", object_id=str(association.pk))
    assert entry.actor_id == admin.pk


def test_an_association_admin_adds_a_member(world: Any) -> None:
    admin = world.users["association_admin"]
    response = post(
        admin,
        f"/api/v1/associations/{world.own.pk}/members",
        {"kind": "municipality", "municipality": "2418", "joined": "2024-01-01"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "municipality"
    assert body["code"] == "2418"
    assert body["joined"] == "2024-01-01"
    assert body["left"] is None
    member = Member.objects.get(pk=body["id"], association=world.own)
    assert AuditEntry.objects.get(action="member.create", object_id=str(member.pk)).actor_id == admin.pk
    listed = get(admin, f"/api/v1/associations/{world.own.pk}/members").json()
    assert body["id"] in {m["id"] for m in listed}


def test_an_association_admin_fills_a_board_seat(world: Any) -> None:
    admin = world.users["association_admin"]
    person = Person.objects.create(first_name="Eva", last_name="Ny", association=world.own)
    af = Member.objects.get(association=world.own, kind=PartyKind.AF)
    start = today()
    response = post(
        admin,
        f"/api/v1/associations/{world.own.pk}/board",
        {
            "person": person.pk,
            "member": af.pk,
            "role": "deputy",
            "start": start.isoformat(),
            "end": (start + timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["person"] == {"id": person.pk, "name": "Eva Ny"}
    assert body["member"] == {"id": af.pk, "kind": "af"}
    assert body["role"] == "deputy"
    assert body["start"] == start.isoformat()
    seat = BoardSeat.objects.get(pk=body["id"], association=world.own, person=person)
    assert AuditEntry.objects.get(action="board_seat.create", object_id=str(seat.pk)).actor_id == admin.pk


# --- bad input: a broken rule answers 400 with its code and writes nothing ------------------------


def test_an_invalid_organisation_number_is_refused(world: Any) -> None:
    headers = bearer(world.users["national_admin"])
    before = counts()
    body = {
        "name": "Samordningsförbundet Fel",
        "org_number": "222000-0001",
        "seat": "2418",
        "founded": "2024-01-01",
    }
    response = Client().post(
        "/api/v1/associations", data=json.dumps(body), content_type="application/json", **headers
    )
    error = refused(response, "R-ORGNR", "org_number")
    assert "Organisationsnumret" in error["message"]
    assert counts() == before


def test_an_unknown_seat_municipality_is_refused(world: Any) -> None:
    headers = bearer(world.users["national_admin"])
    before = counts()
    body = {
        "name": "Samordningsförbundet X",
        "org_number": valid_org_number(903),
        "seat": "9999",
        "founded": "2024-01-01",
    }
    response = Client().post(
        "/api/v1/associations", data=json.dumps(body), content_type="application/json", **headers
    )
    refused(response, "R-INPUT", "seat")
    assert counts() == before


def _seat_body(
    world: Any, person: Person, *, start: date, end: date, role: str = SeatRole.DEPUTY
) -> dict[str, Any]:
    member = Member.objects.get(association=world.own, kind=PartyKind.FK)
    return {
        "person": person.pk,
        "member": member.pk,
        "role": role,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }


def _post_as_admin(world: Any, url: str, body: dict[str, Any]) -> tuple[Any, dict[str, int]]:
    headers = bearer(world.users["association_admin"])
    before = counts()
    response = Client().post(url, data=json.dumps(body), content_type="application/json", **headers)
    return response, before


def test_overlapping_seats_for_one_person_are_refused(world: Any) -> None:
    sitting = BoardSeat.objects.filter(association=world.own).first().person
    body = _seat_body(world, sitting, start=today(), end=today() + timedelta(days=200))
    response, before = _post_as_admin(world, f"/api/v1/associations/{world.own.pk}/board", body)
    error = refused(response, "R-BOARD", "person")
    assert "styrelseplats" in error["message"]
    assert counts() == before


def test_a_seat_ending_before_it_starts_is_refused(world: Any) -> None:
    person = Person.objects.create(first_name="Per", last_name="Baklänges", association=world.own)
    body = _seat_body(world, person, start=today(), end=today() - timedelta(days=1))
    response, before = _post_as_admin(world, f"/api/v1/associations/{world.own.pk}/board", body)
    refused(response, "R-DATES", "end")
    assert counts() == before


def test_a_mandate_longer_than_four_years_is_refused(world: Any) -> None:
    person = Person.objects.create(first_name="Lång", last_name="Mandattid", association=world.own)
    body = _seat_body(world, person, start=date(2025, 1, 1), end=date(2029, 6, 30))
    response, before = _post_as_admin(world, f"/api/v1/associations/{world.own.pk}/board", body)
    refused(response, "R-BOARD", "end")
    assert counts() == before


def test_a_person_of_another_association_cannot_take_a_seat(world: Any) -> None:
    stranger = Person.objects.filter(association=world.other).first()
    body = _seat_body(world, stranger, start=today(), end=today() + timedelta(days=30))
    response, before = _post_as_admin(world, f"/api/v1/associations/{world.own.pk}/board", body)
    refused(response, "R-INPUT", "person")
    assert counts() == before


def test_a_member_leaving_before_it_joined_is_refused(world: Any) -> None:
    body = {"kind": "municipality", "municipality": "2418", "joined": "2024-01-01", "left": "2023-12-31"}
    response, before = _post_as_admin(world, f"/api/v1/associations/{world.own.pk}/members", body)
    refused(response, "R-DATES", "left")
    assert counts() == before


def test_a_party_kind_outside_the_four_is_refused(world: Any) -> None:
    body = {"kind": "county", "joined": "2024-01-01"}
    response, before = _post_as_admin(world, f"/api/v1/associations/{world.own.pk}/members", body)
    error = refused(response, "R-PARTY", "kind")
    assert "Försäkringskassan" in error["message"]
    assert counts() == before


def test_a_second_active_fk_member_is_refused(world: Any) -> None:
    body = {"kind": "fk", "joined": "2024-01-01"}
    response, before = _post_as_admin(world, f"/api/v1/associations/{world.own.pk}/members", body)
    refused(response, "R-MEMBERS", "kind")
    assert counts() == before
    assert Member.objects.filter(association=world.own, kind=PartyKind.FK).count() == 1


def test_an_unknown_municipality_is_refused(world: Any) -> None:
    body = {"kind": "municipality", "municipality": "0000", "joined": "2024-01-01"}
    response, before = _post_as_admin(world, f"/api/v1/associations/{world.own.pk}/members", body)
    refused(response, "R-PARTY", "municipality")
    assert counts() == before


# --- bad input: the request does not match the schema ---------------------------------------------


def test_a_missing_field_is_refused_in_the_shared_shape(world: Any) -> None:
    response, before = _post_as_admin(world, f"/api/v1/associations/{world.own.pk}/members", {"kind": "fk"})
    error = refused(response, "R-INPUT", "joined")
    assert error["message"] == "Värdet saknas."
    assert counts() == before


def test_a_value_of_the_wrong_type_is_refused(world: Any) -> None:
    person = Person.objects.create(first_name="Typ", last_name="Fel", association=world.own)
    body = {**_seat_body(world, person, start=today(), end=today()), "start": "igår", "member": "FK"}
    response, before = _post_as_admin(world, f"/api/v1/associations/{world.own.pk}/board", body)
    refused(response, "R-INPUT", "start")
    refused(response, "R-INPUT", "member")
    assert counts() == before


def test_a_body_that_is_not_json_is_refused(world: Any) -> None:
    headers = bearer(world.users["association_admin"])
    before = counts()
    response = Client().post(
        f"/api/v1/associations/{world.own.pk}/members",
        data="{kind: fk",
        content_type="application/json",
        **headers,
    )
    refused(response, "R-INPUT", None)
    assert counts() == before


def test_a_path_id_that_is_not_a_number_is_refused(world: Any) -> None:
    response = get(world.users["national_admin"], "/api/v1/associations/x/board")
    error = refused(response, "R-INPUT", "association_id")
    assert error["message"] == "Ange ett heltal."


def test_control_characters_in_a_name_are_refused(world: Any) -> None:
    headers = bearer(world.users["national_admin"])
    before = counts()
    body = {
        "name": "Förbund\u0000",
        "org_number": valid_org_number(904),
        "seat": "2418",
        "founded": "2024-01-01",
    }
    response = Client().post(
        "/api/v1/associations", data=json.dumps(body), content_type="application/json", **headers
    )
    refused(response, "R-INPUT", "name")
    assert counts() == before
