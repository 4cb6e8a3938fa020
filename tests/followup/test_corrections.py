"""What the demo's users asked of the participants (issue 13, point 4): the same person registered in two
interventions is told and linked, an age at start outside 16–69 is refused at the field (the import's
rules agree), and a participant's or a participation's details are corrected afterwards with a reason,
audited, the statistics' summaries following the correction."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.followup import rules, selectors, services, summaries
from finsam.followup.models import (
    ExitedSummary,
    Participant,
    Participation,
    StartedAgeSummary,
    StartedSummary,
)
from finsam.followup.schemas import ImportRow, InterventionFacts
from tests.factories import exit_participation, make_participant, make_participation, valid_identity_number
from tests.followup.test_api import api

NUMBER = valid_identity_number(date(1981, 6, 15), 451)


def _codes(exc: pytest.ExceptionInfo[RuleViolation]) -> list[tuple[str, str | None]]:
    return [(v.code, v.field) for v in exc.value.violations]


def _enrol(fu: Any, *, actor: Any = None, intervention: Any = None, **overrides: Any) -> Participation:
    values: dict[str, Any] = {
        "actor": actor or fu.coordinator,
        "association": fu.world.own,
        "intervention": intervention or fu.x,
        "registration": "identified",
        "identity_number": NUMBER,
        "consent_given_on": date(2024, 5, 2),
        "consent_form_version": "FK 9443 v3",
        "start": date(2024, 5, 6),
        "employment_before": "seeking_work",
        "education_level": "primary",
        "income_before": [("activity_support", 100)],
    }
    values.update(overrides)
    return services.participant_enrol(**values)


def _no_difference() -> None:
    """`finsam rebuild-statistics --check` finds the summaries equal to the rows."""
    out = StringIO()
    call_command("rebuild_statistics", "--check", stdout=out)
    assert "stämmer" in out.getvalue()


# --- the same person in two interventions -------------------------------------------------------


@pytest.mark.django_db
def test_the_same_person_in_another_intervention_is_linked_without_naming_an_intervention_not_coordinated(
    fu: Any,
) -> None:
    first = _enrol(fu)
    second = _enrol(fu, actor=fu.coordinator_y, intervention=fu.y)
    assert first.participant_id != second.participant_id  # consent is per intervention: two records

    for_y = selectors.same_person(user=fu.coordinator_y, participant=second.participant)
    assert (for_y.shown, for_y.elsewhere) == ([], 1)
    entry = AuditEntry.objects.get(action="participant.register", object_id=str(second.participant_id))
    assert entry.details["same_person"] == [first.participant_id]

    fu.x.coordinators.add(fu.coordinator_y)
    for_both = selectors.same_person(user=fu.coordinator_y, participant=second.participant)
    assert (for_both.shown, for_both.elsewhere) == ([(first.participant_id, fu.x.name)], 0)


@pytest.mark.django_db
def test_the_enrol_page_tells_the_coordinator_and_the_detail_page_links_the_records(fu: Any) -> None:
    first = _enrol(fu, actor=fu.coordinator_y, intervention=fu.y)
    client = fu.world.client(fu.coordinator)
    response = client.post(
        reverse("followup:participant_register", args=[fu.world.own.pk]),
        {
            "intervention": fu.x.pk,
            "registration": "identified",
            "identity_number": NUMBER,
            "consent_given_on": "2024-05-02",
            "consent_form_version": "FK 9443",
            "start": "2024-05-06",
            "employment_before": "seeking_work",
            "education_level": "upper_secondary",
            "income_before_salary": "100",
        },
        follow=True,
    )
    html = response.content.decode()
    assert (
        "Personen är redan registrerad i förbundet, i en insats som du inte är deltagaransvarig för" in html
    )
    assert fu.y.name not in html
    assert "Registrerad i 1 insats till i förbundet" in html

    fu.y.coordinators.add(fu.coordinator)
    second = Participant.objects.exclude(pk=first.participant_id).get()
    html = client.get(reverse("followup:participant_detail", args=[second.pk])).content.decode()
    assert reverse("followup:participant_detail", args=[first.participant_id]) in html
    assert fu.y.name in html


@pytest.mark.django_db
def test_the_api_answers_a_registration_with_the_same_person(fu: Any) -> None:
    first = _enrol(fu, actor=fu.coordinator_y, intervention=fu.y)
    response = api(fu.coordinator).post(
        f"/associations/{fu.world.own.pk}/participants",
        {
            "intervention": fu.x.pk,
            "registration": "identified",
            "identity_number": NUMBER,
            "consent": {"given_on": "2024-04-02", "form_version": "FK 9443 v3"},
        },
    )
    assert response.status_code == 201
    assert response.json()["same_person"] == {"shown": [], "elsewhere": 1}
    assert first.participant_id not in [p["id"] for p in response.json()["same_person"]["shown"]]


# --- age at start (R-AGE) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "allowed"),
    [
        (date(2008, 5, 6), True),  # 16 on the start day
        (date(2008, 5, 7), False),  # 15, one day short
        (date(1954, 5, 7), True),  # 69
        (date(1954, 5, 6), False),  # 70 on the start day
    ],
)
def test_the_age_on_the_start_day_is_16_to_69(birth: date, allowed: bool) -> None:
    violations = rules.age_violations(birth, date(2024, 5, 6))
    assert (not violations) is allowed
    if violations:
        assert (violations[0].code, violations[0].field) == ("R-AGE", "start")


@pytest.mark.django_db
def test_an_enrolment_of_a_fifteen_year_old_is_refused_at_the_start_and_nothing_written(fu: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        _enrol(fu, identity_number=valid_identity_number(date(2009, 1, 2), 452))
    assert ("R-AGE", "start") in _codes(exc)
    assert not Participant.objects.exists()
    assert not StartedSummary.objects.exists()


@pytest.mark.django_db
def test_a_new_start_at_seventy_is_refused(fu: Any) -> None:
    participant = make_participant(fu.x, number=valid_identity_number(date(1955, 3, 1), 453))
    exit_participation(make_participation(participant, start=date(2024, 2, 1)), exit=date(2024, 3, 1))
    with pytest.raises(RuleViolation) as exc:
        services.participation_start(
            actor=fu.coordinator,
            participant=participant,
            start=date(2025, 3, 1),
            employment_before="none",
            education_level="primary",
            income_before=[("salary", 100)],
            today=date(2025, 6, 1),
        )
    assert ("R-AGE", "start") in _codes(exc)
    assert participant.participations.count() == 1


@pytest.mark.django_db
def test_the_enrol_page_shows_the_age_at_the_start_field(fu: Any) -> None:
    response = fu.world.client(fu.coordinator).post(
        reverse("followup:participant_register", args=[fu.world.own.pk]),
        {
            "intervention": fu.x.pk,
            "registration": "identified",
            "identity_number": valid_identity_number(date(1950, 1, 2), 454),
            "consent_given_on": "2024-05-02",
            "consent_form_version": "FK 9443",
            "start": "2024-05-06",
            "employment_before": "seeking_work",
            "education_level": "upper_secondary",
            "income_before_salary": "100",
        },
    )
    assert response.status_code == 400
    assert "Personen är 74 år på startdagen" in str(response.context["form"].errors["start"])
    assert not Participant.objects.exists()


def test_the_import_refuses_a_row_outside_the_age_range_by_the_same_rule() -> None:
    row = ImportRow(
        row=2,
        intervention_id=1,
        registration="identified",
        identity_number=valid_identity_number(date(2010, 1, 2), 455),
        consent_given_on=date(2024, 5, 2),
        consent_form_version="FK 9443",
        sex="",
        start=date(2024, 5, 6),
        education_level="primary",
        employment_before="none",
        income_before=(("social_assistance", 100),),
        exit=None,
        exit_reason="",
        employment_after="",
        income_after=(),
    )
    facts = InterventionFacts(id=1, kind="individual", start=date(2020, 1, 1), end=None, coordinated=True)
    _, violations = rules.row_violations(row, intervention=facts, today=date(2024, 6, 1))
    assert [(v.code, v.field) for v in violations] == [("R-AGE", "start")]


# --- corrections afterwards ---------------------------------------------------------------------


def _correct(fu: Any, participation: Participation, **overrides: Any) -> Participation:
    values: dict[str, Any] = {
        "actor": fu.coordinator,
        "participation": participation,
        "reason": "Avslutsorsaken registrerades fel.",
        "start": participation.start,
        "employment_before": participation.employment_before,
        "education_level": participation.education_level,
        "income_before": [(e.source, e.extent) for e in participation.income_sources.filter(phase="before")],
        "exit": participation.exit,
        "exit_reason": participation.exit_reason,
        "employment_after": participation.employment_after,
        "income_after": [(e.source, e.extent) for e in participation.income_sources.filter(phase="after")],
    }
    values.update(overrides)
    return services.participation_correct(**values)


@pytest.mark.django_db
def test_a_correction_without_a_reason_is_refused_at_the_reason_and_nothing_changes(fu: Any) -> None:
    participation = exit_participation(_enrol(fu), exit=date(2024, 9, 30))
    before = summaries.stored().nonzero()
    with pytest.raises(RuleViolation) as exc:
        _correct(fu, participation, reason="  ", exit_reason="registered_by_mistake")
    assert _codes(exc) == [("R-CORRECTION", "reason")]
    participation.refresh_from_db()
    assert participation.exit_reason == "work"
    assert summaries.stored().nonzero() == before
    assert not AuditEntry.objects.filter(action="participation.correct").exists()


@pytest.mark.django_db
def test_a_corrected_exit_moves_the_statistics_from_the_old_cell_to_the_new(fu: Any) -> None:
    participation = exit_participation(_enrol(fu), exit=date(2024, 12, 30))
    key = {"association": fu.world.own, "intervention": fu.x, "sex": "man"}
    assert ExitedSummary.objects.get(year=2024, **key).n == 1

    _correct(fu, participation, exit=date(2025, 1, 10), today=date(2025, 6, 1))
    assert ExitedSummary.objects.get(year=2024, **key).n == 0
    assert ExitedSummary.objects.get(year=2025, **key).n == 1
    _no_difference()

    _correct(
        fu,
        Participation.objects.get(pk=participation.pk),
        exit_reason="registered_by_mistake",
        employment_after="",
        income_after=[],
        today=date(2025, 6, 1),
    )
    assert ExitedSummary.objects.get(year=2025, **key).n == 0
    assert StartedSummary.objects.get(year=2024, **key).n == 0
    _no_difference()

    entries = AuditEntry.objects.filter(action="participation.correct").order_by("pk")
    assert [e.details["fields"] for e in entries] == [
        ["exit"],
        ["exit_reason", "employment_after", "income_after"],
    ]
    assert entries[0].details["reason"] == "Avslutsorsaken registrerades fel."
    assert "2025-01-10" not in str(entries[0].details)


@pytest.mark.django_db
def test_a_corrected_start_must_keep_the_rules_of_a_start(fu: Any) -> None:
    participation = _enrol(fu)
    with pytest.raises(RuleViolation) as exc:
        _correct(fu, participation, start=date(2019, 12, 1), exit=None, exit_reason="")
    assert ("R-DATES", "start") in _codes(exc)
    with pytest.raises(RuleViolation) as exc:
        _correct(fu, participation, exit=date(2024, 9, 1), exit_reason="work")
    assert ("R-FOLLOWUP", "exit") in _codes(exc)


@pytest.mark.django_db
def test_a_corrected_personnummer_moves_the_age_band_and_keeps_the_age_rule(fu: Any) -> None:
    participation = _enrol(fu)
    participant = participation.participant
    key = {"year": 2024, "association": fu.world.own, "sex": "man"}
    assert StartedAgeSummary.objects.get(age_band="40–49", **key).n == 1

    with pytest.raises(RuleViolation) as exc:
        services.participant_correct(
            actor=fu.coordinator,
            participant=participant,
            reason="Felskrivet födelseår.",
            identity_number=valid_identity_number(date(1950, 6, 15), 452),
        )
    assert ("R-AGE", "identity_number") in _codes(exc)

    corrected = valid_identity_number(date(1991, 6, 15), 453)
    services.participant_correct(
        actor=fu.coordinator,
        participant=participant,
        reason="Felskrivet födelseår.",
        identity_number=corrected,
    )
    participant.refresh_from_db()
    assert participant.birth_year == 1991
    assert (
        services.participant_identity_read(actor=fu.coordinator, participant_id=participant.pk) == corrected
    )
    assert StartedAgeSummary.objects.get(age_band="40–49", **key).n == 0
    assert StartedAgeSummary.objects.get(age_band="30–39", **key).n == 1
    _no_difference()
    entry = AuditEntry.objects.get(action="participant.correct")
    assert entry.details["reason"] == "Felskrivet födelseår."
    assert corrected[:8] not in str(entry.details)


@pytest.mark.django_db
def test_an_anonymous_participants_sex_is_corrected_and_an_identified_ones_is_not(fu: Any) -> None:
    anonymous = make_participant(fu.x, anonymous=True, sex="woman")
    make_participation(anonymous, start=date(2024, 2, 1))
    services.participant_correct(
        actor=fu.coordinator, participant=anonymous, reason="Fel kön valt.", sex="man"
    )
    cells = StartedSummary.objects.filter(year=2024, association=fu.world.own, intervention=fu.x)
    assert {c.sex: c.n for c in cells} == {"woman": 0, "man": 1}
    _no_difference()

    identified = make_participant(fu.x)
    with pytest.raises(RuleViolation) as exc:
        services.participant_correct(actor=fu.coordinator, participant=identified, reason="Fel.", sex="man")
    assert ("R-IDENTITY", "sex") in _codes(exc)


@pytest.mark.django_db
def test_only_the_interventions_coordinator_corrects(fu: Any) -> None:
    participation = _enrol(fu)
    with pytest.raises(RuleViolation) as exc:
        _correct(fu, participation, actor=fu.coordinator_y, education_level="post_secondary")
    assert _codes(exc) == [("R-COORDINATOR", "intervention")]


# --- the pages and the API ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_correction_page_refuses_a_missing_reason_at_the_field_and_saves_with_one(fu: Any) -> None:
    participation = exit_participation(_enrol(fu), exit=date(2024, 9, 30))
    client = fu.world.client(fu.coordinator)
    url = reverse("followup:participation_correct", args=[participation.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {"start": "2024-05-06", "exit": "2024-09-30", "exit_reason": "studies"}

    refused = client.post(url, {**data, "reason": ""})
    assert refused.status_code == 400
    assert "Skriv varför uppgifterna rättas." in str(refused.context["form"].errors["reason"])
    participation.refresh_from_db()
    assert participation.exit_reason == "work"

    saved = client.post(url, {**data, "reason": "Fel orsak valdes."})
    assert saved.status_code == 302
    participation.refresh_from_db()
    assert participation.exit_reason == "studies"
    _no_difference()

    other = fu.world.client(fu.coordinator_y).get(url)
    assert other.status_code in (403, 404)


@pytest.mark.django_db
def test_the_participant_correction_page_refuses_a_bad_number_at_the_field(fu: Any) -> None:
    participant = _enrol(fu).participant
    client = fu.world.client(fu.coordinator)
    url = reverse("followup:participant_correct", args=[participant.pk])
    assert "sex" not in client.get(url).context["form"].fields
    response = client.post(url, {"identity_number": "19810615-0000", "reason": "Felskrivet."})
    assert response.status_code == 400
    assert response.context["form"].errors["identity_number"]
    assert not AuditEntry.objects.filter(action="participant.correct").exists()


@pytest.mark.django_db
def test_corrections_through_the_api(fu: Any) -> None:
    participation = exit_participation(_enrol(fu), exit=date(2024, 9, 30))
    client = api(fu.coordinator)
    body = {
        "start": "2024-05-06",
        "employment_before": "seeking_work",
        "education_level": "primary",
        "income_before": [{"source": "activity_support", "extent": 100}],
        "exit": "2024-09-30",
        "exit_reason": "studies",
        "employment_after": "studies",
        "income_after": [{"source": "student_aid", "extent": 100}],
    }
    refused = client.post(f"/participations/{participation.pk}/corrections", {**body, "reason": ""})
    assert refused.status_code == 400
    assert [(e["code"], e["field"]) for e in refused.json()["errors"]] == [("R-CORRECTION", "reason")]

    done = client.post(f"/participations/{participation.pk}/corrections", {**body, "reason": "Fel orsak."})
    assert done.status_code == 200
    assert done.json()["exit_reason"] == "studies"
    assert done.json()["income_after"] == [{"source": "student_aid", "extent": 100}]

    anonymous = make_participant(fu.x, anonymous=True)
    response = client.post(f"/participants/{anonymous.pk}/corrections", {"sex": "man", "reason": "Fel kön."})
    assert response.status_code == 200
    assert response.json()["sex"] == "man"
    _no_difference()
