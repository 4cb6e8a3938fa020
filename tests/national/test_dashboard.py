"""The national dashboard: who sees it, what it shows, and that open data shows the same figures."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from finsam.core.access import SYSTEM
from finsam.core.roles import Role
from finsam.national.dashboard import selectors
from finsam.registry.models import BoardSeat, Member
from tests.factories import (
    exit_participation,
    make_association,
    make_budget,
    make_intervention,
    make_participant,
    make_participation,
    make_user,
    sign_in,
)

pytestmark = pytest.mark.django_db

URL = "/nationellt/oversikt/"


def _client(user: Any) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _csv(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


@pytest.fixture
def association(db: Any) -> Any:
    return make_association("Samordningsförbundet Umeåregionen", municipalities=("2480", "2460"))


def test_anonymous_visitors_are_sent_to_sign_in(association: Any) -> None:
    for path in (URL, URL + "export.xlsx"):
        response = Client().get(path)
        assert response.status_code == 302
        assert "/logga-in/" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize("role", [Role.NATIONAL_VIEWER, Role.NATIONAL_ADMIN])
def test_the_national_roles_see_the_dashboard(association: Any, role: Role) -> None:
    response = _client(make_user(f"nat-{role}", **{role: True})).get(URL, {"datum": "2025-06-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nationell översikt" in page
    assert "Västerbottens län" in page
    assert "<svg" in page and "<caption" in page


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.NATIONAL_VIEWER, Role.NATIONAL_ADMIN}))
def test_association_roles_are_refused(association: Any, role: Role) -> None:
    user = make_user(f"assoc-{role}", **{role: association})
    assert _client(user).get(URL).status_code == 403
    assert _client(user).get(URL + "export.xlsx").status_code == 403


def test_a_bad_date_is_shown_on_the_field_with_400(association: Any) -> None:
    viewer = make_user("radet", national_viewer=True)
    response = _client(viewer).get(URL, {"datum": "2025-02-31"})
    assert response.status_code == 400
    assert "ÅÅÅÅ-MM-DD" in response.content.decode()


def test_coverage_on_the_page_follows_the_chosen_date(association: Any) -> None:
    Member.objects.filter(association=association, municipality__code="2460").update(left=date(2025, 5, 31))
    viewer = make_user("radet", national_viewer=True)
    before = _client(viewer).get(URL, {"datum": "2025-05-31"}).content.decode()
    after = _client(viewer).get(URL, {"datum": "2025-06-01"}).content.decode()
    assert "2 av 290" in before
    assert "1 av 290" in after


def test_compliance_shows_an_incomplete_board(association: Any) -> None:
    member = Member.objects.get(association=association, municipality__code="2460")
    BoardSeat.objects.filter(member=member, role="deputy").delete()
    viewer = make_user("radet", national_viewer=True)
    compliance = selectors.compliance(user=viewer, year=date.today().year)  # noqa: DTZ011
    [row] = compliance.rows
    assert row.board_complete is False
    assert row.board_missing == [f"{member.name} (ersättare)"]
    assert len(row.cells) == 3


def test_finance_totals_group_the_members_as_the_law_does(association: Any) -> None:
    make_budget(association, year=2025, frame="1000000.00", adopt_on=date(2024, 11, 20))
    other = make_association("Samordningsförbundet Andra", municipalities=("2482",))
    make_budget(other, year=2025, frame="400000.00")  # not adopted: not counted
    viewer = make_user("radet", national_viewer=True)
    totals = selectors.finance_totals(user=viewer, year=2025)
    kinds = {k.key: k.amount for k in totals.kinds}
    assert totals.total == Decimal("1000000.00")
    assert kinds == {
        "state": Decimal("500000.00"),
        "regions": Decimal("250000.00"),
        "municipalities": Decimal("250000.00"),
    }
    rows = {r.name: r for r in totals.associations}
    assert rows["Samordningsförbundet Umeåregionen"].contributions == Decimal("1000000.00")
    assert rows["Samordningsförbundet Andra"].contributions is None
    assert totals.equity_level is None and totals.allocation_total is None  # the allocation part adds them


def test_the_excel_export_holds_the_dashboards_tables(association: Any) -> None:
    viewer = make_user("radet", national_viewer=True)
    response = _client(viewer).get(URL + "export.xlsx", {"datum": "2025-06-01", "ar": "2025"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Täckning", "Ekonomi", "Uppföljning", "Efterlevnad"]
    values = [c for row in book["Täckning"].iter_rows(values_only=True) for c in row if c is not None]
    assert "Västerbottens län" in values and "Hela landet" in values
    assert 290 in values and 2 in values


def test_open_data_shows_the_dashboards_figures(association: Any) -> None:
    make_budget(association, year=2025, frame="1000000.00", adopt_on=date(2024, 11, 20))
    viewer = make_user("radet", national_viewer=True)
    board = selectors.dashboard(user=viewer, day=date(2025, 6, 1), year=2025)
    client = Client()
    coverage = client.get("/open-data/coverage.json?date=2025-06-01").json()
    assert sum(c["covered"] for c in coverage["counties"]) == board.coverage.municipalities_covered
    assert {c["code"]: c["covered"] for c in coverage["counties"]} == {
        c.code: c.covered for c in board.coverage.counties
    }
    counties = _csv(client.get("/open-data/coverage-counties.csv?date=2025-06-01"))
    assert sum(r["region_covered"] == "true" for r in counties) == board.coverage.regions_covered
    contributions = _csv(client.get("/open-data/contributions.csv?year=2025"))
    assert sum(Decimal(r["amount"]) for r in contributions) == board.finance.total
    state = sum(Decimal(r["amount"]) for r in contributions if r["kind"] in ("fk", "af"))
    assert state == next(k.amount for k in board.finance.kinds if k.key == "state")


def test_suppression_holds_on_the_dashboard_and_in_open_data(association: Any) -> None:
    """Three participations in a förbund: no count from 1 to 4 leaves, neither on the page nor in the file."""
    intervention = make_intervention(association, start=date(2024, 1, 1))
    for sex in ("woman", "woman", "man"):
        participation = make_participation(make_participant(intervention, sex=sex), start=date(2024, 3, 1))
    exit_participation(participation, exit=date(2024, 9, 1))
    viewer = make_user("radet", national_viewer=True)
    followup = selectors.followup(user=viewer, year=2024)
    year_2024 = next(y for y in followup.trend if y.year == 2024)
    assert year_2024.started is None and year_2024.exited is None
    assert all(a.started is None for a in followup.associations)
    rows = _csv(Client().get("/open-data/national-statistics.csv?year=2024"))
    assert rows
    shown = [int(r["value"]) for r in rows if r["value"] != ""]
    assert not [v for v in shown if 1 <= v <= 4]
    assert all(r["value"] == "" for r in rows if r["suppressed"] == "true")
    assert any(r["suppressed"] == "true" for r in rows)
    as_json = Client().get("/open-data/national-statistics.json?year=2024").json()
    assert not [r for r in as_json if r["value"] is not None and 1 <= r["value"] <= 4]


def test_open_data_matches_the_dashboard_on_the_demo(demo_data: Any) -> None:
    """With the demo's three förbund and thousands of participations: the national figures in the file are
    the dashboard's."""
    year = date.today().year - 1  # noqa: DTZ011
    board = selectors.dashboard(user=SYSTEM, day=date.today(), year=year)  # noqa: DTZ011
    rows = _csv(Client().get(f"/open-data/national-statistics.csv?year={year}"))
    total = next(
        r for r in rows if r["table"] == "started" and r["row"] == "total" and r["column"] == "total"
    )
    shown = next(y for y in board.followup.trend if y.year == year)
    assert (None if total["value"] == "" else int(total["value"])) == shown.started
    coverage = Client().get("/open-data/coverage.json").json()
    covered = sum(1 for m in coverage["municipalities"] if m["associations"])
    assert covered == board.coverage.municipalities_covered == 15
    assert not [int(r["value"]) for r in rows if r["value"] != "" and 1 <= int(r["value"]) <= 4]


