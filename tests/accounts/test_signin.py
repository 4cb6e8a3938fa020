"""Signing in: failures locked per account and address on the sign-in page and the API's token endpoint
alike, with a Swedish message; the proxy's address only when trusted; sign-ins, sign-outs and a lockout
audited once each, never once per guess; no user name or address in the log."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from finsam.core.models import AuditEntry
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LIMIT = 10  # FINSAM_SIGNIN_FAILURE_LIMIT's default


def sign_in(username: str, password: str, client: Client | None = None, **extra: Any) -> Any:
    return (client or Client()).post(reverse("login"), {"username": username, "password": password}, **extra)


def ask_for_token(username: str, password: str, **extra: Any) -> Any:
    return Client().post(
        "/api/v1/auth/token",
        data=json.dumps({"username": username, "password": password}),
        content_type="application/json",
        **extra,
    )


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_the_right_password_is_refused_on_the_page_after_too_many_wrong_ones() -> None:
    make_user("gissad")
    for _ in range(LIMIT - 1):
        assert sign_in("gissad", "fel-lösenord").status_code == 200
    assert sign_in("gissad", "fel-lösenord").status_code == 429  # the failure that reaches the limit

    client = Client()
    response = sign_in("gissad", PASSWORD, client)

    assert response.status_code == 429
    assert "För många misslyckade inloggningsförsök" in response.content.decode()
    assert "15 minuter" in response.content.decode()
    assert not signed_in(client)


def test_the_token_endpoint_is_locked_too_and_answers_the_api_error_shape() -> None:
    make_user("skript")
    for _ in range(LIMIT - 1):
        assert ask_for_token("skript", "fel-lösenord").status_code == 400
    assert ask_for_token("skript", "fel-lösenord").status_code == 429

    response = ask_for_token("skript", PASSWORD)

    assert response.status_code == 429
    [error] = response.json()["errors"]
    assert error["code"] == "R-LOCKED" and "För många misslyckade" in error["message"]
    assert "token" not in response.json()


def test_failures_on_the_page_and_the_api_count_together() -> None:
    make_user("blandad")
    for _ in range(LIMIT // 2):
        sign_in("blandad", "fel-lösenord")
        ask_for_token("blandad", "fel-lösenord")

    assert ask_for_token("blandad", PASSWORD).status_code == 429
    assert sign_in("blandad", PASSWORD).status_code == 429


def test_fewer_failures_than_the_limit_do_not_lock_and_a_sign_in_clears_them() -> None:
    make_user("slarvig")
    for _ in range(LIMIT - 1):
        sign_in("slarvig", "fel-lösenord")
    client = Client()
    assert sign_in("slarvig", PASSWORD, client).status_code == 302
    assert signed_in(client)
    for _ in range(LIMIT - 1):
        sign_in("slarvig", "fel-lösenord")
    assert sign_in("slarvig", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_lockout_minutes() -> None:
    make_user("tålmodig")
    for _ in range(LIMIT):
        sign_in("tålmodig", "fel-lösenord")
    assert sign_in("tålmodig", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert sign_in("tålmodig", PASSWORD).status_code == 302


def test_a_colleague_behind_the_same_address_is_not_locked_out_and_nor_is_the_account_elsewhere() -> None:
    """The lock is per account and address together: a municipality behind one address keeps working when
    one person (or someone guessing at one account) fails, and the account itself from another address."""
    make_user("kollega-a")
    make_user("kollega-b")
    for _ in range(LIMIT):
        sign_in("kollega-a", "fel-lösenord", REMOTE_ADDR="192.0.2.10")

    assert sign_in("kollega-a", PASSWORD, REMOTE_ADDR="192.0.2.10").status_code == 429
    assert sign_in("kollega-b", PASSWORD, REMOTE_ADDR="192.0.2.10").status_code == 302
    assert sign_in("kollega-a", PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302


def test_an_address_that_fails_for_many_accounts_is_refused_for_all(settings: Any) -> None:
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 6
    make_user("spridd")
    for n in range(6):
        sign_in(f"finns-inte-{n}", "Sommar2026!", REMOTE_ADDR="203.0.113.5")

    assert sign_in("spridd", PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 429
    assert sign_in("spridd", PASSWORD, REMOTE_ADDR="203.0.113.6").status_code == 302


def test_a_made_up_forwarded_header_does_not_escape_the_lock_unless_the_proxy_is_trusted(
    settings: Any,
) -> None:
    settings.TRUST_X_FORWARDED_FOR = False
    make_user("forklädd")
    for n in range(LIMIT):
        sign_in("forklädd", "fel-lösenord", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    response = sign_in("forklädd", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_is_counted_by_the_address_the_proxy_added(settings: Any) -> None:
    settings.TRUST_X_FORWARDED_FOR = True
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    make_user("bakom")
    for n in range(LIMIT):
        # The client makes up a first hop each time; the proxy appends the address it saw.
        sign_in("bakom", "fel-lösenord", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 192.0.2.44", **proxy)

    assert (
        sign_in("bakom", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99, 192.0.2.44", **proxy).status_code
        == 429
    )
    # Another client behind the same proxy (another office) is not locked out with the first.
    assert sign_in("bakom", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.45", **proxy).status_code == 302


def test_a_sign_in_and_a_sign_out_are_audited_and_failures_are_not() -> None:
    user = make_user("granskad")
    for _ in range(3):
        sign_in("granskad", "fel-lösenord")
    assert not AuditEntry.objects.exists()

    client = Client()
    sign_in("granskad", PASSWORD, client, REMOTE_ADDR="192.0.2.7")
    client.post(reverse("logout"))

    entries = list(AuditEntry.objects.order_by("id").values_list("action", "actor_id", "object_id"))
    assert entries == [
        ("user.sign_in", user.pk, str(user.pk)),
        ("user.sign_out", user.pk, str(user.pk)),
    ]
    assert AuditEntry.objects.get(action="user.sign_in").client_address == "192.0.2.7"


def test_a_lockout_is_audited_once_however_many_guesses_follow() -> None:
    user = make_user("envis")
    for _ in range(LIMIT * 3):
        sign_in("envis", "fel-lösenord")
        ask_for_token("envis", "fel-lösenord")

    [entry] = AuditEntry.objects.all()
    assert entry.action == "user.sign_in_lockout"
    assert entry.object_id == str(user.pk) and entry.actor_id is None
    assert "envis" not in json.dumps(entry.details) and entry.actor_username == "anonym"


def test_a_lockout_of_a_user_name_that_does_not_exist_names_no_one() -> None:
    for _ in range(LIMIT):
        sign_in("mitt-lösenord-i-fel-ruta", "fel-lösenord")

    [entry] = AuditEntry.objects.all()
    assert entry.action == "user.sign_in_lockout" and entry.object_id == ""
    assert "mitt-lösenord" not in json.dumps(entry.details) + entry.actor_username


def test_the_log_names_no_user_and_no_address(caplog: pytest.LogCaptureFixture) -> None:
    make_user("hemlig-anvandare")
    with caplog.at_level(logging.DEBUG):
        for _ in range(LIMIT + 2):
            sign_in("hemlig-anvandare", "fel-lösenord", REMOTE_ADDR="192.0.2.123")
            ask_for_token("hemlig-anvandare", "fel-lösenord", REMOTE_ADDR="192.0.2.123")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "hemlig-anvandare" not in logged
    assert "192.0.2.123" not in logged
    assert "fel-lösenord" not in logged
