"""The API answers its JSON error shape, {"errors": [{"code", "message", "field"}]}, for every error: an
unknown address, a method the address does not take, a body over the limit, a database that cannot be
reached, and a fault of the server. Pages keep their HTML; a page's body over the limit is refused too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.test import Client, override_settings

from finsam.core.models import AuditEntry

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["errors"][0]["code"] == code
    assert body["errors"][0]["message"]
    assert set(body["errors"][0]) == {"code", "message", "field"}
    return body


def test_an_unknown_api_address_answers_404_in_json() -> None:
    _error(Client().get("/api/v1/finns-inte"), 404, "R-NOT-FOUND")


def test_a_method_the_address_does_not_take_answers_405_in_json_with_allow() -> None:
    response = Client().get(TOKEN_URL)
    _error(response, 405, "R-METHOD")
    assert "POST" in response["Allow"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2048)
def test_a_body_declared_over_the_limit_answers_413_in_json() -> None:
    body = json.dumps({"username": "x", "password": "p" * 4096})
    response = Client().post(TOKEN_URL, data=body, content_type="application/json")
    _error(response, 413, "R-TOO-LARGE")


def test_a_body_that_django_finds_too_large_as_it_reads_answers_413_in_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Django raises RequestDataTooBig when it reads a body over its limit (a form's fields, say): the API
    answers its 413, not the framework's HTML 400."""

    def reads_too_much(*, username: str, password: str, otp: str | None = None, request: Any = None) -> str:
        raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")

    monkeypatch.setattr("finsam.api.token_create", reads_too_much)
    response = Client().post(
        TOKEN_URL, data={"username": "a", "password": "b"}, content_type="application/json"
    )
    _error(response, 413, "R-TOO-LARGE")


def test_a_database_outage_answers_503_in_json(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(token: str) -> None:
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr("finsam.api.token_row", unreachable)
    response = Client(raise_request_exception=False).get(
        "/api/v1/associations", HTTP_AUTHORIZATION="Bearer whatever"
    )
    _error(response, 503, "R-UNAVAILABLE")


def test_a_fault_of_the_server_answers_500_in_json(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(token: str) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("finsam.api.token_row", broken)
    response = Client(raise_request_exception=False).get(
        "/api/v1/associations", HTTP_AUTHORIZATION="Bearer whatever"
    )
    body = _error(response, 500, "R-SERVER")
    assert "a bug" not in json.dumps(body)


def test_a_page_keeps_its_html_error() -> None:
    response = Client().get("/finns-inte/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2048)
def test_a_page_form_over_the_limit_answers_413_and_writes_nothing(world: Any) -> None:
    before = AuditEntry.objects.count()
    response = Client().post("/logga-in/", {"username": "x", "password": "p" * 4096})
    assert response.status_code == 413
    assert "Filen är för stor" in response.content.decode()
    assert AuditEntry.objects.count() == before


@override_settings(REQUEST_MAX_BYTES=4096)
def test_a_page_upload_declared_over_the_limit_is_refused_with_413(world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("deltagare.csv", b"x" * 8192, content_type="text/csv")
    response = world.client(world.users["participant_coordinator"]).post(
        f"/uppfoljning/forbund/{world.own.pk}/deltagare/inlasning/", {"file": upload}
    )
    assert response.status_code == 413


def test_the_message_follows_accept_language_and_the_code_does_not() -> None:
    swedish = _error(Client().get("/api/v1/finns-inte"), 404, "R-NOT-FOUND")
    english = _error(Client().get("/api/v1/finns-inte", HTTP_ACCEPT_LANGUAGE="en"), 404, "R-NOT-FOUND")
    assert swedish["errors"][0]["message"] == "Finns inte, eller så saknar du behörighet."
    assert english["errors"][0]["message"] == "Does not exist, or you are not authorised."
    unread = Client().post(TOKEN_URL, data="{", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert _error(unread, 400, "R-INPUT")["errors"][0]["message"].isascii()
