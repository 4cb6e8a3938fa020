"""The language switch in the header: Swedish by default, English on request, kept from page to page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from finsam.core.roles import Role

pytestmark = pytest.mark.e2e


def _heading(ui: Any) -> str:
    return ui.page.get_by_role("heading", level=1).inner_text()


def test_the_header_switches_between_swedish_and_english(ui: Any, world: Any) -> None:
    user = world.users[Role.NATIONAL_ADMIN]
    ui.login_as(user)
    ui.goto(reverse("registry:association_list"))
    assert _heading(ui) == "Samordningsförbund"
    assert ui.page.get_attribute("html", "lang") == "sv"

    ui.follow(ui.page.get_by_role("button", name="English"))
    assert ui.page.url == ui.url(reverse("registry:association_list")), "the switch left the page"
    assert _heading(ui) == "Coordination associations"
    assert ui.page.get_attribute("html", "lang") == "en"
    assert ui.page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Home").count() == 1

    ui.follow(ui.page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Home"))
    assert _heading(ui) == f"Welcome, {user.username}", "the choice of language was not kept"

    ui.follow(ui.page.get_by_role("button", name="Svenska"))
    assert _heading(ui) == f"Välkommen, {user.username}"
    assert ui.page.get_attribute("html", "lang") == "sv"


def test_the_sign_in_page_can_be_read_in_english_before_signing_in(ui: Any) -> None:
    ui.goto(reverse("login"))
    assert _heading(ui) == "Logga in"
    ui.follow(ui.page.get_by_role("button", name="English"))
    assert _heading(ui) == "Sign in"
    assert ui.page.get_by_label("Username").count() == 1
    assert ui.page.get_by_label("Password").count() == 1
