"""The council's recommendations in the API: published and withdrawn ones for every signed-in user,
drafts also for the working group."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from finsam.core.decorators import AUTHENTICATED, api_operation
from finsam.national.council import selectors

router = Router(tags=["council"])


class RecommendationOut(Schema):
    id: int
    kind: str = Field(description="recommendation eller position.")
    title: str
    date: date
    status: str = Field(description="draft, published eller withdrawn.")
    rule_codes: list[str] = Field(description="Reglerna den ligger till grund för.")
    text: str = Field(description="Texten i Markdown.")


@api_operation(
    router,
    "get",
    "/council/recommendations",
    need=AUTHENTICATED,
    response=list[RecommendationOut],
    summary="Nationella rådets rekommendationer och ställningstaganden",
)
def recommendation_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": r.pk,
            "kind": r.kind,
            "title": r.title,
            "date": r.date,
            "status": r.status,
            "rule_codes": list(r.rule_codes),
            "text": r.text,
        }
        for r in selectors.recommendation_list(user=request.user)
    ]
