"""API bearer tokens: issued for a correct password only, stored as a hash, refused once expired or
when the user is no longer active."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from finsam.accounts.models import ApiToken
from finsam.accounts.selectors import token_user
from finsam.accounts.services import token_create
from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def ask_for_token(username: str, password: str) -> Any:
    return Client().post(
        "/api/v1/auth/token",
        data=json.dumps({"username": username, "password": password}),
        content_type="application/json",
    )


def list_associations(token: str) -> Any:
    return Client().get("/api/v1/associations", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_correct_password_gives_a_token_that_opens_the_api(world: Any) -> None:
    response = ask_for_token("own-association_admin", PASSWORD)
    assert response.status_code == 200
    token = response.json()["token"]
    assert set(response.json()) == {"token"}
    listed = list_associations(token)
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()] == [world.own.pk]


def test_only_the_hash_of_the_token_is_stored() -> None:
    user = make_user("tokenhash")
    token = token_create(username="tokenhash", password=PASSWORD)
    row = ApiToken.objects.get(user=user)
    assert row.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.key_hash
    assert row.expires > timezone.now() + timedelta(days=1)


def test_issuing_a_token_is_audited() -> None:
    user = make_user("tokenaudit")
    token_create(username="tokenaudit", password=PASSWORD)
    entry = AuditEntry.objects.get(action="api_token.create")
    assert entry.actor_id == user.pk


def test_a_wrong_password_answers_400_with_r_auth() -> None:
    make_user("wrongpw")
    response = ask_for_token("wrongpw", "not-the-password")
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"code": "R-AUTH", "message": "Fel användarnamn eller lösenord.", "field": "password"}]
    }
    assert not ApiToken.objects.exists()


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password() -> None:
    response = ask_for_token("nobody-here", PASSWORD)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "R-AUTH"


def test_a_refused_attempt_stays_on_the_audit_log() -> None:
    make_user("forgetful")
    with pytest.raises(RuleViolation):
        token_create(username="forgetful", password="wrong")
    entry = AuditEntry.objects.get(action="api_token.refused")
    assert entry.actor_id is None
    assert entry.actor_username == "anonym"
    assert "forgetful" not in json.dumps(entry.details)  # no user name or password on the record


def test_an_inactive_user_gets_no_token() -> None:
    user = make_user("inactive")
    user.is_active = False
    user.save()
    response = ask_for_token("inactive", PASSWORD)
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_an_expired_token_answers_401(world: Any) -> None:
    token = token_create(username="own-national_admin", password=PASSWORD)
    ApiToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = list_associations(token)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "R-AUTH"
    assert token_user(token) is None


def test_the_token_of_a_user_made_inactive_answers_401(world: Any) -> None:
    user = world.users["national_admin"]
    token = token_create(username=user.username, password=PASSWORD)
    assert list_associations(token).status_code == 200
    user.is_active = False
    user.save()
    response = list_associations(token)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "R-AUTH"


@pytest.mark.parametrize("value", ["", "x" * 201, "not-issued"])
def test_a_token_that_was_never_issued_is_nobody(value: str) -> None:
    assert token_user(value) is None


def test_using_a_token_marks_when_it_was_last_used() -> None:
    make_user("lastused")
    token = token_create(username="lastused", password=PASSWORD)
    assert ApiToken.objects.get().last_used is None
    assert token_user(token) is not None
    assert ApiToken.objects.get().last_used is not None


def test_a_token_request_that_misses_a_field_answers_400() -> None:
    response = Client().post(
        "/api/v1/auth/token", data=json.dumps({"username": "x"}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": "R-INPUT", "message": "Värdet saknas.", "field": "password"}
    ]
