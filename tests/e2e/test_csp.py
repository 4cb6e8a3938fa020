"""The Content Security Policy (settings.SECURE_CSP, without 'unsafe-inline'): the browser enforces it, and
the pages that used to carry inline styles keep their layout from the stylesheet. Every browser test also
fails when a page it visits breaks the policy (the `ui` fixture watches)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from finsam.core.roles import Role
from tests.e2e.conftest import VIEWPORT, watch_csp

pytestmark = pytest.mark.e2e


def test_the_browser_refuses_an_inline_style(browser: Any, live_server: Any) -> None:
    """What an injection would try: a style attribute, blocked and reported; no inline script or style is
    allowed by the policy."""
    context = browser.new_context(locale="sv-SE", viewport=VIEWPORT)
    try:
        violations = watch_csp(context)
        page = context.new_page()
        response = page.goto(live_server.url + reverse("login"))
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        page.evaluate(
            """() => {
              const box = document.createElement("div");
              box.innerHTML = '<p id="injected" style="color: rgb(255, 0, 0)">x</p>';
              document.body.append(box);
            }"""
        )
        page.wait_for_timeout(200)  # the violation events are dispatched asynchronously
        colour = page.eval_on_selector("#injected", "e => getComputedStyle(e).color")
        assert colour != "rgb(255, 0, 0)"
        assert any("style-src" in v for v in violations), violations
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "style-src 'self';" in policy
    finally:
        context.close()


def test_the_pages_that_had_inline_styles_take_them_from_the_stylesheet(ui: Any, world: Any) -> None:
    ui.login_as(world.users[Role.ASSOCIATION_ADMIN])
    for path in (
        reverse("statistics:statistics_association", args=[world.own.pk]),
        reverse("statistics:economy_association", args=[world.own.pk]),
    ):
        assert ui.goto(path).status == 200, path
    ui.login_as(world.users[Role.NATIONAL_ADMIN])
    assert ui.goto(reverse("statistics:statistics_national")).status == 200
    assert ui.goto(reverse("national:dashboard")).status == 200
    # The dashboard's sections are spaced by a rule that used to be inline (2.5rem).
    section = ui.page.locator(".dashboard__section").first
    assert section.evaluate("e => getComputedStyle(e).marginBottom") == "40px"
