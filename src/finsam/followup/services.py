"""Every write of the follow-up: participants, consent, participations, answers, questions.

Keyword-only, atomic, authorised against the actor's scope, audited; a broken rule raises RuleViolation
before anything is written. Writes about participants need the participant_coordinator role in the
förbund *and* an assignment to the intervention. Audit details never carry personal data.
"""

from __future__ import annotations

import logging
import pickle
import tempfile
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from finsam.core import audit
from finsam.core import selectors as core_selectors
from finsam.core.access import Actor, is_system, require
from finsam.core.bulk import insert_rows
from finsam.core.errors import RuleViolation, Violation, raise_if_any
from finsam.core.roles import Capability
from finsam.core.updates import model_update
from finsam.followup import identity, rules, selectors, summaries
from finsam.followup.audit_actions import AuditAction
from finsam.followup.models import (
    Consent,
    ExitReason,
    FollowUpAnswer,
    FollowUpQuestion,
    IdentityRemoval,
    IncomeSourceEntry,
    MeasurementPoint,
    Participant,
    Participation,
    Phase,
    Registration,
)
from finsam.followup.schemas import ImportRow, InterventionFacts
from finsam.interventions import selectors as intervention_selectors

if TYPE_CHECKING:
    from finsam.interventions.models import Intervention
    from finsam.registry.models import Association

logger = logging.getLogger(__name__)

