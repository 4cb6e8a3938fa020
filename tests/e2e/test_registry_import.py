"""Bringing on the förbund in a browser: the working group uploads a file, reads the report of the rows in
error, and loads a corrected file. Screenshots of both are saved under test-artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from finsam.core.roles import Role
from finsam.registry.models import Association
from tests.e2e import axe
from tests.e2e.test_layout import SCREENSHOTS
from tests.registry.test_registry_import import BOARD, MEMBERS

pytestmark = pytest.mark.e2e


def test_a_bad_file_shows_the_row_report_and_a_good_one_the_summary(
    ui: Any, world: Any, tmp_path: Path
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ui.login_as(world.users[Role.NATIONAL_ADMIN])
    bad = tmp_path / "forbund.csv"
    bad.write_text(
        MEMBERS.replace(";kommun;0381;", ";kommun;0399;").replace(
            ";2008-01-01;2019-12-31", ";2008-01-01;2019-31-12"
        ),
        encoding="utf-8",
    )
    board = tmp_path / "styrelse.csv"
    board.write_text(BOARD.replace("ledamot;vice ordförande", "ersättare;vice ordförande"), encoding="utf-8")
    before = Association.objects.count()

    ui.goto(reverse("registry:association_import"))
    ui.page.get_by_label("Fil med förbund och medlemmar").set_input_files(str(bad))
    ui.page.get_by_label("Styrelseplatser (CSV)").set_input_files(str(board))
    ui.page.get_by_role("button", name="Läs in filen").click()

    report = ui.page.get_by_role("table", name="Felen i filen")
    rows = report.locator("tbody tr")
    assert rows.count() == 2
    assert "medlem_kod" in rows.nth(0).inner_text() and "medlem_till" in rows.nth(1).inner_text()
    assert ui.page.get_by_role("alert").first.inner_text().startswith("Filen lästes inte in")
    assert axe.describe(axe.blocking(ui.page), "report") == []
    ui.page.screenshot(path=str(SCREENSHOTS / "registry-import-report.png"), full_page=True)
    assert Association.objects.count() == before

    bad.write_text(MEMBERS, encoding="utf-8")
    ui.page.get_by_label("Fil med förbund och medlemmar").set_input_files(str(bad))
    ui.page.get_by_label("Styrelseplatser (CSV)").set_input_files(str(board))
    ui.page.get_by_role("button", name="Kontrollera filen").click()

    # The file's own checks pass; the registry's rules refuse the deputy as vice chair (R-BOARD).
    rows = ui.page.get_by_role("table", name="Felen i filen").locator("tbody tr")
    assert rows.count() == 1 and "måste vara ledamöter" in rows.nth(0).inner_text()

    board.write_text(BOARD, encoding="utf-8")
    ui.page.get_by_label("Fil med förbund och medlemmar").set_input_files(str(bad))
    ui.page.get_by_label("Styrelseplatser (CSV)").set_input_files(str(board))
    ui.page.get_by_role("button", name="Läs in filen").click()

    assert ui.page.get_by_role("status").first.inner_text() == "Filen är inläst."
    assert axe.describe(axe.blocking(ui.page), "summary") == []
    ui.page.screenshot(path=str(SCREENSHOTS / "registry-import-summary.png"), full_page=True)
    assert Association.objects.count() == before + 3


def test_the_page_shows_that_it_is_at_work_once_the_file_is_sent(ui: Any, world: Any, tmp_path: Path) -> None:
    ui.login_as(world.users[Role.NATIONAL_ADMIN])
    ui.goto(reverse("registry:association_import"))
    busy = ui.page.locator("#import-busy progress")
    assert not busy.is_visible()
    ui.page.evaluate(
        "document.querySelector('form[data-busy]').addEventListener('submit', e => e.preventDefault())"
    )

    ui.page.get_by_role("button", name="Kontrollera filen").click()

    assert busy.is_visible()
    assert "läses in" in ui.page.get_by_role("status").last.inner_text()
