"""Open data, public (no sign-in): the /open-data/ page, datapackage.json and each resource as CSV and JSON.

CSV: UTF-8 without byte order mark, comma-separated, CRLF line ends, a header row; null as an empty field;
user text that a spreadsheet would take for a formula starts with an apostrophe. A bad parameter is answered
400 with {"errors": [{"code", "message", "field"}]}, never 500. Short public caching: the figures change
when the registry does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from finsam.core.decorators import PUBLIC, page_access
from finsam.core.errors import Violation
from finsam.national.open_data import selectors
from finsam.reports import csvfile

MAX_AGE = 300
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FIRST_YEAR = 2004
LAST_YEAR = 2100
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


class BadParameter(Exception):
    def __init__(self, violation: Violation) -> None:
        super().__init__(violation.message)
        self.violation = violation


def _query(request: HttpRequest) -> selectors.Query:
    today = timezone.localdate()
    day, year = today, today.year
    raw_day = request.GET.get("date")
    if raw_day is not None:
        try:
            if not ISO_DATE.fullmatch(raw_day):
                raise ValueError(raw_day)
            day = date.fromisoformat(raw_day)
        except ValueError:
            raise BadParameter(
                Violation("R-INPUT", _("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2025-01-31."), "date")
            ) from None
    raw_year = request.GET.get("year")
    if raw_year is not None:
        if not raw_year.isascii() or not raw_year.isdigit() or not FIRST_YEAR <= int(raw_year) <= LAST_YEAR:
            raise BadParameter(
                Violation(
                    "R-INPUT",
                    _("Ange året som ett årtal mellan %(first)s och %(last)s.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR},
                    "year",
                )
            )
        year = int(raw_year)
    return selectors.Query(day=day, year=year)


def _cached(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _answer(request: HttpRequest, build: Callable[[selectors.Query], HttpResponse]) -> HttpResponse:
    try:
        query = _query(request)
    except BadParameter as bad:
        v = bad.violation
        return JsonResponse(
            {"errors": [{"code": v.code, "message": str(v.message), "field": v.field}]},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    return _cached(build(query))


def _json(data: Any) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"),
        content_type="application/json; charset=utf-8",
    )


def _csv_response(item: selectors.Resource, query: selectors.Query) -> HttpResponse:
    rows = item.rows(query)
    body = csvfile.write(
        selectors.header(item),
        (
            [
                csvfile.text(text) if f.user_text else text
                for f in item.fields
                for text in (selectors.csv_value(row[f.name], f),)
            ]
            for row in rows
        ),
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{item.path}"'
    return response


def _json_response(item: selectors.Resource, query: selectors.Query) -> HttpResponse:
    return _json(
        [{key: selectors.json_value(value) for key, value in row.items()} for row in item.rows(query)]
    )


def _resource_views(name: str) -> tuple[Callable[..., HttpResponseBase], Callable[..., HttpResponseBase]]:
    item = selectors.resource(name)

    @page_access(PUBLIC)
    def as_csv(request: HttpRequest) -> HttpResponse:
        return _answer(request, lambda query: _csv_response(item, query))

    @page_access(PUBLIC)
    def as_json(request: HttpRequest) -> HttpResponse:
        return _answer(request, lambda query: _json_response(item, query))

    as_csv.__name__ = f"{name.replace('-', '_')}_csv"
    as_json.__name__ = f"{name.replace('-', '_')}_json"
    return as_csv, as_json


RESOURCE_VIEWS = {
    item.name: _resource_views(item.name) for item in selectors.RESOURCES if item.name != "coverage"
}


@page_access(PUBLIC)
def coverage_json(request: HttpRequest) -> HttpResponse:
    """The contract: {"date", "municipalities": [...], "counties": [...]} over all 290 and 21."""
    return _answer(request, lambda query: _json(selectors.coverage_document(query)))


@page_access(PUBLIC)
def coverage_csv(request: HttpRequest) -> HttpResponse:
    return _answer(request, lambda query: _csv_response(selectors.resource("coverage"), query))


def datapackage(request: HttpRequest) -> dict[str, Any]:
    return {
        "profile": "tabular-data-package",
        "name": "finsam-oppna-data",
        "title": _("Finansiell samordning: öppna data"),
        "description": _(
            "Samordningsförbundens register, täckning, medlemmarnas bidrag och nationell statistik "
            "(röjandeskyddad). CSV i UTF-8 med kommatecken som avgränsare och punkt som decimaltecken."
        ),
        "homepage": request.build_absolute_uri(reverse("open_data:index")),
        "licenses": [LICENSE],
        "resources": [
            {
                "name": item.name,
                "title": str(item.title),
                "description": str(item.description),
                "path": item.path,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": True},
                "schema": {
                    "fields": [
                        {"name": f.name, "type": f.type, "description": str(f.description)}
                        for f in item.fields
                    ],
                    "missingValues": [""],
                },
            }
            for item in selectors.RESOURCES
        ],
    }


@page_access(PUBLIC)
def datapackage_json(request: HttpRequest) -> HttpResponse:
    return _cached(_json(datapackage(request)))


@page_access(PUBLIC)
def index(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "national/open_data/index.html",
        {"resources": selectors.RESOURCES, "license": LICENSE, "today": timezone.localdate()},
    )
    return _cached(response)
