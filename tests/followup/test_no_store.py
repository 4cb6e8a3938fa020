"""Answers that show identities are never stored by a browser or a proxy: `Cache-Control: no-store` on every
answer to a signed-in user, pages and API alike (the personnummer, the consent form, the lists)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, make_participant, token_for

pytestmark = pytest.mark.django_db


def _no_store(response: Any) -> None:
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_the_pages_with_identities_are_not_stored(fu: Any) -> None:
    participant = make_participant(fu.x, scanned_form=b"%PDF-1.4 blankett")
    client = fu.world.client(fu.coordinator)
    for url in (
        reverse("followup:participant_detail", args=[participant.pk]),
        reverse("followup:participant_identity", args=[participant.pk]),
        reverse("followup:consent_form", args=[participant.pk]),
        reverse("followup:participant_list", args=[fu.world.own.pk]),
    ):
        _no_store(client.get(url))


def test_the_api_answer_with_a_personnummer_is_not_stored(fu: Any) -> None:
    participant = make_participant(fu.x)
    token = token_for(username=fu.coordinator.username, password=PASSWORD)
    response = Client().get(f"/api/v1/participants/{participant.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json()["identity_number"]
    _no_store(response)


def test_a_public_page_may_be_cached() -> None:
    response = Client().get(reverse("open_data:index"))
    assert "no-store" not in response.get("Cache-Control", "")
