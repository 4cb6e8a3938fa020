"""The conferences and the council's recommendations in the API."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from finsam.core.access import SYSTEM
from finsam.national.conferences.models import Registration
from finsam.national.council import services as council_services
from tests.factories import PASSWORD, make_user, token_for
from tests.national.test_conferences import make_conference

pytestmark = pytest.mark.django_db


def api(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Bearer " + token_for(username=user.username, password=PASSWORD)}


def post(user: Any, url: str, body: dict[str, Any]) -> Any:
    return Client().post(url, data=json.dumps(body), content_type="application/json", **api(user))


def test_registration_through_the_api_gives_a_place_then_the_waiting_list(world: Any) -> None:
    conference = make_conference(capacity=1)
    first, second = (make_user(f"api-{i}", association_admin=world.own) for i in range(2))
    url = f"/api/v1/conferences/{conference.pk}/registration"
    assert post(first, url, {}).json() == {
        "status": "confirmed",
        "position": None,
        "association": world.own.pk,
    }
    assert post(second, url, {}).json() == {"status": "waiting", "position": 1, "association": world.own.pk}
    again = post(second, url, {})
    assert again.status_code == 400
    assert again.json()["errors"][0]["code"] == "R-CONFERENCE-TWICE"
    listed = Client().get("/api/v1/conferences", **api(second)).json()
    assert [(c["id"], c["confirmed"], c["waiting"], c["registration"]["position"]) for c in listed] == [
        (conference.pk, 1, 1, 1)
    ]


def test_a_closed_registration_answers_400_and_writes_nothing(world: Any) -> None:
    starts = timezone.localdate() + timedelta(days=3)
    conference = make_conference(starts=starts, registration_closes=timezone.localdate() - timedelta(days=1))
    response = post(world.users["board_member"], f"/api/v1/conferences/{conference.pk}/registration", {})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "R-CONFERENCE-CLOSED"
    assert not Registration.objects.exists()


def test_drafts_are_not_in_the_api_for_förbund_users(world: Any) -> None:
    for status, title in (("draft", "Utkast"), ("published", "Publicerad")):
        council_services.recommendation_create(
            actor=SYSTEM, kind="recommendation", title=title, date=date(2020, 1, 1), status=status, text="T"
        )
    titles = [
        r["title"]
        for r in Client().get("/api/v1/council/recommendations", **api(world.users["auditor"])).json()
    ]
    assert titles == ["Publicerad"]
    admin = Client().get("/api/v1/council/recommendations", **api(world.users["national_admin"])).json()
    assert {r["title"] for r in admin} == {"Utkast", "Publicerad"}
    assert Client().get("/api/v1/council/recommendations").status_code == 401
