"""The token endpoint takes the second factor as `otp` from those who must give one (core.second_factor);
without it, or with a wrong one, no token, in the API's error shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from finsam.accounts import two_factor
from finsam.accounts.models import ApiToken
from finsam.core.roles import Role
from tests.factories import PASSWORD, fresh_totp, give_totp

pytestmark = pytest.mark.django_db


def ask_for_token(username: str, otp: str | None = None, password: str = PASSWORD) -> Any:
    body: dict[str, Any] = {"username": username, "password": password}
    if otp is not None:
        body["otp"] = otp
    return Client().post("/api/v1/auth/token", data=json.dumps(body), content_type="application/json")


def codes(response: Any) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in response.json()["errors"]]


@pytest.mark.parametrize("role", [Role.NATIONAL_ADMIN, Role.ASSOCIATION_ADMIN, Role.PARTICIPANT_COORDINATOR])
def test_a_role_that_needs_it_gets_no_token_without_a_code(world: Any, role: str) -> None:
    user = world.users[role]
    give_totp(user)
    response = ask_for_token(user.username)
    assert response.status_code == 400
    assert codes(response) == [("R-OTP-REQUIRED", "otp")]
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_right_code_gives_a_token_and_a_wrong_or_reused_one_does_not(world: Any) -> None:
    user = world.users[Role.ASSOCIATION_ADMIN]
    code = fresh_totp(user)

    wrong = ask_for_token(user.username, f"{(int(code) + 1) % 1_000_000:06d}")
    assert wrong.status_code == 400 and codes(wrong) == [("R-OTP", "otp")]
    assert "stämmer inte" in wrong.json()["errors"][0]["message"]

    code = fresh_totp(user)  # forgets the failure's pause, as if it had passed
    right = ask_for_token(user.username, code)
    assert right.status_code == 200 and set(right.json()) == {"token"}

    reused = ask_for_token(user.username, code)
    assert reused.status_code == 400 and codes(reused) == [("R-OTP", "otp")]
    assert ApiToken.objects.filter(user=user).count() == 1


def test_a_wrong_password_is_refused_before_the_code_is_looked_at(world: Any) -> None:
    user = world.users[Role.NATIONAL_ADMIN]
    response = ask_for_token(user.username, fresh_totp(user), password="fel-lösenord")
    assert response.status_code == 400 and codes(response) == [("R-AUTH", "password")]


def test_a_recovery_code_gives_one_token(world: Any) -> None:
    user = world.users[Role.PARTICIPANT_COORDINATOR]
    give_totp(user)
    recovery = two_factor.recovery_codes_create(actor=user)[3]
    assert ask_for_token(user.username, recovery).status_code == 200
    again = ask_for_token(user.username, recovery)
    assert again.status_code == 400 and codes(again) == [("R-OTP", "otp")]


def test_a_user_without_an_app_is_told_to_set_one_up_on_the_website(world: Any) -> None:
    response = ask_for_token(world.users[Role.NATIONAL_ADMIN].username, "123456")
    assert response.status_code == 400 and codes(response) == [("R-OTP-SETUP", "otp")]


def test_the_other_roles_need_no_code(world: Any) -> None:
    assert ask_for_token(world.users[Role.BOARD_MEMBER].username).status_code == 200
    assert ask_for_token(world.no_role.username, "ignored").status_code == 200
