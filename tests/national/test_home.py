"""The national front page gathers the parts of the national support structure, each shown only to those
who may use it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from finsam.core.roles import Role

pytestmark = pytest.mark.django_db

URL = "/nationellt/"


def test_anonymous_visitors_are_sent_to_sign_in(world: Any) -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and "/logga-in/" in response["Location"]


def test_every_signed_in_user_finds_the_handbook_conferences_council_and_open_data(world: Any) -> None:
    for role, user in world.users.items():
        page = world.client(user).get(URL).content.decode()
        for name in (
            "national:handbook_index",
            "national:conference_list",
            "national:council",
            "open_data:index",
        ):
            assert f'href="{reverse(name)}"' in page, (role, name)


@pytest.mark.parametrize(
    ("name", "roles"),
    [
        ("national:dashboard", {Role.NATIONAL_ADMIN, Role.NATIONAL_VIEWER}),
        (
            "national:allocation_index",
            {
                Role.NATIONAL_ADMIN,
                Role.NATIONAL_VIEWER,
                Role.ASSOCIATION_ADMIN,
                Role.BOARD_MEMBER,
                Role.AUDITOR,
            },
        ),
        ("registry:association_import", {Role.NATIONAL_ADMIN}),
        ("finance:support_measure_import", {Role.NATIONAL_ADMIN}),
    ],
)
def test_the_working_tools_are_shown_only_to_those_who_may_use_them(
    world: Any, name: str, roles: set
) -> None:
    for role, user in world.users.items():
        page = world.client(user).get(URL).content.decode()
        assert (f'href="{reverse(name)}"' in page) is (role in roles), (role, name)


def test_the_national_overview_not_the_front_page_is_current_in_the_menu_on_the_overview(world: Any) -> None:
    page = world.client(world.users[Role.NATIONAL_ADMIN]).get(reverse("national:dashboard")).content.decode()
    assert f'href="{reverse("national:dashboard")}" aria-current="page"' in page
    assert f'href="{URL}" aria-current="page"' not in page
