"""insert_many: COPY on PostgreSQL, bulk_create elsewhere; either way the objects come back with their keys,
the model's defaults and auto_now_add applied, and the database's constraints enforced."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from finsam.core.bulk import insert_many
from finsam.followup.models import Consent, Participant
from tests.factories import make_intervention

pytestmark = pytest.mark.django_db


def _participant(world: Any, intervention: Any, *, identity_hash: str | None = None) -> Participant:
    return Participant(
        association=world.own,
        intervention=intervention,
        registration="identified" if identity_hash else "anonymous",
        identity_ciphertext="x" if identity_hash else None,
        identity_hash=identity_hash,
        sex="woman",
        start_year=2025,
        registered_on=date(2025, 3, 1),
    )


def test_rows_come_back_with_keys_and_defaults_and_can_be_referred_to(world: Any) -> None:
    intervention = make_intervention(world.own, name="Steget vidare")
    people = insert_many(Participant, [_participant(world, intervention) for _ in range(3)])
    assert all(person.pk for person in people)
    assert len({person.pk for person in people}) == 3
    assert Participant.objects.filter(pk__in=[p.pk for p in people]).count() == 3
    consents = insert_many(
        Consent, [Consent(participant=people[0], given_on=date(2025, 3, 1), form_version="v3")]
    )
    stored = Consent.objects.get(pk=consents[0].pk)
    assert stored.participant_id == people[0].pk
    assert stored.recorded_at is not None  # auto_now_add, as with bulk_create
    assert stored.withdrawn_on is None


def test_a_constraint_violation_is_an_integrity_error(world: Any) -> None:
    intervention = make_intervention(world.own, name="Steget vidare")
    twice = [_participant(world, intervention, identity_hash="ab" * 32) for _ in range(2)]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_many(Participant, twice)
    assert not Participant.objects.filter(identity_hash="ab" * 32).exists()


def test_nothing_to_insert_is_nothing_done(world: Any) -> None:
    assert insert_many(Participant, []) == []
