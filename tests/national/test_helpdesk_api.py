"""The help desk's API: `GET|POST /api/v1/questions`, `GET /api/v1/questions/{id}` and
`POST /api/v1/questions/{id}/answers` (the working group's answer or ask-back)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail

from finsam.core.roles import Role
from finsam.national.helpdesk.models import Question, QuestionMessage
from tests.factories import PASSWORD, token_for
from tests.national.helpdesk_samples import ask

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, world: Any, user: Any) -> None:
        self.client = world.client(None)
        self.headers = {
            "HTTP_AUTHORIZATION": "Bearer " + token_for(username=user.username, password=PASSWORD)
        }

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get("/api/v1" + path, params, **self.headers)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            "/api/v1" + path, json.dumps(body), content_type="application/json", **self.headers
        )


def question_body(world: Any, **extra: Any) -> dict[str, Any]:
    return {
        "association": world.own.pk,
        "category": "law",
        "title": "Får vi ta emot deltagare från en grannkommun?",
        "body": "Rad ett.\nRad två.",
        **extra,
    }


def test_a_forbunds_user_asks_and_the_working_group_answers_through_the_api(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        created = Api(world, world.users[Role.BOARD_MEMBER]).post("/questions", question_body(world))
    assert created.status_code == 201
    data = created.json()
    assert (data["status"], data["association"]["id"], data["body"]) == (
        "new",
        world.own.pk,
        "Rad ett.\nRad två.",
    )
    assert [m.to for m in mail.outbox] == [[world.users[Role.NATIONAL_ADMIN].email]]

    group = Api(world, world.users[Role.NATIONAL_ADMIN])
    answered = group.post(
        f"/questions/{data['id']}/answers", {"kind": "answer", "body": "Nej, i regel inte.", "version": 1}
    )
    assert answered.status_code == 201
    assert answered.json()["status"] == "answered"
    assert answered.json()["assignee"]["id"] == world.users[Role.NATIONAL_ADMIN].pk, "who answers takes it"

    detail = Api(world, world.users[Role.ASSOCIATION_ADMIN]).get(f"/questions/{data['id']}").json()
    assert [(m["kind"], m["body"]) for m in detail["messages"]] == [("answer", "Nej, i regel inte.")]


def test_an_ask_back_waits_for_the_asker(world: Any) -> None:
    question = ask(world.own, asker=world.users[Role.ASSOCIATION_ADMIN])
    response = Api(world, world.users[Role.NATIONAL_ADMIN]).post(
        f"/questions/{question.pk}/answers",
        {"kind": "ask_back", "body": "Vilket år?", "version": question.version},
    )
    assert response.status_code == 201 and response.json()["status"] == "waiting_for_asker"


def test_the_list_is_scoped_and_filtered(world: Any) -> None:
    own = ask(world.own, asker=world.users[Role.ASSOCIATION_ADMIN], title="Vår fråga", category="law")
    other = ask(
        world.other, asker=world.outsiders[Role.ASSOCIATION_ADMIN], title="Deras fråga", category="economy"
    )
    assert [q["id"] for q in Api(world, world.users[Role.AUDITOR]).get("/questions").json()] == [own.pk]
    group = Api(world, world.users[Role.NATIONAL_ADMIN])
    assert {q["id"] for q in group.get("/questions").json()} == {own.pk, other.pk}
    assert [q["id"] for q in group.get("/questions", category="economy").json()] == [other.pk]
    assert [q["id"] for q in group.get("/questions", association=world.own.pk).json()] == [own.pk]
    assert group.get("/questions", status="closed").json() == []


def test_another_forbunds_user_the_council_and_the_forbund_get_no_answer_rights(world: Any) -> None:
    question = ask(world.own, asker=world.users[Role.ASSOCIATION_ADMIN])
    assert (
        Api(world, world.outsiders[Role.ASSOCIATION_ADMIN]).get(f"/questions/{question.pk}").status_code
        == 404
    )
    assert Api(world, world.users[Role.NATIONAL_VIEWER]).get(f"/questions/{question.pk}").status_code == 403
    refused = Api(world, world.users[Role.ASSOCIATION_ADMIN]).post(
        f"/questions/{question.pk}/answers",
        {"kind": "answer", "body": "Jag svarar själv.", "version": question.version},
    )
    assert refused.status_code == 403
    assert not QuestionMessage.objects.exists()


def test_asking_for_another_forbund_is_404_and_writes_nothing(world: Any) -> None:
    response = Api(world, world.users[Role.ASSOCIATION_ADMIN]).post(
        "/questions", question_body(world, association=world.other.pk)
    )
    assert response.status_code == 404
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"body": "<script>alert(1)</script>"}, "R-HELPDESK-TEXT", "body"),
        ({"category": "weather"}, "R-INPUT", "category"),
        ({"title": "a\u0007b"}, "R-INPUT", "title"),
    ],
    ids=["script", "category", "control-character"],
)
def test_bad_input_answers_400_with_the_rule_and_writes_nothing(
    world: Any, extra: Any, code: str, field: str
) -> None:
    response = Api(world, world.users[Role.ASSOCIATION_ADMIN]).post(
        "/questions", question_body(world, **extra)
    )
    assert response.status_code == 400
    assert {(e["code"], e["field"]) for e in response.json()["errors"]} == {(code, field)}
    assert not Question.objects.exists()


def test_a_closed_question_takes_no_answer(world: Any) -> None:
    from finsam.national.helpdesk import services

    question = ask(world.own, asker=world.users[Role.ASSOCIATION_ADMIN])
    services.question_close(actor=world.users[Role.NATIONAL_ADMIN], question=question)
    question.refresh_from_db()
    response = Api(world, world.users[Role.NATIONAL_ADMIN]).post(
        f"/questions/{question.pk}/answers",
        {"kind": "answer", "body": "Sent svar.", "version": question.version},
    )
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "R-HELPDESK-STATUS"


def test_an_answer_without_the_questions_version_is_refused(world: Any) -> None:
    question = ask(world.own, asker=world.users[Role.ASSOCIATION_ADMIN])
    group = Api(world, world.users[Role.NATIONAL_ADMIN])
    missing = group.post(f"/questions/{question.pk}/answers", {"kind": "answer", "body": "Svar."})
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "version"
    stale = group.post(
        f"/questions/{question.pk}/answers",
        {"kind": "answer", "body": "Svar.", "version": question.version + 1},
    )
    assert stale.status_code == 409 and stale.json()["errors"][0]["code"] == "R-CONFLICT"
    assert not QuestionMessage.objects.exists()
