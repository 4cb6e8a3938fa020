"""API bearer tokens: random, shown once, stored as SHA-256, expiring."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from finsam.core import audit
from finsam.core.errors import RuleViolation
from finsam.core.models import ApiToken


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_create(*, username: str, password: str) -> str:
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        # Recorded outside the refusal's transaction, so that the refusal stays on the record.
        audit.record(actor=None, action="api_token.refused")
        raise RuleViolation("R-AUTH", "Fel användarnamn eller lösenord.", "password")
    with transaction.atomic():
        token = secrets.token_urlsafe(32)
        row = ApiToken.objects.create(
            user=user,
            key_hash=_digest(token),
            expires=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
        )
        audit.record(actor=user, action="api_token.create", target=row)
    return token


def token_user(token: str) -> Any | None:
    """The active user behind a valid, unexpired token, or None."""
    if not token or len(token) > 200:
        return None
    row = ApiToken.objects.select_related("user").filter(key_hash=_digest(token)).first()
    now = timezone.now()
    if row is None or row.expires <= now or not row.user.is_active:
        return None
    if row.last_used is None or now - row.last_used > timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used=now)
    return row.user
