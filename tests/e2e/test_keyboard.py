"""A person who uses only the keyboard can sign in, skip the page header and reach the navigation."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from finsam.core.roles import Role
from tests.factories import PASSWORD, give_totp, totp_now

pytestmark = pytest.mark.e2e

_FOCUSED = """() => {
  const e = document.activeElement;
  const box = e.getBoundingClientRect();
  return {
    tag: e.tagName.toLowerCase(), id: e.id, classes: [...e.classList],
    text: (e.innerText || e.value || '').trim(), href: e.getAttribute('href'),
    inMain: !!e.closest('main'), inNav: !!e.closest('nav.site-nav'),
    visible: box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0,
    outline: getComputedStyle(e).outlineStyle,
  };
}"""


def _tab(page: Any) -> dict[str, Any]:
    page.keyboard.press("Tab")
    return page.evaluate(_FOCUSED)


def test_a_person_signs_in_with_the_keyboard_only(ui: Any, world: Any) -> None:
    user = world.users[Role.NATIONAL_ADMIN]
    give_totp(user)
    ui.goto(reverse("login"))
    stops = [_tab(ui.page)]
    while stops[-1]["id"] != "id_username" and len(stops) < 10:
        stops.append(_tab(ui.page))
    assert stops[-1]["id"] == "id_username", f"the user name field is not reached by Tab: {stops}"
    assert "skip-link" in stops[0]["classes"], f"the first Tab stop is not the skip link: {stops[0]}"
    ui.page.keyboard.type(user.username)
    assert _tab(ui.page)["id"] == "id_password"
    ui.page.keyboard.type(PASSWORD)
    with ui.page.expect_navigation():
        ui.page.keyboard.press("Enter")
    # The second step: the code from the app, reached by Tab as well.
    assert ui.page.url.startswith(ui.url(reverse("second_factor_verify")))
    stops = [_tab(ui.page)]
    while stops[-1]["id"] != "id_otp" and len(stops) < 15:
        stops.append(_tab(ui.page))
    assert stops[-1]["id"] == "id_otp", f"the code field is not reached by Tab: {stops}"
    ui.page.keyboard.type(totp_now())
    with ui.page.expect_navigation():
        ui.page.keyboard.press("Enter")
    assert ui.page.url == ui.url(reverse("home"))
    assert ui.page.get_by_role("heading", level=1).inner_text() == f"Välkommen, {user.username}"


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_main_content(ui: Any, world: Any) -> None:
    ui.login_as(world.users[Role.NATIONAL_ADMIN])
    ui.goto(reverse("registry:association_list"))
    first = _tab(ui.page)
    assert "skip-link" in first["classes"] and first["text"] == "Hoppa till innehållet", first
    assert first["visible"], "the skip link stays off screen when it has focus"
    ui.page.keyboard.press("Enter")
    assert ui.page.evaluate("document.activeElement.id") == "main"
    after = _tab(ui.page)
    assert after["inMain"], f"Tab after the skip link left the main content: {after}"


def test_every_main_navigation_link_is_reached_with_tab_and_shows_focus(ui: Any, world: Any) -> None:
    ui.login_as(world.users[Role.NATIONAL_ADMIN])
    ui.goto(reverse("home"))
    links = ui.page.eval_on_selector_all("nav.site-nav a", "els => els.map(e => e.getAttribute('href'))")
    assert reverse("registry:association_list") in links and reverse("audit_log") in links, links
    reached = []
    for _ in range(30):
        stop = _tab(ui.page)
        if stop["inNav"]:
            reached.append(stop["href"])
            assert stop["outline"] != "none", f"no visible focus on {stop['href']}"
        elif reached:
            break
    assert reached == links, f"navigation links reached by Tab: {reached}, expected {links}"
