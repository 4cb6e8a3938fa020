"""Outcome statistics: counted in the database, "registered by mistake" left out, a förbund's own users see
exact counts, everything national is suppressed (R-SUPPRESS) and no hidden cell can be worked out."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from finsam.core.access import SYSTEM
from finsam.core.roles import Role
from finsam.core.suppression import TOTAL, audit
from finsam.followup import services
from finsam.statistics import outcomes as statistics
from tests.factories import make_intervention, valid_identity_number

_serial = count(200)


def enrol(
    intervention: Any,
    *,
    sex: str = "woman",
    start: date = date(2025, 3, 1),
    exit: date | None = None,
    reason: str = "work",
    employment_after: str = "work",
    income_before: list[tuple[str, int]] | None = None,
    income_after: list[tuple[str, int]] | None = None,
    birth: date | None = None,
) -> Any:
    """A participation through the services: identified (born `birth`) or anonymous."""
    identified = birth is not None
    serial = next(_serial)
    if identified:
        # The third serial digit tells the sex: odd for a man, even for a woman.
        serial = serial * 10 + (1 if sex == "man" else 2)
    participation = services.participant_enrol(
        actor=SYSTEM,
        association=intervention.association,
        intervention=intervention,
        registration="identified" if identified else "anonymous",
        identity_number=valid_identity_number(birth, serial) if birth else None,
        consent_given_on=start if identified else None,
        consent_form_version="9443 v3" if identified else "",
        sex=None if identified else sex,
        start=start,
        employment_before="none",
        education_level="upper_secondary",
        income_before=income_before or [("sickness_benefit", 100)],
        today=date(2026, 11, 1),
    )
    if exit is not None:
        services.participation_exit(
            actor=SYSTEM,
            participation=participation,
            exit=exit,
            exit_reason=reason,
            employment_after="" if reason == "registered_by_mistake" else employment_after,
            income_after=[] if reason == "registered_by_mistake" else (income_after or [("salary", 100)]),
            today=date(2026, 11, 1),
        )
    return participation


@pytest.fixture
def data(world: Any) -> Any:
    return build_data(world)


def build_data(world: Any) -> Any:
    """The own förbund: intervention A with 7 women and 3 men started in 2025 (two women exited to work,
    one man to studies); one more woman "registered by mistake"; the other förbund: 2 men in 2025."""
    a = make_intervention(world.own, name="Steget vidare", start=date(2020, 1, 1))
    b = make_intervention(world.own, name="Unga till arbete", start=date(2020, 1, 1))
    for n in range(7):
        enrol(a, sex="woman", start=date(2025, 2, 1 + n), birth=date(1990, 5, 3) if n < 2 else None)
    enrol(a, sex="man", start=date(2025, 3, 1))
    enrol(a, sex="man", start=date(2025, 3, 2))
    enrol(a, sex="man", start=date(2025, 3, 3), birth=date(2002, 1, 9))
    women = list(a.participations.filter(participant__sex="woman").order_by("start")[:2])
    for participation in women:
        services.participation_exit(
            actor=SYSTEM,
            participation=participation,
            exit=date(2025, 9, 1),
            exit_reason="work",
            employment_after="work",
            income_after=[("salary", 100)],
            today=date(2026, 11, 1),
        )
    man = a.participations.filter(participant__sex="man").order_by("start").first()
    services.participation_exit(
        actor=SYSTEM,
        participation=man,
        exit=date(2025, 4, 2),
        exit_reason="studies",
        employment_after="studies",
        income_after=[("student_aid", 100)],
        today=date(2026, 11, 1),
    )
    enrol(b, sex="woman", start=date(2025, 5, 1), exit=date(2025, 5, 2), reason="registered_by_mistake")
    c = make_intervention(world.other, name="Vägen till arbete", start=date(2020, 1, 1))
    enrol(c, sex="man", start=date(2025, 4, 1))
    enrol(c, sex="man", start=date(2025, 4, 2))
    return {"a": a, "b": b, "c": c}


def _value(stats: statistics.Statistics, key: str, *labels: str) -> int | None:
    return stats.table(key).table.cell(*labels).value


@pytest.mark.django_db
def test_own_association_sees_exact_counts_per_intervention_sex_and_age(world: Any, data: Any) -> None:
    admin = world.users[Role.ASSOCIATION_ADMIN]
    stats = statistics.association_statistics(user=admin, association_id=world.own.pk, year=2025)
    a, b = str(data["a"].pk), str(data["b"].pk)
    assert not stats.suppressed
    assert _value(stats, "started", a, "woman") == 7
    assert _value(stats, "started", a, "man") == 3
    # Registered by mistake: not started, not exited, not anywhere.
    assert _value(stats, "started", b, TOTAL) == 0
    assert _value(stats, "started", TOTAL, TOTAL) == 10
    assert _value(stats, "exited", a, TOTAL) == 3
    assert _value(stats, "exited", b, TOTAL) == 0
    assert _value(stats, "ongoing", a, TOTAL) == 7
    # Age band in the year of the start: born 1990 → 35 in 2025; born 2002 → 23; anonymous → unknown.
    assert _value(stats, "started_age", "30–39", "woman") == 2
    assert _value(stats, "started_age", "20–24", "man") == 1
    assert _value(stats, "started_age", statistics.UNKNOWN, TOTAL) == 7
    # Small counts are shown to the förbund's own users: nothing is hidden.
    assert not any(cell.suppressed for t in stats.tables for cell in t.table.cells)
    assert _value(stats, "outcome", "work", "woman") == 2
    assert _value(stats, "outcome", "studies", "man") == 1
    assert _value(stats, "income", "sickness_benefit", "salary") == 2
    assert _value(stats, "income", "sickness_benefit", "student_aid") == 1
    figures = {f.key: f.value for f in stats.figures}
    assert figures["work_or_studies"] == 100.0
    # Durations: 2 × 212 days (1 and 2 February → 1 September) and 32 days.
    assert _value(stats, "duration", "6-12") == 2
    assert _value(stats, "duration", "0-3") == 1
    assert figures["median_days"] == 211
    assert figures["mean_days"] == pytest.approx((211 + 212 + 32) / 3, abs=0.1)


@pytest.mark.django_db
def test_own_statistics_are_for_the_own_association_only(world: Any, data: Any) -> None:
    with pytest.raises(Http404):
        statistics.association_statistics(
            user=world.users[Role.ASSOCIATION_ADMIN], association_id=world.other.pk, year=2025
        )
    for role in (Role.NATIONAL_ADMIN, Role.MEMBER_REPRESENTATIVE):
        with pytest.raises(PermissionDenied):
            statistics.association_statistics(user=world.users[role], association_id=world.own.pk, year=2025)
    # The auditor reads the förbund's aggregates (DESIGN §1), its own förbund's only.
    auditor = world.users[Role.AUDITOR]
    assert statistics.association_statistics(user=auditor, association_id=world.own.pk, year=2025)
    with pytest.raises(Http404):
        statistics.association_statistics(user=auditor, association_id=world.other.pk, year=2025)


@pytest.mark.django_db
def test_statistics_are_counted_in_the_database_in_a_fixed_number_of_queries(world: Any, data: Any) -> None:
    admin = world.users[Role.ASSOCIATION_ADMIN]
    with CaptureQueriesContext(connection) as few:
        statistics.association_statistics(user=admin, association_id=world.own.pk, year=2025)
    for n in range(12):
        enrol(data["a"], sex="man" if n % 2 else "woman", start=date(2025, 6, 1), exit=date(2025, 7, 1))
    admin = type(admin).objects.get(pk=admin.pk)
    with CaptureQueriesContext(connection) as many:
        statistics.association_statistics(user=admin, association_id=world.own.pk, year=2025)
    assert len(many) == len(few)
    assert any("GROUP BY" in q["sql"] for q in many.captured_queries)


@pytest.mark.django_db
def test_national_figures_hide_small_counts_and_they_cannot_be_worked_out(world: Any, data: Any) -> None:
    viewer = world.users[Role.NATIONAL_VIEWER]
    stats = statistics.national_statistics(user=viewer, year=2025)
    assert stats.suppressed
    own, other = str(world.own.pk), str(world.other.pk)
    started = stats.table("started").table
    # The other förbund's two men and the own förbund's three men are small counts: hidden.
    assert started.cell(other, "man").value is None and started.cell(other, "man").suppressed
    assert started.cell(own, "man").value is None
    # Secondary suppression: the own förbund's 7 women would give away the 3 men through its row total.
    assert started.cell(own, "woman").value is None or started.cell(own, TOTAL).value is None
    # Registered by mistake is not counted nationally either: 7 + 3 + 2 = 12.
    assert started.cell(TOTAL, TOTAL).value == 12
    # Nothing hidden can be worked out from what is shown, the tables published together included.
    for key_group in (("started", "started_age"), ("exited", "outcome", "income", "duration")):
        published = [stats.table(key).table for key in key_group]
        true_tables = _true_tables(key_group)
        for intervals, table in zip(audit(true_tables, published), published, strict=True):
            for key in table.suppressed_keys:
                low, high = intervals[key]
                assert high is None or high > low, f"{key} can be worked out"
            for cell in table.cells:
                if cell.suppressed:
                    assert cell.value is None
    # Figures leaving the förbund never carry a hidden count: the share rests on hidden cells → hidden.
    figures = {f.key: f.value for f in stats.figures}
    assert figures["work_or_studies"] is None
    assert figures["mean_days"] is None


def _true_tables(keys: tuple[str, ...]) -> list[Any]:
    """The unsuppressed tables of the national statistics, built by the same queries."""
    captured: list[Any] = []
    original = statistics._publish

    def spy(tables: Any, *, suppress: bool) -> Any:
        captured.append(list(tables))
        return original(tables, suppress=suppress)

    statistics._publish = spy  # type: ignore[assignment]
    statistics.forget_kept()  # built anew, not the answer kept from the request before
    try:
        statistics.national_statistics(user=SYSTEM, year=2025)
    finally:
        statistics._publish = original  # type: ignore[assignment]
    return captured[0] if keys[0] == "started" else captured[1]


@pytest.mark.django_db
def test_region_figures_are_sums_of_shown_figures_or_hidden(world: Any, data: Any) -> None:
    stats = statistics.national_statistics(user=world.users[Role.NATIONAL_ADMIN], year=2025)
    [region] = stats.regions
    assert region.code == "24"
    started = stats.table("started").table
    shown = [started.cell(str(a.pk), TOTAL).value for a in (world.own, world.other)]
    assert region.started == (None if None in shown else sum(shown))
    # The other förbund's total (2) is hidden, so the region's total would reveal it: hidden too.
    assert started.cell(str(world.other.pk), TOTAL).value is None
    assert region.started is None


@pytest.mark.django_db
def test_every_role_sees_national_figures_and_only_the_förbund_roles_their_own(world: Any, data: Any) -> None:
    for role in Role:
        stats = statistics.national_statistics(user=world.users[role], year=2025)
        assert stats.suppressed
    with pytest.raises(PermissionDenied):
        statistics.national_statistics(user=world.no_role, year=2025)
    coordinator = world.users[Role.PARTICIPANT_COORDINATOR]
    assert statistics.association_statistics(user=coordinator, association_id=world.own.pk, year=2025)
