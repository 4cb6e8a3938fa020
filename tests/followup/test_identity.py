"""Identities at rest: encrypted, recognisable through the keyed hash, and rotatable."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from finsam.followup import identity
from finsam.followup.models import Participant
from tests.factories import make_participant, valid_identity_number

NUMBER = valid_identity_number(date(1981, 12, 28), 987)
DIGITS = NUMBER.replace("-", "")


@pytest.mark.django_db
def test_the_stored_row_does_not_contain_the_number(fu: Any) -> None:
    participant = make_participant(fu.x, number=NUMBER)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT identity_ciphertext, identity_hash FROM followup_participant WHERE id = %s",
            [participant.pk],
        )
        ciphertext, hashed = cursor.fetchone()
    for stored in (ciphertext, hashed):
        assert DIGITS not in stored
        assert DIGITS[2:] not in stored
        assert NUMBER not in stored
    assert identity.decrypt(ciphertext) == DIGITS


@pytest.mark.django_db
def test_the_keyed_hash_finds_the_same_person_again_whatever_the_notation(fu: Any) -> None:
    first = make_participant(fu.x, number=NUMBER)
    second = make_participant(fu.y, number=DIGITS[2:])  # ten digits, no separator, other intervention
    other = make_participant(fu.y, number=valid_identity_number(date(1981, 12, 28), 986))
    assert first.identity_hash == second.identity_hash
    assert other.identity_hash != first.identity_hash
    same = Participant.objects.filter(identity_hash=identity.keyed_hash(DIGITS))
    assert set(same.values_list("pk", flat=True)) == {first.pk, second.pk}


def test_the_hash_depends_on_the_secret_key(settings: Any) -> None:
    before = identity.keyed_hash(DIGITS)
    settings.IDENTITY_HASH_KEY = "another-identity-hash-key-" + "q" * 40
    assert identity.keyed_hash(DIGITS) != before


def test_two_encryptions_of_the_same_number_differ() -> None:
    assert identity.encrypt(DIGITS) != identity.encrypt(DIGITS)


def test_a_value_from_an_unknown_key_is_not_decrypted(settings: Any) -> None:
    token = identity.encrypt(DIGITS)
    settings.IDENTITY_KEYS = ["a-completely-different-identity-key-" + "k" * 20]
    with pytest.raises(identity.IdentityKeyError):
        identity.decrypt(token)


@pytest.mark.django_db
def test_keys_rotate_new_first_then_the_old_one_can_go(fu: Any, settings: Any) -> None:
    old = settings.IDENTITY_KEYS[0]
    participant = make_participant(fu.x, number=NUMBER)
    new = "the-new-identity-key-after-rotation-" + "n" * 20
    settings.IDENTITY_KEYS = [new, old]
    out = io.StringIO()
    call_command("rotate_identity_keys", stdout=out)
    assert "Krypterade om 1 personnummer" in out.getvalue()
    settings.IDENTITY_KEYS = [new]
    participant.refresh_from_db()
    assert participant.identity_ciphertext is not None
    assert identity.decrypt(participant.identity_ciphertext) == DIGITS
