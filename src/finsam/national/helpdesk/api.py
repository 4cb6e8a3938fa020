"""The help desk's API operations (DESIGN §5): `GET|POST /questions`, `GET /questions/{id}` and
`POST /questions/{id}/answers`.

A förbund's users ask (POST /questions, for a förbund where they hold a role) and read their förbund's
questions; the working group (national_admin) reads every question and answers through POST
/questions/{id}/answers, with `kind` "answer" or "ask_back". The asker's reply to an ask-back, the
assignment, closing and attachments are made on the pages. A refused input answers 400 with its rule code
(R-INPUT, R-HELPDESK-TEXT, R-HELPDESK-STATUS).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.params.functions import Path
from pydantic import ConfigDict

from finsam.core.decorators import api_operation
from finsam.core.roles import Capability
from finsam.national.helpdesk import selectors, services
from finsam.national.helpdesk.models import Question

router = Router(tags=["national"])

MAX_ID = 2**63 - 1
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1F\x7F]*$"
TEXT = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$"  # free text: newlines and tabs allowed
PAGE_SIZE = 100

QuestionId = Annotated[int, Path(ge=1, le=MAX_ID, description="Frågans id.")]


class QuestionIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "association": 1,
                    "category": "law",
                    "title": "Får förbundet finansiera en insats för unga under 16 år?",
                    "body": "Vi har fått en förfrågan från en av kommunerna …",
                }
            ]
        }
    )

    association: int = Field(ge=1, le=MAX_ID, description="Det förbund frågan ställs för.")
    category: str = Field(
        min_length=1,
        max_length=16,
        pattern=NO_CONTROL_CHARACTERS,
        description="law, economy, organisation, followup eller other.",
    )
    title: str = Field(min_length=1, max_length=200, pattern=NO_CONTROL_CHARACTERS)
    body: str = Field(min_length=1, max_length=20_000, pattern=TEXT, description="Frågan, som vanlig text.")


class AnswerIn(Schema):
    kind: str = Field(
        default="answer",
        max_length=16,
        pattern=NO_CONTROL_CHARACTERS,
        description="answer (frågan blir besvarad) eller ask_back (en motfråga; väntar på frågeställaren).",
    )
    body: str = Field(min_length=1, max_length=20_000, pattern=TEXT)
    version: int = Field(
        ge=1,
        le=2**31 - 1,
        description="Frågans version du utgår från. Har någon annan sparat sedan: 409 R-CONFLICT.",
    )


class Ref(Schema):
    id: int
    name: str


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int


class MessageOut(Schema):
    id: int
    kind: str = Field(description="answer, ask_back eller reply.")
    author: Ref
    body: str
    created_at: datetime
    attachments: list[AttachmentOut]


class QuestionSummaryOut(Schema):
    id: int
    association: Ref
    asker: Ref
    category: str
    title: str
    status: str = Field(description="new, assigned, waiting_for_asker, answered eller closed.")
    assignee: Ref | None
    created_at: datetime
    updated_at: datetime


class QuestionOut(QuestionSummaryOut):
    body: str
    version: int
    closed_at: datetime | None
    attachments: list[AttachmentOut]
    messages: list[MessageOut]


class QuestionQuery(Schema):
    status: str = Field(default="", max_length=20, pattern=r"^[a-z_]*$")
    category: str = Field(default="", max_length=16, pattern=r"^[a-z_]*$")
    association: int | None = Field(default=None, ge=1, le=MAX_ID)
    page: int = Field(default=1, ge=1, le=100_000, description=f"Sidan, {PAGE_SIZE} frågor per sida.")


def _person(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


def _attachment(a: Any) -> dict[str, Any]:
    return {"id": a.pk, "filename": a.filename, "content_type": a.content_type, "size": a.size}


def _summary(q: Question) -> dict[str, Any]:
    return {
        "id": q.pk,
        "association": {"id": q.association.pk, "name": q.association.name},
        "asker": _person(q.asker),
        "category": q.category,
        "title": q.title,
        "status": q.status,
        "assignee": _person(q.assignee) if q.assignee else None,
        "created_at": q.created_at,
        "updated_at": q.updated_at,
    }


def question_out(q: Question) -> dict[str, Any]:
    return {
        **_summary(q),
        "body": q.body,
        "version": q.version,
        "closed_at": q.closed_at,
        "attachments": [_attachment(a) for a in q.attachments.all()],
        "messages": [
            {
                "id": m.pk,
                "kind": m.kind,
                "author": _person(m.author),
                "body": m.body,
                "created_at": m.created_at,
                "attachments": [_attachment(a) for a in m.attachments.all()],
            }
            for m in q.messages.all()
        ],
    }


@api_operation(
    router,
    "get",
    "/questions",
    need=Capability.HELPDESK_VIEW,
    response=list[QuestionSummaryOut],
    summary="Frågorna till arbetsgruppen som användaren får se",
    description="Förbundens användare ser sitt förbunds frågor, arbetsgruppen alla. Senast ändrad först, "
    f"{PAGE_SIZE} per sida; filter på status, kategori och förbund.",
)
def question_list(request: HttpRequest, query: Query[QuestionQuery]) -> list[dict[str, Any]]:
    questions = selectors.question_list(
        user=request.user, status=query.status, category=query.category, association_id=query.association
    )
    start = (query.page - 1) * PAGE_SIZE
    return [_summary(q) for q in questions[start : start + PAGE_SIZE]]


@api_operation(
    router,
    "post",
    "/questions",
    need=Capability.HELPDESK_ASK,
    scoped="association",
    response={201: QuestionOut},
    summary="Ställ en fråga till arbetsgruppen",
    description="För ett förbund där användaren har en roll (annars 404). Texten är vanlig text: HTML-kod "
    "som kan köras ger 400 R-HELPDESK-TEXT. Bilagor laddas upp på webbsidan.",
)
def question_create(request: HttpRequest, payload: QuestionIn) -> tuple[int, dict[str, Any]]:
    question = services.question_ask(
        actor=request.user,
        association_id=payload.association,
        category=payload.category,
        title=payload.title,
        body=payload.body,
    )
    return 201, question_out(selectors.question_get(user=request.user, question_id=question.pk))


@api_operation(
    router,
    "get",
    "/questions/{helpdesk_question_id}",
    need=Capability.HELPDESK_VIEW,
    scoped="helpdesk_question_id",
    response=QuestionOut,
    summary="En fråga med svar, motfrågor och kompletteringar",
)
def question_detail(request: HttpRequest, helpdesk_question_id: QuestionId) -> dict[str, Any]:
    return question_out(selectors.question_get(user=request.user, question_id=helpdesk_question_id))


@api_operation(
    router,
    "post",
    "/questions/{helpdesk_question_id}/answers",
    need=Capability.HELPDESK_ANSWER,
    scoped="helpdesk_question_id",
    response={201: QuestionOut},
    summary="Arbetsgruppens svar eller motfråga",
    description="`kind` answer gör frågan besvarad, ask_back väntar på frågeställaren. Frågeställaren och "
    "förbundets chef får e-post. En stängd fråga: 400 R-HELPDESK-STATUS.",
)
def answer_create(
    request: HttpRequest, helpdesk_question_id: QuestionId, payload: AnswerIn
) -> tuple[int, dict[str, Any]]:
    question = selectors.question_get(
        user=request.user, question_id=helpdesk_question_id, capability=Capability.HELPDESK_ANSWER
    )
    services.question_respond(
        actor=request.user, question=question, kind=payload.kind, body=payload.body, version=payload.version
    )
    return 201, question_out(selectors.question_get(user=request.user, question_id=question.pk))
