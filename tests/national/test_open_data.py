"""Open data: public, the coverage contract, CSV with the same rows, a valid datapackage.json, R-SUPPRESS."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from finsam.registry.models import Association, Member
from tests.factories import make_association, make_budget

pytestmark = pytest.mark.django_db

DAY = "2025-06-01"


def _csv(response: Any) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _header(response: Any) -> list[str]:
    return next(csv.reader(io.StringIO(response.content.decode("utf-8"))))


@pytest.fixture
def two(db: Any) -> tuple[Any, Any]:
    umea = make_association("Samordningsförbundet Umeåregionen", municipalities=("2480", "2460"))
    other = make_association("Samordningsförbundet Skellefteå–Norsjö", municipalities=("2482", "2417"))
    Member.objects.filter(association=other, municipality__code="2417").update(left=date(2025, 5, 1))
    return umea, other


def test_anonymous_visitors_reach_the_open_data_page_with_every_file_described(two: Any) -> None:
    response = Client().get("/open-data/")
    assert response.status_code == 200
    page = response.content.decode()
    names = ("associations.csv", "members.csv", "coverage.csv", "national-statistics.csv", "coverage.json")
    for name in names:
        assert name in page
    assert "org_number" in page and "Organisationsnummer" in page
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]


def test_coverage_json_keeps_the_contract_over_all_municipalities_and_counties(two: Any) -> None:
    umea, _other = two
    response = Client().get(f"/open-data/coverage.json?date={DAY}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "public" in response["Cache-Control"]
    data = response.json()
    assert set(data) == {"date", "municipalities", "counties"}
    assert data["date"] == DAY
    assert len(data["municipalities"]) == 290
    assert len(data["counties"]) == 21
    for municipality in data["municipalities"]:
        assert set(municipality) == {"code", "name", "county", "associations"}
        assert set(municipality["county"]) == {"code", "name"}
        for association in municipality["associations"]:
            assert set(association) == {"id", "name"}
    for county in data["counties"]:
        assert set(county) == {"code", "name", "municipalities", "covered"}
    by_code = {m["code"]: m for m in data["municipalities"]}
    assert by_code["2480"] == {
        "code": "2480",
        "name": by_code["2480"]["name"],
        "county": {"code": "24", "name": "Västerbottens län"},
        "associations": [{"id": umea.pk, "name": "Samordningsförbundet Umeåregionen"}],
    }
    assert by_code["2417"]["associations"] == []  # left on 1 May
    assert by_code["0180"]["associations"] == []
    counties = {c["code"]: c for c in data["counties"]}
    assert counties["24"] == {"code": "24", "name": "Västerbottens län", "municipalities": 15, "covered": 3}
    assert sum(c["municipalities"] for c in data["counties"]) == 290


def test_coverage_json_without_a_date_is_today(two: Any) -> None:
    data = Client().get("/open-data/coverage.json").json()
    assert data["date"] == date.today().isoformat()  # noqa: DTZ011
    assert len(data["municipalities"]) == 290


@pytest.mark.parametrize(
    "bad", ["2025-13-01", "igår", "2025-6-1", "", "20250601", "2025-W01-1", "２０２５-01-01"]
)
def test_a_bad_date_is_a_400_with_a_swedish_message_not_a_500(two: Any, bad: str) -> None:
    for path in ("/open-data/coverage.json", "/open-data/coverage.csv", "/open-data/coverage-counties.csv"):
        response = Client().get(path, {"date": bad})
        assert response.status_code == 400, (path, bad)
        [error] = response.json()["errors"]
        assert error["field"] == "date"
        assert error["code"] == "R-INPUT"
        assert "ÅÅÅÅ-MM-DD" in error["message"]


def test_a_bad_year_is_a_400(two: Any) -> None:
    response = Client().get("/open-data/national-statistics.csv", {"year": "tjugo"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "year"


def test_coverage_csv_has_the_same_rows_as_the_json(two: Any) -> None:
    client = Client()
    data = client.get(f"/open-data/coverage.json?date={DAY}").json()
    response = client.get(f"/open-data/coverage.csv?date={DAY}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert [r["code"] for r in rows] == [m["code"] for m in data["municipalities"]]
    for row, municipality in zip(rows, data["municipalities"], strict=True):
        assert row["date"] == DAY
        assert row["name"] == municipality["name"]
        assert row["county_code"] == municipality["county"]["code"]
        assert row["covered"] == ("true" if municipality["associations"] else "false")
        assert row["association_ids"] == ";".join(str(a["id"]) for a in municipality["associations"])


def test_datapackage_describes_every_file_and_every_path_answers_with_that_header(two: Any) -> None:
    client = Client()
    package = client.get("/open-data/datapackage.json").json()
    assert package["name"] and package["title"]
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert {r["name"] for r in package["resources"]} >= {
        "associations",
        "members",
        "coverage",
        "coverage-counties",
        "national-statistics",
        "contributions",
    }
    for resource in package["resources"]:
        assert resource["format"] == "csv" and resource["mediatype"] == "text/csv"
        fields = resource["schema"]["fields"]
        assert all(f["type"] in {"string", "integer", "number", "boolean", "date"} for f in fields)
        assert all(f["description"] for f in fields)
        response = client.get("/open-data/" + resource["path"])
        assert response.status_code == 200, resource["path"]
        assert _header(response) == [f["name"] for f in fields], resource["path"]
        for row in _csv(response):
            for f in fields:
                value = row[f["name"]]
                if value == "":
                    continue
                if f["type"] == "integer":
                    int(value)
                elif f["type"] == "number":
                    Decimal(value)
                elif f["type"] == "boolean":
                    assert value in ("true", "false")
                elif f["type"] == "date":
                    date.fromisoformat(value)


def test_registry_files_list_forbund_and_member_periods(two: Any) -> None:
    umea, other = two
    client = Client()
    associations = {int(r["id"]): r for r in _csv(client.get("/open-data/associations.csv"))}
    assert associations[umea.pk]["org_number"] == umea.org_number
    assert associations[umea.pk]["seat_code"] == "2480"
    assert associations[umea.pk]["ended"] == ""
    members = [r for r in _csv(client.get("/open-data/members.csv")) if r["association_id"] == str(other.pk)]
    left = next(r for r in members if r["code"] == "2417")
    assert left["kind"] == "municipality" and left["end"] == "2025-05-01"
    assert {r["kind"] for r in members} == {"fk", "af", "region", "municipality"}
    as_json = client.get("/open-data/members.json").json()
    assert len(as_json) == Member.objects.count()


def test_a_name_that_looks_like_a_formula_is_written_as_text(two: Any) -> None:
    umea, _other = two
    Association.objects.filter(pk=umea.pk).update(name='=HYPERLINK("http://x")')
    rows = _csv(Client().get("/open-data/associations.csv"))
    assert '\'=HYPERLINK("http://x")' in [r["name"] for r in rows]
    coverage = _csv(Client().get(f"/open-data/coverage.csv?date={DAY}"))
    assert next(r for r in coverage if r["code"] == "2480")["association_names"].startswith("'=")


def test_contributions_file_sums_the_adopted_budgets(two: Any) -> None:
    umea, _other = two
    make_budget(umea, year=2025, frame="1000000.00", adopt_on=date(2024, 11, 20))
    rows = _csv(Client().get("/open-data/contributions.csv?year=2025"))
    assert {r["association_id"] for r in rows} == {str(umea.pk)}
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal("1000000.00")
    assert {r["kind"] for r in rows} >= {"fk", "region", "municipality"}