IncomeEntries = Sequence[tuple[str, int]]
CHUNK = 500


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _user_or_none(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _require_coordinator(actor: Actor, intervention: Intervention) -> None:
    """The actor holds the participant_coordinator role in the förbund and is assigned to the
    intervention. PermissionDenied without the role there; a refusal naming the rule without the
    assignment (the actor may see the intervention, just not its participants)."""
    require(actor, Capability.PARTICIPANT_EDIT, intervention.association_id)
    if not intervention_selectors.coordinates(user=actor, intervention_id=intervention.pk):
        raise RuleViolation(
            "R-COORDINATOR", _("Du är inte deltagaransvarig för den insatsen."), "intervention"
        )


def _scanned_form_violations(form_file: UploadedFile | None) -> list[Violation]:
    if form_file is None:
        return []
    head = form_file.read(16)
    form_file.seek(0)
    return rules.scanned_form_violations(size=form_file.size or 0, head=head)


# --- participants -------------------------------------------------------------------------------


def _registration_check(
    *,
    actor: Actor,
    association: Association,
    intervention: Intervention,
    registration: str,
    identity_number: str | None,
    consent_given_on: date | None,
    consent_form_version: str,
    consent_form_file: UploadedFile | None,
    sex: str | None,
    start_year: int | None,
    today: date,
) -> tuple[rules.IdentityNumber | None, str | None, list[Violation]]:
    require(actor, Capability.PARTICIPANT_EDIT, association.pk)
    if intervention.association_id != association.pk:
        raise RuleViolation("R-SCOPE", _("Insatsen hör till ett annat samordningsförbund."), "intervention")
    _require_coordinator(actor, intervention)
    if intervention.kind != "individual":
        raise RuleViolation(
            "R-KIND",
            _("En strukturövergripande insats har inga deltagare; registrera antal i stället."),
            "intervention",
        )
    parsed, violations = rules.registration_violations(
        registration=registration,
        identity_number=identity_number,
        consent_given_on=consent_given_on,
        consent_form_version=consent_form_version,
        sex=sex,
        start_year=start_year,
        today=today,
    )
    if registration != Registration.IDENTIFIED and consent_form_file is not None:
        violations.append(
            Violation(
                "R-CONSENT",
                _("En samtyckesblankett hör bara till en deltagare med samtycke."),
                "consent_form_file",
            )
        )
    violations += _scanned_form_violations(consent_form_file)
    hashed = identity.keyed_hash(parsed.normalised) if parsed is not None else None
    if (
        hashed is not None
        and Participant.objects.filter(intervention=intervention, identity_hash=hashed).exists()
    ):
        violations.append(
            Violation(
                "R-DUPLICATE", _("Personen är redan registrerad som deltagare i insatsen."), "identity_number"
            )
        )
    return parsed, hashed, violations


def _create_participant(
    *,
    actor: Actor,
    association: Association,
    intervention: Intervention,
    registration: str,
    parsed: rules.IdentityNumber | None,
    hashed: str | None,
    consent_given_on: date | None,
    consent_form_version: str,
    consent_form_file: UploadedFile | None,
    sex: str | None,
    start_year: int | None,
    today: date,
) -> Participant:
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                association=association,
                intervention=intervention,
                registration=registration,
                identity_ciphertext=identity.encrypt(parsed.normalised) if parsed else None,
                identity_hash=hashed,
                sex=parsed.sex if parsed else (sex or ""),
                birth_year=parsed.birth_date.year if parsed else None,
                start_year=start_year or today.year,
                registered_on=today,
                registered_by=_user_or_none(actor),
            )
    except IntegrityError as exc:  # the same person registered at the same moment by someone else
        raise RuleViolation(
            "R-DUPLICATE", _("Personen är redan registrerad som deltagare i insatsen."), "identity_number"
        ) from exc
    if parsed is not None:
        identity.record_keys()
        assert consent_given_on is not None
        consent = Consent.objects.create(
            participant=participant,
            given_on=consent_given_on,
            form_version=consent_form_version.strip(),
            recorded_by=_user_or_none(actor),
        )
    details: dict[str, Any] = {"registration": registration, "intervention": intervention.pk}
    if hashed is not None:
        # The same person already registered in another intervention of the förbund: one person, linked by
        # the keyed hash (docs/participant-list.md, "The same person in several interventions").
        same = list(
            Participant.objects.filter(association=association, identity_hash=hashed)
            .exclude(pk=participant.pk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if same:
            details["same_person"] = same
    audit.record(
        actor=actor,
        action=AuditAction.PARTICIPANT_REGISTER,
        target=participant,
        association_id=association.pk,
        details=details,
    )
    if parsed is not None and consent_form_file is not None:
        # Stored last, under a random name, so that nothing can fail after the file is written; encrypted
        # like the identity it carries (the download decrypts it).
        sealed = ContentFile(identity.encrypt_file(consent_form_file.read()))
        consent.scanned_form.save(consent_form_file.name or "blankett", sealed, save=True)
    return participant


@transaction.atomic
def participant_register(
    *,
    actor: Actor,
    association: Association,
    intervention: Intervention,
    registration: str,
    identity_number: str | None = None,
    consent_given_on: date | None = None,
    consent_form_version: str = "",
    consent_form_file: UploadedFile | None = None,
    sex: str | None = None,
    start_year: int | None = None,
    today: date | None = None,
) -> Participant:
    """R-CONSENT: with a personnummer/samordningsnummer only together with written consent for this
    intervention; otherwise anonymous (also for protected identity) with sex and start year."""
    day = _today(today)
    parsed, hashed, violations = _registration_check(
        actor=actor,
        association=association,
        intervention=intervention,
        registration=registration,
        identity_number=identity_number,
        consent_given_on=consent_given_on,
        consent_form_version=consent_form_version,
        consent_form_file=consent_form_file,
        sex=sex,
        start_year=start_year,
        today=day,
    )
    raise_if_any(violations)
    return _create_participant(
        actor=actor,
        association=association,
        intervention=intervention,
        registration=registration,
        parsed=parsed,
        hashed=hashed,
        consent_given_on=consent_given_on,
        consent_form_version=consent_form_version,
        consent_form_file=consent_form_file,
        sex=sex,
        start_year=start_year,
        today=day,
    )


def _delete_file_after_commit(name: str) -> None:
    if not name:
        return
    from django.core.files.storage import default_storage

    transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def participant_enrol(
    *,
    actor: Actor,
    association: Association,
    intervention: Intervention,
    registration: str,
    start: date,
    employment_before: str,
    education_level: str,
    income_before: IncomeEntries,
    identity_number: str | None = None,
    consent_given_on: date | None = None,
    consent_form_version: str = "",
    consent_form_file: UploadedFile | None = None,
    sex: str | None = None,
    start_year: int | None = None,
    today: date | None = None,
) -> Participation:
    """Registration and the first participation in one step, as the daily form does it: both are
    checked first and every refusal reported together; then both are written, or neither."""
    day = _today(today)
    parsed, hashed, violations = _registration_check(
        actor=actor,
        association=association,
        intervention=intervention,
        registration=registration,
        identity_number=identity_number,
        consent_given_on=consent_given_on,
        consent_form_version=consent_form_version,
        consent_form_file=None,
        sex=sex,
        start_year=start_year,
        today=day,
    )
    violations += _scanned_form_violations(consent_form_file)
    violations += _start_violations(
        intervention=intervention,
        previous=[],
        start=start,
        employment_before=employment_before,
        education_level=education_level,
        income_before=income_before,
        today=day,
        birth_date=parsed.birth_date if parsed is not None else None,
    )
    raise_if_any(violations)
    with summaries.recounted(None) as counted:
        participant = _create_participant(
            actor=actor,
            association=association,
            intervention=intervention,
            registration=registration,
            parsed=parsed,
            hashed=hashed,
            consent_given_on=consent_given_on,
            consent_form_version=consent_form_version,
            consent_form_file=None,
            sex=sex,
            start_year=start_year or start.year,
            today=day,
        )
        counted.append(participant.pk)
        participation = _create_participation(
            actor=actor,
            participant=participant,
            start=start,
            employment_before=employment_before,
            education_level=education_level,
            income_before=income_before,
        )
    if parsed is not None and consent_form_file is not None:
        consent = participant.consent
        consent.scanned_form.save(consent_form_file.name or "blankett", consent_form_file, save=True)
    return participation


@transaction.atomic
def participant_identity_read(*, actor: Actor, participant_id: int) -> str | None:
    """The participant's personnummer or samordningsnummer (YYYYMMDD-NNNN), for a coordinator of the
    intervention only; every read is written to the audit log (without the number). None when the
    participant is anonymous or the identity has been removed."""
    participant = selectors.participant_get(user=actor, participant_id=participant_id)
    if participant.identity_ciphertext is None:
        return None
    number = identity.decrypt(participant.identity_ciphertext)
    audit.record(
        actor=actor,
        action=AuditAction.PARTICIPANT_IDENTITY_READ,
        target=participant,
        association_id=participant.association_id,
        details={"intervention": participant.intervention_id},
    )
    return f"{number[:8]}-{number[8:]}"


@transaction.atomic
def participant_identity_search(
    *, actor: Actor, association_id: int, identity_number: str, today: date | None = None
) -> str:
    """The keyed hash by which the participant list finds a personnummer or samordningsnummer exactly
    (`selectors.participant_list(identity_hash=...)`); no row is decrypted. A search is a read of
    identity: it is written to the audit log with the participants it found (ids only), never the
    number. R-IDENTITY with a Swedish message when the number is not valid."""
    try:
        parsed = rules.parse_identity_number(identity_number, today=_today(today))
    except ValueError as exc:
        raise RuleViolation("R-IDENTITY", str(exc), "identity_number") from exc
    keyed = identity.keyed_hash(parsed.normalised)
    found = list(
        selectors.participant_list(
            user=actor, association_id=association_id, identity_hash=keyed, with_participations=False
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    audit.record(
        actor=actor,
        action=AuditAction.PARTICIPANT_IDENTITY_SEARCH,
        association_id=association_id,
        details={"participants": found},
    )
    return keyed


@transaction.atomic
def consent_withdraw(
    *, actor: Actor, participant: Participant, withdrawn_on: date, today: date | None = None
) -> Participant:
    """R-CONSENT: the identity (ciphertext and hash) and the scanned form go; sex, birth year, start
    year and the participations stay, anonymous."""
    day = _today(today)
    _require_coordinator(actor, participant.intervention)
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    consent = Consent.objects.filter(participant=locked).first()
    if consent is None or consent.withdrawn_on is not None or locked.identity_hash is None:
        raise RuleViolation(
            "R-CONSENT", _("Det finns inget gällande samtycke att återkalla."), "withdrawn_on"
        )
    if withdrawn_on < consent.given_on or withdrawn_on > day:
        raise RuleViolation(
            "R-CONSENT",
            (
                _("Återkallelsen ska ligga mellan samtyckets datum (%(given_on)s) och i dag.")
                % {"given_on": format(consent.given_on, "%Y-%m-%d")}
            ),
            "withdrawn_on",
        )
    locked.identity_ciphertext = None
    locked.identity_hash = None
    locked.identity_removed_on = day
    locked.identity_removal = IdentityRemoval.WITHDRAWN
    locked.save()
    _delete_file_after_commit(consent.scanned_form.name or "")
    consent.scanned_form = ""
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_recorded_by = _user_or_none(actor)
    consent.save()
    audit.record(
        actor=actor,
        action=AuditAction.PARTICIPANT_CONSENT_WITHDRAW,
        target=locked,
        association_id=locked.association_id,
        details={"intervention": locked.intervention_id},
    )
    return locked


@transaction.atomic
def participant_identities_purge(*, actor: Actor, today: date) -> int:
    """Removes the identities kept FINSAM_IDENTITY_RETENTION_YEARS after the participant's last exit
    (or, for one who never started, after registration), while no participation is open. Run daily by
    the scheduled `purge-identities`; running it again removes nothing more. One audit entry per
    förbund with the number removed. Only the system actor runs it."""
    if not is_system(actor):
        raise PermissionDenied
    cutoff = rules.retention_cutoff(today, settings.IDENTITY_RETENTION_YEARS)
    open_participation = Participation.objects.filter(participant=OuterRef("pk"), exit__isnull=True)
    due = (
        Participant.objects.filter(identity_hash__isnull=False)
        .filter(~Exists(open_participation))
        .annotate(last_exit=Max("participations__exit"))
        .filter(Q(last_exit__lte=cutoff) | Q(last_exit__isnull=True, registered_on__lte=cutoff))
        .values_list("pk", "association_id")
    )
    by_association: dict[int, list[int]] = {}
    for pk, association_id in due:
        by_association.setdefault(association_id, []).append(pk)
    removed = 0
    for association_id, ids in sorted(by_association.items()):
        for offset in range(0, len(ids), CHUNK):
            chunk = ids[offset : offset + CHUNK]
            forms = Consent.objects.filter(participant_id__in=chunk).exclude(scanned_form="")
            for name in forms.values_list("scanned_form", flat=True):
                _delete_file_after_commit(name)
            forms.update(scanned_form="")
            Participant.objects.filter(pk__in=chunk).update(
                identity_ciphertext=None,
                identity_hash=None,
                identity_removed_on=today,
                identity_removal=IdentityRemoval.RETENTION,
            )
        removed += len(ids)
        audit.record(
            actor=actor,
            action=AuditAction.PARTICIPANT_IDENTITY_PURGE,
            association_id=association_id,
            details={"count": len(ids), "retention_years": settings.IDENTITY_RETENTION_YEARS},
        )
    return removed


@transaction.atomic
def statistics_rebuild(*, actor: Actor, fix: bool = True) -> dict[str, int]:
    """Recomputes the statistics' summary tables from the participations (`summaries.rebuild`) and, when
    `fix`, sets every cell that differs. Returns the number of differing cells per summary (empty when
    they all agree). Writes are held off meanwhile (on PostgreSQL). One audit entry with the numbers.
    Only the system actor runs it (`finsam rebuild-statistics`)."""
    if not is_system(actor):
        raise PermissionDenied
    differences = summaries.rebuild(fix=fix)
    audit.record(
        actor=actor,
        action=AuditAction.STATISTICS_REBUILD,
        details={"differences": differences, "fixed": fix and bool(differences)},
    )
    return differences


def _consent_forms_rotate() -> int:
    """Each scanned consent form re-encrypted with the first key (a form stored before forms were
    encrypted is encrypted now). Each file is replaced whole: written beside, then renamed over."""
    from django.core.files.storage import default_storage

    def read(name: str) -> bytes:
        with default_storage.open(name, "rb") as handle:
            return handle.read()

    names = list(Consent.objects.exclude(scanned_form="").values_list("scanned_form", flat=True))
    # First every form is read with the keys, so that a form they cannot read stops the rotation before
    # any file is written (IdentityKeyError).
    for name in names:
        content = read(name)
        if identity.is_encrypted_file(content):
            identity.decrypt_file(content)
    for name in names:
        content = read(name)
        rotated = (
            identity.rotate_file(content)
            if identity.is_encrypted_file(content)
            else identity.encrypt_file(content)
        )
        _replace_file(default_storage, name, rotated)
    return len(names)


def _replace_file(storage: Any, name: str, content: bytes) -> None:
    try:
        path = Path(storage.path(name))
    except NotImplementedError:  # a remote storage: no rename there
        storage.delete(name)
        storage.save(name, ContentFile(content))
        return
    temporary = path.with_name(path.name + ".new")
    temporary.write_bytes(content)
    temporary.replace(path)


@transaction.atomic
def identity_keys_rotate(*, actor: Actor) -> int:
    """Re-encrypts every stored identity with the first FINSAM_IDENTITY_KEY (after a new key was put
    first); the older keys can be dropped afterwards. Only the system actor runs it."""
    if not is_system(actor):
        raise PermissionDenied
    identity.record_keys()
    rotated = 0
    stored = Participant.objects.filter(identity_ciphertext__isnull=False).only("pk", "identity_ciphertext")
    batch: list[Participant] = []
    for participant in stored.iterator(chunk_size=CHUNK):
        assert participant.identity_ciphertext is not None
        participant.identity_ciphertext = identity.rotate(participant.identity_ciphertext)
        batch.append(participant)
        if len(batch) == CHUNK:
            Participant.objects.bulk_update(batch, ["identity_ciphertext"])
            rotated += len(batch)
            batch = []
    Participant.objects.bulk_update(batch, ["identity_ciphertext"])
    rotated += len(batch)
    forms = _consent_forms_rotate()
    audit.record(
        actor=actor,
        action=AuditAction.PARTICIPANT_IDENTITY_ROTATE,
        details={"count": rotated, "consent_forms": forms},
    )
    return rotated


# --- participations (R-FOLLOWUP) ----------------------------------------------------------------


def _start_violations(
    *,
    intervention: Intervention,
    previous: Sequence[rules.Span],
    start: date,
    employment_before: str,
    education_level: str,
    income_before: IncomeEntries,
    today: date,
    birth_date: date | None = None,
) -> list[Violation]:
    return rules.start_violations(
        start=start,
        today=today,
        intervention_kind=intervention.kind,
        intervention_start=intervention.start,
        intervention_end=intervention.end,
        previous=previous,
        employment_before=employment_before,
        education_level=education_level,
        income_before=income_before,
        birth_date=birth_date,
    )


def _birth_date(participant: Participant) -> date | None:
    """The birth date in the participant's identity, for the age rule (R-AGE); None when anonymous or the
    identity is removed. Decrypted for the check only: nothing is shown, so it is no read of identity."""
    if participant.identity_ciphertext is None:
        return None
    return rules.birth_date_of(identity.decrypt(participant.identity_ciphertext))


def _income_rows(participation: Participation, phase: str, entries: IncomeEntries) -> list[IncomeSourceEntry]:
    return [
        IncomeSourceEntry(participation=participation, phase=phase, source=source, extent=extent)
        for source, extent in entries
    ]


def _create_participation(
    *,
    actor: Actor,
    participant: Participant,
    start: date,
    employment_before: str,
    education_level: str,
    income_before: IncomeEntries,
) -> Participation:
    if (
        not Participation.objects.filter(participant=participant).exists()
        and participant.start_year != start.year
    ):
        # The start year of a participant is the year of the first start.
        participant.start_year = start.year
        participant.save(update_fields=["start_year"])
    participation = Participation.objects.create(
        association_id=participant.association_id,
        intervention_id=participant.intervention_id,
        participant=participant,
        start=start,
        employment_before=employment_before,
        education_level=education_level,
        started_by=_user_or_none(actor),
    )
    IncomeSourceEntry.objects.bulk_create(_income_rows(participation, Phase.BEFORE, income_before))
    audit.record(
        actor=actor,
        action=AuditAction.PARTICIPATION_START,
        target=participation,
        association_id=participant.association_id,
        details={"intervention": participant.intervention_id},
    )
    return participation


@transaction.atomic
def participation_start(
    *,
    actor: Actor,
    participant: Participant,
    start: date,
    employment_before: str,
    education_level: str,
    income_before: IncomeEntries,
    today: date | None = None,
) -> Participation:
    """A start (or a new start after an exit) with the before-variables of R-FOLLOWUP."""
    _require_coordinator(actor, participant.intervention)
    locked = Participant.objects.select_for_update().select_related("intervention").get(pk=participant.pk)
    previous = [rules.Span(p.start, p.exit) for p in Participation.objects.filter(participant=locked)]
    raise_if_any(
        _start_violations(
            intervention=locked.intervention,
            previous=previous,
            start=start,
            employment_before=employment_before,
            education_level=education_level,
            income_before=income_before,
            today=_today(today),
            birth_date=_birth_date(locked),
        )
    )
    with summaries.recounted(locked.pk):
        return _create_participation(
            actor=actor,
            participant=locked,
            start=start,
            employment_before=employment_before,
            education_level=education_level,
            income_before=income_before,
        )


def _questions(association_id: int, point: str) -> dict[int, str]:
    questions = FollowUpQuestion.objects.filter(
        association_id=association_id, active=True, asked_at__in=[point, "both"]
    )
    return dict(questions.values_list("pk", "answer_kind"))


def _store_answers(
    participation: Participation, point: str, answered_on: date, answers: Mapping[int, int]
) -> list[FollowUpAnswer]:
    """The answers to the förbund's questions at one measurement point (already checked)."""
    return FollowUpAnswer.objects.bulk_create(
        FollowUpAnswer(
            participation=participation,
            question_id=question_id,
            point=point,
            answered_on=answered_on,
            value=value,
        )
        for question_id, value in answers.items()
    )


@transaction.atomic
def participation_exit(
    *,
    actor: Actor,
    participation: Participation,
    exit: date,
    exit_reason: str,
    employment_after: str = "",
    income_after: IncomeEntries = (),
    answers: Mapping[int, int] | None = None,
    today: date | None = None,
) -> Participation:
    """The exit with the after-variables of R-FOLLOWUP and the answers to the förbund's questions asked
    at exit. Once only. The reason "registered by mistake" takes the record out of statistics."""
    _require_coordinator(actor, participation.intervention)
    locked = Participation.objects.select_for_update().get(pk=participation.pk)
    answers = dict(answers or {})
    violations = rules.exit_violations(
        start=locked.start,
        current_exit=locked.exit,
        exit=exit,
        today=_today(today),
        exit_reason=exit_reason,
        employment_after=employment_after,
        income_after=income_after,
    )
    violations += rules.answer_violations(answers, questions=_questions(locked.association_id, "exit"))
    raise_if_any(violations)
    with summaries.recounted(locked.participant_id):
        locked.exit = exit
        locked.exit_reason = exit_reason
        locked.employment_after = employment_after
        locked.exited_by = _user_or_none(actor)
        locked.save()
        IncomeSourceEntry.objects.bulk_create(_income_rows(locked, Phase.AFTER, income_after))
    _store_answers(locked, MeasurementPoint.EXIT, exit, answers)
    audit.record(
        actor=actor,
        action=AuditAction.PARTICIPATION_EXIT,
        target=locked,
        association_id=locked.association_id,
        details={
            "intervention": locked.intervention_id,
            "exit_reason": exit_reason,
            "in_statistics": exit_reason != ExitReason.REGISTERED_BY_MISTAKE,
        },
    )
    return locked


@transaction.atomic
def followup_answers_record(
    *,
    actor: Actor,
    participation: Participation,
    answered_on: date,
    answers: Mapping[int, int],
    today: date | None = None,
) -> list[FollowUpAnswer]:
    """Answers at a later measurement point, after the exit."""
    _require_coordinator(actor, participation.intervention)
    locked = Participation.objects.select_for_update().get(pk=participation.pk)
    violations: list[Violation] = []
    if locked.exit is None:
        raise RuleViolation("R-FOLLOWUP", _("En senare uppföljning görs efter avslutet."), "answered_on")
    if answered_on < locked.exit or answered_on > _today(today):
        violations.append(
            Violation(
                "R-FOLLOWUP",
                _("Uppföljningen ska ligga mellan avslutet (%(exit)s) och i dag.")
                % {"exit": format(locked.exit, "%Y-%m-%d")},
                "answered_on",
            )
        )
    if not answers:
        violations.append(Violation("R-FOLLOWUP", _("Besvara minst en fråga."), "answers"))
    violations += rules.answer_violations(answers, questions=_questions(locked.association_id, "later"))
    answered = FollowUpAnswer.objects.filter(
        participation=locked,
        point=MeasurementPoint.LATER,
        answered_on=answered_on,
        question_id__in=list(answers),
    )
    if answered.exists():
        violations.append(
            Violation("R-FOLLOWUP", _("Frågorna är redan besvarade för det datumet."), "answered_on")
        )
    raise_if_any(violations)
    created = _store_answers(locked, MeasurementPoint.LATER, answered_on, answers)
    audit.record(
        actor=actor,
        action=AuditAction.FOLLOWUP_ANSWER_CREATE,
        target=locked,
        association_id=locked.association_id,
        details={"questions": sorted(answers)},
    )
    return created


# --- corrections afterwards ---------------------------------------------------------------------
# A detail registered wrong is corrected with a reason; the audit entry names the fields changed and the
# reason (never the values), and the statistics' summaries follow in the same transaction: the correction
# runs inside `summaries.recounted`, which takes the participant's old cells away and adds the new ones.


@transaction.atomic
def participant_correct(
    *,
    actor: Actor,
    participant: Participant,
    reason: str,
    identity_number: str | None = None,
    sex: str | None = None,
    today: date | None = None,
) -> Participant:
    """Corrects a participant's registration: the personnummer or samordningsnummer of an identified
    participant (sex and birth year follow from it; R-IDENTITY, R-DUPLICATE, R-AGE against its starts), or
    the sex of an anonymous one. None leaves a detail as it is."""
    day = _today(today)
    _require_coordinator(actor, participant.intervention)
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    violations = rules.reason_violations(reason)
    values: dict[str, Any] = {}
    related: list[str] = []
    ciphertext: str | None = None
    if identity_number is not None and identity_number.strip():
        if locked.identity_ciphertext is None:
            violations.append(
                Violation(
                    "R-CONSENT",
                    _(
                        "Deltagaren har inget personnummer att rätta (anonym, eller "
                        "identiteten är borttagen)."
                    ),
                    "identity_number",
                )
            )
        else:
            try:
                parsed = rules.parse_identity_number(identity_number, today=day)
            except ValueError as exc:
                violations.append(Violation("R-IDENTITY", str(exc), "identity_number"))
            else:
                hashed = identity.keyed_hash(parsed.normalised)
                if hashed != locked.identity_hash:
                    taken = Participant.objects.filter(
                        intervention_id=locked.intervention_id, identity_hash=hashed
                    )
                    if taken.exclude(pk=locked.pk).exists():
                        violations.append(
                            Violation(
                                "R-DUPLICATE",
                                _("Personen är redan registrerad som deltagare i insatsen."),
                                "identity_number",
                            )
                        )
                    for p in Participation.objects.filter(participant=locked):
                        violations += rules.age_violations(
                            parsed.birth_date, p.start, field="identity_number"
                        )
                    values["identity_hash"] = hashed
                    values["sex"] = parsed.sex
                    values["birth_year"] = parsed.birth_date.year
                    ciphertext = identity.encrypt(parsed.normalised)
                    related.append("identity_number")
    if sex is not None and sex != locked.sex:
        if locked.registration == Registration.IDENTIFIED:
            violations.append(
                Violation(
                    "R-IDENTITY",
                    _("Könet för en deltagare med personnummer följer av numret; rätta numret i stället."),
                    "sex",
                )
            )
        elif sex not in rules.SEX_CODES:
            violations.append(Violation("R-REQUIRED", _("Ange kön."), "sex"))
        else:
            values["sex"] = sex
    raise_if_any(violations)
    if not values:
        raise RuleViolation("R-CORRECTION", _("Ingen uppgift är ändrad."), None)
    with summaries.recounted(locked.pk):
        if related:
            locked.identity_ciphertext = ciphertext
        model_update(
            actor=actor,
            instance=locked,
            values=values,
            action=AuditAction.PARTICIPANT_CORRECT,
            association_id=locked.association_id,
            related=[name for name in related if name not in values],
            details={"intervention": locked.intervention_id, "reason": reason.strip()},
        )
        if related:
            locked.save(update_fields=["identity_ciphertext"])
    return locked


@transaction.atomic
def participation_correct(
    *,
    actor: Actor,
    participation: Participation,
    reason: str,
    start: date,
    employment_before: str,
    education_level: str,
    income_before: IncomeEntries,
    exit: date | None = None,
    exit_reason: str = "",
    employment_after: str = "",
    income_after: IncomeEntries = (),
    today: date | None = None,
) -> Participation:
    """Corrects a participation's details: the start with the before-variables, and for an ended one the
    exit with its reason and the after-variables (R-FOLLOWUP, R-AGE, as when registered). Every detail is
    given, as the form shows it; those that differ are changed. A correction of the exit reason to or from
    "registered by mistake" takes the record out of, or back into, the statistics."""
    _require_coordinator(actor, participation.intervention)
    locked = (
        Participation.objects.select_for_update()
        .select_related("participant", "intervention")
        .get(pk=participation.pk)
    )
    participant = locked.participant
    others = [
        rules.Span(p.start, p.exit)
        for p in Participation.objects.filter(participant_id=participant.pk).exclude(pk=locked.pk)
    ]
    violations = rules.reason_violations(reason)
    violations += rules.correction_violations(
        start=start,
        exit=exit,
        was_exited=locked.exit is not None,
        today=_today(today),
        intervention_kind=locked.intervention.kind,
        intervention_start=locked.intervention.start,
        intervention_end=locked.intervention.end,
        others=others,
        employment_before=employment_before,
        education_level=education_level,
        income_before=income_before,
        exit_reason=exit_reason,
        employment_after=employment_after,
        income_after=income_after,
        birth_date=_birth_date(participant),
    )
    raise_if_any(violations)
    stored = list(locked.income_sources.all())
    old_before = sorted((e.source, e.extent) for e in stored if e.phase == Phase.BEFORE)
    old_after = sorted((e.source, e.extent) for e in stored if e.phase == Phase.AFTER)
    related = []
    if sorted(income_before) != old_before:
        related.append("income_before")
    if locked.exit is not None and sorted(income_after) != old_after:
        related.append("income_after")
    values: dict[str, Any] = {
        "start": start,
        "employment_before": employment_before,
        "education_level": education_level,
    }
    if locked.exit is not None:
        values |= {"exit": exit, "exit_reason": exit_reason, "employment_after": employment_after}
    if not related and all(getattr(locked, name) == value for name, value in values.items()):
        raise RuleViolation("R-CORRECTION", _("Ingen uppgift är ändrad."), None)
    with summaries.recounted(participant.pk):
        for phase, entries in ((Phase.BEFORE, income_before), (Phase.AFTER, income_after)):
            if f"income_{phase}" in related:
                IncomeSourceEntry.objects.filter(participation=locked, phase=phase).delete()
                IncomeSourceEntry.objects.bulk_create(_income_rows(locked, phase, entries))
        model_update(
            actor=actor,
            instance=locked,
            values=values,
            action=AuditAction.PARTICIPATION_CORRECT,
            association_id=locked.association_id,
            related=related,
            details={"intervention": locked.intervention_id, "reason": reason.strip()},
        )
        first = Participation.objects.filter(participant_id=participant.pk).order_by("start").first()
        if first is not None and participant.start_year != first.start.year:
            # The start year of a participant is the year of the first start.
            participant.start_year = first.start.year
            participant.save(update_fields=["start_year"])
    return locked


# --- the förbund's follow-up questions ----------------------------------------------------------


def _question_violations(
    *, association_id: int, text: str, answer_kind: str, asked_at: str, exclude_id: int | None
) -> list[Violation]:
    violations: list[Violation] = []
    if not text.strip():
        violations.append(Violation("R-REQUIRED", _("Skriv frågan."), "text"))
    elif (
        FollowUpQuestion.objects.filter(association_id=association_id, text=text.strip())
        .exclude(pk=exclude_id or 0)
        .exists()
    ):
        violations.append(Violation("R-UNIQUE", _("Förbundet har redan den frågan."), "text"))
    if answer_kind not in ("yes_no", "scale"):
        violations.append(Violation("R-INPUT", _("Välj svarstyp."), "answer_kind"))
    if asked_at not in ("exit", "later", "both"):
        violations.append(Violation("R-INPUT", _("Välj när frågan ställs."), "asked_at"))
    return violations


@transaction.atomic
def followup_question_create(
    *,
    actor: Actor,
    association: Association,
    text: str,
    answer_kind: str,
    asked_at: str = "exit",
    position: int = 0,
) -> FollowUpQuestion:
    require(actor, Capability.FOLLOWUP_QUESTIONS_EDIT, association.pk)
    raise_if_any(
        _question_violations(
            association_id=association.pk,
            text=text,
            answer_kind=answer_kind,
            asked_at=asked_at,
            exclude_id=None,
        )
    )
    question = FollowUpQuestion.objects.create(
        association=association,
        text=text.strip(),
        answer_kind=answer_kind,
        asked_at=asked_at,
        position=position,
    )
    audit.record(
        actor=actor,
        action=AuditAction.FOLLOWUP_QUESTION_CREATE,
        target=question,
        association_id=association.pk,
    )
    return question


@transaction.atomic
def followup_question_update(
    *,
    actor: Actor,
    question: FollowUpQuestion,
    text: str,
    answer_kind: str,
    asked_at: str,
    active: bool,
    position: int,
) -> FollowUpQuestion:
    """A question already answered keeps its answer kind (its answers would change meaning); retire it
    by clearing `active` and ask a new one instead."""
    require(actor, Capability.FOLLOWUP_QUESTIONS_EDIT, question.association_id)
    violations = _question_violations(
        association_id=question.association_id,
        text=text,
        answer_kind=answer_kind,
        asked_at=asked_at,
        exclude_id=question.pk,
    )
    if answer_kind != question.answer_kind and question.answers.exists():
        violations.append(
            Violation(
                "R-FOLLOWUP",
                _("Frågan är redan besvarad; svarstypen kan inte ändras. Avaktivera den och skapa en ny."),
                "answer_kind",
            )
        )
    raise_if_any(violations)
    model_update(
        actor=actor,
        instance=question,
        values={
            "text": text.strip(),
            "answer_kind": answer_kind,
            "asked_at": asked_at,
            "active": active,
            "position": position,
        },
        action=AuditAction.FOLLOWUP_QUESTION_UPDATE,
        association_id=question.association_id,
    )
    return question


# --- import of a participant file (docs/import.md) -----------------------------------------------


def _import_refusal(row: ImportRow, violations: list[Violation]) -> RuleViolation:
    return RuleViolation(
        violations=[
            Violation(v.code, _("Rad %(row)s: %(message)s") % {"row": row.row, "message": v.message}, v.field)
            for v in violations
        ]
    )


# The columns each import writes, in the order of the tuples `_write_batch` writes (core.bulk.insert_rows:
# plain rows, no model instances; every column without a database default is given).
_PARTICIPANT_COLUMNS = (
    "association_id",
    "intervention_id",
    "registration",
    "identity_ciphertext",
    "identity_hash",
    "sex",
    "birth_year",
    "start_year",
    "registered_on",
    "registered_by_id",
    "identity_removal",
)
_CONSENT_COLUMNS = (
    "participant_id",
    "given_on",
    "form_version",
    "recorded_by_id",
    "recorded_at",
    "scanned_form",
)
_PARTICIPATION_COLUMNS = (
    "association_id",
    "intervention_id",
    "participant_id",
    "start",
    "exit",
    "exit_reason",
    "employment_before",
    "employment_after",
    "education_level",
    "started_by_id",
    "exited_by_id",
)
_INCOME_COLUMNS = ("participation_id", "phase", "source", "extent")


@dataclass
class _Prepared:
    """One batch of an import, checked and turned into database values, not yet written: the participant
    rows; the consents, the participations (without their participant's id) and the income sources
    (without their participation's id), each naming the participant of the batch it belongs to by index.
    Plain tuples only, so that a batch can be staged in a file."""

    participants: list[tuple[Any, ...]]
    consents: list[tuple[int, date, str]]
    participations: list[tuple[Any, ...]]
    incomes: list[tuple[int, str, str, int]]


def _prepare_batch(
    *,
    actor: Actor,
    association: Association,
    batch: list[ImportRow],
    interventions: Mapping[int, InterventionFacts],
    seen: dict[bytes, int],
    counts: dict[str, int],
    today: date,
) -> _Prepared:
    """Checks one batch (the rules, the same person twice in the file), hashes and encrypts its
    identities, and counts it: the costly part of an import, which needs no lock of the database."""
    user = _user_or_none(actor)
    user_id = user.pk if user is not None else None
    association_id = association.pk
    prepared = _Prepared(participants=[], consents=[], participations=[], incomes=[])
    participants, consents = prepared.participants, prepared.consents
    keyed_hash, encrypt, row_violations = identity.keyed_hash, identity.encrypt, rules.row_violations
    before, after = Phase.BEFORE.value, Phase.AFTER.value
    for row in batch:
        facts = interventions.get(row.intervention_id)
        if facts is None:
            raise _import_refusal(
                row,
                [
                    Violation(
                        "R-COORDINATOR", _("Du är inte deltagaransvarig för den insatsen."), "intervention"
                    )
                ],
            )
        parsed, violations = row_violations(row, intervention=facts, today=today)
        if violations:
            raise _import_refusal(row, violations)
        index = len(participants)
        if parsed is not None:
            digest = keyed_hash(parsed.normalised)
            key = bytes.fromhex(digest) + row.intervention_id.to_bytes(8, "big")
            if key in seen:
                raise _import_refusal(
                    row,
                    [
                        Violation(
                            "R-DUPLICATE",
                            _("Personen finns redan på rad %(seen)s för samma insats.") % {"seen": seen[key]},
                            "identity_number",
                        )
                    ],
                )
            seen[key] = row.row
            assert row.consent_given_on is not None  # row_violations requires it with an identity
            consents.append((index, row.consent_given_on, row.consent_form_version.strip()))
            hashed: str | None = digest
            ciphertext: str | None = encrypt(parsed.normalised)
            birth_year: int | None = parsed.birth_date.year
            sex = parsed.sex
        else:
            hashed = ciphertext = birth_year = None
            sex = row.sex
        participants.append(
            (
                association_id,
                row.intervention_id,
                row.registration,
                ciphertext,
                hashed,
                sex,
                birth_year,
                row.start.year,
                today,
                user_id,
                "",
            )
        )
        prepared.participations.append(
            (
                association_id,
                row.intervention_id,
                row.start,
                row.exit,
                row.exit_reason if row.exit else "",
                row.employment_before,
                row.employment_after if row.exit else "",
                row.education_level,
                user_id,
                user_id if row.exit else None,
            )
        )
        prepared.incomes.extend((index, before, source, extent) for source, extent in row.income_before)
        if row.exit:
            prepared.incomes.extend((index, after, source, extent) for source, extent in row.income_after)
        counts[row.registration] = counts.get(row.registration, 0) + 1
    counts["participants"] += len(batch)
    counts["exited"] += sum(1 for row in batch if row.exit)
    return prepared


def _write_batch(prepared: _Prepared, *, user_id: int | None, now: datetime) -> Sequence[int]:
    """Writes one prepared batch; returns the ids of the participations written."""
    try:
        participant_ids = insert_rows(Participant, _PARTICIPANT_COLUMNS, prepared.participants, ids=True)
    except IntegrityError as exc:  # registered by someone else since the file was checked
        raise RuleViolation(
            "R-DUPLICATE",
            _(
                "En person i filen har registrerats som deltagare i insatsen "
                "under inläsningen. Ingenting har sparats; läs in filen igen."
            ),
            "identity_number",
        ) from exc
    if prepared.consents:
        identity.record_keys()
    insert_rows(
        Consent,
        _CONSENT_COLUMNS,
        [
            (participant_ids[index], given_on, version, user_id, now, "")
            for index, given_on, version in prepared.consents
        ],
    )
    participation_ids = insert_rows(
        Participation,
        _PARTICIPATION_COLUMNS,
        [
            (*values[:2], participant_id, *values[2:])
            for participant_id, values in zip(participant_ids, prepared.participations, strict=True)
        ],
        ids=True,
    )
    insert_rows(
        IncomeSourceEntry,
        _INCOME_COLUMNS,
        [(participation_ids[index], *entry) for index, *entry in prepared.incomes],
    )
    return participation_ids


# After an import this large, PostgreSQL's planner statistics of the follow-up tables are refreshed at once
# rather than when autovacuum gets to them: until then the statistics queries are planned as if the tables
# were a fraction of their size.
ANALYZE_AFTER = 10_000


def _analyze_followup_tables() -> None:
    tables = [model._meta.db_table for model in (Participant, Consent, Participation, IncomeSourceEntry)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


class _Stage:
    """The prepared batches of an import on SQLite, kept in an unnamed temporary file in the data directory
    (removed when closed, also when the process dies) rather than in memory, so that a large file costs
    disk, not memory. Only values of the platform's own making are kept: pickled and read back by this
    process."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(dir=settings.DATA_DIR, prefix="import-stage-")  # noqa: SIM115

    def add(self, prepared: _Prepared) -> None:
        pickle.dump(prepared, self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def batches(self) -> Iterator[_Prepared]:
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)  # noqa: S301 - written above by this process
            except EOFError:
                return

    def close(self) -> None:
        self.file.close()


def import_is_staged() -> bool:
    """Whether an import prepares all its rows before it writes (SQLite) or writes them as they come
    (PostgreSQL). SQLite has one writer at a time for the whole database: while a transaction writes,
    every other write waits, so an import must hold the write lock for its inserts only, not while it
    reads, checks and encrypts. PostgreSQL locks rows, not the database: the import streams its rows in
    one transaction and the pages beside it are not held up."""
    return connection.vendor == "sqlite"


def participants_import(
    *,
    actor: Actor,
    association: Association,
    rows: Iterable[ImportRow],
    today: date | None = None,
    batch_size: int = CHUNK,
    progress: Callable[[int], None] | None = None,
    before_store: Callable[[], None] | None = None,
    then: Callable[[dict[str, int]], None] | None = None,
) -> dict[str, int]:
    """Registers a participant with one participation per row, in batches (bulk inserts), all or
    nothing: every row is checked again by `rules.row_violations`, and the first refusal (or a
    person twice in the same intervention) rolls back everything. `rows` is consumed once, as a stream.
    The actor needs the participant_coordinator role in the förbund and an assignment to each row's
    intervention, as for a single registration. One audit entry with the counts, no personal data.

    When `rows` is exhausted, `before_store` (if given) is called before anything becomes visible: it
    raises to store nothing (the caller found an error in the file meanwhile). `then` is
    called with the counts inside the transaction that makes the rows visible (to record a run as done in
    the same transaction). Returns the counts: participants, identified, anonymous, protected, exited.

    On SQLite (`import_is_staged`) every row is checked, hashed and encrypted first, outside any
    transaction, into a stage on disk; then all are written in one short transaction (docs/import.md,
    "Beside the work of others"). On PostgreSQL they are written batch by batch in one transaction."""
    day = _today(today)
    now = timezone.now()
    require(actor, Capability.PARTICIPANT_EDIT, association.pk)
    user = _user_or_none(actor)
    user_id = user.pk if user is not None else None
    interventions = {
        i.pk: InterventionFacts(id=i.pk, kind=i.kind, start=i.start, end=i.end, coordinated=True)
        for i in intervention_selectors.coordinated_interventions(user=actor, association_id=association.pk)
    }
    counts = {"participants": 0, "identified": 0, "anonymous": 0, "protected": 0, "exited": 0}
    seen: dict[bytes, int] = {}
    used: set[int] = set()
    written = array("q")  # the ids of the participations written, for the statistics' summaries

    def prepared_batches() -> Iterator[_Prepared]:
        batch: list[ImportRow] = []
        for row in rows:
            batch.append(row)
            used.add(row.intervention_id)
            if len(batch) >= batch_size:
                yield _prepare_batch(
                    actor=actor,
                    association=association,
                    batch=batch,
                    interventions=interventions,
                    seen=seen,
                    counts=counts,
                    today=day,
                )
                batch = []
                if progress is not None:
                    progress(counts["participants"])
        if batch:
            yield _prepare_batch(
                actor=actor,
                association=association,
                batch=batch,
                interventions=interventions,
                seen=seen,
                counts=counts,
                today=day,
            )
            if progress is not None:
                progress(counts["participants"])

    def finish() -> dict[str, int]:
        if not counts["participants"]:
            raise RuleViolation("R-INPUT", _("Filen har inga rader med deltagare."), "file")
        # Every row is written at this point, inside the transaction: the statistics' summaries change with
        # the imported rows in the same transaction, in one call, before the audit entry; a refusal above
        # has rolled everything back before reaching it.
        summaries.add_imported_participations(written)
        if counts["participants"] >= ANALYZE_AFTER and connection.vendor == "postgresql":
            transaction.on_commit(_analyze_followup_tables)
        audit.record(
            actor=actor,
            action=AuditAction.PARTICIPANT_IMPORT,
            association_id=association.pk,
            details={**counts, "interventions": sorted(used)},
        )
        if then is not None:
            then(counts)
        return counts

    if not import_is_staged():
        with transaction.atomic():
            for prepared in prepared_batches():
                written.extend(_write_batch(prepared, user_id=user_id, now=now))
            if before_store is not None:
                before_store()
            return finish()

    stage = _Stage()
    try:
        for prepared in prepared_batches():
            stage.add(prepared)
        if before_store is not None:
            before_store()
        started = time.monotonic()
        with transaction.atomic():
            for prepared in stage.batches():
                written.extend(_write_batch(prepared, user_id=user_id, now=now))
            result = finish()
        logger.debug(
            "participant import: %d rows written in one transaction of %.2f s",
            counts["participants"],
            time.monotonic() - started,
        )
        return result
    finally:
        stage.close()


# --- a subject access request (GDPR art. 15) ----------------------------------------------------


def subject_report(*, actor: Actor, identity_number: str, today: date | None = None) -> dict[str, Any]:
    """Everything stored about one person, for a request under the GDPR's right of access
    (`finsam subject-report`; docs/security.md): the participants found by the keyed hash of the number in
    every förbund, with their consent, participations, income sources before and after, exit outcomes and
    answers to the förbund's questions, and the audit entries about them. Plain values (codes, ISO dates),
    ready for JSON.

    Only the system (the command line, run by the operator) may ask: no role sees every förbund's
    participants. It is a read of identity: one audit entry per participant found (or one saying none was),
    never the number. R-IDENTITY when the number is not valid. A person whose identity was removed
    (withdrawn consent, retention) cannot be found: what remains is anonymous."""
    if not is_system(actor):
        raise PermissionDenied
    try:
        parsed = rules.parse_identity_number(identity_number, today=_today(today))
    except ValueError as exc:
        raise RuleViolation("R-IDENTITY", str(exc), "identity_number") from exc
    keyed = identity.keyed_hash(parsed.normalised)
    participants = list(
        Participant.objects.filter(identity_hash=keyed)
        .select_related("association", "intervention", "consent")
        .prefetch_related("participations__income_sources", "participations__answers__question")
        .order_by("pk")
    )
    participation_ids = [p.pk for participant in participants for p in participant.participations.all()]
    consents = [p.consent for p in participants if hasattr(p, "consent")]
    answers = [
        a.pk
        for participant in participants
        for p in participant.participations.all()
        for a in p.answers.all()
    ]
    entries = core_selectors.audit_entries_about(
        user=actor,
        targets={
            Participant._meta.label_lower: [str(p.pk) for p in participants],
            Participation._meta.label_lower: [str(pk) for pk in participation_ids],
            Consent._meta.label_lower: [str(c.pk) for c in consents],
            FollowUpAnswer._meta.label_lower: [str(pk) for pk in answers],
        },
        listing_actions=[AuditAction.PARTICIPANT_IDENTITY_SEARCH],
        listing_key="participants",
        listed_ids=[p.pk for p in participants],
        association_ids={p.association_id for p in participants},
    )
    report = {
        "identity_number": f"{parsed.normalised[:8]}-{parsed.normalised[8:]}",
        "made_at": timezone.now().isoformat(timespec="seconds"),
        "participants": [_subject_participant(participant) for participant in participants],
        "audit": [
            {
                "at": entry.at.isoformat(timespec="seconds"),
                "actor": entry.actor_username,
                "action": entry.action,
                "object_type": entry.object_type,
                "object_id": entry.object_id,
                "association_id": entry.association_id,
            }
            for entry in entries
        ],
    }
    if participants:
        audit.record_many(
            actor=actor,
            action=AuditAction.PARTICIPANT_SUBJECT_REPORT,
            entries=[(p, p.association_id, {"participants": len(participants)}) for p in participants],
        )
    else:
        audit.record(actor=actor, action=AuditAction.PARTICIPANT_SUBJECT_REPORT, details={"participants": 0})
    return report


def _iso(day: date | datetime | None) -> str | None:
    return day.isoformat() if day is not None else None


def _subject_participant(participant: Participant) -> dict[str, Any]:
    consent = getattr(participant, "consent", None)
    return {
        "id": participant.pk,
        "association": {"id": participant.association_id, "name": participant.association.name},
        "intervention": {"id": participant.intervention_id, "name": participant.intervention.name},
        "registration": participant.registration,
        "sex": participant.sex,
        "birth_year": participant.birth_year,
        "start_year": participant.start_year,
        "registered_on": _iso(participant.registered_on),
        "consent": None
        if consent is None
        else {
            "given_on": _iso(consent.given_on),
            "form_version": consent.form_version,
            "scanned_form": bool(consent.scanned_form),
            "withdrawn_on": _iso(consent.withdrawn_on),
        },
        "participations": [
            {
                "id": participation.pk,
                "start": _iso(participation.start),
                "exit": _iso(participation.exit),
                "exit_reason": participation.exit_reason,
                "education_level": participation.education_level,
                "employment_before": participation.employment_before,
                "employment_after": participation.employment_after,
                "income_sources": [
                    {"phase": entry.phase, "source": entry.source, "extent": entry.extent}
                    for entry in sorted(participation.income_sources.all(), key=lambda e: (e.phase, e.pk))
                ],
                "answers": [
                    {
                        "question": answer.question.text,
                        "point": answer.point,
                        "answered_on": _iso(answer.answered_on),
                        "value": answer.value,
                    }
                    for answer in sorted(participation.answers.all(), key=lambda a: a.pk)
                ],
            }
            for participation in sorted(participant.participations.all(), key=lambda p: (p.start, p.pk))
        ],
    }
