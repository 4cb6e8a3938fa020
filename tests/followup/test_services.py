"""Services of the follow-up: R-CONSENT, R-FOLLOWUP, scoping of identities, audit, nothing half-written."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from finsam.accounts.models import RoleAssignment
from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.followup import selectors, services
from finsam.followup.models import Consent, FollowUpAnswer, FollowUpQuestion, Participant, Participation
from tests.factories import (
    exit_participation,
    make_association,
    make_intervention,
    make_participant,
    make_participation,
    make_user,
    valid_identity_number,
)

NUMBER = valid_identity_number(date(1979, 4, 2), 451)


def _codes(exc: pytest.ExceptionInfo[RuleViolation]) -> list[tuple[str, str | None]]:
    return [(v.code, v.field) for v in exc.value.violations]


def _register(fu: Any, **overrides: Any) -> Participant:
    values: dict[str, Any] = {
        "actor": fu.coordinator,
        "association": fu.world.own,
        "intervention": fu.x,
        "registration": "identified",
        "identity_number": NUMBER,
        "consent_given_on": date(2024, 5, 2),
        "consent_form_version": "FK 9443 v3",
    }
    values.update(overrides)
    return services.participant_register(**values)


# --- registration (R-CONSENT) -------------------------------------------------------------------


@pytest.mark.django_db
def test_an_identified_participant_gets_derived_sex_and_birth_year_and_consent(fu: Any) -> None:
    participant = _register(fu)
    assert (participant.sex, participant.birth_year, participant.registration) == ("man", 1979, "identified")
    consent = Consent.objects.get(participant=participant)
    assert (consent.given_on, consent.form_version, consent.recorded_by) == (
        date(2024, 5, 2),
        "FK 9443 v3",
        fu.coordinator,
    )
    entry = AuditEntry.objects.get(action="participant.register")
    assert entry.actor_id == fu.coordinator.pk
    assert entry.object_id == str(participant.pk)
    assert NUMBER[:8] not in json.dumps(entry.details)


@pytest.mark.django_db
def test_without_consent_an_identified_registration_is_refused_and_nothing_written(fu: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        _register(fu, consent_given_on=None)
    assert ("R-CONSENT", "consent_given_on") in _codes(exc)
    assert not Participant.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="participant").exists()


@pytest.mark.django_db
def test_an_invalid_personnummer_is_refused(fu: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        _register(fu, identity_number="19790402-4512")
    assert _codes(exc) == [("R-IDENTITY", "identity_number")]


@pytest.mark.django_db
def test_an_anonymous_participant_has_sex_and_start_year_only(fu: Any) -> None:
    participant = _register(
        fu,
        registration="protected",
        identity_number=None,
        consent_given_on=None,
        sex="woman",
        start_year=2024,
    )
    assert (participant.sex, participant.start_year, participant.birth_year) == ("woman", 2024, None)
    assert participant.identity_ciphertext is None and participant.identity_hash is None
    assert not Consent.objects.exists()
    with pytest.raises(RuleViolation) as exc:
        _register(fu, registration="anonymous", consent_given_on=None, sex="woman")
    assert ("R-CONSENT", "identity_number") in _codes(exc)


@pytest.mark.django_db
def test_the_same_person_twice_in_one_intervention_is_refused_but_allowed_in_another(fu: Any) -> None:
    first = _register(fu)
    with pytest.raises(RuleViolation) as exc:
        _register(fu, identity_number=NUMBER.replace("-", "")[2:])
    assert _codes(exc) == [("R-DUPLICATE", "identity_number")]
    other = _register(fu, actor=fu.coordinator_y, intervention=fu.y)
    assert other.identity_hash == first.identity_hash


@pytest.mark.django_db
def test_an_intervention_of_another_forbund_is_refused(fu: Any) -> None:
    both = make_user("two-forbund", participant_coordinator=fu.world.own)
    RoleAssignment.objects.create(user=both, role=Role.PARTICIPANT_COORDINATOR, association=fu.world.other)
    foreign = make_intervention(fu.world.other, coordinators=[both])
    with pytest.raises(RuleViolation) as exc:
        _register(fu, actor=both, intervention=foreign)
    assert _codes(exc) == [("R-SCOPE", "intervention")]
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_only_a_coordinator_assigned_to_the_intervention_registers(fu: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        _register(fu, actor=fu.coordinator_y)
    assert _codes(exc) == [("R-COORDINATOR", "intervention")]
    with pytest.raises(PermissionDenied):
        _register(fu, actor=fu.admin)
    with pytest.raises(PermissionDenied):
        _register(fu, actor=fu.world.users[Role.NATIONAL_ADMIN])


@pytest.mark.django_db
def test_a_structural_intervention_has_no_participants(fu: Any) -> None:
    structural = make_intervention(fu.world.own, kind="structural", coordinators=[fu.coordinator])
    with pytest.raises(RuleViolation) as exc:
        _register(fu, intervention=structural)
    assert exc.value.code == "R-KIND"


@pytest.mark.django_db
def test_a_scanned_form_must_be_a_pdf_or_image(fu: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        _register(fu, consent_form_file=SimpleUploadedFile("kalle.exe", b"MZ\x90\x00binary"))
    assert _codes(exc) == [("R-FILE", "consent_form_file")]
    participant = _register(fu, consent_form_file=SimpleUploadedFile("Kalle Andersson.pdf", b"%PDF-1.4 x"))
    name = participant.consent.scanned_form.name
    assert "Kalle" not in name and name.endswith(".pdf")
    assert default_storage.exists(name)


# --- who sees identities ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_coordinator_of_the_intervention_reads_the_identity_and_the_read_is_audited(fu: Any) -> None:
    participant = _register(fu)
    assert services.participant_identity_read(actor=fu.coordinator, participant_id=participant.pk) == NUMBER
    [entry] = AuditEntry.objects.filter(action="participant.identity.read")
    assert (entry.actor_id, entry.object_id, entry.association_id) == (
        fu.coordinator.pk,
        str(participant.pk),
        fu.world.own.pk,
    )
    assert "1979" not in json.dumps(entry.details)


@pytest.mark.django_db
def test_a_coordinator_of_another_intervention_cannot_see_the_participant(fu: Any) -> None:
    participant = _register(fu)
    with pytest.raises(Http404):
        services.participant_identity_read(actor=fu.coordinator_y, participant_id=participant.pk)
    assert not selectors.participant_list(user=fu.coordinator_y, association_id=fu.world.own.pk).exists()
    assert not AuditEntry.objects.filter(action="participant.identity.read").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [Role.ASSOCIATION_ADMIN, Role.NATIONAL_ADMIN, Role.BOARD_MEMBER, Role.AUDITOR, Role.NATIONAL_VIEWER],
)
def test_no_other_role_ever_sees_an_identity(fu: Any, role: str) -> None:
    participant = _register(fu)
    user = fu.world.users[role]
    with pytest.raises(PermissionDenied):
        services.participant_identity_read(actor=user, participant_id=participant.pk)
    with pytest.raises(PermissionDenied):
        selectors.participant_list(user=user, association_id=fu.world.own.pk)


@pytest.mark.django_db
def test_a_coordinator_who_lost_the_role_no_longer_sees_the_participant(fu: Any) -> None:
    participant = _register(fu)
    fu.coordinator.role_assignments.all().delete()
    fu.coordinator._finsam_roles = None
    with pytest.raises(PermissionDenied):
        services.participant_identity_read(actor=fu.coordinator, participant_id=participant.pk)


@pytest.mark.django_db
def test_the_association_admin_sees_counts_without_mistakes(fu: Any) -> None:
    a = make_participation(_register(fu))
    b = make_participation(make_participant(fu.x, anonymous=True, sex="woman"))
    make_participation(make_participant(fu.x, anonymous=True, sex="woman"))
    exit_participation(a, exit=date(2024, 6, 1))
    exit_participation(b, exit=date(2024, 2, 1), reason="registered_by_mistake")
    counts = selectors.intervention_counts(user=fu.admin, intervention_id=fu.x.pk)
    assert (counts.participants, counts.started, counts.ongoing, counts.exited) == (2, 2, 1, 1)
    assert (counts.women, counts.men) == (1, 1)
    assert Participation.objects.for_statistics().count() == 2


# --- withdrawal ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_withdrawn_consent_removes_the_identity_and_keeps_the_anonymous_facts(
    fu: Any, django_capture_on_commit_callbacks: Any
) -> None:
    participant = _register(fu, consent_form_file=SimpleUploadedFile("s.pdf", b"%PDF-1.4 x"))
    form_name = participant.consent.scanned_form.name
    participation = make_participation(participant)
    participant.refresh_from_db()
    assert participant.start_year == 2024, "the start year is the year of the first start"
    start_year = participant.start_year
    with django_capture_on_commit_callbacks(execute=True):
        services.consent_withdraw(
            actor=fu.coordinator,
            participant=participant,
            withdrawn_on=date(2024, 6, 1),
            today=date(2024, 6, 3),
        )
    participant.refresh_from_db()
    assert participant.identity_ciphertext is None and participant.identity_hash is None
    assert (participant.identity_removal, participant.identity_removed_on) == ("withdrawn", date(2024, 6, 3))
    assert (participant.sex, participant.birth_year, participant.start_year) == ("man", 1979, start_year)
    assert Participation.objects.filter(pk=participation.pk, participant=participant).exists()
    consent = Consent.objects.get(participant=participant)
    assert consent.withdrawn_on == date(2024, 6, 1) and not consent.scanned_form
    assert not default_storage.exists(form_name)
    assert services.participant_identity_read(actor=fu.coordinator, participant_id=participant.pk) is None
    assert AuditEntry.objects.filter(action="participant.consent.withdraw").count() == 1
    with pytest.raises(RuleViolation) as exc:
        services.consent_withdraw(
            actor=fu.coordinator, participant=participant, withdrawn_on=date(2024, 6, 2)
        )
    assert exc.value.code == "R-CONSENT"
    # After withdrawal the person can give consent again and be recognised again.
    again = _register(fu)
    assert again.pk != participant.pk


@pytest.mark.django_db
def test_a_withdrawal_before_the_consent_is_refused(fu: Any) -> None:
    participant = _register(fu)
    with pytest.raises(RuleViolation) as exc:
        services.consent_withdraw(
            actor=fu.coordinator, participant=participant, withdrawn_on=date(2024, 5, 1)
        )
    assert _codes(exc) == [("R-CONSENT", "withdrawn_on")]
    participant.refresh_from_db()
    assert participant.identity_hash is not None


# --- participations (R-FOLLOWUP) ----------------------------------------------------------------


def _start(fu: Any, participant: Participant, **overrides: Any) -> Participation:
    values: dict[str, Any] = {
        "actor": fu.coordinator,
        "participant": participant,
        "start": date(2024, 5, 6),
        "employment_before": "seeking_work",
        "education_level": "primary",
        "income_before": [("activity_support", 100), ("social_assistance", 25)],
    }
    values.update(overrides)
    return services.participation_start(**values)


def _exit(fu: Any, participation: Participation, **overrides: Any) -> Participation:
    values: dict[str, Any] = {
        "actor": fu.coordinator,
        "participation": participation,
        "exit": date(2024, 11, 29),
        "exit_reason": "studies",
        "employment_after": "studies",
        "income_after": [("student_aid", 100)],
    }
    values.update(overrides)
    return services.participation_exit(**values)


@pytest.mark.django_db
def test_start_and_exit_record_every_followup_variable(fu: Any) -> None:
    question = FollowUpQuestion.objects.create(
        association=fu.world.own, text="Känner du dig redo?", answer_kind="yes_no"
    )
    participation = _start(fu, _register(fu))
    _exit(fu, participation, answers={question.pk: 1})
    participation = selectors.participation_get(user=fu.coordinator, participation_id=participation.pk)
    assert (participation.start, participation.exit, participation.exit_reason) == (
        date(2024, 5, 6),
        date(2024, 11, 29),
        "studies",
    )
    assert (participation.employment_before, participation.employment_after) == ("seeking_work", "studies")
    assert participation.education_level == "primary"
    income = {(i.phase, i.source, i.extent) for i in participation.income_sources.all()}
    assert income == {
        ("before", "activity_support", 100),
        ("before", "social_assistance", 25),
        ("after", "student_aid", 100),
    }
    [answer] = participation.answers.all()
    assert (answer.question_id, answer.point, answer.answered_on, answer.value) == (
        question.pk,
        "exit",
        date(2024, 11, 29),
        1,
    )
    actions = list(
        AuditEntry.objects.filter(action__startswith="participation").values_list("action", flat=True)
    )
    assert sorted(actions) == ["participation.exit", "participation.start"]


@pytest.mark.django_db
def test_an_exit_before_the_start_is_refused_and_nothing_is_written(fu: Any) -> None:
    participation = _start(fu, _register(fu))
    with pytest.raises(RuleViolation) as exc:
        _exit(fu, participation, exit=date(2024, 5, 5))
    assert _codes(exc) == [("R-FOLLOWUP", "exit")]
    participation.refresh_from_db()
    assert participation.exit is None and participation.exit_reason == ""
    assert not participation.income_sources.filter(phase="after").exists()
    assert not AuditEntry.objects.filter(action="participation.exit").exists()


@pytest.mark.django_db
def test_a_second_exit_is_refused(fu: Any) -> None:
    participation = _start(fu, _register(fu))
    _exit(fu, participation)
    with pytest.raises(RuleViolation) as exc:
        _exit(fu, participation, exit=date(2024, 12, 2), exit_reason="work")
    assert _codes(exc) == [("R-FOLLOWUP", "exit")]
    participation.refresh_from_db()
    assert (participation.exit, participation.exit_reason) == (date(2024, 11, 29), "studies")
    assert participation.income_sources.filter(phase="after").count() == 1


@pytest.mark.django_db
def test_registered_by_mistake_takes_the_record_out_of_statistics(fu: Any) -> None:
    participation = _start(fu, _register(fu))
    _exit(
        fu,
        participation,
        exit=date(2024, 5, 6),
        exit_reason="registered_by_mistake",
        employment_after="",
        income_after=[],
    )
    participation.refresh_from_db()
    assert not participation.counts_in_statistics
    assert not Participation.objects.for_statistics().filter(pk=participation.pk).exists()
    assert selectors.intervention_counts(user=fu.admin, intervention_id=fu.x.pk).started == 0


@pytest.mark.django_db
def test_one_open_participation_at_a_time_and_a_new_one_after_the_exit(fu: Any) -> None:
    participant = _register(fu)
    first = _start(fu, participant)
    with pytest.raises(RuleViolation) as exc:
        _start(fu, participant, start=date(2024, 6, 1))
    assert exc.value.code == "R-FOLLOWUP"
    _exit(fu, first)
    with pytest.raises(RuleViolation):
        _start(fu, participant, start=date(2024, 11, 29))
    second = _start(fu, participant, start=date(2024, 12, 2))
    assert Participation.objects.filter(participant=participant).count() == 2
    assert second.exit is None


@pytest.mark.django_db
def test_answers_must_belong_to_the_forbund_and_fit_the_kind(fu: Any) -> None:
    foreign = FollowUpQuestion.objects.create(
        association=fu.world.other, text="Annan fråga", answer_kind="scale"
    )
    scale = FollowUpQuestion.objects.create(association=fu.world.own, text="Hur nöjd?", answer_kind="scale")
    participation = _start(fu, _register(fu))
    for answers in ({foreign.pk: 3}, {scale.pk: 6}):
        with pytest.raises(RuleViolation) as exc:
            _exit(fu, participation, answers=answers)
        assert exc.value.code == "R-FOLLOWUP"
    assert not FollowUpAnswer.objects.exists()


@pytest.mark.django_db
def test_a_later_measurement_comes_after_the_exit(fu: Any) -> None:
    question = FollowUpQuestion.objects.create(
        association=fu.world.own, text="Har du arbete nu?", answer_kind="yes_no", asked_at="later"
    )
    participation = _start(fu, _register(fu))
    with pytest.raises(RuleViolation):
        services.followup_answers_record(
            actor=fu.coordinator,
            participation=participation,
            answered_on=date(2024, 6, 1),
            answers={question.pk: 1},
        )
    _exit(fu, participation)
    with pytest.raises(RuleViolation) as exc:
        services.followup_answers_record(
            actor=fu.coordinator,
            participation=participation,
            answered_on=date(2024, 11, 1),
            answers={question.pk: 1},
        )
    assert _codes(exc) == [("R-FOLLOWUP", "answered_on")]
    services.followup_answers_record(
        actor=fu.coordinator,
        participation=participation,
        answered_on=date(2025, 5, 30),
        answers={question.pk: 0},
    )
    answer = FollowUpAnswer.objects.get(point="later")
    assert (answer.value, answer.answered_on) == (0, date(2025, 5, 30))


@pytest.mark.django_db
def test_enrolment_is_all_or_nothing(fu: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        services.participant_enrol(
            actor=fu.coordinator,
            association=fu.world.own,
            intervention=fu.x,
            registration="identified",
            identity_number=NUMBER,
            consent_given_on=date(2024, 5, 2),
            consent_form_version="FK 9443",
            start=date(2019, 1, 1),
            employment_before="",
            education_level="unknown",
            income_before=[],
        )
    assert {v.field for v in exc.value.violations} == {"start", "employment_before", "income_before"}
    assert not Participant.objects.exists() and not Participation.objects.exists()
    participation = services.participant_enrol(
        actor=fu.coordinator,
        association=fu.world.own,
        intervention=fu.x,
        registration="identified",
        identity_number=NUMBER,
        consent_given_on=date(2024, 5, 2),
        consent_form_version="FK 9443",
        start=date(2024, 5, 6),
        employment_before="none",
        education_level="unknown",
        income_before=[("none", 100)],
    )
    assert participation.participant.start_year == 2024


# --- retention (purge) --------------------------------------------------------------------------


@pytest.mark.django_db
def test_identities_are_purged_years_after_the_last_exit_and_only_then(fu: Any, settings: Any) -> None:
    settings.IDENTITY_RETENTION_YEARS = 5
    long_running = make_intervention(fu.world.own, start=date(2005, 1, 1))
    old = make_participant(long_running)
    exit_participation(make_participation(old, start=date(2019, 1, 1)), exit=date(2020, 3, 1))
    recent = make_participant(long_running)
    exit_participation(make_participation(recent, start=date(2019, 1, 1)), exit=date(2020, 3, 2))
    ongoing = make_participant(long_running)
    exit_participation(make_participation(ongoing, start=date(2015, 1, 1)), exit=date(2015, 3, 1))
    make_participation(ongoing, start=date(2016, 1, 1))
    anonymous = make_participant(long_running, anonymous=True)
    elsewhere = make_participant(
        make_intervention(make_association(), start=date(2005, 1, 1), coordinators=[])
    )
    exit_participation(make_participation(elsewhere, start=date(2010, 1, 1)), exit=date(2010, 6, 1))

    assert services.participant_identities_purge(actor=SYSTEM, today=date(2025, 3, 1)) == 2
    assert services.participant_identities_purge(actor=SYSTEM, today=date(2025, 3, 1)) == 0

    def identified(p: Participant) -> bool:
        p.refresh_from_db()
        return p.identity_hash is not None

    assert not identified(old) and not identified(elsewhere)
    assert identified(recent) and identified(ongoing)
    old.refresh_from_db()
    assert (old.identity_removal, old.birth_year, old.sex) == ("retention", 1985, "woman")
    assert not identified(anonymous)
    entries = AuditEntry.objects.filter(action="participant.identity.purge")
    assert sorted(e.details["count"] for e in entries) == [1, 1]
    assert {e.actor_username for e in entries} == {"system"}


@pytest.mark.django_db
def test_the_purge_command_runs_for_the_scheduler_and_uses_the_setting(fu: Any, settings: Any) -> None:
    import io

    from django.core.management import call_command

    settings.IDENTITY_RETENTION_YEARS = 2
    participant = make_participant(fu.x)
    exit_participation(make_participation(participant, start=date(2021, 1, 1)), exit=date(2022, 1, 1))
    out = io.StringIO()
    call_command("purge_identities", "--today", "2024-01-01", stdout=out)
    assert "Tog bort 1 personnummer" in out.getvalue()
    participant.refresh_from_db()
    assert participant.identity_hash is None


@pytest.mark.django_db
def test_the_daily_task_purges_identities_past_the_retention_time(fu: Any, settings: Any) -> None:
    from finsam.followup.tasks import purge_identities

    settings.IDENTITY_RETENTION_YEARS = 1
    participant = make_participant(fu.x)
    exit_participation(make_participation(participant, start=date(2021, 1, 1)), exit=date(2022, 1, 1))
    assert purge_identities.call() == {"removed": 1}
    participant.refresh_from_db()
    assert participant.identity_hash is None
    assert purge_identities.call() == {"removed": 0}


@pytest.mark.django_db
def test_the_timer_queues_the_purge_for_the_worker(fu: Any, settings: Any) -> None:
    import io

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from finsam.followup.tasks import purge_identities

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.IDENTITY_RETENTION_YEARS = 2
    participant = make_participant(fu.x)
    exit_participation(make_participation(participant, start=date(2021, 1, 1)), exit=date(2022, 1, 1))
    out = io.StringIO()
    call_command("purge_identities", "--enqueue", "--today", "2024-01-01", stdout=out)

    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.args_kwargs["args"]) == (
        "finsam.followup.tasks.purge_identities",
        ["2024-01-01"],
    )
    assert str(queued.id) in out.getvalue()
    participant.refresh_from_db()
    assert participant.identity_hash is not None  # removed by the worker, when it runs the task
    assert purge_identities.call(*queued.args_kwargs["args"]) == {"removed": 1}


@pytest.mark.django_db
def test_only_the_system_runs_the_purge(fu: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.participant_identities_purge(
            actor=fu.world.users[Role.NATIONAL_ADMIN], today=date(2025, 1, 1)
        )
