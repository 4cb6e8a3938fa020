"""Every write of governance. Keyword-only, atomic, authorised against the actor's scope, audited.

A broken rule raises RuleViolation before anything is written. R-SAMRAD points 1, 3 and 4 refuse a
meeting; points 2, 5 and 6 are stored on it as warnings (`Meeting.warnings`) and shown. Locked minutes
refuse every change to the meeting under them (R-MINUTES-LOCKED).
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from finsam.core import audit
from finsam.core.access import SYSTEM, Actor, require, scope_for
from finsam.core.errors import RuleViolation, Violation, check_version, raise_if_any
from finsam.core.roles import Capability
from finsam.core.updates import model_update
from finsam.governance import rules, selectors
from finsam.governance.audit_actions import AuditAction
from finsam.governance.models import (
    AgendaItem,
    CalendarFeed,
    Decision,
    Discharge,
    Document,
    DocumentKind,
    Meeting,
    MeetingKind,
    MeetingParticipant,
    Minutes,
    MinutesConfirmation,
    MinutesStatus,
    NationalReportFiling,
    ReminderSent,
)

if TYPE_CHECKING:
    from finsam.registry.models import Association, Member, Person

logger = logging.getLogger(__name__)

EDIT = Capability.GOVERNANCE_EDIT
MAX_PARTICIPANTS = 300
MAX_AGENDA_ITEMS = 60
MAX_DECISIONS = 200
MAX_TEXT = 20_000


def _actor_name(actor: Actor) -> str:
    return actor.get_username() if hasattr(actor, "get_username") else "system"


def _person_name(actor: Actor) -> str:
    """The name the minutes give the one who recorded something: the full name, else the username."""
    full = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return (full or "").strip() or _actor_name(actor)


def _require_edit(actor: Actor, association_ids: Sequence[int], *, kind: str = "") -> None:
    """The actor keeps the record of every förbund the meeting covers. A meeting that covers none is
    national: for the national working group; a board meeting or consultation without förbund is left
    to the rules to refuse (R-SAMRAD-3, R-MEETING)."""
    scope = require(actor, EDIT)
    if not association_ids:
        if not scope.all and (not kind or kind in rules.NATIONAL_KINDS):
            raise PermissionDenied
        return
    if not all(scope.allows(i) for i in association_ids):
        raise PermissionDenied


def _record(
    *,
    actor: Actor,
    action: str,
    target: Any,
    association_ids: Sequence[int],
    details: dict[str, Any] | None = None,
) -> None:
    """One audit entry per förbund the meeting covers, so that each förbund's log shows it."""
    targets: Sequence[int | None] = association_ids or [None]
    for association_id in targets:
        audit.record(
            actor=actor, action=action, target=target, association_id=association_id, details=details
        )


def _ids(meeting: Meeting) -> list[int]:
    return [a.pk for a in meeting.associations.all()]


# --- meetings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantInput:
    person: Person
    capacity: str
    member: Member | None = None
    association: Association | None = None
    attended: bool | None = None
    adjuster: bool = False


@dataclass(frozen=True)
class AgendaInput:
    title: str
    samrad_point: int | None = None


def samrad_agenda() -> list[AgendaInput]:
    """The agenda a member consultation starts from (R-SAMRAD-6)."""
    return [AgendaInput(title, number) for number, title in enumerate(rules.SAMRAD_AGENDA, start=1)]


