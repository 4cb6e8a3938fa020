"""The running release is shown in the footer of every page, in the API and in the health check: the
installed package's version, and the deployment's FINSAM_RELEASE after it when set."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PACKAGE = version("finsam")


def test_the_footer_shows_the_version_on_a_public_page() -> None:
    page = Client().get("/logga-in/").content.decode()
    assert f"Version {PACKAGE}" in page


def test_the_footer_api_and_health_check_name_the_deployments_release(settings: Any, world: Any) -> None:
    settings.RELEASE = "2026-12-07.1"
    expected = f"{PACKAGE} (2026-12-07.1)"
    page = world.client(world.users["board_member"]).get("/").content.decode()
    assert f"Version {expected}" in page
    assert Client().get("/api/v1/release").json() == {"version": expected}
    assert Client().get("/health/").json()["version"] == expected
