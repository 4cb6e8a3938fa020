"""The governance API (DESIGN §5): POST /api/v1/meetings checked against R-SAMRAD, edits, minutes
locked for good, and GET /api/v1/associations/{id}/obligations."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from finsam.core.access import SYSTEM
from finsam.governance import services
from finsam.governance.models import Meeting
from finsam.registry.models import BoardSeat
from tests.factories import PASSWORD, consultation_participants, make_consultation, make_document, token_for
from tests.governance.helpers import counts

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, world: Any, user: Any) -> None:
        self.client = world.client(None)
        self.headers = {
            "HTTP_AUTHORIZATION": "Bearer " + token_for(username=user.username, password=PASSWORD)
        }

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}", **self.headers)

    def send(self, method: str, path: str, body: dict[str, Any]) -> Any:
        return self.client.generic(
            method, f"/api/v1{path}", data=json.dumps(body), content_type="application/json", **self.headers
        )


def api(world: Any, role: str = "association_admin", *, outsider: bool = False) -> Api:
    return Api(world, (world.outsiders if outsider else world.users)[role])


def body(world: Any, day: date, associations: list[Any] | None = None) -> dict[str, Any]:
    """The DESIGN §5 shape: kind, associations, date, convener, participants."""
    associations = associations or [world.own]
    participants = []
    for association in associations:
        for p in consultation_participants(association, day):
            participants.append(
                {
                    "person": p.person.pk,
                    "capacity": p.capacity,
                    **({"member": p.member.pk} if p.member else {}),
                    **({"association": p.association.pk} if p.association else {}),
                }
            )
    convener = next(p["person"] for p in participants if p["capacity"] == "member_representative")
    return {
        "kind": "member_consultation",
        "associations": [a.pk for a in associations],
        "date": day.isoformat(),
        "convener": convener,
        "participants": participants,
    }


def codes(response: Any) -> list[str]:
    return [error["code"] for error in response.json()["errors"]]


def test_a_member_consultation_is_created_with_the_design_shape(world: Any, spring: date) -> None:
    response = api(world).send("POST", "/meetings", body(world, spring))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["kind"] == "member_consultation" and data["consultation_kind"] == "annual"
    assert [a["id"] for a in data["associations"]] == [world.own.pk]
    assert [item["samrad_point"] for item in data["agenda"]] == [1, 2, 3, 4, 5]
    assert [w["code"] for w in data["warnings"]] == ["R-SAMRAD-5"]  # no year-end documents delivered
    assert data["minutes"] is None
    assert Meeting.objects.get().pk == data["id"]


def test_the_stored_warnings_follow_accept_language_and_keep_their_shape(world: Any, spring: date) -> None:
    caller = api(world)
    created = caller.send("POST", "/meetings", body(world, spring)).json()
    path = f"/meetings/{created['id']}"
    swedish = caller.get(path).json()["warnings"]
    english = caller.client.get(f"/api/v1{path}", HTTP_ACCEPT_LANGUAGE="en", **caller.headers).json()[
        "warnings"
    ]
    assert [set(w) for w in swedish] == [set(w) for w in english] == [{"code", "message", "field"}]
    assert [w["code"] for w in english] == [w["code"] for w in swedish] == ["R-SAMRAD-5"]
    assert "har inte lämnat" in swedish[0]["message"]
    assert "has not delivered" in english[0]["message"]


def test_a_board_member_as_member_representative_gives_400_r_samrad_1_and_writes_nothing(
    world: Any, spring: date
) -> None:
    payload = body(world, spring)
    seat = BoardSeat.objects.filter(association=world.own).first()
    payload["participants"][0]["person"] = seat.person.pk
    caller = api(world)
    before = counts()
    response = caller.send("POST", "/meetings", payload)
    assert response.status_code == 400
    assert codes(response) == ["R-SAMRAD-1"]
    assert response.json()["errors"][0]["field"] == "participants[0].person"
    assert counts() == before


def test_a_convener_not_designated_by_a_member_gives_400_r_samrad_4_and_writes_nothing(
    world: Any, spring: date
) -> None:
    payload = body(world, spring)
    payload["convener"] = BoardSeat.objects.filter(association=world.own).first().person.pk
    caller = api(world)
    before = counts()
    response = caller.send("POST", "/meetings", payload)
    assert response.status_code == 400
    assert codes(response) == ["R-SAMRAD-4"]
    assert counts() == before


def test_a_consultation_without_associations_gives_400_r_samrad_3_and_writes_nothing(
    world: Any, spring: date
) -> None:
    payload = {**body(world, spring), "associations": [], "participants": []}
    caller = api(world)
    before = counts()
    response = caller.send("POST", "/meetings", payload)
    assert response.status_code == 400
    assert "R-SAMRAD-3" in codes(response)
    assert counts() == before


def test_another_associations_förbund_does_not_exist_for_the_caller(world: Any, spring: date) -> None:
    response = api(world, outsider=True).send("POST", "/meetings", body(world, spring))
    assert response.status_code == 404
    assert api(world, "board_member").send("POST", "/meetings", body(world, spring)).status_code == 403


def test_the_national_working_group_registers_a_consultation_of_several_associations(
    world: Any, spring: date
) -> None:
    response = api(world, "national_admin").send(
        "POST", "/meetings", body(world, spring, [world.own, world.other])
    )
    assert response.status_code == 201, response.content
    assert {a["id"] for a in response.json()["associations"]} == {world.own.pk, world.other.pk}


def test_an_edit_is_checked_again(world: Any, spring: date) -> None:
    meeting = make_consultation([world.own], day=spring)
    payload = body(world, spring)
    payload["participants"][0]["person"] = BoardSeat.objects.filter(association=world.own).first().person.pk
    payload["version"] = meeting.version
    response = api(world).send("PUT", f"/meetings/{meeting.pk}", payload)
    assert response.status_code == 400 and codes(response) == ["R-SAMRAD-1"]
    ok = api(world).send(
        "PUT",
        f"/meetings/{meeting.pk}",
        {**body(world, spring), "place": "Kansliet", "version": meeting.version},
    )
    assert ok.status_code == 200
    assert ok.json()["place"] == "Kansliet"


def locked(world: Any, day: date) -> Meeting:
    participants = consultation_participants(world.own, day)
    participants[0] = replace(participants[0], adjuster=True, attended=True)
    meeting = make_consultation([world.own], day=day, participants=participants)
    services.minutes_update(
        actor=SYSTEM,
        meeting=meeting,
        notes={1: "Resultatet redovisades."},
        decisions=[services.DecisionInput("Noteras.", agenda_position=1)],
    )
    services.minutes_confirm(
        actor=SYSTEM, meeting=meeting, participant=meeting.participants.get(adjuster=True)
    )
    services.minutes_lock(actor=SYSTEM, meeting=meeting)
    return meeting


def test_minutes_are_written_through_the_api_and_refused_once_locked(world: Any, spring: date) -> None:
    meeting = make_consultation([world.own], day=spring)
    written = api(world).send(
        "PUT",
        f"/meetings/{meeting.pk}/minutes",
        {
            "notes": [{"position": 2, "text": "Hinder diskuterades."}],
            "decisions": [{"text": "Noteras.", "r_info": True}],
            "version": 1,  # the first write drafts the minutes
        },
    )
    assert written.status_code == 200
    assert written.json()["minutes"]["status"] == "draft"
    assert written.json()["decisions"] == [
        {"position": 1, "text": "Noteras.", "r_info": True, "agenda_position": None}
    ]

    closed = locked(world, spring)
    caller = api(world)
    closed.refresh_from_db()
    payload = {**body(world, spring), "place": "Annan plats", "version": closed.version}
    before = counts()
    refused = caller.send(
        "PUT",
        f"/meetings/{closed.pk}/minutes",
        {"notes": [{"position": 1, "text": "Ändrat"}], "version": closed.minutes.version},
    )
    assert refused.status_code == 400 and codes(refused) == ["R-MINUTES-LOCKED"]
    refused = caller.send("PUT", f"/meetings/{closed.pk}", payload)
    assert refused.status_code == 400 and codes(refused) == ["R-MINUTES-LOCKED"]
    assert counts() == before


def test_member_representatives_read_consultations_but_not_board_meetings(world: Any, spring: date) -> None:
    consultation = make_consultation([world.own], day=spring)
    board = services.meeting_create(actor=SYSTEM, kind="board_meeting", date=spring, associations=[world.own])
    representative = api(world, "member_representative")
    assert representative.get(f"/meetings/{consultation.pk}").status_code == 200
    assert representative.get(f"/meetings/{board.pk}").status_code == 404
    listed = representative.get(f"/associations/{world.own.pk}/meetings").json()
    assert [m["id"] for m in listed] == [consultation.pk]
    assert {m["id"] for m in api(world, "auditor").get(f"/associations/{world.own.pk}/meetings").json()} == {
        consultation.pk,
        board.pk,
    }


def test_the_obligations_of_a_year_with_their_status(world: Any) -> None:
    year = date.today().year - 1  # noqa: DTZ011
    for kind in ("annual_report", "activity_report"):
        make_document(world.own, kind=kind, year=year - 1, delivered_on=date(year, 3, 10))
    response = api(world, "member_representative").get(
        f"/associations/{world.own.pk}/obligations?year={year}"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["association"] == {"id": world.own.pk, "name": world.own.name}
    assert data["year"] == year
    rows = {(row["code"], row["member"]["id"] if row["member"] else None): row for row in data["obligations"]}
    annual = rows[("annual_report", None)]
    assert (annual["status"], annual["rule"], annual["due"], annual["done_on"]) == (
        "done",
        "R-ANNUAL",
        f"{year}-03-31",
        f"{year}-03-10",
    )
    assert rows[("budget_adoption", None)]["status"] == "overdue"
    assert rows[("budget_adoption", None)]["due"] == f"{year}-11-30"
    members = {m.pk for m in world.own.members.all()}
    assert {key[1] for key in rows if key[0] == "discharge"} == members
    assert {row["status"] for row in data["obligations"]} <= {"done", "due", "overdue", "not_applicable"}


def test_the_obligations_are_scoped(world: Any) -> None:
    assert api(world, outsider=True).get(f"/associations/{world.own.pk}/obligations").status_code == 404
    assert (
        api(world, "participant_coordinator").get(f"/associations/{world.own.pk}/obligations").status_code
        == 403
    )
    assert api(world, "national_admin").get(f"/associations/{world.own.pk}/obligations").status_code == 200
    bad = api(world).get(f"/associations/{world.own.pk}/obligations?year=tjugo")
    assert bad.status_code == 400


def test_an_update_without_the_version_is_refused_and_a_stale_one_is_a_conflict(
    world: Any, spring: date
) -> None:
    """Two editors of one meeting: without `version` the later save would silently overwrite the earlier
    one. A save without it is 400 at the field; a save from an older version is 409 R-CONFLICT."""
    meeting = make_consultation([world.own], day=spring)
    caller = api(world)
    before = counts()
    missing = caller.send("PUT", f"/meetings/{meeting.pk}", {**body(world, spring), "place": "Kansliet"})
    assert missing.status_code == 400
    assert [(e["code"], e["field"]) for e in missing.json()["errors"]] == [("R-INPUT", "version")]
    minutes = caller.send("PUT", f"/meetings/{meeting.pk}/minutes", {"notes": [], "decisions": []})
    assert minutes.status_code == 400 and minutes.json()["errors"][0]["field"] == "version"
    assert counts() == before

    opened = meeting.version
    first = caller.send(
        "PUT", f"/meetings/{meeting.pk}", {**body(world, spring), "place": "A", "version": opened}
    )
    assert first.status_code == 200 and first.json()["version"] == opened + 1
    second = caller.send(
        "PUT", f"/meetings/{meeting.pk}", {**body(world, spring), "place": "B", "version": opened}
    )
    assert second.status_code == 409 and codes(second) == ["R-CONFLICT"]
    meeting.refresh_from_db()
    assert meeting.place == "A"
