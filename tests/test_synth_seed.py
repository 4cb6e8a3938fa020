"""`finsam synth` from the same seed gives the same rows; from another seed, other rows. (Apart from
tests/test_synth.py, whose one build stays open for its whole module.)"""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.db import transaction

from finsam import synth
from finsam.finance.models import Budget
from finsam.followup.models import IncomeSourceEntry, Participation
from finsam.interventions.models import Intervention
from finsam.registry.models import Association, BoardSeat, Member

LAST_YEAR = 2025


def _digest() -> str:
    """The built rows, without their keys, in an order of their own: what the same seed must repeat."""
    rows: list[tuple[Any, ...]] = []
    rows += Association.objects.values_list("name", "org_number", "founded", "seat__code")
    rows += Member.objects.values_list("association__name", "kind", "region__code", "municipality__code")
    rows += BoardSeat.objects.values_list(
        "association__name", "person__first_name", "person__last_name", "role", "start"
    )
    rows += Intervention.objects.values_list("association__name", "name", "kind", "start", "end")
    rows += Budget.objects.values_list("association__name", "year", "frame", "opening_equity", "adopted_on")
    rows += Participation.objects.values_list(
        "intervention__name",
        "association__name",
        "participant__sex",
        "participant__registration",
        "start",
        "exit",
        "exit_reason",
        "employment_before",
        "employment_after",
        "education_level",
    )
    rows += IncomeSourceEntry.objects.values_list(
        "participation__association__name", "participation__start", "phase", "source", "extent"
    )
    return hashlib.sha256(repr(sorted(rows, key=repr)).encode()).hexdigest()


def _build_digest(seed: int) -> str:
    with transaction.atomic():
        synth.build(
            seed=seed, scale=0.002, last_year=LAST_YEAR, out=io.StringIO(), show_progress=False, years=2
        )
        digest = _digest()
        transaction.set_rollback(True)
    return digest


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows() -> None:
    first = _build_digest(11)
    assert _build_digest(11) == first
    assert _build_digest(12) != first
