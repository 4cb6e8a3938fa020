"""Outcome statistics in the API (DESIGN §5): tables of cells {"labels", "value", "suppressed"}.

`GET /statistics?association=&year=` is a förbund's own figures for its own users (exact: they do not leave
the förbund); `GET /statistics/national?year=` the national figures per förbund, region and nation,
always suppressed (R-SUPPRESS): a hidden cell has `"value": null, "suppressed": true`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.renderers import JSONRenderer
from pydantic import BaseModel

from finsam.core.access import scope_for
from finsam.core.decorators import api_operation
from finsam.core.errors import RuleViolation
from finsam.core.roles import Capability
from finsam.core.schemas import MAX_ID
from finsam.core.suppression import cells
from finsam.statistics import outcomes as statistics

router = Router(tags=["statistics"])

FIRST_YEAR = 2000
LAST_YEAR = 2100


class CellOut(BaseModel):
    labels: dict[str, str] = Field(description='Kategori per dimension; "total" för en summa.')
    value: int | None = Field(description="Antal; null när uppgiften är dold (R-SUPPRESS).")
    suppressed: bool


class TableOut(BaseModel):
    key: str
    title: str
    dimensions: list[str]
    names: dict[str, dict[str, str]] = Field(description="Visningsnamn per dimension och kategorikod.")
    cells: list[CellOut]


class FigureOut(BaseModel):
    key: str
    label: str
    value: float | None = Field(description="null när en uppgift som talet bygger på är dold.")
    unit: str


class RegionOut(BaseModel):
    code: str
    name: str
    started: int | None
    exited: int | None


class StatisticsOut(BaseModel):
    year: int
    association: int | None
    suppressed: bool = Field(description="true när uppgifterna har röjandeskyddats (R-SUPPRESS).")
    tables: list[TableOut]
    figures: list[FigureOut]
    regions: list[RegionOut]


class AssociationStatisticsQuery(Schema):
    association: int | None = Field(
        None, ge=1, le=MAX_ID, description="Förbundets id; utelämnas om du bara har ett förbund."
    )
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description="Året; i år om det utelämnas.")


class NationalStatisticsQuery(Schema):
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description="Året; i år om det utelämnas.")


# The answers are plain pydantic models, not ninja's `Schema`: a national answer has some 1 500 cells, and
# `Schema` validates each through its attribute getter for Django objects (a third of the request's
# time); these are built from dicts and need none of it. The OpenAPI document is the same.


def _out(stats: statistics.Statistics) -> dict[str, Any]:
    return {
        "year": stats.year,
        "association": stats.association.pk if stats.association else None,
        "suppressed": stats.suppressed,
        "tables": [
            {
                "key": t.key,
                "title": t.title,
                "dimensions": list(t.dimensions),
                "names": {
                    dimension: {code: str(name) for code, name in names.items()}
                    for dimension, names in t.names.items()
                },
                "cells": cells(t.table),
            }
            for t in stats.tables
        ],
        "figures": [
            {"key": f.key, "label": f.label, "value": f.value, "unit": f.unit} for f in stats.figures
        ],
        "regions": [
            {"code": r.code, "name": r.region, "started": r.started, "exited": r.exited}
            for r in stats.regions
        ],
    }


# The JSON of the statistics kept in the process (`outcomes._kept`), under the same key: a repeated request
# is the answer's bytes. The bytes are those the framework writes for the returned dict (validated by the
# response model, then rendered by the API's renderer, the default one).
_RENDERER = JSONRenderer()
_CONTENT_TYPE = f"{_RENDERER.media_type}; charset={_RENDERER.charset}"
_KEPT = 64
_kept_json: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_kept_lock = threading.Lock()


def _response(request: HttpRequest, stats: statistics.Statistics) -> HttpResponse:
    content = None
    if stats.key is not None:
        with _kept_lock:
            content = _kept_json.get(stats.key)
            if content is not None:
                _kept_json.move_to_end(stats.key)
    if content is None:
        data = StatisticsOut.model_validate(_out(stats)).model_dump()
        rendered = _RENDERER.render(request, data, response_status=200)
        content = rendered.encode() if isinstance(rendered, str) else rendered
        if stats.key is not None:
            with _kept_lock:
                _kept_json[stats.key] = content
                while len(_kept_json) > _KEPT:
                    _kept_json.popitem(last=False)
    return HttpResponse(content, content_type=_CONTENT_TYPE)


def forget_kept() -> None:
    with _kept_lock:
        _kept_json.clear()


def _year(year: int | None) -> int:
    return year if year is not None else timezone.localdate().year


@api_operation(
    router,
    "get",
    "/statistics",
    need=Capability.STATISTICS_VIEW,
    response=StatisticsOut,
    # The operation ids of before the statistics app, kept for clients generated from the document.
    operation_id="finsam_followup_statistics_api_association_statistics",
    summary="Förbundets egen statistik",
    description="Påbörjade, pågående och avslutade deltaganden per insats, kön och åldersgrupp, "
    "sysselsättning och försörjning före och efter, tid i insatsen. Exakta antal för förbundets egna "
    "användare; felregistrerade deltaganden räknas inte. Ett förbund utanför ditt ger 404.",
)
def association_statistics(request: HttpRequest, filters: Query[AssociationStatisticsQuery]) -> HttpResponse:
    association_id = filters.association
    if association_id is None:
        scope = scope_for(request.user, Capability.STATISTICS_VIEW)
        if len(scope.association_ids) != 1:
            raise RuleViolation("R-INPUT", _("Ange förbundet (association)."), "association")
        [association_id] = scope.association_ids
    stats = statistics.association_statistics(
        user=request.user, association_id=association_id, year=_year(filters.year)
    )
    return _response(request, stats)


@api_operation(
    router,
    "get",
    "/statistics/national",
    need=Capability.STATISTICS_NATIONAL,
    response=StatisticsOut,
    operation_id="finsam_followup_statistics_api_national_statistics",
    summary="Nationell statistik (röjandeskyddad)",
    description="Deltaganden per förbund, region och för hela landet. Antal 1–4 döljs, och fler celler "
    "döljs så att en dold uppgift inte kan räknas fram ur summorna (R-SUPPRESS).",
)
def national_statistics(request: HttpRequest, filters: Query[NationalStatisticsQuery]) -> HttpResponse:
    return _response(request, statistics.national_statistics(user=request.user, year=_year(filters.year)))
