"""The statistics' summary tables stay equal to the rows whatever is written (followup/summaries.py).

A property test drives random sequences of the writes that change them — enrolment, registration, a new
start, exit (also "registered by mistake"), corrections of a participant or a participation afterwards,
consent withdrawal, the purge of identities and the import —
through the services, and after each sequence compares every summary cell, kept current in Python per
write (and by the import's grouped SQL), with the cells recomputed from the rows in the database; and
the figures the statistics read (ongoing participations, people taking part during a year) with counts
taken directly from the rows.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, timedelta
from io import StringIO
from itertools import count
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.followup import selectors, services, summaries
from finsam.followup.models import Participant, Participation, StartedSummary
from finsam.followup.schemas import ImportRow
from tests.factories import make_intervention, valid_identity_number

TODAY = date(2026, 6, 30)
FIRST = date(2019, 1, 1)
DAYS = (TODAY - FIRST).days
YEARS = range(2019, 2027)
REASONS = ("work", "studies", "completed", "registered_by_mistake")
INCOME = st.sampled_from(
    [
        [("sickness_benefit", 100)],
        [("salary", 50), ("social_assistance", 50)],
        [("activity_support", 75), ("salary", 25)],
        [("social_assistance", 100), ("sickness_benefit", 50)],
    ]
)
_serial = count(300)


@dataclass(frozen=True)
class Enrol:
    intervention: int
    sex: str
    identified: bool
    start: int
    birth_year: int
    income: Any


@dataclass(frozen=True)
class Register:
    intervention: int
    sex: str


@dataclass(frozen=True)
class Start:
    participant: int
    after: int
    income: Any


@dataclass(frozen=True)
class Exit:
    participant: int
    days: int
    reason: str
    employment: str
    income: Any


@dataclass(frozen=True)
class CorrectParticipation:
    participant: int
    start_shift: int
    exit_shift: int
    reason: str
    employment: str
    income: Any


@dataclass(frozen=True)
class CorrectParticipant:
    participant: int
    sex: str
    birth_year: int


@dataclass(frozen=True)
class Withdraw:
    participant: int


@dataclass(frozen=True)
class Purge:
    pass


@dataclass(frozen=True)
class Import:
    rows: list[tuple[int, str, int, int | None, str]]


SEXES = st.sampled_from(["woman", "man"])
OPERATIONS = st.one_of(
    st.builds(
        Enrol,
        st.integers(0, 1),
        SEXES,
        st.booleans(),
        st.integers(0, DAYS),
        st.integers(1950, 2005),
        INCOME,
    ),
    st.builds(Register, st.integers(0, 1), SEXES),
    st.builds(Start, st.integers(0, 30), st.integers(1, 900), INCOME),
    st.builds(
        Exit,
        st.integers(0, 30),
        st.integers(0, 1200),
        st.sampled_from(REASONS),
        st.sampled_from(["work", "studies", "none", ""]),
        INCOME,
    ),
    # Twice, small and large shifts: a correction needs a participant with a participation to act on.
    *(
        st.builds(
            CorrectParticipation,
            st.integers(0, 30),
            st.integers(-shift, shift),
            st.integers(-shift, shift),
            st.sampled_from(REASONS),
            st.sampled_from(["work", "studies", "none"]),
            INCOME,
        )
        for shift in (40, 400)
    ),
    st.builds(CorrectParticipant, st.integers(0, 30), SEXES, st.integers(1950, 2005)),
    st.builds(Withdraw, st.integers(0, 30)),
    st.just(Purge()),
    st.builds(
        Import,
        st.lists(
            st.tuples(
                st.integers(0, 1),
                SEXES,
                st.integers(0, DAYS),
                st.one_of(st.none(), st.integers(0, 900)),
                st.sampled_from(REASONS),
            ),
            min_size=1,
            max_size=4,
        ),
    ),
)


def _pick(index: int) -> Participant | None:
    participants = list(Participant.objects.order_by("pk"))
    return participants[index % len(participants)] if participants else None


def _apply(operation: Any, interventions: list[Any]) -> None:
    if isinstance(operation, Enrol):
        intervention = interventions[operation.intervention]
        start = FIRST + timedelta(days=operation.start)
        serial = next(_serial) * 10 + (1 if operation.sex == "man" else 2)
        birth = date(operation.birth_year, 5, 3)
        services.participant_enrol(
            actor=SYSTEM,
            association=intervention.association,
            intervention=intervention,
            registration="identified" if operation.identified else "anonymous",
            identity_number=valid_identity_number(birth, serial) if operation.identified else None,
            consent_given_on=start if operation.identified else None,
            consent_form_version="9443 v3" if operation.identified else "",
            sex=None if operation.identified else operation.sex,
            start=start,
            employment_before="none",
            education_level="upper_secondary",
            income_before=operation.income,
            today=TODAY,
        )
    elif isinstance(operation, Register):
        intervention = interventions[operation.intervention]
        services.participant_register(
            actor=SYSTEM,
            association=intervention.association,
            intervention=intervention,
            registration="anonymous",
            sex=operation.sex,
            start_year=2024,
            today=TODAY,
        )
    elif isinstance(operation, Start):
        participant = _pick(operation.participant)
        if participant is None:
            return
        last = participant.participations.order_by("-start").first()
        after = last.exit if last is not None and last.exit is not None else FIRST
        services.participation_start(
            actor=SYSTEM,
            participant=participant,
            start=min(TODAY, after + timedelta(days=operation.after)),
            employment_before="seeking_work",
            education_level="primary",
            income_before=operation.income,
            today=TODAY,
        )
    elif isinstance(operation, Exit):
        participant = _pick(operation.participant)
        participation = (
            Participation.objects.filter(participant=participant, exit__isnull=True).first()
            if participant
            else None
        )
        if participation is None:
            return
        mistake = operation.reason == "registered_by_mistake"
        services.participation_exit(
            actor=SYSTEM,
            participation=participation,
            exit=min(TODAY, participation.start + timedelta(days=operation.days)),
            exit_reason=operation.reason,
            employment_after="" if mistake else operation.employment,
            income_after=[] if mistake else operation.income,
            today=TODAY,
        )
    elif isinstance(operation, CorrectParticipation):
        participant = _pick(operation.participant)
        participation = participant.participations.order_by("-start").first() if participant else None
        if participation is None:
            return
        start = min(TODAY, max(FIRST, participation.start + timedelta(days=operation.start_shift)))
        exited = participation.exit is not None
        mistake = operation.reason == "registered_by_mistake"
        services.participation_correct(
            actor=SYSTEM,
            participation=participation,
            reason="Fel datum och fel orsak registrerades.",
            start=start,
            employment_before="work",
            education_level="post_secondary",
            income_before=operation.income,
            exit=min(TODAY, max(start, participation.exit + timedelta(days=operation.exit_shift)))
            if participation.exit is not None
            else None,
            exit_reason=operation.reason if exited else "",
            employment_after=operation.employment if exited and not mistake else "",
            income_after=[("salary", 100)] if exited and not mistake else [],
            today=TODAY,
        )
    elif isinstance(operation, CorrectParticipant):
        participant = _pick(operation.participant)
        if participant is None:
            return
        identified = participant.identity_ciphertext is not None
        serial = next(_serial) * 10 + (1 if operation.sex == "man" else 2)
        services.participant_correct(
            actor=SYSTEM,
            participant=participant,
            reason="Felskrivet vid registreringen.",
            identity_number=valid_identity_number(date(operation.birth_year, 8, 9), serial)
            if identified
            else None,
            sex=None if identified else operation.sex,
            today=TODAY,
        )
    elif isinstance(operation, Withdraw):
        participant = _pick(operation.participant)
        if participant is not None:
            services.consent_withdraw(actor=SYSTEM, participant=participant, withdrawn_on=TODAY, today=TODAY)
    elif isinstance(operation, Purge):
        services.participant_identities_purge(actor=SYSTEM, today=date(2040, 1, 1))
    elif isinstance(operation, Import):
        rows = []
        for number, (which, sex, start_day, days, reason) in enumerate(operation.rows, start=2):
            start = FIRST + timedelta(days=start_day)
            exit = min(TODAY, start + timedelta(days=days)) if days is not None else None
            mistake = reason == "registered_by_mistake"
            rows.append(
                ImportRow(
                    row=number,
                    intervention_id=interventions[which].pk,
                    registration="anonymous",
                    identity_number="",
                    consent_given_on=None,
                    consent_form_version="",
                    sex=sex,
                    start=start,
                    education_level="primary",
                    employment_before="none",
                    income_before=(("social_assistance", 100),),
                    exit=exit,
                    exit_reason=reason if exit else "",
                    employment_after="work" if exit and not mistake else "",
                    income_after=(("salary", 100),) if exit and not mistake else (),
                )
            )
        services.participants_import(
            actor=SYSTEM, association=interventions[0].association, rows=rows, today=TODAY
        )


def _ongoing_from_rows(year: int) -> dict[tuple[Any, ...], int]:
    last = min(date(year, 12, 31), TODAY)
    rows = (
        selectors.participations_counted()
        .filter(start__lte=last)
        .filter(Q(exit__isnull=True) | Q(exit__gt=last))
        .values("intervention_id", "participant__sex")
        .annotate(n=Count("id"))
    )
    return {(r["intervention_id"], r["participant__sex"]): r["n"] for r in rows}


def _taking_part_from_rows(year: int, association_id: int) -> dict[int, int]:
    rows = (
        selectors.participations_counted(association_id=association_id)
        .filter(start__lte=date(year, 12, 31))
        .filter(Q(exit__isnull=True) | Q(exit__gte=date(year, 1, 1)))
        .values("intervention_id")
        .annotate(n=Count("participant_id", distinct=True))
    )
    return {r["intervention_id"]: r["n"] for r in rows}


@pytest.mark.django_db
def test_every_summary_cell_equals_the_rows_after_any_sequence_of_writes(world: Any) -> None:
    interventions = [
        make_intervention(world.own, name="Steget vidare", start=date(2018, 1, 1)),
        make_intervention(world.own, name="Unga till arbete", start=date(2018, 1, 1)),
    ]

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(operations=st.lists(OPERATIONS, min_size=1, max_size=12))
    def check(operations: list[Any]) -> None:
        rollback = transaction.savepoint_create()
        try:
            for operation in operations:
                # A refusal writes nothing: the summaries must not have moved either.
                with contextlib.suppress(RuleViolation):
                    _apply(operation, interventions)
            assert summaries.stored().nonzero() == summaries.computed().nonzero()
            assert services.statistics_rebuild(actor=SYSTEM, fix=False) == {}
            for year in YEARS:
                ongoing = selectors.participation_counts(
                    year=year, which="ongoing", by=["intervention", "sex"], association_id=world.own.pk
                )
                assert ongoing == _ongoing_from_rows(year)
                taking_part = selectors.participants_per_intervention(year=year, association_id=world.own.pk)
                assert taking_part == _taking_part_from_rows(year, world.own.pk)
        finally:
            transaction.savepoint_rollback(rollback)

    check()


@pytest.mark.django_db
def test_rebuild_statistics_reports_and_fixes_a_cell_that_differs(world: Any) -> None:
    intervention = make_intervention(world.own, name="Steget vidare", start=date(2018, 1, 1))
    services.participant_enrol(
        actor=SYSTEM,
        association=world.own,
        intervention=intervention,
        registration="anonymous",
        sex="woman",
        start=date(2025, 3, 1),
        employment_before="none",
        education_level="upper_secondary",
        income_before=[("sickness_benefit", 100)],
    )
    out = StringIO()
    call_command("rebuild_statistics", stdout=out)
    assert "stämmer" in out.getvalue()

    StartedSummary.objects.filter(association=world.own).update(n=5)
    with pytest.raises(CommandError, match="1 celler"):
        call_command("rebuild_statistics", "--check")
    assert StartedSummary.objects.get(association=world.own, year=2025).n == 5
    with pytest.raises(CommandError, match="rättade"):
        call_command("rebuild_statistics")
    assert StartedSummary.objects.get(association=world.own, year=2025).n == 1
    call_command("rebuild_statistics", stdout=StringIO())
    entries = AuditEntry.objects.filter(action="statistics.rebuild").order_by("pk")
    assert [e.details["differences"] for e in entries] == [
        {},
        {"StartedSummary": 1},
        {"StartedSummary": 1},
        {},
    ]
    assert [e.details["fixed"] for e in entries] == [False, False, True, False]


@pytest.mark.django_db
def test_only_the_system_rebuilds_the_statistics(world: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from finsam.core.roles import Role

    for role in (Role.NATIONAL_ADMIN, Role.ASSOCIATION_ADMIN):
        with pytest.raises(PermissionDenied):
            services.statistics_rebuild(actor=world.users[role])
