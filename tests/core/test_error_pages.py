"""Errors are shown in the site's layout, in Swedish, without a stack trace."""

from __future__ import annotations

from typing import Any

import pytest

from finsam.core.roles import Role


@pytest.mark.django_db
def test_an_unknown_page_answers_404_in_the_layout(world: Any) -> None:
    response = world.client(world.users[Role.BOARD_MEMBER]).get("/finns-inte/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Sidan finns inte" in body and 'href="#main"' in body


@pytest.mark.django_db
def test_a_page_outside_the_role_answers_403_with_an_explanation(world: Any) -> None:
    response = world.client(world.users[Role.BOARD_MEMBER]).get("/granskningslogg/")
    assert response.status_code == 403
    assert "Din roll ger inte tillgång till den här sidan" in response.content.decode()
