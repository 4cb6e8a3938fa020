"""Meetings, minutes, documents and the annual cycle's records through the services: R-SAMRAD on create
and edit, warnings kept on the record, the life of the minutes, and refusals that write nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.governance import rules, services
from finsam.governance.models import (
    Decision,
    Discharge,
    Document,
    Meeting,
    MinutesConfirmation,
    MinutesStatus,
)
from finsam.registry.models import BoardSeat, Member, PartyKind, Person
from tests.factories import (
    MINIMAL_PDF,
    consultation_participants,
    make_association,
    make_consultation,
    make_document,
)
from tests.governance.helpers import counts

pytestmark = pytest.mark.django_db


def admin(world: Any) -> Any:
    return world.users["association_admin"]


def consultation_arguments(world: Any, day: date, **overrides: Any) -> dict[str, Any]:
    participants = consultation_participants(world.own, day)
    arguments: dict[str, Any] = {
        "kind": "member_consultation",
        "consultation_kind": "annual",
        "date": day,
        "associations": [world.own],
        "convener": next(p.person for p in participants if p.capacity == "member_representative"),
        "participants": participants,
    }
    arguments.update(overrides)
    return arguments


def board_member(world: Any, day: date) -> Person:
    return BoardSeat.objects.filter(association=world.own, start__lte=day, end__gte=day).first().person


# --- meetings and R-SAMRAD --------------------------------------------------------------------------


def test_a_member_consultation_is_registered_with_the_recommended_agenda_and_audited(
    world: Any, spring: date
) -> None:
    meeting = services.meeting_create(actor=admin(world), **consultation_arguments(world, spring))
    assert [i.title for i in meeting.agenda_items.order_by("position")] == list(rules.SAMRAD_AGENDA)
    assert [i.samrad_point for i in meeting.agenda_items.order_by("position")] == [1, 2, 3, 4, 5]
    assert meeting.title == f"Medlemssamråd {spring:%Y-%m-%d}"
    assert meeting.participants.count() == world.own.members.count() + 2
    entry = AuditEntry.objects.get(action="meeting.create")
    assert entry.association_id == world.own.pk
    assert entry.actor_username == admin(world).username


def test_a_board_member_as_member_representative_is_refused_and_nothing_is_written(
    world: Any, spring: date
) -> None:
    arguments = consultation_arguments(world, spring)
    seated = board_member(world, spring)
    participants = list(arguments["participants"])
    participants[0] = replace(participants[0], person=seated)
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        services.meeting_create(actor=admin(world), **{**arguments, "participants": participants})
    assert refused.value.code == "R-SAMRAD-1"
    assert refused.value.violations[0].field == "participants[0].person"
    assert counts() == before


def test_a_convener_not_designated_by_a_member_is_refused_and_nothing_is_written(
    world: Any, spring: date
) -> None:
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        services.meeting_create(
            actor=admin(world), **consultation_arguments(world, spring, convener=board_member(world, spring))
        )
    assert [v.code for v in refused.value.violations] == ["R-SAMRAD-4"]
    assert counts() == before


def test_a_meeting_without_associations_is_refused_and_nothing_is_written(world: Any, spring: date) -> None:
    national = world.users["national_admin"]
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        services.meeting_create(actor=national, **consultation_arguments(world, spring, associations=[]))
    assert "R-SAMRAD-3" in [v.code for v in refused.value.violations]
    with pytest.raises(RuleViolation) as refused:
        services.meeting_create(actor=national, kind="board_meeting", date=spring, associations=[])
    assert refused.value.code == "R-MEETING"
    assert counts() == before


def test_national_council_meetings_need_no_association_but_a_national_editor(
    world: Any, spring: date
) -> None:
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=admin(world), kind="national_council", date=spring, associations=[])
    meeting = services.meeting_create(
        actor=world.users["national_admin"], kind="national_council", date=spring, associations=[]
    )
    assert meeting.title == f"Nationella rådet {spring:%Y-%m-%d}"
    assert not meeting.associations.exists()


def test_an_association_admin_cannot_put_another_association_on_a_meeting(world: Any, spring: date) -> None:
    before = counts()
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=admin(world), **consultation_arguments(world, spring, associations=[world.own, world.other])
        )
    assert counts() == before


def test_one_consultation_covers_several_associations_and_each_logs_it(world: Any, spring: date) -> None:
    participants = consultation_participants(world.own, spring) + consultation_participants(
        world.other, spring
    )
    meeting = services.meeting_create(
        actor=world.users["national_admin"],
        **consultation_arguments(
            world, spring, associations=[world.own, world.other], participants=participants
        ),
    )
    assert set(meeting.associations.all()) == {world.own, world.other}
    assert meeting.warnings != []  # no year-end documents delivered: R-SAMRAD-5
    logged = set(AuditEntry.objects.filter(action="meeting.create").values_list("association_id", flat=True))
    assert logged == {world.own.pk, world.other.pk}


def test_a_consultation_missing_one_associations_representatives_is_refused(world: Any, spring: date) -> None:
    with pytest.raises(RuleViolation) as refused:
        services.meeting_create(
            actor=world.users["national_admin"],
            **consultation_arguments(world, spring, associations=[world.own, world.other]),
        )
    assert {v.code for v in refused.value.violations} == {"R-SAMRAD-1"}
    assert all(world.other.name in v.message for v in refused.value.violations)


def test_warnings_are_kept_on_the_record_and_cleared_when_the_year_end_documents_arrive(
    world: Any, spring: date
) -> None:
    without_director = [p for p in consultation_participants(world.own, spring) if p.capacity != "director"]
    meeting = services.meeting_create(
        actor=admin(world), **consultation_arguments(world, spring, participants=without_director)
    )
    assert sorted({w["code"] for w in meeting.warnings}) == ["R-SAMRAD-2", "R-SAMRAD-5"]
    for kind in ("annual_report", "activity_report", "audit_report"):
        make_document(world.own, kind=kind, year=spring.year - 1, delivered_on=date(spring.year, 3, 20))
    meeting.refresh_from_db()
    assert [w["code"] for w in meeting.warnings] == ["R-SAMRAD-2"]


def test_an_agenda_without_the_recommended_points_is_kept_with_a_warning(world: Any, spring: date) -> None:
    meeting = services.meeting_create(
        actor=admin(world),
        **consultation_arguments(
            world,
            spring,
            consultation_kind="budget",
            agenda=[services.AgendaInput("Budget för nästa år"), services.AgendaInput("Övriga frågor")],
        ),
    )
    assert [w["code"] for w in meeting.warnings] == ["R-SAMRAD-6"]
    assert meeting.agenda_items.count() == 2


def test_an_edit_is_checked_again_and_a_refused_edit_changes_nothing(world: Any, spring: date) -> None:
    meeting = make_consultation([world.own], day=spring)
    arguments = consultation_arguments(world, spring)
    participants = list(arguments["participants"])
    participants[0] = replace(participants[0], person=board_member(world, spring))
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        services.meeting_update(
            actor=admin(world),
            meeting=meeting,
            **{**arguments, "participants": participants, "place": "Ny plats"},
        )
    assert refused.value.code == "R-SAMRAD-1"
    assert counts() == before
    meeting.refresh_from_db()
    assert meeting.place == ""
    saved = services.meeting_update(actor=admin(world), meeting=meeting, version=meeting.version, **arguments)
    assert saved.version == meeting.version + 1
    with pytest.raises(RuleViolation) as stale:
        services.meeting_update(actor=admin(world), meeting=meeting, version=meeting.version, **arguments)
    assert stale.value.code == "R-CONFLICT"


# --- minutes ----------------------------------------------------------------------------------------


def adjusted_meeting(world: Any, day: date) -> Meeting:
    """A consultation with two adjusters among the member representatives."""
    participants = consultation_participants(world.own, day)
    participants[0] = replace(participants[0], adjuster=True, attended=True)
    participants[1] = replace(participants[1], adjuster=True, attended=True)
    return services.meeting_create(
        actor=admin(world), **consultation_arguments(world, day, participants=participants)
    )


def write_minutes(world: Any, meeting: Meeting, **kwargs: Any) -> Any:
    return services.minutes_update(
        actor=admin(world),
        meeting=meeting,
        notes={1: "Förbundschefen redovisade resultatet."},
        decisions=[services.DecisionInput("Redovisningen noteras.", r_info=True, agenda_position=1)],
        **kwargs,
    )


def test_minutes_are_drafted_checked_by_each_adjuster_and_locked(world: Any, spring: date) -> None:
    meeting = adjusted_meeting(world, spring)
    minutes = write_minutes(world, meeting)
    assert minutes.status == MinutesStatus.DRAFT
    assert meeting.agenda_items.get(position=1).notes == "Förbundschefen redovisade resultatet."
    assert Decision.objects.get(meeting=meeting).agenda_item.position == 1
    first, second = meeting.participants.filter(adjuster=True).order_by("position")
    minutes = services.minutes_confirm(actor=admin(world), meeting=meeting, participant=first)
    assert minutes.status == MinutesStatus.DRAFT
    with pytest.raises(RuleViolation) as early:
        services.minutes_lock(actor=admin(world), meeting=meeting)
    assert early.value.code == "R-MINUTES"
    minutes = services.minutes_confirm(actor=admin(world), meeting=meeting, participant=second)
    assert minutes.status == MinutesStatus.CHECKED
    assert MinutesConfirmation.objects.filter(minutes=minutes).count() == 2
    assert AuditEntry.objects.filter(action="minutes.confirm").count() == 2
    minutes = services.minutes_lock(actor=admin(world), meeting=meeting)
    assert minutes.status == MinutesStatus.LOCKED
    assert minutes.locked_by == admin(world).username


def locked_meeting(world: Any, day: date) -> Meeting:
    meeting = adjusted_meeting(world, day)
    write_minutes(world, meeting)
    for participant in meeting.participants.filter(adjuster=True):
        services.minutes_confirm(actor=admin(world), meeting=meeting, participant=participant)
    services.minutes_lock(actor=admin(world), meeting=meeting)
    return meeting


def test_locked_minutes_refuse_every_change_with_their_code_and_write_nothing(
    world: Any, spring: date
) -> None:
    meeting = locked_meeting(world, spring)
    before = counts()
    attempts = [
        lambda: services.minutes_update(
            actor=admin(world),
            meeting=meeting,
            notes={1: "Ändrad"},
            decisions=[services.DecisionInput("Nytt")],
        ),
        lambda: services.meeting_update(
            actor=admin(world), meeting=meeting, **consultation_arguments(world, spring, place="Ny plats")
        ),
        lambda: services.minutes_confirm(
            actor=admin(world),
            meeting=meeting,
            participant=meeting.participants.filter(adjuster=True).first(),
        ),
        lambda: services.minutes_lock(actor=admin(world), meeting=meeting),
    ]
    for attempt in attempts:
        with pytest.raises(RuleViolation) as refused:
            attempt()
        assert refused.value.code == "R-MINUTES-LOCKED"
    assert counts() == before
    assert meeting.agenda_items.get(position=1).notes == "Förbundschefen redovisade resultatet."
    assert list(Decision.objects.filter(meeting=meeting).values_list("text", flat=True)) == [
        "Redovisningen noteras."
    ]


def test_a_change_to_checked_minutes_sends_them_back_to_draft(world: Any, spring: date) -> None:
    meeting = adjusted_meeting(world, spring)
    write_minutes(world, meeting)
    for participant in meeting.participants.filter(adjuster=True):
        services.minutes_confirm(actor=admin(world), meeting=meeting, participant=participant)
    minutes = services.minutes_update(
        actor=admin(world), meeting=meeting, notes={2: "Tillägg."}, decisions=[]
    )
    assert minutes.status == MinutesStatus.DRAFT
    assert not MinutesConfirmation.objects.filter(minutes=minutes).exists()
    assert (
        AuditEntry.objects.filter(action="minutes.update")
        .order_by("pk")
        .last()
        .details["confirmations_cleared"]
        == 2
    )


def test_only_an_adjuster_who_attended_may_confirm_and_only_once(world: Any, spring: date) -> None:
    meeting = adjusted_meeting(world, spring)
    write_minutes(world, meeting)
    not_adjuster = meeting.participants.filter(adjuster=False).first()
    with pytest.raises(RuleViolation) as refused:
        services.minutes_confirm(actor=admin(world), meeting=meeting, participant=not_adjuster)
    assert refused.value.code == "R-MINUTES"
    adjuster = meeting.participants.filter(adjuster=True).first()
    services.minutes_confirm(actor=admin(world), meeting=meeting, participant=adjuster)
    with pytest.raises(RuleViolation):
        services.minutes_confirm(actor=admin(world), meeting=meeting, participant=adjuster)
    absent = meeting.participants.filter(adjuster=True).last()
    absent.attended = False
    absent.save()
    with pytest.raises(RuleViolation):
        services.minutes_confirm(actor=admin(world), meeting=meeting, participant=absent)


def test_an_adjuster_confirms_for_themself_when_their_login_is_tied_to_their_person(
    world: Any, spring: date
) -> None:
    meeting = adjusted_meeting(world, spring)
    write_minutes(world, meeting)
    first, second = meeting.participants.filter(adjuster=True).order_by("position")
    representative = world.users["member_representative"]
    first.person.user = representative
    first.person.save()
    minutes = services.minutes_confirm(actor=representative, meeting=meeting, participant=first)
    assert MinutesConfirmation.objects.get(minutes=minutes).recorded_by == representative.username
    with pytest.raises(PermissionDenied):
        services.minutes_confirm(actor=representative, meeting=meeting, participant=second)


def test_only_the_record_keepers_write_minutes(world: Any, spring: date) -> None:
    meeting = adjusted_meeting(world, spring)
    for role in ("board_member", "auditor", "member_representative"):
        with pytest.raises(PermissionDenied):
            services.minutes_update(actor=world.users[role], meeting=meeting, notes={}, decisions=[])
    with pytest.raises(PermissionDenied):
        services.minutes_update(
            actor=world.outsiders["association_admin"], meeting=meeting, notes={}, decisions=[]
        )


# --- documents ----------------------------------------------------------------------------------------


def upload(world: Any, name: str, content: bytes, **kwargs: Any) -> Document:
    arguments: dict[str, Any] = {"year": 2025, "kind": "annual_report"}
    arguments.update(kwargs)
    return services.document_upload(
        actor=admin(world), association=world.own, file=SimpleUploadedFile(name, content), **arguments
    )


def test_an_uploaded_document_is_stored_tied_to_association_and_year(world: Any, media: Path) -> None:
    document = upload(world, "Årsredovisning 2025.pdf", MINIMAL_PDF, delivered_on=date(2026, 3, 20))
    assert document.file.name.startswith(f"governance/{world.own.pk}/2025/")
    assert (media / document.file.name).read_bytes() == MINIMAL_PDF
    assert document.filename == "Årsredovisning 2025.pdf"
    assert document.content_type == "application/pdf"
    assert document.title == "Årsredovisning (bokslut) 2025"
    assert AuditEntry.objects.get(action="document.upload").details == {
        "kind": "annual_report",
        "year": 2025,
        "size": len(MINIMAL_PDF),
    }


def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_stored(world: Any, media: Path) -> None:
    before = counts()
    for name, content in (
        ("bokslut.pdf", b"MZ\x90\x00 not a pdf"),
        ("bokslut.exe", MINIMAL_PDF),
        ("tom.pdf", b""),
    ):
        with pytest.raises(RuleViolation) as refused:
            upload(world, name, content)
        assert refused.value.code == "R-DOCUMENT"
    assert counts() == before
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_too_large_file_is_refused(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "MAX_DOCUMENT_BYTES", 100)
    with pytest.raises(RuleViolation) as refused:
        upload(world, "stor.pdf", MINIMAL_PDF + b" " * 200)
    assert "för stor" in refused.value.message


def test_only_an_audit_report_belongs_to_a_member_and_only_of_the_association(world: Any) -> None:
    member = world.own.members.first()
    with pytest.raises(RuleViolation):
        upload(world, "b.pdf", MINIMAL_PDF, member=member)
    other = world.other.members.first()
    with pytest.raises(RuleViolation):
        upload(world, "b.pdf", MINIMAL_PDF, kind="audit_report", member=other)
    assert upload(world, "r.pdf", MINIMAL_PDF, kind="audit_report", member=member).member == member


def test_other_roles_cannot_upload(world: Any) -> None:
    for user in (world.users["board_member"], world.outsiders["association_admin"]):
        with pytest.raises(PermissionDenied):
            services.document_upload(
                actor=user,
                association=world.own,
                year=2025,
                kind="annual_report",
                file=SimpleUploadedFile("b.pdf", MINIMAL_PDF),
            )


# --- discharge and the national report -------------------------------------------------------------


def test_each_member_decides_on_discharge_once_per_year(world: Any) -> None:
    member = Member.objects.get(association=world.own, kind=PartyKind.FK)
    last_year = date.today().year - 1  # noqa: DTZ011
    decided = date(last_year + 1, 1, 15)
    if decided > date.today():  # noqa: DTZ011
        last_year -= 1
        decided = date(last_year + 1, 5, 20)
    discharge = services.discharge_record(
        actor=admin(world),
        association=world.own,
        member=member,
        year=last_year,
        decided_on=decided,
        granted=False,
    )
    assert not discharge.granted
    before = counts()
    with pytest.raises(RuleViolation) as twice:
        services.discharge_record(
            actor=admin(world),
            association=world.own,
            member=member,
            year=last_year,
            decided_on=decided,
            granted=True,
        )
    assert twice.value.code == "R-AUDIT"
    with pytest.raises(RuleViolation) as early:
        services.discharge_record(
            actor=admin(world),
            association=world.own,
            member=Member.objects.get(association=world.own, kind=PartyKind.AF),
            year=last_year,
            decided_on=date(last_year, 12, 1),
            granted=True,
        )
    assert early.value.code == "R-DATES"
    with pytest.raises(RuleViolation):
        services.discharge_record(
            actor=admin(world),
            association=world.own,
            member=world.other.members.first(),
            year=last_year,
            decided_on=decided,
            granted=True,
        )
    assert counts() == before
    assert Discharge.objects.count() == 1


def test_a_national_report_is_recorded_once_per_year_after_it(world: Any) -> None:
    today = date.today()  # noqa: DTZ011
    filing = services.national_report_record(
        actor=admin(world), association=world.own, year=today.year - 1, submitted_on=today, reference="Dnr 1"
    )
    assert filing.reference == "Dnr 1"
    with pytest.raises(RuleViolation):
        services.national_report_record(
            actor=admin(world), association=world.own, year=today.year - 1, submitted_on=today
        )
    with pytest.raises(RuleViolation) as future:
        services.national_report_record(
            actor=admin(world),
            association=world.own,
            year=today.year - 2,
            submitted_on=today + timedelta(days=1),
        )
    assert future.value.code == "R-DATES"


def test_the_system_actor_keeps_every_record(world: Any, spring: date) -> None:
    other = make_association("Samordningsförbundet Tredje")
    meeting = make_consultation([other], day=spring)
    assert meeting.associations.get() == other
    minutes = services.minutes_update(actor=SYSTEM, meeting=meeting, notes={}, decisions=[])
    assert minutes.status == MinutesStatus.DRAFT
