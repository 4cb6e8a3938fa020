"""The budget-and-outcome report as an Excel workbook: it opens with openpyxl and holds the figures as
numbers, with the association's name, organisation number and year at the top."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from finsam.core.access import SYSTEM
from finsam.core.roles import Role
from finsam.finance import services
from tests.factories import make_budget

pytestmark = pytest.mark.django_db


def rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]


def test_the_workbook_holds_budget_outcome_contributions_and_equity(world: Any) -> None:
    budget = make_budget(world.own, year=2025, adopt_on=date(2024, 11, 20))
    line = budget.lines.get(kind="intervention")
    services.outcome_update(
        actor=SYSTEM,
        budget=budget,
        version=budget.version,
        actuals={line.pk: "612345.50"},
        received={c.pk: c.amount for c in budget.contributions.all()},
    )

    response = world.client(world.users[Role.BOARD_MEMBER]).get(
        reverse("finance:report_xlsx", args=[budget.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Budget och utfall 2025", "Bidrag"]
    main = rows(book["Budget och utfall 2025"])
    assert main[0][0] == world.own.name and main[1][0] == f"Organisationsnummer {world.own.org_number}"
    by_label = {row[0]: row[1:] for row in main if row and row[0]}
    assert by_label["Insatser: Arbetslivsinriktad rehabilitering"][:3] == (600000, 612345.5, 12345.5)
    assert by_label["Administration: Personalkostnader"][:3] == (300000, None, None)
    assert by_label["Medlemmarnas bidrag"][:2] == (1000000, 1000000)
    # Before the close, equity is a forecast from the outcome entered so far: 1 000 000 − 612 345,50.
    assert by_label["Utgående eget kapital"][0] == 387654.5
    assert book["Budget och utfall 2025"]["B8"].number_format == "#,##0.00"
    contributions = {row[0]: row[1:] for row in rows(book["Bidrag"]) if row and row[0]}
    assert contributions["Umeå kommun"][1:] == (166666.67, 166666.67)
    assert contributions["Summa"][1] == 1000000


def test_an_outsider_gets_no_workbook(world: Any) -> None:
    budget = make_budget(world.own)

    response = world.client(world.outsiders[Role.AUDITOR]).get(
        reverse("finance:report_xlsx", args=[budget.pk])
    )

    assert response.status_code == 404
