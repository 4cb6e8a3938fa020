"""Start-up check of the identity keys (core.checks): the database's identities must be readable, and
recognisable again, with the configured FINSAM_IDENTITY_KEY and FINSAM_IDENTITY_HASH_KEY."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from finsam.core import keys
from finsam.core.checks import KEYS
from finsam.followup import identity
from finsam.followup.models import Participant

ADVICE = "Återställ nycklarna från säkerhetskopian (eller datakatalogen) som hör till databasen."


def _sample_fits() -> bool | None:
    """Whether the newest stored identity decrypts and hashes to its stored hash; None without one."""
    try:
        sample = (
            Participant.objects.filter(identity_ciphertext__isnull=False)
            .order_by("-pk")
            .values_list("identity_ciphertext", "identity_hash")
            .first()
        )
    except DatabaseError:
        return None
    if sample is None:
        return None
    ciphertext, hashed = sample
    if ciphertext is None:
        return None
    try:
        number = identity.decrypt(ciphertext)
    except identity.IdentityKeyError:
        return False
    return identity.keyed_hash(number) == hashed


@checks.register(KEYS)
def identity_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    if keys.mismatch(identity.IDENTITY, settings.IDENTITY_KEYS):
        errors.append(
            checks.Error(
                "Ingen av nycklarna i FINSAM_IDENTITY_KEY är den som databasens identiteter är krypterade "
                f"med. {ADVICE}",
                id="finsam.E003",
            )
        )
    if keys.mismatch(identity.IDENTITY_HASH, [settings.IDENTITY_HASH_KEY]):
        errors.append(
            checks.Error(
                "FINSAM_IDENTITY_HASH_KEY är inte nyckeln som databasens identiteter är hashade med: en "
                f"registrerad person skulle inte kännas igen. {ADVICE}",
                id="finsam.E004",
            )
        )
    if not errors and keys.recorded(identity.IDENTITY) == set() and _sample_fits() is False:
        # A database from before fingerprints were recorded: one stored identity tells.
        errors.append(
            checks.Error(
                f"Nycklarna kan inte läsa databasens identiteter (FINSAM_IDENTITY_KEY, "
                f"FINSAM_IDENTITY_HASH_KEY). {ADVICE}",
                id="finsam.E005",
            )
        )
    return errors
