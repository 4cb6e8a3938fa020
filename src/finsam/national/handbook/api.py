"""The register of rules and the handbook in the API, read-only, for every signed-in user: a script that
gets a rule code in an error (400 {"errors": [{"code": "R-BUDGET", …}]}) can look up what it means."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.params.functions import Path

from finsam.core.decorators import AUTHENTICATED, api_operation
from finsam.core.rulebook import RULES, codes_in, rule_for
from finsam.national.handbook import selectors
from finsam.national.handbook.models import HandbookPage
from finsam.national.handbook.rendering import as_html

router = Router(tags=["national"])

Code = Annotated[
    str,
    Path(
        min_length=3,
        max_length=40,
        pattern=r"^R-[A-Z0-9]+(-[A-Z0-9]+)*$",
        description="R-BUDGET, R-SAMRAD-1 …",
    ),
]
Slug = Annotated[
    str, Path(min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$", description="Sidans adress.")
]


class RuleOut(Schema):
    code: str
    kind: str = Field(description="regel (en regel för finansiell samordning) eller kontroll (av indata).")
    title: str
    text: str
    points: list[str] = Field(description="Numrerade punkter: R-SAMRAD-1 är den första.")
    sources: list[str]


class ChapterRef(Schema):
    number: int
    title: str


class PageSummaryOut(Schema):
    slug: str
    chapter: ChapterRef
    number: int
    title: str
    version: int
    updated_at: datetime


class PageOut(PageSummaryOut):
    body: str = Field(description="Texten i Markdown.")
    html: str = Field(description="Texten som sanerad HTML, med regelkoderna som länkar.")
    rules: list[str] = Field(description="Regelkoderna som texten nämner.")


def _rule(code: str) -> dict[str, Any]:
    rule = RULES[code].translated()
    return {
        "code": rule.code,
        "kind": str(rule.kind),
        "title": rule.title,
        "text": rule.text,
        "points": list(rule.points),
        "sources": list(rule.sources),
    }


def _summary(page: HandbookPage) -> dict[str, Any]:
    return {
        "slug": page.slug,
        "chapter": {"number": page.chapter.number, "title": page.chapter.title},
        "number": page.number,
        "title": page.title,
        "version": page.version,
        "updated_at": page.updated_at,
    }


@api_operation(
    router,
    "get",
    "/rules",
    need=AUTHENTICATED,
    response=list[RuleOut],
    summary="Regelregistret",
    description="Alla regler och kontroller av indata som fel från plattformen kan ange, med text och "
    "källor.",
)
def rule_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_rule(code) for code in RULES]


@api_operation(
    router,
    "get",
    "/rules/{code}",
    need=AUTHENTICATED,
    response=RuleOut,
    summary="En regel",
    description="En punkt i en regel (R-SAMRAD-1) ger hela regeln. En okänd kod: 404.",
)
def rule_detail(request: HttpRequest, code: Code) -> dict[str, Any]:
    rule = rule_for(code)
    if rule is None:
        raise Http404
    return _rule(rule.code)


@api_operation(
    router,
    "get",
    "/handbook/pages",
    need=AUTHENTICATED,
    response=list[PageSummaryOut],
    summary="Handbokens sidor i läsordning",
)
def handbook_page_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        _summary(page) for chapter in selectors.chapters(user=request.user) for page in chapter.pages.all()
    ]


@api_operation(
    router,
    "get",
    "/handbook/pages/{slug}",
    need=AUTHENTICATED,
    response=PageOut,
    summary="En sida i handboken",
)
def handbook_page_detail(request: HttpRequest, slug: Slug) -> dict[str, Any]:
    page = selectors.page_get(user=request.user, slug=slug)
    return _summary(page) | {
        "body": page.body,
        "html": str(as_html(page.body)),
        "rules": codes_in(page.body),
    }
