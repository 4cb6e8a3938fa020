"""The invariants that the database can hold, held by the database: a write around the services (an admin's
SQL, a script, a race between two requests) cannot store dates out of order, a second open FK or AF
membership, or board seats that overlap (PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Model

from finsam.followup.models import Consent, Participation
from finsam.interventions.models import Intervention
from finsam.registry.models import (
    Association,
    BoardSeat,
    Director,
    Member,
    MemberRepresentative,
    PartyKind,
    Person,
    SeatRole,
)
from tests.factories import make_association, make_intervention, make_participant, make_participation

pytestmark = pytest.mark.django_db


def refused(model: type[Model], pk: int, **values: Any) -> bool:
    try:
        with transaction.atomic():
            model._default_manager.filter(pk=pk).update(**values)
    except IntegrityError:
        return True
    return False


def test_dates_out_of_order_are_refused_by_the_database(world: Any) -> None:
    own = world.own
    seat = BoardSeat.objects.filter(association=own).first()
    member = Member.objects.filter(association=own).first()
    director = Director.objects.filter(association=own).first()
    representative = MemberRepresentative.objects.filter(member__association=own).first()
    assert seat and member and director and representative
    intervention = make_intervention(own, name="Datumordning")
    participant = make_participant(intervention)
    participation = make_participation(participant, start=date(2024, 2, 1))
    consent = Consent.objects.get(participant=participant)
    cases: list[tuple[type[Model], int, dict[str, Any]]] = [
        (Association, own.pk, {"dissolved": own.founded - timedelta(days=1)}),
        (Member, member.pk, {"left": member.joined - timedelta(days=1)}),
        (BoardSeat, seat.pk, {"end": seat.start - timedelta(days=1)}),
        (Director, director.pk, {"end": director.start - timedelta(days=1)}),
        (MemberRepresentative, representative.pk, {"end": representative.start - timedelta(days=1)}),
        (Intervention, intervention.pk, {"end": intervention.start - timedelta(days=1)}),
        (Participation, participation.pk, {"exit": date(2024, 1, 1), "exit_reason": "work"}),
        (Consent, consent.pk, {"withdrawn_on": consent.given_on - timedelta(days=1)}),
    ]
    accepted = [model.__name__ for model, pk, values in cases if not refused(model, pk, **values)]
    assert accepted == []


def test_one_open_fk_and_one_open_af_membership_per_forbund(world: Any) -> None:
    own = world.own
    for kind in (PartyKind.FK, PartyKind.AF):
        with pytest.raises(IntegrityError), transaction.atomic():
            Member.objects.create(association=own, kind=kind, joined=date(2020, 1, 1))
    # The old membership ended: a new one may open (a förbund re-formed), and many municipalities may.
    fk = Member.objects.get(association=own, kind=PartyKind.FK, left__isnull=True)
    fk.left = date(2019, 12, 31)
    fk.save()
    Member.objects.create(association=own, kind=PartyKind.FK, joined=date(2020, 1, 1))


# The exclusion constraints are PostgreSQL's; on SQLite the services' checks are the guard. Each test
# holds its database to its own guard, so that neither run skips it.
POSTGRESQL = connection.vendor == "postgresql"


def _services_refuse_on_sqlite(**seat: object) -> None:
    """On SQLite: the same seat through the service is refused as R-BOARD and nothing is written."""
    from finsam.core.access import SYSTEM
    from finsam.core.errors import RuleViolation
    from finsam.registry import services

    before = BoardSeat.objects.count()
    with pytest.raises(RuleViolation) as refusal:
        services.board_seat_create(actor=SYSTEM, **seat)  # type: ignore[arg-type]
    assert refusal.value.code == "R-BOARD" and BoardSeat.objects.count() == before


def test_a_person_cannot_hold_two_overlapping_seats_in_one_forbund() -> None:
    association = make_association()
    seat = BoardSeat.objects.filter(association=association, role=SeatRole.MEMBER).first()
    assert seat is not None
    other_member = Member.objects.filter(association=association).exclude(pk=seat.member_id).first()
    if not POSTGRESQL:
        _services_refuse_on_sqlite(
            association=association,
            person=seat.person,
            member=other_member,
            role=SeatRole.DEPUTY,
            start=seat.end,
            end=seat.end + timedelta(days=365),
        )
        return
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardSeat.objects.create(
            association=association,
            person=seat.person,
            member=other_member,
            role=SeatRole.DEPUTY,
            start=seat.end,  # the last day of the first seat: both days count
            end=seat.end + timedelta(days=365),
        )
    BoardSeat.objects.create(
        association=association,
        person=seat.person,
        member=seat.member,
        role=SeatRole.MEMBER,
        start=seat.end + timedelta(days=1),
        end=seat.end + timedelta(days=365),
    )


def test_a_forbund_has_one_chair_and_one_vice_chair_at_a_time() -> None:
    association = make_association()
    chair = BoardSeat.objects.get(association=association, chair=True)
    first, second = BoardSeat.objects.filter(association=association, role=SeatRole.MEMBER, chair=False)[:2]
    if not POSTGRESQL:
        person = Person.objects.create(first_name="Andra", last_name="Ordförande", association=association)
        _services_refuse_on_sqlite(
            association=association,
            person=person,
            member=chair.member,
            role=SeatRole.MEMBER,
            chair=True,
            start=chair.start,
            end=chair.end,
        )
        return
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardSeat.objects.filter(pk=first.pk).update(chair=True)
    BoardSeat.objects.filter(pk=first.pk).update(vice_chair=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardSeat.objects.filter(pk=second.pk).update(vice_chair=True)
    person = Person.objects.create(first_name="Ny", last_name="Ordförande", association=association)
    BoardSeat.objects.create(
        association=association,
        person=person,
        member=chair.member,
        role=SeatRole.MEMBER,
        chair=True,
        start=chair.end + timedelta(days=1),
        end=chair.end + timedelta(days=365),
    )


def test_a_seat_saved_in_a_race_is_refused_as_the_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two requests check at once and both find the period free: the second save meets the constraint
    and is refused as R-BOARD, not as a server error. (On SQLite there is no such race; see below.)"""
    from finsam.core.access import SYSTEM
    from finsam.core.errors import RuleViolation
    from finsam.registry import services

    association = make_association()
    seat = BoardSeat.objects.filter(association=association, role=SeatRole.MEMBER).first()
    assert seat is not None
    if POSTGRESQL:
        monkeypatch.setattr(services, "_seat_violations", lambda **kwargs: [])  # the other request's check
    # On SQLite a writer holds the database from its first read (IMMEDIATE transactions): the second
    # request checks after the first has committed, and its check refuses.
    with pytest.raises(RuleViolation) as refusal:
        services.board_seat_create(
            actor=SYSTEM,
            association=association,
            person=seat.person,
            member=seat.member,
            role=SeatRole.DEPUTY,
            start=seat.start,
            end=seat.end,
        )
    assert refusal.value.code == "R-BOARD"