def test_without_a_decided_allocation_its_column_is_not_shown_but_the_level_is(association: Any) -> None:
    from finsam.national.allocation.selectors import recommended_equity_level

    viewer = make_user("radet", national_viewer=True)
    page = _client(viewer).get(URL).content.decode()
    level = recommended_equity_level(date.today().year)  # noqa: DTZ011
    assert f"Mot rekommenderad nivå ({level:.0f} %)" in page
    assert "Statens medelstilldelning (beslutad)" not in page


def test_the_decided_allocation_shows_on_the_dashboard_as_in_open_data(demo_data: Any) -> None:
    """The demo decides this year's allocation: the dashboard's column, its workbook and the open data file
    show the decided amounts, förbund by förbund."""
    from django.contrib.auth import get_user_model

    from finsam.national.allocation.selectors import decided_allocations

    year = date.today().year  # noqa: DTZ011
    decided = {row.association_id: row.amount for row in decided_allocations(year=year)}
    assert len(decided) == 3
    viewer = get_user_model().objects.get(username="nationella-radet")
    page = _client(viewer).get(URL + f"?ar={year}").content.decode()
    assert "Statens medelstilldelning (beslutad)" in page
    response = _client(viewer).get(URL + f"export.xlsx?ar={year}")
    values = [
        Decimal(str(c))
        for row in load_workbook(io.BytesIO(response.content))["Ekonomi"].iter_rows(values_only=True)
        for c in row
        if isinstance(c, int | float)
    ]
    assert all(amount in values for amount in decided.values())
    rows = _csv(Client().get("/open-data/state-allocations.csv"))
    published = {int(r["association_id"]): Decimal(r["amount"]) for r in rows if r["year"] == str(year)}
    assert published == decided


def test_a_forbund_name_that_looks_like_a_formula_stays_text_in_the_workbook(association: Any) -> None:
    type(association).objects.filter(pk=association.pk).update(name="=2+2")
    viewer = make_user("radet", national_viewer=True)
    response = _client(viewer).get(URL + "export.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value == "=2+2"]
    assert cells and all(c.data_type == "s" for c in cells)
