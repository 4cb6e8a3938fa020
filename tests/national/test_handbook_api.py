"""The register of rules and the handbook in the API: every signed-in caller reads, nobody anonymous."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from finsam.national.handbook import services
from tests.factories import PASSWORD, token_for

pytestmark = pytest.mark.django_db


def get(user: Any, url: str) -> Any:
    token = token_for(username=user.username, password=PASSWORD)
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_script_looks_up_the_rule_an_error_names(world: Any) -> None:
    user = world.users["association_admin"]
    rule = get(user, "/api/v1/rules/R-SAMRAD-4").json()
    assert rule["code"] == "R-SAMRAD" and rule["kind"] == "regel" and len(rule["points"]) == 6
    assert rule["points"][3].startswith("Sammankallande")
    check = get(user, "/api/v1/rules/R-INPUT").json()
    assert check["kind"] == "kontroll" and check["text"]
    codes = [r["code"] for r in get(user, "/api/v1/rules").json()]
    assert "R-BUDGET" in codes and "R-CONFLICT" in codes
    missing = get(user, "/api/v1/rules/R-NOPE")
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "R-NOT-FOUND"


def test_the_handbook_pages_are_read_with_text_html_and_rules(world: Any) -> None:
    editor = world.users["national_admin"]
    chapter = services.chapter_create(actor=editor, number=5, title="Ekonomi", slug="ekonomi")
    services.page_create(
        actor=editor,
        chapter=chapter,
        number=1,
        title="Budgetprocessen",
        slug="budgetprocessen",
        body="Senast 30 november (R-BUDGET). <script>alert(1)</script>",
    )
    reader = world.users["auditor"]
    [summary] = get(reader, "/api/v1/handbook/pages").json()
    assert summary["slug"] == "budgetprocessen" and summary["chapter"] == {"number": 5, "title": "Ekonomi"}
    page = get(reader, "/api/v1/handbook/pages/budgetprocessen").json()
    assert page["rules"] == ["R-BUDGET"] and page["version"] == 1
    assert 'href="/nationellt/regler/R-BUDGET/"' in page["html"] and "<script" not in page["html"]
    assert get(reader, "/api/v1/handbook/pages/finns-inte").status_code == 404


def test_anonymous_callers_are_refused(world: Any) -> None:
    assert Client().get("/api/v1/rules").status_code == 401
    assert Client().get("/api/v1/handbook/pages").status_code == 401
