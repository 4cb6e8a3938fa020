"""API bearer tokens: issued for a correct password only, stored as a hash; listed and revoked by their
owner (page and API); ended by a password change or reset and by deactivation; refused once expired or
revoked, with the API's 401 and nothing changed."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from finsam.accounts.models import ApiToken
from finsam.accounts.selectors import token_user
from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from tests.factories import PASSWORD, fresh_totp, make_user, token_for

pytestmark = pytest.mark.django_db


def ask_for_token(username: str, password: str, otp: str | None = None) -> Any:
    body = {"username": username, "password": password} | ({"otp": otp} if otp is not None else {})
    return Client().post(
        "/api/v1/auth/token",
        data=json.dumps(body),
        content_type="application/json",
    )


def list_associations(token: str) -> Any:
    return Client().get("/api/v1/associations", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_correct_password_gives_a_token_that_opens_the_api(world: Any) -> None:
    response = ask_for_token(
        "own-association_admin", PASSWORD, otp=fresh_totp(world.users["association_admin"])
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert set(response.json()) == {"token"}
    listed = list_associations(token)
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()] == [world.own.pk]


def test_only_the_hash_of_the_token_is_stored() -> None:
    user = make_user("tokenhash")
    token = token_for(username="tokenhash", password=PASSWORD)
    row = ApiToken.objects.get(user=user)
    assert row.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.key_hash
    assert row.expires > timezone.now() + timedelta(days=1)


def test_issuing_a_token_is_audited() -> None:
    user = make_user("tokenaudit")
    token_for(username="tokenaudit", password=PASSWORD)
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


def test_a_refused_attempt_is_counted_by_the_lock_and_not_written_to_the_audit_log() -> None:
    """The audit log cannot be deleted from: one entry per guess would let a guesser fill it. The lock
    counts the failures instead (and audits a lockout once: tests/accounts/test_signin.py)."""
    make_user("forgetful")
    for _ in range(3):
        with pytest.raises(RuleViolation):
            token_for(username="forgetful", password="wrong")
    assert not AuditEntry.objects.exists()
    assert AccessAttempt.objects.get(username="forgetful").failures_since_start == 3


def test_an_inactive_user_gets_no_token() -> None:
    user = make_user("inactive")
    user.is_active = False
    user.save()
    response = ask_for_token("inactive", PASSWORD)
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_an_expired_token_answers_401(world: Any) -> None:
    token = token_for(username="own-national_admin", password=PASSWORD)
    ApiToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = list_associations(token)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "R-AUTH"
    assert token_user(token) is None


def test_the_token_of_a_user_made_inactive_answers_401(world: Any) -> None:
    user = world.users["national_admin"]
    token = token_for(username=user.username, password=PASSWORD)
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
    token = token_for(username="lastused", password=PASSWORD)
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


# --- listed and revoked by the owner ---------------------------------------------------------------


def api(method: str, url: str, token: str) -> Any:
    return Client().generic(method, url, HTTP_AUTHORIZATION=f"Bearer {token}")


def assert_refused(response: Any) -> None:
    assert response.status_code == 401
    assert response.json() == {
        "errors": [
            {
                "code": "R-AUTH",
                "message": "Logga in: ange en giltig API-nyckel (Authorization: Bearer …).",
                "field": None,
            }
        ]
    }


def test_the_api_lists_the_owners_valid_tokens_only(world: Any) -> None:
    user = world.users["auditor"]
    first = token_for(username=user.username, password=PASSWORD)
    second = token_for(username=user.username, password=PASSWORD)
    token_for(username=world.users["board_member"].username, password=PASSWORD)  # another's
    ApiToken.objects.create(
        user=user, key_hash="0" * 64, expires=timezone.now() - timedelta(days=1), password_hash="x"
    )

    response = api("GET", "/api/v1/auth/tokens", second)

    assert response.status_code == 200
    listed = response.json()
    assert [t["id"] for t in listed] == list(
        ApiToken.objects.filter(user=user, expires__gt=timezone.now())
        .order_by("-created", "-pk")
        .values_list("pk", flat=True)
    )
    assert [t["current"] for t in listed] == [True, False]
    assert set(listed[0]) == {"id", "created", "expires", "last_used", "current"}
    assert first not in response.content.decode() and second not in response.content.decode()


def test_the_owner_revokes_a_token_through_the_api_and_it_answers_401_after(world: Any) -> None:
    user = world.users["auditor"]
    kept = token_for(username=user.username, password=PASSWORD)
    ended = token_for(username=user.username, password=PASSWORD)
    row = ApiToken.objects.get(key_hash=hashlib.sha256(ended.encode()).hexdigest())

    response = api("DELETE", f"/api/v1/auth/tokens/{row.pk}", kept)

    assert response.status_code == 204
    assert_refused(list_associations(ended))
    assert list_associations(kept).status_code == 200
    entry = AuditEntry.objects.get(action="api_token.revoke")
    assert (
        entry.actor_id == user.pk and entry.object_id == str(row.pk) and entry.details == {"reason": "owner"}
    )


def test_another_users_token_is_not_found_and_keeps_working(world: Any) -> None:
    theirs = token_for(username=world.users["board_member"].username, password=PASSWORD)
    mine = token_for(username=world.users["auditor"].username, password=PASSWORD)
    row = ApiToken.objects.get(user=world.users["board_member"])

    response = api("DELETE", f"/api/v1/auth/tokens/{row.pk}", mine)

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "R-NOT-FOUND"
    assert list_associations(theirs).status_code == 200
    assert not AuditEntry.objects.filter(action="api_token.revoke").exists()


def test_a_revoked_token_changes_nothing(world: Any) -> None:
    user = world.users["auditor"]
    other = token_for(username=user.username, password=PASSWORD)
    revoked = token_for(username=user.username, password=PASSWORD)
    ApiToken.objects.filter(key_hash=hashlib.sha256(revoked.encode()).hexdigest()).update(
        revoked=timezone.now()
    )
    other_row = ApiToken.objects.get(key_hash=hashlib.sha256(other.encode()).hexdigest())

    assert_refused(api("DELETE", f"/api/v1/auth/tokens/{other_row.pk}", revoked))
    assert_refused(api("GET", "/api/v1/auth/tokens", revoked))
    assert ApiToken.objects.get(pk=other_row.pk).revoked is None
    assert list_associations(other).status_code == 200


def test_the_page_lists_the_owners_tokens_and_revokes_one(world: Any) -> None:
    user = world.users["auditor"]
    token = token_for(username=user.username, password=PASSWORD)
    token_for(username=world.users["board_member"].username, password=PASSWORD)
    mine = ApiToken.objects.get(user=user)
    theirs = ApiToken.objects.get(user=world.users["board_member"])
    client = world.client(user)

    page = client.get(reverse("api_tokens"))
    assert page.status_code == 200
    assert f"Återkalla nyckel {mine.pk}" in page.content.decode()
    assert f"Återkalla nyckel {theirs.pk}" not in page.content.decode()

    response = client.post(reverse("api_tokens"), {"token": mine.pk})
    assert response.status_code == 302
    assert_refused(list_associations(token))
    assert "Du har inga API-nycklar som gäller." in client.get(reverse("api_tokens")).content.decode()


def test_the_page_does_not_find_another_users_token(world: Any) -> None:
    theirs_token = token_for(username=world.users["board_member"].username, password=PASSWORD)
    theirs = ApiToken.objects.get(user=world.users["board_member"])
    client = world.client(world.users["auditor"])

    assert client.post(reverse("api_tokens"), {"token": theirs.pk}).status_code == 404
    refused = client.post(reverse("api_tokens"), {"token": "abc"})
    assert refused.status_code == 400 and "Välj en API-nyckel." in refused.content.decode()
    assert list_associations(theirs_token).status_code == 200


# --- ended by a password change or reset and by deactivation ---------------------------------------


def test_a_password_reset_ends_every_token_of_the_user(world: Any) -> None:
    user = world.users["auditor"]
    token = token_for(username=user.username, password=PASSWORD)
    client = Client()
    url = reverse(
        "password_reset_confirm",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
    )
    form_url = client.get(url)["Location"]  # Django swaps the token for a session and redirects

    response = client.post(
        form_url, {"new_password1": "Ett-nytt-l0senord!", "new_password2": "Ett-nytt-l0senord!"}
    )

    assert response.status_code == 302
    assert_refused(list_associations(token))
    assert ApiToken.objects.get(user=user).revoked is not None
    entry = AuditEntry.objects.get(action="api_token.revoke")
    assert entry.details == {"reason": "password", "count": 1}
    assert AuditEntry.objects.filter(action="user.password", object_id=str(user.pk)).exists()


def test_a_password_changed_in_the_admin_ends_the_tokens(world: Any) -> None:
    user = world.users["auditor"]
    token = token_for(username=user.username, password=PASSWORD)
    client = world.client(world.users["national_admin"])

    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": "Ett-nytt-l0senord!", "password2": "Ett-nytt-l0senord!", "usable_password": "true"},
    )

    assert response.status_code == 302
    assert_refused(list_associations(token))
    assert ApiToken.objects.get(user=user).revoked is not None


def test_a_password_changed_by_any_other_path_ends_the_tokens_too(world: Any) -> None:
    """Even a path that forgets to revoke (the shell): a token carries the password's hash it was issued
    under."""
    user = world.users["auditor"]
    token = token_for(username=user.username, password=PASSWORD)
    user.set_password("Ett-nytt-l0senord!")
    user.save()
    assert_refused(list_associations(token))


def test_deactivating_a_user_ends_the_tokens_for_good(world: Any) -> None:
    user = world.users["auditor"]
    token = token_for(username=user.username, password=PASSWORD)
    client = world.client(world.users["national_admin"])
    form = {"username": user.username, "first_name": "", "last_name": "", "email": user.email}
    form.update(
        {
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-MIN_NUM_FORMS": "0",
            "role_assignments-MAX_NUM_FORMS": "1000",
        }
    )

    response = client.post(reverse("admin:auth_user_change", args=[user.pk]), form)  # is_active unticked

    assert response.status_code == 302
    assert not get_user_model().objects.get(pk=user.pk).is_active
    assert AuditEntry.objects.get(action="api_token.revoke").details == {"reason": "deactivated", "count": 1}
    get_user_model().objects.filter(pk=user.pk).update(is_active=True)
    assert_refused(list_associations(token))
