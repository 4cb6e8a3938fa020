"""Every page passes axe-core without serious or critical findings.

The pages are enumerated from the URL configuration exactly as the access matrix does it, so a page that
someone adds later is checked without anyone editing this file. Each page is opened by a user who may see
it: anonymously for public pages, otherwise the national administrator when that role may, else the first
role that may; pages scoped to an association are opened by its administrator as well, because they see
the editing controls.
"""

from __future__ import annotations

from typing import Any

import pytest

from finsam.core.decorators import AUTHENTICATED, PUBLIC, AccessRule
from finsam.core.roles import GRANTS, Capability, Role
from tests.e2e import axe
from tests.test_access_matrix import _fill, _page_routes

pytestmark = pytest.mark.e2e


def _visitors(rule: AccessRule) -> list[Role | None]:
    if rule.need == PUBLIC:
        return [None]
    if rule.need == AUTHENTICATED:
        return [Role.NATIONAL_ADMIN]
    granted = GRANTS[Capability(rule.need)]
    visitors: list[Role | None] = [next(role for role in Role if role in granted)]
    if rule.scoped and Role.ASSOCIATION_ADMIN in granted and Role.ASSOCIATION_ADMIN not in visitors:
        visitors.append(Role.ASSOCIATION_ADMIN)
    return visitors


def _second_factor_page(ui: Any, world: Any, path: str) -> bool:
    """The second factor's pages show something only in their moment: the code asked for after the
    password, the setup before an app exists, the recovery codes just made, new ones once an app exists.
    The browser's session is put in that moment (True), or the page is not one of them (False)."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from finsam.accounts.two_factor_views import CODES_SESSION_KEY
    from finsam.core import second_factor
    from tests.factories import give_totp, make_user

    moments = {
        reverse("second_factor_verify"): ("a11y-kod", True, False, None),
        reverse("second_factor_setup"): ("a11y-ny-app", False, False, None),
        reverse("second_factor_codes"): ("a11y-koder", True, True, ["abcde-fghjk"] * 10),
        reverse("second_factor_codes_new"): ("a11y-nya-koder", True, True, None),
    }
    if path not in moments:
        return False
    username, has_app, given, codes = moments[path]
    from django.contrib.auth import get_user_model

    user = get_user_model()._default_manager.filter(username=username).first() or make_user(
        username, association_admin=world.own
    )
    if has_app:
        give_totp(user)
    client = Client()
    client.force_login(user)
    session = client.session
    if given:
        session[second_factor.SESSION_KEY] = second_factor.TOTP
    if codes:
        session[CODES_SESSION_KEY] = codes
    session.save()
    ui.context.clear_cookies()
    ui.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": ui.base_url}]
    )
    return True


def test_every_page_has_no_serious_or_critical_axe_violations(ui: Any, world: Any) -> None:
    problems: list[str] = []
    checked: list[str] = []
    for route, rule in _page_routes():
        if "GET" not in rule.methods:
            continue
        path = _fill(route, world, 0)
        for role in _visitors(rule):
            who = "anonymous" if role is None else role
            if role is None:
                ui.logout()
            elif not _second_factor_page(ui, world, path):
                ui.login_as(world.users[role])
            # A download (a PDF is typeset in the request) may take longer than a page on a busy machine.
            probe = ui.context.request.get(ui.url(path), max_redirects=0, timeout=120_000)
            if probe.status != 200:
                problems.append(f"GET {path} as {who}: status {probe.status}, expected 200")
                continue
            if not probe.headers.get("content-type", "").startswith("text/html"):
                continue  # a download (CSV, PDF …), not a page
            if path.startswith("/konto/tvastegsverifiering/") and path != "/konto/tvastegsverifiering/":
                _second_factor_page(ui, world, path)  # the probe used the moment up (the codes)
            ui.goto(path)
            problems += axe.describe(axe.blocking(ui.page), f"{path} as {who}")
            checked.append(path)
    assert "/logga-in/" in checked and "/admin/" in checked, f"the walk missed pages: {checked}"
    if problems:
        pytest.fail("axe found serious or critical problems:\n" + "\n".join(problems), pytrace=False)
