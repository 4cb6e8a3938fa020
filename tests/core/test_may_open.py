"""`may_open`: whether a link would lead the user to a page rather than to a refusal, read from the
page's own access declaration and the user's scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from finsam.core.decorators import may_open
from finsam.core.roles import Role

pytestmark = pytest.mark.django_db


def test_a_page_is_open_to_whom_its_declaration_and_scope_allow(world: Any) -> None:
    coordinator = world.users[Role.PARTICIPANT_COORDINATOR]
    own = reverse("registry:association_detail", args=[world.own.pk])
    other = reverse("registry:association_detail", args=[world.other.pk])

    assert may_open(world.users[Role.AUDITOR], reverse("finance:overview"))
    assert not may_open(coordinator, reverse("finance:overview"))
    assert may_open(coordinator, own) and not may_open(coordinator, other)
    assert may_open(AnonymousUser(), reverse("accessibility"))
    assert not may_open(AnonymousUser(), own)
    assert not may_open(coordinator, "/no/such/page/")
