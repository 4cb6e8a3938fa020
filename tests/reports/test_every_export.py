"""STYLE rule 10 over the whole platform: every Excel and CSV file it hands out writes user text as text.

The demo's names (förbund, municipalities, interventions, people, conferences, budget lines) are made to
look like formulas, and every export is fetched by a user who may have it. No workbook may hold a formula
cell, and a text cell that starts like a formula must carry Excel's quote prefix (so that it stays text
when edited, or saved as CSV); no CSV field may start like a formula unless it is a plain number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from finsam.accounts.audit_actions import AuditAction
from finsam.core import audit
from finsam.core.demo import DemoContext
from finsam.finance.models import Budget, BudgetLine
from finsam.imports.models import ImportRun, ImportRunError
from finsam.interventions.models import Intervention
from finsam.national.conferences.models import Conference, Registration
from finsam.registry.models import Association, Municipality, Person, Region
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

FORMULAS = ('=HYPERLINK("http://example.org","x")', "+SUM(1;2)", "-2+3+cmd|' /C calc'!A0", "@SUM(1)")
STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _formula(n: int) -> str:
    return f"{FORMULAS[n % len(FORMULAS)]} {n}"


def _poison(ctx: DemoContext) -> None:
    """Formula-like text in every name a user or an import can set (straight in the tables: the forms
    would take them as well, this is quicker)."""
    n = 0
    for model, fields in (
        (Association, ("name",)),
        (Municipality, ("name", "short_name")),
        (Region, ("name", "county_name")),
        (Intervention, ("name", "target_group")),
        (Person, ("first_name", "last_name")),
        (Conference, ("title", "place")),
        (BudgetLine, ("label",)),
    ):
        for pk in model.objects.values_list("pk", flat=True):
            n += 1
            model.objects.filter(pk=pk).update(**{field: _formula(n) for field in fields})
    for user in get_user_model().objects.all():
        n += 1
        get_user_model().objects.filter(pk=user.pk).update(first_name=_formula(n), last_name=_formula(n + 1))
    # A user name as the audit log holds it (the log cannot be changed afterwards: a new entry).
    villain = get_user_model().objects.create_user(username="-2+3+cmd", password="x" * 12)
    audit.record(actor=villain, action=AuditAction.USER_CREATE, target=villain)


def _demo_ids(ctx: DemoContext) -> dict[str, int]:
    umea = ctx.associations["umea"]
    coordinator = ctx.users["umea-deltagare"]
    run = ImportRun.objects.filter(association=umea).first()
    if run is None:
        run = ImportRun.objects.create(association=umea, created_by=coordinator, status="failed")
    # The messages of an import's errors are the platform's own, never a value from the file.
    ImportRunError.objects.create(run=run, row=2, column="personnummer", message="Ogiltigt personnummer.")
    return {
        "association_id": umea.pk,
        "budget_id": Budget.objects.filter(association=umea)
        .order_by("-year")
        .values_list("pk", flat=True)[0],
        "conference_id": Registration.objects.values_list("conference_id", flat=True).first() or 0,
        "import_run_id": run.pk,
    }


# Every export, by URL name: who fetches it. The arguments come from the URL's own parameters.
EXPORTS: dict[str, str] = {
    "audit_export": "arbetsgrupp",
    "registry:association_import_xlsx": "arbetsgrupp",
    "registry:association_import_csv": "arbetsgrupp",
    "registry:association_import_board_csv": "arbetsgrupp",
    "imports:import_template_csv": "umea-deltagare",
    "imports:import_template_xlsx": "umea-deltagare",
    "imports:import_run_report": "umea-deltagare",
    "statistics:statistics_association_excel": "umea-chef",
    "statistics:economy_association_excel": "umea-chef",
    "statistics:statistics_national_excel": "arbetsgrupp",
    "statistics:national_report_excel": "umea-chef",
    "statistics:national_report_csv": "umea-chef",
    "statistics:national_report_national_excel": "arbetsgrupp",
    "statistics:national_report_national_csv": "arbetsgrupp",
    "finance:report_xlsx": "umea-chef",
    "national:dashboard_excel": "arbetsgrupp",
    "national:conference_participants_xlsx": "arbetsgrupp",
    "national:conference_participants_csv": "arbetsgrupp",
}


def _patterns(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else namespace
            route = prefix + str(pattern.pattern)
            yield from _patterns(pattern.url_patterns, route, pattern.namespace or inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def _spreadsheet_urls() -> dict[str, Any]:
    """Every named URL whose address or name says CSV or Excel (the API's JSON aside)."""
    found = {}
    for name, pattern in _patterns(get_resolver().url_patterns):
        words = (str(pattern.pattern) + " " + name).lower()
        if not name.startswith("api:") and any(w in words for w in (".csv", "_csv", "xlsx", "excel")):
            found[name] = pattern
    return found


def test_the_walk_knows_every_csv_and_excel_address() -> None:
    missing = {
        name for name in _spreadsheet_urls() if name not in EXPORTS and not name.startswith("open_data:")
    }
    assert not missing, f"add these exports to EXPORTS: {sorted(missing)}"


def _check_workbook(name: str, data: bytes) -> int:
    book = load_workbook(io.BytesIO(data))
    formulas = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{name}: a formula in {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str) and cell.value[:1] in STARTS:
                    formulas += 1
                    assert cell.quotePrefix, f"{name}: {sheet.title}!{cell.coordinate} {cell.value!r}"
    return formulas


def _check_csv(name: str, data: bytes) -> int:
    text = data.decode("utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    escaped = 0
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        for field in row:
            assert field[:1] not in STARTS or PLAIN_NUMBER.fullmatch(field), f"{name}: {field!r}"
            escaped += field.startswith("'") and field[1:2] in STARTS
    return escaped


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_export_writes_formula_like_names_as_text(demo_data: DemoContext) -> None:
    _poison(demo_data)
    ids = _demo_ids(demo_data)
    urls = _spreadsheet_urls()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=set(EXPORTS.values()))}
    shown: dict[str, int] = {}
    fetch: list[tuple[str, Client, str]] = []
    for name, username in EXPORTS.items():
        client = Client()
        sign_in(client, users[username])
        kwargs = {key: ids[key] for key in urls[name].pattern.converters}
        fetch.append((name, client, reverse(name, kwargs=kwargs)))
    fetch += [(name, Client(), reverse(name)) for name in urls if name.startswith("open_data:")]
    for name, client, url in fetch:
        response = client.get(url)
        assert response.status_code == 200, name
        data = _body(response)
        if response["Content-Type"].startswith(XLSX):
            shown[name] = _check_workbook(name, data)
        else:
            assert response["Content-Type"].startswith("text/csv"), name
            shown[name] = _check_csv(name, data)
    # The poisoned names reached the exports that show them (else the walk proves nothing).
    for name in (
        "audit_export",
        "statistics:statistics_association_excel",
        "statistics:economy_association_excel",
        "statistics:national_report_excel",
        "statistics:national_report_csv",
        "finance:report_xlsx",
        "national:dashboard_excel",
        "national:conference_participants_xlsx",
        "national:conference_participants_csv",
        "open_data:associations_csv",
    ):
        assert shown[name] > 0, f"{name} showed no formula-like name"
