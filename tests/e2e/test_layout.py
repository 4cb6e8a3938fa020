"""The page frame as a person sees it: stylesheets load, pages reflow on a narrow screen, and full-page
screenshots of the main pages are saved under test-artifacts/screenshots/ for review."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.urls import reverse

from finsam.core import audit
from finsam.core.roles import Role
from tests.e2e import axe
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

SCREENSHOTS = ARTIFACTS / "screenshots"


def _main_pages(world: Any) -> list[tuple[str, Role | None, str]]:
    """(name, who, path) of the pages a reviewer looks at first."""
    return [
        ("login", None, reverse("login")),
        ("home", Role.NATIONAL_ADMIN, reverse("home")),
        ("association-list", Role.NATIONAL_ADMIN, reverse("registry:association_list")),
        (
            "association-detail",
            Role.ASSOCIATION_ADMIN,
            reverse("registry:association_detail", args=[world.own.pk]),
        ),
        ("municipality-list", Role.NATIONAL_ADMIN, reverse("registry:municipality_list")),
        ("audit-log", Role.NATIONAL_ADMIN, reverse("audit_log")),
        (
            "participant-list",
            Role.PARTICIPANT_COORDINATOR,
            reverse("followup:participant_list", args=[world.own.pk]),
        ),
    ]


def _open(ui: Any, world: Any, who: Role | None, path: str) -> None:
    if who is None:
        ui.logout()
    else:
        ui.login_as(world.users[who])
    response = ui.goto(path)
    assert response.status == 200, f"{path}: {response.status}"


def test_the_design_system_and_the_site_stylesheet_are_applied(ui: Any, world: Any) -> None:
    failed: list[str] = []

    def note_failure(response: Any) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    ui.page.on("response", note_failure)
    _open(ui, world, Role.NATIONAL_ADMIN, reverse("home"))
    assert not failed, f"the page's resources did not load: {failed}"
    sheets = ui.page.evaluate(
        "[...document.styleSheets].filter(s => s.href)"
        ".map(s => [new URL(s.href).pathname, s.cssRules.length])"
    )
    assert [path for path, _ in sheets] == [
        "/static/vendor/fkui/fkui-css-variables.css",
        "/static/vendor/fkui/fkui.min.css",
        "/static/finsam/finsam.css",
    ]
    assert all(rules > 0 for _, rules in sheets), sheets
    # The header takes its colour from FKUI's theme variables through finsam.css: both must be applied.
    header = ui.page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor")
    assert header == "rgb(17, 106, 62)", f"header background {header}: a stylesheet is missing"
    font = ui.page.eval_on_selector("body", "e => getComputedStyle(e).fontFamily")
    assert "Helvetica" in font, f"FKUI's font stack is not applied: {font}"
    button = ui.page.get_by_role("button", name="Logga ut")
    assert button.evaluate("e => getComputedStyle(e).cursor") == "pointer", "FKUI's button style is missing"


def test_main_pages_reflow_to_a_narrow_screen_and_stay_accessible_there(ui: Any, world: Any) -> None:
    """WCAG 1.4.10: at 320 CSS pixels the page scrolls only vertically. Wide tables scroll in their own box,
    which then must be reachable with the keyboard (axe: scrollable-region-focusable)."""
    ui.page.set_viewport_size({"width": 320, "height": 640})
    problems = []
    for name, who, path in _main_pages(world):
        _open(ui, world, who, path)
        scroll, client = ui.page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            problems.append(f"{name} ({path}): {scroll}px wide in {client}px")
        problems += axe.describe(axe.blocking(ui.page), f"{path} at 320px")
    assert not problems, "\n".join(problems)


# The selects of the page's filter forms whose longest option is cut: the option's text measured in the
# select's font against the room the select gives its text (its width less its padding, where the arrow
# sits). [label, the text's width, the room] of each.
CUT_SELECTS = """() => {
  const canvas = document.createElement("canvas").getContext("2d");
  return [...document.querySelectorAll(".filter-form select")].flatMap(select => {
    const style = getComputedStyle(select);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const needed = Math.max(...[...select.options].map(option => canvas.measureText(option.text).width));
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const cut = needed > room || select.scrollWidth > select.clientWidth;
    return cut ? [[select.labels[0].innerText.trim(), Math.ceil(needed), room]] : [];
  });
}"""


@pytest.mark.parametrize("width", [1280, 375, 320])
def test_the_selects_of_filter_forms_show_their_longest_option_whole(ui: Any, world: Any, width: int) -> None:
    """The participant list's sort order, in Swedish and in English, on a wide screen and on phones' (down to
    320 px, the narrowest that WCAG 1.4.10 asks for); and the other filter forms of the main pages on a wide
    one (on a narrow screen an option longer than the screen is wide, such as a förbund's full name, cannot
    be read whole: there the select takes the line)."""
    ui.page.set_viewport_size({"width": width, "height": 800})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for name, who, path in _main_pages(world):
        if width < 1000 and name != "participant-list":
            continue
        _open(ui, world, who, path)
        problems += [f"{name} at {width}px: {cut}" for cut in ui.page.evaluate(CUT_SELECTS)]
        if name == "participant-list":
            _save(ui, f"{name}-{width}")
            ui.follow(ui.page.get_by_role("button", name="English"))
            assert ui.page.get_by_label("Sort order").count() == 1
            problems += [f"{name} in English at {width}px: {cut}" for cut in ui.page.evaluate(CUT_SELECTS)]
            _save(ui, f"{name}-{width}-en")
            ui.follow(ui.page.get_by_role("button", name="Svenska"))
    assert not problems, "\n".join(problems)


def test_a_table_that_scrolls_sideways_is_a_named_region_reached_with_tab(ui: Any, world: Any) -> None:
    ui.login_as(world.users[Role.NATIONAL_ADMIN])
    ui.goto(reverse("audit_log"))
    assert ui.page.locator(".table-wrap[tabindex]").count() == 0, "a table that fits is in the tab order"
    ui.page.set_viewport_size({"width": 320, "height": 640})
    region = ui.page.get_by_role("region", name="Loggposter, nyast först")
    region.wait_for()
    ui.page.get_by_role("link", name="Exportera till CSV").focus()
    ui.page.keyboard.press("Tab")
    assert ui.page.evaluate("document.activeElement.classList.contains('table-wrap')"), "Tab skips the table"
    ui.page.keyboard.press("ArrowRight")
    # Polled from here: wait_for_function compiles its expression in the page, which the Content Security
    # Policy (no eval) forbids; evaluate goes through the browser's debugging protocol instead.
    deadline = time.monotonic() + 10
    while not ui.page.evaluate("document.activeElement.scrollLeft > 0"):
        assert time.monotonic() < deadline, "the arrow key did not scroll the table"
        ui.page.wait_for_timeout(50)


def test_a_chart_keeps_its_12_px_text_and_scrolls_sideways_with_a_visible_hint(ui: Any, world: Any) -> None:
    ui.login_as(world.users[Role.NATIONAL_ADMIN])
    ui.page.set_viewport_size({"width": 360, "height": 640})
    ui.goto(reverse("national:dashboard") + "?datum=2025-06-01")
    title = ui.page.locator("figure svg.chart > title").first.text_content() or ""
    region = ui.page.get_by_role("region", name=title)
    region.wait_for()
    # Drawn at its own size, not squeezed: its smallest text is 12 px on the screen.
    sizes = ui.page.evaluate(
        "Array.from(document.querySelectorAll('figure svg.chart')[0].querySelectorAll('text'))"
        ".map(t => t.getBoundingClientRect().height).filter(h => h > 0)"
    )
    assert sizes and min(sizes) >= 12
    # The box shows that it scrolls: a line of text and shadows at its edges.
    figure = ui.page.locator("figure.table-wrap--scrolls").first
    assert figure.get_attribute("data-scroll-hint") == "Rulla i sidled för att se allt →"
    hint = ui.page.evaluate(
        "getComputedStyle(document.querySelector('figure.table-wrap--scrolls'), '::before').content"
    )
    assert "Rulla i sidled" in hint
    assert "gradient" in figure.evaluate("element => getComputedStyle(element).backgroundImage")


def test_screenshots_of_the_main_pages(ui: Any, world: Any) -> None:
    audit.record(
        actor=world.users[Role.ASSOCIATION_ADMIN],
        action="association.update",
        target=world.own,
        association_id=world.own.pk,
        details={"fields": ["name"]},
    )
    audit.record(
        actor=world.users[Role.NATIONAL_ADMIN],
        action="association.create",
        target=world.other,
        association_id=world.other.pk,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, who, path in _main_pages(world):
        _open(ui, world, who, path)
        _save(ui, name)
        if name in {"home", "association-detail"}:
            ui.follow(ui.page.get_by_role("button", name="English"))
            _save(ui, f"{name}-en")
            ui.follow(ui.page.get_by_role("button", name="Svenska"))


def _save(ui: Any, name: str) -> None:
    target = SCREENSHOTS / f"{name}.png"
    ui.page.screenshot(path=str(target), full_page=True)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 5_000, target