def _stored_label(label: object) -> str:
    """A choice label written into a stored text: in the default language (Swedish), whatever language
    the user reads."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


def default_title(kind: str, consultation_kind: str, day: date) -> str:
    if kind == MeetingKind.MEMBER_CONSULTATION:
        label = "Budgetsamråd" if consultation_kind == "budget" else "Medlemssamråd"
    else:
        label = _stored_label(MeetingKind(kind).label) if kind in MeetingKind.values else "Möte"
    return f"{label} {day:%Y-%m-%d}"


def _input_violations(
    *,
    title: str,
    place: str,
    online_link: str,
    agenda: Sequence[AgendaInput],
    participants: Sequence[ParticipantInput],
) -> list[Violation]:
    violations: list[Violation] = []
    if len(title) > 200:
        violations.append(Violation("R-INPUT", _("Rubriken får vara högst 200 tecken."), "title"))
    if len(place) > 200:
        violations.append(Violation("R-INPUT", _("Platsen får vara högst 200 tecken."), "place"))
    if online_link and (len(online_link) > 500 or not online_link.startswith(("https://", "http://"))):
        violations.append(
            Violation("R-INPUT", _("Länken ska börja med https:// (högst 500 tecken)."), "online_link")
        )
    if len(agenda) > MAX_AGENDA_ITEMS:
        violations.append(
            Violation(
                "R-INPUT",
                _("Högst %(max_agenda_items)s punkter på dagordningen.")
                % {"max_agenda_items": MAX_AGENDA_ITEMS},
                "agenda",
            )
        )
    for index, item in enumerate(agenda):
        if not item.title.strip() or len(item.title) > 300:
            violations.append(
                Violation(
                    "R-INPUT", _("En punkt på dagordningen har 1–300 tecken."), f"agenda[{index}].title"
                )
            )
        if item.samrad_point is not None and not 1 <= item.samrad_point <= len(rules.SAMRAD_AGENDA):
            violations.append(
                Violation("R-INPUT", _("Rekommendationens punkter är 1–5."), f"agenda[{index}].samrad_point")
            )
    if len(participants) > MAX_PARTICIPANTS:
        violations.append(
            Violation(
                "R-INPUT",
                _("Högst %(max_participants)s deltagare.") % {"max_participants": MAX_PARTICIPANTS},
                "participants",
            )
        )
    return violations


def _check(
    *,
    kind: str,
    consultation_kind: str,
    day: date,
    associations: Sequence[Association],
    convener: Person | None,
    participants: Sequence[ParticipantInput],
    agenda: Sequence[AgendaInput],
) -> rules.MeetingCheck:
    facts = selectors.association_facts(associations=associations, day=day)

    def run() -> rules.MeetingCheck:
        return rules.check_meeting(
            kind=kind,
            consultation_kind=consultation_kind,
            day=day,
            associations=facts,
            convener_id=convener.pk if convener is not None else None,
            participants=[
                rules.ParticipantFact(
                    person_id=p.person.pk,
                    person_name=p.person.name,
                    capacity=p.capacity,
                    member_id=p.member.pk if p.member is not None else None,
                    association_id=p.association.pk if p.association is not None else None,
                    attended=p.attended,
                )
                for p in participants
            ],
            agenda=[(a.title, a.samrad_point) for a in agenda],
        )

    check = run()
    if not check.warnings:
        return check
    # The warnings are stored with the meeting and read later by anyone: made in every language of the
    # site, so that each reader sees them in their own (the errors answer the request, in its language).
    translated: dict[str, list[Violation]] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translated[language] = run().warnings
    return dataclasses.replace(check, translated=translated)


def _store_participants(meeting: Meeting, participants: Sequence[ParticipantInput]) -> None:
    """Replaces the invitation list, keeping the rows (and an adjuster's confirmation) of people who
    stay on it."""
    existing = {(p.person_id, p.member_id): p for p in MeetingParticipant.objects.filter(meeting=meeting)}
    keep: set[int] = set()
    for position, item in enumerate(participants, start=1):
        key = (item.person.pk, item.member.pk if item.member is not None else None)
        row = existing.get(key)
        values = {
            "position": position,
            "capacity": item.capacity,
            "association": item.association,
            "attended": item.attended,
            "adjuster": item.adjuster,
        }
        if row is None:
            row = MeetingParticipant.objects.create(
                meeting=meeting, person=item.person, member=item.member, **values
            )
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
        keep.add(row.pk)
    gone = [p.pk for p in existing.values() if p.pk not in keep]
    if gone:
        MinutesConfirmation.objects.filter(participant_id__in=gone).delete()
        MeetingParticipant.objects.filter(pk__in=gone).delete()


def _store_agenda(meeting: Meeting, agenda: Sequence[AgendaInput]) -> None:
    """Replaces the agenda point by point: a point keeps its minutes' notes and decisions while its
    position stays."""
    existing = {item.position: item for item in AgendaItem.objects.filter(meeting=meeting)}
    for position, entry in enumerate(agenda, start=1):
        point = entry.samrad_point if entry.samrad_point is not None else rules.samrad_point_of(entry.title)
        row = existing.pop(position, None)
        if row is None:
            AgendaItem.objects.create(
                meeting=meeting, position=position, title=entry.title.strip(), samrad_point=point
            )
        elif row.title != entry.title.strip() or row.samrad_point != point:
            row.title = entry.title.strip()
            row.samrad_point = point
            row.save(update_fields=["title", "samrad_point"])
    if existing:
        AgendaItem.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()


def _warnings_payload(check: rules.MeetingCheck) -> list[dict[str, Any]]:
    """The warnings as stored: {"code", "field", "message", "messages"}, where `message` is the Swedish
    text (as stored before there were several languages) and `messages` the text in each language."""
    payload: list[dict[str, Any]] = []
    for index, warning in enumerate(check.warnings):
        messages = {
            language: warnings[index].message
            for language, warnings in check.translated.items()
            if len(warnings) == len(check.warnings) and warnings[index].code == warning.code
        }
        payload.append(
            {
                "code": warning.code,
                "message": messages.get(settings.LANGUAGE_CODE, warning.message),
                "field": warning.field,
                "messages": messages,
            }
        )
    return payload


def _reopen_minutes(meeting: Meeting) -> dict[str, Any]:
    """A change under minutes that were checked sends them back to draft: the adjusters confirmed
    another text. Locked minutes refuse the change."""
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        return {}
    if minutes.status == MinutesStatus.LOCKED:
        raise RuleViolation(violations=[rules.locked_violation()])
    cleared = MinutesConfirmation.objects.filter(minutes=minutes).delete()[0]
    if minutes.status == MinutesStatus.CHECKED or cleared:
        minutes.status = MinutesStatus.DRAFT
        minutes.checked = None
        minutes.version += 1
        minutes.save()
    return {"confirmations_cleared": cleared} if cleared else {}


@transaction.atomic
def meeting_create(
    *,
    actor: Actor,
    kind: str,
    date: date,
    associations: Sequence[Association],
    consultation_kind: str = "",
    title: str = "",
    start_time: time | None = None,
    place: str = "",
    online_link: str = "",
    convener: Person | None = None,
    participants: Sequence[ParticipantInput] = (),
    agenda: Sequence[AgendaInput] | None = None,
    documents: Sequence[Document] = (),
) -> Meeting:
    """Registers a meeting after the R-SAMRAD checks. A member consultation's agenda starts from the
    recommendation (R-SAMRAD-6) unless one is given."""
    associations = _unique(associations)
    _require_edit(actor, [a.pk for a in associations], kind=kind)
    if agenda is None or (not agenda and kind == MeetingKind.MEMBER_CONSULTATION):
        agenda = samrad_agenda() if kind == MeetingKind.MEMBER_CONSULTATION else []
    violations = _input_violations(
        title=title, place=place, online_link=online_link, agenda=agenda, participants=participants
    )
    violations += _document_violations(documents, associations)
    check = _check(
        kind=kind,
        consultation_kind=consultation_kind,
        day=date,
        associations=associations,
        convener=convener,
        participants=participants,
        agenda=agenda,
    )
    raise_if_any(violations + check.errors)
    meeting = Meeting.objects.create(
        kind=kind,
        consultation_kind=consultation_kind,
        title=title.strip() or default_title(kind, consultation_kind, date),
        date=date,
        start_time=start_time,
        place=place.strip(),
        online_link=online_link.strip(),
        convener=convener,
        warnings=_warnings_payload(check),
    )
    meeting.associations.set(associations)
    meeting.documents.set(documents)
    _store_participants(meeting, participants)
    _store_agenda(meeting, agenda)
    _record(
        actor=actor,
        action=AuditAction.MEETING_CREATE,
        target=meeting,
        association_ids=[a.pk for a in associations],
        details={
            "kind": kind,
            "associations": [a.pk for a in associations],
            "warnings": [w.code for w in check.warnings],
        },
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: Actor,
    meeting: Meeting,
    version: int | None = None,
    kind: str,
    date: date,
    associations: Sequence[Association],
    consultation_kind: str = "",
    title: str = "",
    start_time: time | None = None,
    place: str = "",
    online_link: str = "",
    convener: Person | None = None,
    participants: Sequence[ParticipantInput] = (),
    agenda: Sequence[AgendaInput] | None = None,
    documents: Sequence[Document] = (),
) -> Meeting:
    """Changes a meeting after the same checks as on creation. `agenda` None keeps the agenda. Refused
    under locked minutes; minutes that were checked go back to draft."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    associations = _unique(associations)
    before = [a.pk for a in locked.associations.all()]
    _require_edit(actor, sorted(set(before) | {a.pk for a in associations}), kind=kind)
    check_version(locked.version, version, _("mötet"))
    minutes = Minutes.objects.filter(meeting=locked).first()
    if minutes is not None and minutes.status == MinutesStatus.LOCKED:
        raise RuleViolation(violations=[rules.locked_violation()])
    if agenda is None:
        agenda = [AgendaInput(i.title, i.samrad_point) for i in AgendaItem.objects.filter(meeting=locked)]
    violations = _input_violations(
        title=title, place=place, online_link=online_link, agenda=agenda, participants=participants
    )
    violations += _document_violations(documents, associations)
    check = _check(
        kind=kind,
        consultation_kind=consultation_kind,
        day=date,
        associations=associations,
        convener=convener,
        participants=participants,
        agenda=agenda,
    )
    raise_if_any(violations + check.errors)
    details = _reopen_minutes(locked)
    locked.kind = kind
    locked.consultation_kind = consultation_kind
    locked.title = title.strip() or default_title(kind, consultation_kind, date)
    locked.date = date
    locked.start_time = start_time
    locked.place = place.strip()
    locked.online_link = online_link.strip()
    locked.convener = convener
    locked.warnings = _warnings_payload(check)
    locked.version += 1
    locked.save()
    locked.associations.set(associations)
    locked.documents.set(documents)
    _store_participants(locked, participants)
    _store_agenda(locked, agenda)
    _record(
        actor=actor,
        action=AuditAction.MEETING_UPDATE,
        target=locked,
        association_ids=[a.pk for a in associations],
        details={
            "associations": [a.pk for a in associations],
            "warnings": [w.code for w in check.warnings],
            **details,
        },
    )
    return locked


def _unique(associations: Sequence[Association]) -> list[Association]:
    seen: dict[int, Association] = {}
    for association in associations:
        seen.setdefault(association.pk, association)
    return sorted(seen.values(), key=lambda a: a.name)


def _document_violations(
    documents: Sequence[Document], associations: Sequence[Association]
) -> list[Violation]:
    ids = {a.pk for a in associations}
    if any(d.association_id not in ids for d in documents):
        return [
            Violation("R-INPUT", _("Underlaget hör till ett förbund som mötet inte omfattar."), "documents")
        ]
    return []


@transaction.atomic
def meeting_refresh_warnings(*, meeting: Meeting) -> list[dict[str, Any]]:
    """Recomputes the stored R-SAMRAD warnings (after a year-end document is delivered, say). Locked
    minutes keep the warnings of their time."""
    if Minutes.objects.filter(meeting=meeting, status=MinutesStatus.LOCKED).exists():
        return list(meeting.warnings)
    participants = [
        ParticipantInput(p.person, p.capacity, p.member, p.association, p.attended, p.adjuster)
        for p in MeetingParticipant.objects.filter(meeting=meeting).select_related(
            "person", "member", "association"
        )
    ]
    check = _check(
        kind=meeting.kind,
        consultation_kind=meeting.consultation_kind,
        day=meeting.date,
        associations=list(meeting.associations.all()),
        convener=meeting.convener,
        participants=participants,
        agenda=[AgendaInput(i.title, i.samrad_point) for i in AgendaItem.objects.filter(meeting=meeting)],
    )
    warnings = _warnings_payload(check)
    if warnings != meeting.warnings:
        Meeting.objects.filter(pk=meeting.pk).update(warnings=warnings)
        meeting.warnings = warnings
    return warnings


# --- minutes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionInput:
    text: str
    r_info: bool = False
    agenda_position: int | None = None


def _minutes_for_update(meeting: Meeting, version: int | None) -> Minutes:
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        raise RuleViolation("R-MINUTES", _("Mötet har inget protokoll ännu."))
    if minutes.status == MinutesStatus.LOCKED:
        raise RuleViolation(violations=[rules.locked_violation()])
    check_version(minutes.version, version, _("protokollet"))
    return minutes


@transaction.atomic
def minutes_update(
    *,
    actor: Actor,
    meeting: Meeting,
    notes: dict[int, str],
    decisions: Sequence[DecisionInput],
    version: int | None = None,
) -> Minutes:
    """Writes the minutes, drafting them on the first write: the minutes are the meeting's agenda with a
    note per point (by position) and the decisions, which replace the earlier ones. Refused when locked
    (R-MINUTES-LOCKED); checked minutes go back to draft and lose their confirmations (the adjusters
    confirmed another text)."""
    _require_edit(actor, _ids(meeting))
    Minutes.objects.get_or_create(meeting=meeting)
    minutes = _minutes_for_update(meeting, version)
    items = {item.position: item for item in AgendaItem.objects.filter(meeting=meeting)}
    violations: list[Violation] = []
    for position, text in notes.items():
        if position not in items:
            violations.append(
                Violation(
                    "R-INPUT",
                    _("Dagordningen har ingen punkt %(position)s.") % {"position": position},
                    f"notes[{position}]",
                )
            )
        elif len(text) > MAX_TEXT:
            violations.append(Violation("R-INPUT", _("Anteckningen är för lång."), f"notes[{position}]"))
    if len(decisions) > MAX_DECISIONS:
        violations.append(
            Violation(
                "R-INPUT",
                _("Högst %(max_decisions)s beslut.") % {"max_decisions": MAX_DECISIONS},
                "decisions",
            )
        )
    for index, decision in enumerate(decisions):
        if not decision.text.strip() or len(decision.text) > MAX_TEXT:
            violations.append(
                Violation("R-INPUT", _("Skriv beslutet (högst 20 000 tecken)."), f"decisions[{index}].text")
            )
        if decision.agenda_position is not None and decision.agenda_position not in items:
            violations.append(
                Violation(
                    "R-INPUT",
                    _("Dagordningen har ingen punkt %(agenda_position)s.")
                    % {"agenda_position": decision.agenda_position},
                    f"decisions[{index}].agenda_position",
                )
            )
    raise_if_any(violations)
    details = _reopen_minutes(meeting)
    changed = []
    for position, text in notes.items():
        item = items[position]
        if item.notes != text.strip():
            item.notes = text.strip()
            item.save(update_fields=["notes"])
            changed.append(position)
    Decision.objects.filter(meeting=meeting).delete()
    Decision.objects.bulk_create(
        [
            Decision(
                meeting=meeting,
                position=index,
                agenda_item=items.get(decision.agenda_position) if decision.agenda_position else None,
                text=decision.text.strip(),
                r_info=decision.r_info,
            )
            for index, decision in enumerate(decisions, start=1)
        ]
    )
    minutes.refresh_from_db()
    minutes.version += 1
    minutes.save()
    _record(
        actor=actor,
        action=AuditAction.MINUTES_UPDATE,
        target=minutes,
        association_ids=_ids(meeting),
        details={
            "notes": changed,
            "decisions": len(decisions),
            "r_info": sum(1 for d in decisions if d.r_info),
            **details,
        },
    )
    return minutes


@transaction.atomic
def minutes_confirm(
    *, actor: Actor, meeting: Meeting, participant: MeetingParticipant, version: int | None = None
) -> Minutes:
    """One adjuster confirms the minutes (justering). The adjuster confirms for themself when their
    login is tied to the person; the förbund's administration records a confirmation given on paper.
    When every adjuster has confirmed, the minutes are checked."""
    minutes = _minutes_for_update(meeting, version)
    own = (
        actor is not None
        and getattr(actor, "pk", None) is not None
        and participant.person.user_id == actor.pk
    )
    if not own:
        _require_edit(actor, _ids(meeting))
    if participant.meeting_id != meeting.pk or not participant.adjuster:
        raise RuleViolation("R-MINUTES", _("Personen är inte justerare av protokollet."), "participant")
    if participant.attended is False:
        raise RuleViolation(
            "R-MINUTES", _("En justerare som inte var på mötet kan inte justera."), "participant"
        )
    if MinutesConfirmation.objects.filter(minutes=minutes, participant=participant).exists():
        raise RuleViolation(
            "R-MINUTES",
            _("%(name)s har redan justerat protokollet.") % {"name": participant.person.name},
            "participant",
        )
    confirmation = MinutesConfirmation.objects.create(
        minutes=minutes, participant=participant, recorded_by=_person_name(actor), by_adjuster=own
    )
    adjusters = MeetingParticipant.objects.filter(meeting=meeting, adjuster=True).values_list("pk", flat=True)
    confirmed = MinutesConfirmation.objects.filter(minutes=minutes).values_list("participant_id", flat=True)
    status = rules.minutes_status_after(adjusters=adjusters, confirmed=confirmed)
    if status == rules.CHECKED:
        minutes.status = MinutesStatus.CHECKED
        minutes.checked = timezone.now()
    minutes.version += 1
    minutes.save()
    _record(
        actor=actor,
        action=AuditAction.MINUTES_CONFIRM,
        target=confirmation,
        association_ids=_ids(meeting),
        details={"participant": participant.pk, "status": minutes.status, "own": own},
    )
    return minutes


@transaction.atomic
def minutes_lock(*, actor: Actor, meeting: Meeting, version: int | None = None) -> Minutes:
    """Locks checked minutes for good."""
    _require_edit(actor, _ids(meeting))
    minutes = _minutes_for_update(meeting, version)
    if not MeetingParticipant.objects.filter(meeting=meeting, adjuster=True).exists():
        raise RuleViolation("R-MINUTES", _("Utse minst en justerare innan protokollet låses."), "adjusters")
    if minutes.status != MinutesStatus.CHECKED:
        raise RuleViolation(
            "R-MINUTES", _("Alla justerare ska ha justerat protokollet innan det låses."), "adjusters"
        )
    minutes.status = MinutesStatus.LOCKED
    minutes.locked = timezone.now()
    minutes.locked_by = _actor_name(actor)
    minutes.version += 1
    minutes.save()
    _record(actor=actor, action=AuditAction.MINUTES_LOCK, target=minutes, association_ids=_ids(meeting))
    return minutes


# --- documents, discharge, national report ------------------------------------------------------------


def _year_violations(year: int, field: str = "year") -> list[Violation]:
    this_year = selectors.today().year
    if not 2000 <= year <= this_year + 1:
        return [
            Violation(
                "R-DATES", _("Ange ett år mellan 2000 och %(value)s.") % {"value": this_year + 1}, field
            )
        ]
    return []


def _member_violation(
    member: Member | None, association: Association, field: str = "member"
) -> list[Violation]:
    if member is not None and member.association_id != association.pk:
        return [Violation("R-INPUT", _("Medlemmen hör inte till förbundet."), field)]
    return []


def _refresh_consultations(association: Association, year: int) -> None:
    for meeting in Meeting.objects.filter(
        kind=MeetingKind.MEMBER_CONSULTATION, associations=association, date__year=year + 1
    ):
        meeting_refresh_warnings(meeting=meeting)


@transaction.atomic
def document_upload(
    *,
    actor: Actor,
    association: Association,
    year: int,
    kind: str,
    file: UploadedFile,
    title: str = "",
    member: Member | None = None,
    delivered_on: date | None = None,
) -> Document:
    """Stores a year-end document of the förbund in the default storage, tied to förbund and year. Only
    PDF and office documents up to 20 MB, checked by name and content."""
    require(actor, EDIT, association.pk)
    violations = _year_violations(year)
    if kind not in DocumentKind.values:
        violations.append(Violation("R-INPUT", _("Välj vilket slags dokument det är."), "kind"))
    if member is not None and kind != DocumentKind.AUDIT_REPORT:
        violations.append(
            Violation("R-INPUT", _("Bara en revisionsberättelse hör till en viss medlem."), "member")
        )
    violations += _member_violation(member, association)
    if len(title) > 200:
        violations.append(Violation("R-INPUT", _("Titeln får vara högst 200 tecken."), "title"))
    if delivered_on is not None and delivered_on > selectors.today():
        violations.append(
            Violation("R-DATES", _("Dokumentet kan inte ha lämnats i framtiden."), "delivered_on")
        )
    filename = rules.safe_document_name(file.name or "")
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    kind_of_file = rules.document_type(filename=filename, size=file.size or 0, head=head)
    if isinstance(kind_of_file, Violation):
        violations.append(kind_of_file)
    raise_if_any(violations)
    assert not isinstance(kind_of_file, Violation)
    extension, content_type = kind_of_file
    stored = default_storage.save(f"governance/{association.pk}/{year}/{uuid.uuid4().hex}.{extension}", file)
    try:
        document = Document.objects.create(
            association=association,
            year=year,
            kind=kind,
            member=member,
            title=title.strip() or f"{_stored_label(DocumentKind(kind).label)} {year}",
            file=stored,
            filename=filename,
            content_type=content_type,
            size=file.size or 0,
            delivered_on=delivered_on,
        )
        audit.record(
            actor=actor,
            action=AuditAction.DOCUMENT_UPLOAD,
            target=document,
            association_id=association.pk,
            details={"kind": kind, "year": year, "size": document.size},
        )
        _refresh_consultations(association, year)
    except BaseException:
        default_storage.delete(stored)
        raise
    return document


@transaction.atomic
def document_update(
    *, actor: Actor, document: Document, title: str, delivered_on: date | None, version: int | None = None
) -> Document:
    require(actor, EDIT, document.association_id)
    locked = Document.objects.select_for_update().get(pk=document.pk)
    check_version(locked.version, version, _("dokumentet"))
    violations: list[Violation] = []
    if not title.strip() or len(title) > 200:
        violations.append(Violation("R-INPUT", _("Titeln har 1–200 tecken."), "title"))
    if delivered_on is not None and delivered_on > selectors.today():
        violations.append(
            Violation("R-DATES", _("Dokumentet kan inte ha lämnats i framtiden."), "delivered_on")
        )
    raise_if_any(violations)
    changed = model_update(
        actor=actor,
        instance=locked,
        values={"title": title.strip(), "delivered_on": delivered_on},
        action=AuditAction.DOCUMENT_UPDATE,
        association_id=locked.association_id,
    )
    if changed:
        _refresh_consultations(locked.association, locked.year)
    return locked


@transaction.atomic
def discharge_record(
    *,
    actor: Actor,
    association: Association,
    member: Member,
    year: int,
    decided_on: date,
    granted: bool,
    note: str = "",
) -> Discharge:
    """One member's decision on discharge for the board for `year` (R-AUDIT): each member decides
    separately, once per year."""
    require(actor, EDIT, association.pk)
    violations = _year_violations(year) + _member_violation(member, association)
    if not violations:
        if not (
            member.joined <= date(year, 12, 31) and (member.left is None or member.left >= date(year, 1, 1))
        ):
            violations.append(
                Violation(
                    "R-AUDIT",
                    _("%(name)s var inte medlem under %(year)s.") % {"name": member.name, "year": year},
                    "member",
                )
            )
        if decided_on <= date(year, 12, 31):
            violations.append(
                Violation(
                    "R-DATES",
                    _("Ansvarsfrihet för %(year)s prövas efter årets slut.") % {"year": year},
                    "decided_on",
                )
            )
        if decided_on > selectors.today():
            violations.append(Violation("R-DATES", _("Beslutet kan inte ligga i framtiden."), "decided_on"))
        if Discharge.objects.filter(member=member, year=year).exists():
            violations.append(
                Violation(
                    "R-AUDIT",
                    _("%(name)s har redan ett beslut om ansvarsfrihet för %(year)s.")
                    % {"name": member.name, "year": year},
                    "member",
                )
            )
    if len(note) > 2000:
        violations.append(Violation("R-INPUT", _("Anteckningen får vara högst 2 000 tecken."), "note"))
    raise_if_any(violations)
    discharge = Discharge.objects.create(
        association=association,
        member=member,
        year=year,
        decided_on=decided_on,
        granted=granted,
        note=note.strip(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.DISCHARGE_RECORD,
        target=discharge,
        association_id=association.pk,
        details={"member": member.pk, "year": year, "granted": granted},
    )
    return discharge


@transaction.atomic
def national_report_record(
    *, actor: Actor, association: Association, year: int, submitted_on: date, reference: str = ""
) -> NationalReportFiling:
    require(actor, EDIT, association.pk)
    violations = _year_violations(year)
    if submitted_on <= date(year, 12, 31) and not violations:
        violations.append(
            Violation(
                "R-DATES",
                _("Rapporten för %(year)s lämnas efter årets slut.") % {"year": year},
                "submitted_on",
            )
        )
    if submitted_on > selectors.today():
        violations.append(
            Violation("R-DATES", _("Rapporten kan inte ha lämnats i framtiden."), "submitted_on")
        )
    if len(reference) > 100:
        violations.append(Violation("R-INPUT", _("Referensen får vara högst 100 tecken."), "reference"))
    if NationalReportFiling.objects.filter(association=association, year=year).exists():
        violations.append(
            Violation("R-INPUT", _("Rapporten för %(year)s är redan registrerad.") % {"year": year}, "year")
        )
    raise_if_any(violations)
    filing = NationalReportFiling.objects.create(
        association=association, year=year, submitted_on=submitted_on, reference=reference.strip()
    )
    audit.record(
        actor=actor,
        action=AuditAction.NATIONAL_REPORT_RECORD,
        target=filing,
        association_id=association.pk,
        details={"year": year},
    )
    return filing


# --- reminders --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderRun:
    sent: int
    already: int
    failed: int


def _claim(item: selectors.ReminderDue, recipient: Any) -> ReminderSent | None:
    """Claims one reminder before it is sent: the unique constraint lets only one run have it."""
    try:
        with transaction.atomic():
            claim, created = ReminderSent.objects.get_or_create(
                association=item.association,
                obligation=str(item.obligation),
                year=item.year,
                offset=item.offset,
                recipient=recipient,
            )
    except IntegrityError:  # another run inserted it between our look and our insert
        return None
    return claim if created else None


def _message(item: selectors.ReminderDue) -> tuple[str, str]:
    title = rules.obligation_title(item.obligation, item.year)
    when = f"{item.group.due:%Y-%m-%d}"
    if item.offset < 0:
        subject = f"Påminnelse: {title} senast {when} – {item.association.name}"
    else:
        subject = f"Försenat: {title} skulle vara klart {when} – {item.association.name}"
    open_rows = [r for r in item.rows if r.status in (rules.Status.DUE, rules.Status.OVERDUE)]
    lines = [
        "Hej!",
        "",
        f"Detta är en påminnelse från Finsam om årscykeln för {item.association.name} "
        f"({rules.OBLIGATION_RULES[item.obligation]}).",
        "",
        f"{title}: {item.group.status_label.lower()}, senast {when}.",
    ]
    lines += [
        f"- {r.title}{': ' + r.detail if r.detail else ''}" for r in open_rows if r.title != title or r.detail
    ]
    lines += ["", f"Se årscykeln: {selectors.cycle_url(item.association.pk, item.year)}", "", "Finsam"]
    return subject, "\n".join(lines)


def reminders_send(*, actor: Actor = SYSTEM, day: date | None = None) -> ReminderRun:
    """The daily reminder run: e-mails the responsible roles before and after each due date
    (FINSAM_REMINDER_DAYS_BEFORE / _AFTER). Each reminder is claimed (a `ReminderSent` row, unique per
    förbund, obligation, year, offset and recipient) before it is sent, so that it goes out once also
    when runs overlap or a worker restarts; a message the mail backend refuses gives its claim back, to
    be tried on the next run. Not atomic as a whole: each claim commits by itself."""
    from django.conf import settings

    if not scope_for(actor, EDIT).all:
        raise PermissionDenied
    day = day or selectors.today()
    sent = already = failed = 0
    for item in selectors.reminders_due(
        day=day, before=list(settings.REMINDER_DAYS_BEFORE), after=list(settings.REMINDER_DAYS_AFTER)
    ):
        subject, body = _message(item)
        for recipient in item.recipients:
            claim = _claim(item, recipient)
            if claim is None:
                already += 1
                continue
            try:
                EmailMessage(subject=subject, body=body, to=[recipient.email]).send()
            except Exception:  # the backend's failure: give the claim back, try again tomorrow
                logger.exception("reminder %s could not be sent", claim.pk)
                ReminderSent.objects.filter(pk=claim.pk).delete()
                failed += 1
                continue
            ReminderSent.objects.filter(pk=claim.pk).update(sent=timezone.now())
            audit.record(
                actor=actor,
                action=AuditAction.REMINDER_SENT,
                target=claim,
                association_id=item.association.pk,
                details={"obligation": str(item.obligation), "year": item.year, "offset": item.offset},
            )
            sent += 1
    return ReminderRun(sent=sent, already=already, failed=failed)


# --- calendar feed ----------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_renew(*, actor: Actor) -> str:
    """A new secret calendar address for the actor; the old one stops working."""
    require(actor, Capability.GOVERNANCE_VIEW)
    feed, created = CalendarFeed.objects.get_or_create(user_id=actor.pk, defaults={"nonce": uuid.uuid4().hex})
    if not created:
        feed.nonce = uuid.uuid4().hex
        feed.save()
    audit.record(actor=actor, action=AuditAction.CALENDAR_FEED_RENEW, target=feed, details={"first": created})
    return selectors.feed_token(feed=feed)
