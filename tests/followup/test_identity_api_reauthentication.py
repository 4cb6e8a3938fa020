"""Reading a personnummer through the API needs a token issued within REAUTHENTICATION_MINUTES: the API has
no session, so the token's age says when the password (and the second factor) were last given."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from finsam.accounts.models import ApiToken
from finsam.core.models import AuditEntry
from tests.factories import make_participant, token_for, valid_identity_number

pytestmark = pytest.mark.django_db

NUMBER = valid_identity_number(date(1988, 8, 8), 222)


def test_an_old_token_reads_no_personnummer_and_is_told_to_fetch_a_new_one(fu: Any) -> None:
    participant = make_participant(fu.x, number=NUMBER)
    token = token_for(username=fu.coordinator.username)
    url = f"/api/v1/participants/{participant.pk}"
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert Client().get(url, **bearer).json()["identity_number"] == NUMBER

    ApiToken.objects.update(
        created=timezone.now() - timedelta(minutes=settings.REAUTHENTICATION_MINUTES, seconds=1)
    )
    refused = Client().get(url, **bearer)

    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/json")
    [error] = refused.json()["errors"]
    assert error["code"] == "R-REAUTH" and "Hämta en ny nyckel" in error["message"]
    assert AuditEntry.objects.filter(action="participant.identity.read").count() == 1
    # The old token still reads what holds no identity.
    assert Client().get(f"/api/v1/associations/{fu.world.own.pk}/participants", **bearer).status_code == 200

    fresh = {"HTTP_AUTHORIZATION": "Bearer " + token_for(username=fu.coordinator.username)}
    assert Client().get(url, **fresh).json()["identity_number"] == NUMBER


def test_the_schema_says_which_operation_needs_a_recent_token() -> None:
    from finsam.api import api

    paths = api.get_openapi_schema()["paths"]
    assert paths["/api/v1/participants/{participant_id}"]["get"]["x-access"]["recent_authentication"] is True
    assert (
        "recent_authentication"
        not in paths["/api/v1/associations/{association_id}/participants"]["get"]["x-access"]
    )
