"""The statistics in the API and on the pages: cells {"labels", "value", "suppressed"}, exact for the
förbund's own users, suppressed nationally; charts with a title and description beside the same figures
in a table; the Excel export of the tables shown."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from openpyxl import load_workbook

from finsam.core.roles import Role
from finsam.core.suppression import audit
from finsam.statistics import outcomes as statistics
from tests.factories import PASSWORD, token_for
from tests.statistics.test_statistics import _true_tables, build_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world: Any) -> Any:
    return build_data(world)


def _get(world: Any, user: Any, url: str) -> Any:
    token = token_for(username=user.username, password=PASSWORD)
    return world.client(None).get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def _cell(body: dict[str, Any], key: str, **labels: str) -> dict[str, Any]:
    [table] = [t for t in body["tables"] if t["key"] == key]
    [cell] = [c for c in table["cells"] if c["labels"] == labels]
    return cell


def test_own_statistics_in_the_api_are_exact(world: Any, data: Any) -> None:
    response = _get(world, world.users[Role.ASSOCIATION_ADMIN], "/api/v1/statistics?year=2025")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["association"] == world.own.pk and body["suppressed"] is False
    a = str(data["a"].pk)
    assert _cell(body, "started", intervention=a, sex="man") == {
        "labels": {"intervention": a, "sex": "man"},
        "value": 3,
        "suppressed": False,
    }
    assert _cell(body, "started", intervention="total", sex="total")["value"] == 10


def test_another_förbund_in_the_api_is_not_found_and_bad_input_is_refused(world: Any, data: Any) -> None:
    admin = world.users[Role.ASSOCIATION_ADMIN]
    response = _get(world, admin, f"/api/v1/statistics?association={world.other.pk}&year=2025")
    assert response.status_code == 404
    response = _get(world, admin, "/api/v1/statistics?year=tjugo")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "year"
    response = _get(world, world.users[Role.NATIONAL_ADMIN], f"/api/v1/statistics?association={world.own.pk}")
    assert response.status_code == 403


def test_national_api_hides_small_counts_and_they_cannot_be_recovered(world: Any, data: Any) -> None:
    response = _get(world, world.users[Role.NATIONAL_VIEWER], "/api/v1/statistics/national?year=2025")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["suppressed"] is True
    other = str(world.other.pk)
    # The other förbund's two men: a small count, null and marked suppressed.
    assert _cell(body, "started", association=other, sex="man") == {
        "labels": {"association": other, "sex": "man"},
        "value": None,
        "suppressed": True,
    }
    for cell in (c for t in body["tables"] for c in t["cells"]):
        assert (cell["value"] is None) == cell["suppressed"]
        assert cell["value"] is None or cell["value"] == 0 or cell["value"] >= 5
    # Rebuild the published tables from the JSON and audit them against the true counts: every hidden
    # cell can take more than one value given everything the response shows.
    stats = statistics.national_statistics(user=world.users[Role.NATIONAL_VIEWER], year=2025)
    for keys in (("started", "started_age"), ("exited", "outcome", "income", "duration")):
        published = [stats.table(key).table for key in keys]
        for key, table in zip(keys, published, strict=True):
            shown = {tuple(c["labels"].values()): c["value"] for c in _table(body, key)["cells"]}
            assert shown == {cell.key: cell.value for cell in table.cells}
        for intervals in audit(_true_tables(keys), published):
            for low, high in intervals.values():
                assert high is None or high - low >= 1


def _table(body: dict[str, Any], key: str) -> dict[str, Any]:
    return next(t for t in body["tables"] if t["key"] == key)


def test_statistics_page_shows_charts_beside_tables(world: Any, data: Any) -> None:
    client = world.client(world.users[Role.BOARD_MEMBER])
    response = client.get(f"/uppfoljning/forbund/{world.own.pk}/statistik/?ar=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') == len(
        statistics.association_statistics(
            user=world.users[Role.BOARD_MEMBER], association_id=world.own.pk, year=2025
        ).tables
    )
    assert '<title id="chart-started-title">' in html and '<desc id="chart-started-desc">' in html
    assert 'scope="row">Steget vidare</th>' in html
    assert "Unga till arbete" in html


def test_national_page_marks_hidden_cells(world: Any, data: Any) -> None:
    client = world.client(world.users[Role.NATIONAL_ADMIN])
    response = client.get("/uppfoljning/statistik/?ar=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<abbr title="Dold: färre än 5' in html
    assert "Västerbotten" in html  # the region table


def test_excel_export_has_the_tables_shown(world: Any, data: Any) -> None:
    client = world.client(world.users[Role.NATIONAL_VIEWER])
    response = client.get("/uppfoljning/statistik/excel/?ar=2025")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    stats = statistics.national_statistics(user=world.users[Role.NATIONAL_VIEWER], year=2025)
    assert book.sheetnames[0] == "Nyckeltal"
    assert len(book.sheetnames) == 1 + len(stats.tables)
    started = book["Påbörjade"]  # the sheet's short name; the table's full title heads it
    assert started["A2"].value == stats.table("started").title
    rows = {row[0]: row[1:] for row in started.iter_rows(min_row=5, values_only=True) if row[0]}
    # The other förbund's row: its men are hidden (–), never the true 2.
    assert rows[world.other.name][1] == "–"
    assert 2 not in rows[world.other.name]
    own = world.client(world.users[Role.ASSOCIATION_ADMIN])
    response = own.get(f"/uppfoljning/forbund/{world.own.pk}/statistik/excel/?ar=2025")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Påbörjade"]
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]}
    assert rows["Steget vidare"] == (7, 3, 10)


def test_pages_workbooks_and_api_work_in_english_too(world: Any, data: Any) -> None:
    """The category names and titles are lazy translations: every way out turns them into text."""
    own = world.client(world.users[Role.ASSOCIATION_ADMIN])
    national = world.client(world.users[Role.NATIONAL_VIEWER])
    for client in (own, national):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    base = f"/uppfoljning/forbund/{world.own.pk}"
    for client, url in (
        (own, f"{base}/statistik/?ar=2025"),
        (own, f"{base}/samhallsekonomi/?ar=2025"),
        (national, "/uppfoljning/statistik/?ar=2025"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.content.decode()
    for client, url in (
        (own, f"{base}/statistik/excel/?ar=2025"),
        (own, f"{base}/samhallsekonomi/excel/?ar=2025"),
        (national, "/uppfoljning/statistik/excel/?ar=2025"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert load_workbook(io.BytesIO(response.content)).sheetnames
    token = token_for(username=world.users[Role.ASSOCIATION_ADMIN].username, password=PASSWORD)
    response = world.client(None).get(
        "/api/v1/statistics?year=2025", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    names = [name for t in body["tables"] for names in t["names"].values() for name in names.values()]
    assert names and all(isinstance(name, str) and name for name in names)
    assert all(isinstance(t["title"], str) and t["title"] for t in body["tables"])
