"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Chromium comes from the operating system (/usr/bin/chromium); Playwright's own browser downloads are
never used. Without Chromium the tests skip on a developer's machine and fail in CI (CI=true), so that
a missing browser cannot pass unnoticed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a thread with
# a running loop unless told that this is intended. Set before any test touches the database.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from django.conf import settings
from django.db import connections
from django.test import Client

from tests.committed import audit_guard
from tests.factories import sign_in

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def browser(django_db_setup: None) -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (Debian package 'chromium')"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}: the browser tests must run in CI", pytrace=False)
        pytest.skip(f"{message}; install it to run the browser tests")
    from playwright.sync_api import sync_playwright

    # Between its calls, Playwright's sync API leaves an event loop marked as running in this thread, and
    # Django then keeps database connections per context instead of per thread. Without the next lines
    # the tests would open a second connection, one without the test database's serialized contents.
    established = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    for alias, wrapper in established.items():
        connections[alias] = wrapper
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture(autouse=True)
def _committed_database(django_db_serialized_rollback: None) -> Iterator[None]:
    """The live server sees only committed data, so these tests run in real transactions and the database
    is flushed after each. The flush would also remove the municipalities and regions that migrations
    load (serialized rollback restores them), and the audit log's append-only triggers refuse it: they
    are lifted for the flush and put back before the next test and after the module."""
    audit_guard(install=True)
    yield
    audit_guard(install=False)


@pytest.fixture(scope="module", autouse=True)
def _database_back(django_db_blocker: Any) -> Iterator[None]:
    """After the module, the database as migrations left it: the triggers, and the data that the last
    flush removed. Under xdist other tests may follow in the same process, and they expect both."""
    yield
    with django_db_blocker.unblock():
        audit_guard(install=True)
        for alias in connections:
            contents = getattr(connections[alias], "_test_serialized_contents", None)
            if contents:
                connections[alias].creation.deserialize_db_from_string(contents)


@dataclass
class Browser:
    """A browser context for one test, speaking Swedish (Accept-Language sv-SE) unless told otherwise."""

    context: Any
    page: Any
    base_url: str

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.url(path))
        assert response is not None, f"no response for {path}"
        return response

    def follow(self, control: Any) -> None:
        """Clicks a link or submit button and waits until the page it leads to has loaded."""
        with self.page.expect_navigation():
            control.click()

    def login_as(self, user: Any) -> None:
        """Signs in through a session cookie, with both factors given (the login form and the second step
        are tested in test_auth, test_keyboard and test_second_factor)."""
        client = Client()
        sign_in(client, user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.context.clear_cookies()
        self.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": self.base_url}]
        )

    def logout(self) -> None:
        self.context.clear_cookies()


# Every page reports what the Content Security Policy blocked (settings.SECURE_CSP): the browser's event,
# and the console message Chromium writes for it. A test whose pages broke the policy fails at its end.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` in ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""


def watch_csp(context: Any) -> list[str]:
    """Collects the Content Security Policy violations of every page of `context`."""
    violations: list[str] = []

    def report(violation: str) -> None:
        violations.append(violation)

    context.expose_function("__cspViolation", report)
    context.add_init_script(REPORT_VIOLATIONS)

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")

    context.on("console", on_console)
    return violations


@pytest.fixture
def ui(browser: Any, live_server: Any) -> Iterator[Browser]:
    context = browser.new_context(locale="sv-SE", viewport=VIEWPORT)
    context.set_default_timeout(15_000)
    violations = watch_csp(context)
    page = context.new_page()
    try:
        yield Browser(context=context, page=page, base_url=live_server.url)
        assert not violations, f"the Content Security Policy was broken: {violations}"
    finally:
        context.close()
