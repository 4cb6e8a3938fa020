"""Sheet names a reader can read: Excel allows 31 characters and refuses some; a long title is cut at a
word, not inside one, and two sheets never share a name. The statistics workbooks name their sheets short."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from finsam.core.roles import Role
from finsam.reports import excel


def test_a_sheet_name_is_cut_at_a_word_and_cleaned_of_refused_characters() -> None:
    taken: set[str] = set()
    long = excel.sheet_name("Huvudsaklig försörjning före och efter (avslutade deltaganden)", taken)
    assert long == "Huvudsaklig försörjning före"
    assert len(long) <= 31
    assert excel.sheet_name("Budget: 2026/2027 [utkast]?", taken) == "Budget 2026 2027 utkast"
    assert excel.sheet_name("Huvudsaklig försörjning före", taken) == "Huvudsaklig försörjning för (2)"
    assert excel.sheet_name("", taken) == "Blad"


def test_a_workbook_with_such_titles_opens_with_every_sheet_named() -> None:
    sheets = [excel.Sheet(title=t, heading=[t], tables=[]) for t in ("A/B", "A/B", "x" * 40)]
    book = load_workbook(io.BytesIO(excel.workbook(sheets)))
    assert book.sheetnames == ["A B", "A B (2)", "x" * 31]


@pytest.mark.django_db
def test_the_statistics_workbook_names_its_sheets_short_and_whole(world: Any) -> None:
    client = world.client(world.users[Role.ASSOCIATION_ADMIN])
    url = reverse("statistics:statistics_association_excel", args=[world.own.pk])
    response = client.get(url)
    assert response.status_code == 200
    names = load_workbook(io.BytesIO(response.content)).sheetnames
    assert names[:3] == ["Nyckeltal", "Påbörjade", "Påbörjade per ålder"]
    assert "Försörjning före och efter" in names and "Tid i insatsen" in names
    assert all(len(name) <= 31 for name in names)
