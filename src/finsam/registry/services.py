"""Every write to the registry. Keyword-only, atomic, authorised against the actor's scope, audited.

A broken rule raises RuleViolation before anything is written; the transaction makes sure a later
failure leaves nothing half-written either.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from finsam.core import audit
from finsam.core.access import Actor, require, scope_for
from finsam.core.bulk import insert_many
from finsam.core.errors import RuleViolation, Violation, check_version, raise_if_any
from finsam.core.roles import Capability
from finsam.core.tabular import RowError
from finsam.core.updates import model_update
from finsam.registry import rules
from finsam.registry.audit_actions import AuditAction
from finsam.registry.models import (
    Association,
    BoardSeat,
    Charter,
    CharterShare,
    Director,
    Member,
    MemberRepresentative,
    Municipality,
    PartyKind,
    Person,
    Region,
    SeatRole,
    SplitKey,
)
from finsam.registry.schemas import AssociationRecord, RegistryImportSummary, SeatRecord


def _require_edit(actor: Actor, association_id: int | None) -> None:
    require(actor, Capability.REGISTRY_EDIT, association_id)


def _require_national_edit(actor: Actor) -> None:
    if not scope_for(actor, Capability.REGISTRY_EDIT).all:
        raise PermissionDenied


def _excluding[M: Model](queryset: QuerySet[M], pk: int | None) -> QuerySet[M]:
    return queryset if pk is None else queryset.exclude(pk=pk)


# --- associations -------------------------------------------------------------------------------


def _association_violations(
    *, name: str, org_number: str, founded: date, dissolved: date | None, exclude_id: int | None
) -> tuple[str, list[Violation]]:
    violations: list[Violation] = []
    normalised = org_number
    if not name.strip():
        violations.append(Violation("R-REQUIRED", _("Ange förbundets namn."), "name"))
    try:
        normalised = rules.normalise_org_number(org_number)
    except ValueError as exc:
        violations.append(Violation("R-ORGNR", str(exc), "org_number"))
    else:
        clash = _excluding(Association.objects.filter(org_number=normalised), exclude_id).exists()
        if clash:
            violations.append(
                Violation("R-ORGNR", _("Ett annat förbund har redan det organisationsnumret."), "org_number")
            )
    if _excluding(Association.objects.filter(name=name.strip()), exclude_id).exists():
        violations.append(Violation("R-UNIQUE", _("Ett förbund med det namnet finns redan."), "name"))
    violations += rules.check_period(founded, dissolved, field="dissolved")
    return normalised, violations


@transaction.atomic
def association_create(
    *, actor: Actor, name: str, org_number: str, seat: Municipality, founded: date
) -> Association:
    _require_national_edit(actor)
    normalised, violations = _association_violations(
        name=name, org_number=org_number, founded=founded, dissolved=None, exclude_id=None
    )
    raise_if_any(violations)
    association = Association.objects.create(
        name=name.strip(), org_number=normalised, seat=seat, founded=founded
    )
    audit.record(
        actor=actor, action=AuditAction.ASSOCIATION_CREATE, target=association, association_id=association.pk
    )
    return association


@transaction.atomic
def association_update(
    *,
    actor: Actor,
    association: Association,
    version: int,
    name: str,
    org_number: str,
    seat: Municipality,
    founded: date,
    dissolved: date | None,
) -> Association:
    """Optimistic locking: `version` is the one the editor saw; a newer one means someone else saved."""
    _require_edit(actor, association.pk)
    locked = Association.objects.select_for_update().get(pk=association.pk)
    check_version(locked.version, version, _("förbundet"))
    normalised, violations = _association_violations(
        name=name, org_number=org_number, founded=founded, dissolved=dissolved, exclude_id=locked.pk
    )
    raise_if_any(violations)
    model_update(
        actor=actor,
        instance=locked,
        values={
            "name": name.strip(),
            "org_number": normalised,
            "seat": seat,
            "founded": founded,
            "dissolved": dissolved,
        },
        action=AuditAction.ASSOCIATION_UPDATE,
        association_id=locked.pk,
    )
    return locked


# --- members ------------------------------------------------------------------------------------


def _member_violations(
    *,
    association: Association,
    kind: str,
    region: Region | None,
    municipality: Municipality | None,
    joined: date,
    left: date | None,
    exclude_id: int | None,
    others: Sequence[Member] | None = None,
) -> list[Violation]:
    """`others`: the association's other members when the caller holds them (an import that has not
    written them yet); else they are read from the database."""
    if kind not in PartyKind.values:
        return [
            Violation(
                "R-PARTY",
                _("Parten måste vara Försäkringskassan, Arbetsförmedlingen, en region eller en kommun."),
                "kind",
            )
        ]
    violations = rules.check_period(joined, left, field="left")
    if kind == PartyKind.REGION and region is None:
        violations.append(Violation("R-PARTY", _("Välj vilken region som är medlem."), "region"))
    if kind == PartyKind.MUNICIPALITY and municipality is None:
        violations.append(Violation("R-PARTY", _("Välj vilken kommun som är medlem."), "municipality"))
    if joined < association.founded:
        violations.append(
            Violation("R-DATES", _("Inträdet kan inte ligga före förbundets bildande."), "joined")
        )
    if violations:
        return violations
    same: Iterable[Member]
    if others is not None:
        same = [
            m
            for m in others
            if m.kind == kind
            and (kind != PartyKind.REGION or m.region_id == (region.pk if region else None))
            and (
                kind != PartyKind.MUNICIPALITY
                or m.municipality_id == (municipality.pk if municipality else None)
            )
        ]
    else:
        query = _excluding(Member.objects.filter(association=association, kind=kind), exclude_id)
        if kind == PartyKind.REGION:
            query = query.filter(region=region)
        elif kind == PartyKind.MUNICIPALITY:
            query = query.filter(municipality=municipality)
        same = query
    candidate = rules.Period(joined, left)
    if rules.first_overlap(candidate, [rules.Period(m.joined, m.left) for m in same]):
        if kind in (PartyKind.FK, PartyKind.AF):
            message = _("%(party)s är redan medlem i förbundet under den perioden.") % {
                "party": PartyKind(kind).label
            }
        else:
            message = _("Parten är redan medlem i förbundet under den perioden.")
        violations.append(Violation("R-MEMBERS", message, "kind"))
    return violations


@transaction.atomic
def member_add(
    *,
    actor: Actor,
    association: Association,
    kind: str,
    joined: date,
    left: date | None = None,
    region: Region | None = None,
    municipality: Municipality | None = None,
) -> Member:
    _require_edit(actor, association.pk)
    raise_if_any(
        _member_violations(
            association=association,
            kind=kind,
            region=region,
            municipality=municipality,
            joined=joined,
            left=left,
            exclude_id=None,
        )
    )
    member = Member.objects.create(
        association=association,
        kind=kind,
        region=region if kind == PartyKind.REGION else None,
        municipality=municipality if kind == PartyKind.MUNICIPALITY else None,
        joined=joined,
        left=left,
    )
    audit.record(
        actor=actor,
        action=AuditAction.MEMBER_CREATE,
        target=member,
        association_id=association.pk,
        details={"kind": kind},
    )
    return member


@transaction.atomic
def member_update(*, actor: Actor, member: Member, joined: date, left: date | None) -> Member:
    _require_edit(actor, member.association_id)
    raise_if_any(
        _member_violations(
            association=member.association,
            kind=member.kind,
            region=member.region,
            municipality=member.municipality,
            joined=joined,
            left=left,
            exclude_id=member.pk,
        )
    )
    model_update(
        actor=actor,
        instance=member,
        values={"joined": joined, "left": left},
        action=AuditAction.MEMBER_UPDATE,
        association_id=member.association_id,
    )
    return member


# --- charters -----------------------------------------------------------------------------------


@transaction.atomic
def charter_create(
    *,
    actor: Actor,
    association: Association,
    adopted: date,
    valid_from: date,
    municipal_key: str,
    region_key: str,
    shares: dict[int, Decimal] | None = None,
    note: str = "",
) -> Charter:
    """A new version of the charter. Fixed keys need percentages that sum to 100 within each group."""
    _require_edit(actor, association.pk)
    violations: list[Violation] = []
    for field, key in (("municipal_key", municipal_key), ("region_key", region_key)):
        if key not in SplitKey.values:
            violations.append(Violation("R-SHARES", _("Okänd fördelningsnyckel."), field))
    previous = association.charters.order_by("-version").first()
    if previous is not None and valid_from <= previous.valid_from:
        violations.append(
            Violation(
                "R-DATES",
                (
                    _("En ny version måste gälla efter version %(version)s (%(valid_from)s).")
                    % {"version": previous.version, "valid_from": format(previous.valid_from, "%Y-%m-%d")}
                ),
                "valid_from",
            )
        )
    members = {m.pk: m for m in association.members.all()}
    shares = shares or {}
    for member_id, percent in shares.items():
        if member_id not in members:
            violations.append(
                Violation("R-SHARES", _("Andelen gäller en part som inte är medlem."), "shares")
            )
        elif percent < 0 or percent > 100:
            violations.append(Violation("R-SHARES", _("En andel ska ligga mellan 0 och 100 %."), "shares"))
    for field, key, kind in (
        ("municipal_key", municipal_key, PartyKind.MUNICIPALITY),
        ("region_key", region_key, PartyKind.REGION),
    ):
        group = {pk for pk, m in members.items() if m.kind == kind and m.active_on(valid_from)}
        if key == SplitKey.FIXED:
            total = sum((shares.get(pk, Decimal(0)) for pk in group), Decimal(0))
            if total != Decimal(100):
                violations.append(
                    Violation(
                        "R-SHARES",
                        _("De fasta andelarna ska summera till 100 %% (nu %(total)s %%).") % {"total": total},
                        field,
                    )
                )
    raise_if_any(violations)
    charter = Charter.objects.create(
        association=association,
        version=(previous.version + 1) if previous else 1,
        adopted=adopted,
        valid_from=valid_from,
        municipal_key=municipal_key,
        region_key=region_key,
        note=note,
    )
    CharterShare.objects.bulk_create(
        CharterShare(charter=charter, member_id=pk, percent=percent) for pk, percent in shares.items()
    )
    audit.record(
        actor=actor,
        action=AuditAction.CHARTER_CREATE,
        target=charter,
        association_id=association.pk,
        details={"version": charter.version},
    )
    return charter


# --- people -------------------------------------------------------------------------------------


def _person_violations(first_name: str, last_name: str) -> list[Violation]:
    violations = []
    if not first_name.strip():
        violations.append(Violation("R-REQUIRED", _("Ange förnamn."), "first_name"))
    if not last_name.strip():
        violations.append(Violation("R-REQUIRED", _("Ange efternamn."), "last_name"))
    return violations


@transaction.atomic
def person_create(
    *,
    actor: Actor,
    association: Association | None,
    first_name: str,
    last_name: str,
    email: str = "",
    phone: str = "",
) -> Person:
    if association is None:
        _require_national_edit(actor)
    else:
        _require_edit(actor, association.pk)
    raise_if_any(_person_violations(first_name, last_name))
    person = Person.objects.create(
        association=association,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.PERSON_CREATE,
        target=person,
        association_id=association.pk if association else None,
    )
    return person


@transaction.atomic
def person_update(
    *, actor: Actor, person: Person, first_name: str, last_name: str, email: str, phone: str
) -> Person:
    if person.association_id is None:
        _require_national_edit(actor)
    else:
        _require_edit(actor, person.association_id)
    raise_if_any(_person_violations(first_name, last_name))
    model_update(
        actor=actor,
        instance=person,
        values={
            "first_name": first_name.strip(),
            "last_name": last_name.strip(),
            "email": email.strip(),
            "phone": phone.strip(),
        },
        action=AuditAction.PERSON_UPDATE,
        association_id=person.association_id,
    )
    return person


# --- board seats --------------------------------------------------------------------------------


def _seat_violations(
    *,
    association: Association,
    person: Person,
    member: Member,
    role: str,
    chair: bool,
    vice_chair: bool,
    start: date,
    end: date,
    exclude_id: int | None,
    others: Sequence[BoardSeat] | None = None,
) -> list[Violation]:
    """`others`: the association's other seats when the caller holds them (an import that has not written
    them yet); else they are read from the database."""
    violations = rules.mandate_violations(start, end)
    if role not in SeatRole.values:
        violations.append(Violation("R-BOARD", _("Uppdraget måste vara ledamot eller ersättare."), "role"))
    if member.association_id != association.pk:
        violations.append(
            Violation("R-BOARD", _("Den utseende parten är inte medlem i förbundet."), "member")
        )
    elif not (member.joined <= start and (member.left is None or end <= member.left)):
        violations.append(
            Violation(
                "R-BOARD", _("Mandatperioden måste ligga inom den utseende partens medlemskap."), "start"
            )
        )
    if (chair or vice_chair) and role != SeatRole.MEMBER:
        violations.append(
            Violation("R-BOARD", _("Ordförande och vice ordförande måste vara ledamöter."), "role")
        )
    if chair and vice_chair:
        violations.append(
            Violation(
                "R-BOARD", _("Samma person kan inte vara både ordförande och vice ordförande."), "vice_chair"
            )
        )
    if violations:
        return violations
    candidate = rules.Period(start, end)
    seats: Iterable[BoardSeat]
    if others is not None:
        seats = [s for s in others if s.start <= end and s.end >= start]
    else:
        seats = _excluding(
            BoardSeat.objects.filter(association=association, start__lte=end, end__gte=start), exclude_id
        )
    if rules.first_overlap(
        candidate, [rules.Period(s.start, s.end) for s in seats if s.person_id == person.pk]
    ):
        violations.append(
            Violation(
                "R-BOARD", _("Personen har redan en styrelseplats i förbundet under den perioden."), "person"
            )
        )
    if chair and any(s.chair for s in seats):
        violations.append(
            Violation("R-BOARD", _("Förbundet har redan en ordförande under den perioden."), "chair")
        )
    if vice_chair and any(s.vice_chair for s in seats):
        violations.append(
            Violation(
                "R-BOARD", _("Förbundet har redan en vice ordförande under den perioden."), "vice_chair"
            )
        )
    return violations


@transaction.atomic
def board_seat_create(
    *,
    actor: Actor,
    association: Association,
    person: Person,
    member: Member,
    role: str,
    start: date,
    end: date,
    chair: bool = False,
    vice_chair: bool = False,
) -> BoardSeat:
    _require_edit(actor, association.pk)
    raise_if_any(
        _seat_violations(
            association=association,
            person=person,
            member=member,
            role=role,
            chair=chair,
            vice_chair=vice_chair,
            start=start,
            end=end,
            exclude_id=None,
        )
    )
    with _seat_race():
        seat = BoardSeat.objects.create(
            association=association,
            person=person,
            member=member,
            role=role,
            chair=chair,
            vice_chair=vice_chair,
            start=start,
            end=end,
        )
    audit.record(
        actor=actor, action=AuditAction.BOARD_SEAT_CREATE, target=seat, association_id=association.pk
    )
    return seat


@transaction.atomic
def board_seat_update(
    *,
    actor: Actor,
    seat: BoardSeat,
    person: Person,
    member: Member,
    role: str,
    start: date,
    end: date,
    chair: bool,
    vice_chair: bool,
) -> BoardSeat:
    _require_edit(actor, seat.association_id)
    raise_if_any(
        _seat_violations(
            association=seat.association,
            person=person,
            member=member,
            role=role,
            chair=chair,
            vice_chair=vice_chair,
            start=start,
            end=end,
            exclude_id=seat.pk,
        )
    )
    with _seat_race():
        model_update(
            actor=actor,
            instance=seat,
            values={
                "person": person,
                "member": member,
                "role": role,
                "start": start,
                "end": end,
                "chair": chair,
                "vice_chair": vice_chair,
            },
            action=AuditAction.BOARD_SEAT_UPDATE,
            association_id=seat.association_id,
        )
    return seat


@contextmanager
def _seat_race() -> Iterator[None]:
    """The database's exclusion constraints (PostgreSQL) refuse an overlapping seat that another request
    saved after the check above: said as the rule, not as a server error."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise RuleViolation(
            "R-BOARD",
            _(
                "En annan styrelseplats under samma period sparades samtidigt "
                "(samma person, ordförande eller vice ordförande). Ladda om "
                "sidan och försök igen."
            ),
            "start",
        ) from exc


# --- directors and member representatives -------------------------------------------------------


def _post_violations(
    existing: list[rules.Period], start: date, end: date | None, message: str
) -> list[Violation]:
    violations = rules.check_period(start, end)
    if not violations and rules.first_overlap(rules.Period(start, end), existing):
        violations.append(Violation("R-OVERLAP", message, "start"))
    return violations


@transaction.atomic
def director_create(
    *, actor: Actor, association: Association, person: Person, start: date, end: date | None = None
) -> Director:
    _require_edit(actor, association.pk)
    existing = [rules.Period(d.start, d.end) for d in association.directors.all()]
    raise_if_any(
        _post_violations(existing, start, end, _("Förbundet har redan en förbundschef under den perioden."))
    )
    director = Director.objects.create(association=association, person=person, start=start, end=end)
    audit.record(
        actor=actor, action=AuditAction.DIRECTOR_CREATE, target=director, association_id=association.pk
    )
    return director


@transaction.atomic
def director_update(*, actor: Actor, director: Director, start: date, end: date | None) -> Director:
    _require_edit(actor, director.association_id)
    existing = [rules.Period(d.start, d.end) for d in director.association.directors.exclude(pk=director.pk)]
    raise_if_any(
        _post_violations(existing, start, end, _("Förbundet har redan en förbundschef under den perioden."))
    )
    model_update(
        actor=actor,
        instance=director,
        values={"start": start, "end": end},
        action=AuditAction.DIRECTOR_UPDATE,
        association_id=director.association_id,
    )
    return director


@transaction.atomic
def representative_create(
    *, actor: Actor, member: Member, person: Person, start: date, end: date | None = None
) -> MemberRepresentative:
    _require_edit(actor, member.association_id)
    existing = [rules.Period(r.start, r.end) for r in member.representatives.filter(person=person)]
    raise_if_any(
        _post_violations(
            existing, start, end, _("Personen är redan medlemsrepresentant för parten under perioden.")
        )
    )
    representative = MemberRepresentative.objects.create(member=member, person=person, start=start, end=end)
    audit.record(
        actor=actor,
        action=AuditAction.REPRESENTATIVE_CREATE,
        target=representative,
        association_id=member.association_id,
    )
    return representative


@transaction.atomic
def representative_update(
    *, actor: Actor, representative: MemberRepresentative, start: date, end: date | None
) -> MemberRepresentative:
    _require_edit(actor, representative.member.association_id)
    existing = [
        rules.Period(r.start, r.end)
        for r in representative.member.representatives.filter(person=representative.person_id).exclude(
            pk=representative.pk
        )
    ]
    raise_if_any(
        _post_violations(
            existing, start, end, _("Personen är redan medlemsrepresentant för parten under perioden.")
        )
    )
    model_update(
        actor=actor,
        instance=representative,
        values={"start": start, "end": end},
        action=AuditAction.REPRESENTATIVE_UPDATE,
        association_id=representative.member.association_id,
    )
    return representative


# --- the registry import (docs/registry-import.md) ---------------------------------------------------

MEMBERS = "members"  # the two tables of an import file, as `RowError.sheet` names them here
BOARD = "board"

_ASSOCIATION_FIELDS = {"name": "name", "org_number": "org_number", "seat": "seat", "founded": "founded"}
_MEMBER_FIELDS = {
    "kind": "kind",
    "region": "code",
    "municipality": "code",
    "joined": "joined",
    "left": "left",
}
_SEAT_FIELDS = {
    "person": "last_name",
    "first_name": "first_name",
    "last_name": "last_name",
    "member": "code",
    "role": "role",
    "chair": "function",
    "vice_chair": "function",
    "start": "start",
    "end": "end",
}


class RegistryImportRefused(RuleViolation):
    """The import wrote nothing: `errors` name the table, row and field (a record's field name) of each
    refused row, with the Swedish message."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(
            violations=[
                Violation(
                    "R-IMPORT", _("Rad %(row)s: %(message)s") % {"row": e.row, "message": e.message}, e.column
                )
                for e in errors
            ]
        )


def _row_errors(exc: RuleViolation, *, sheet: str, row: int, fields: dict[str, str]) -> list[RowError]:
    return [RowError(row, fields.get(v.field or "", v.field or ""), v.message, sheet) for v in exc.violations]


def _party_key(member: Member) -> tuple[str, str]:
    return member.kind, member.code if member.kind in (PartyKind.REGION, PartyKind.MUNICIPALITY) else ""


def _existing_differences(record: AssociationRecord, association: Association) -> list[RowError]:
    """An association already registered is never changed by an import: the file must say what the
    registry says (then it is left as it is), or the rows that differ are refused."""
    then = _("Inläsningen ändrar aldrig ett befintligt förbund: ändra det på förbundets sida eller i filen.")
    errors: list[RowError] = []
    differences = {
        "name": _("Förbundet finns redan i registret med ett annat namn."),
        "seat": _("Förbundet finns redan i registret med ett annat säte."),
        "founded": _("Förbundet finns redan i registret med ett annat datum för bildandet."),
    }
    for field_name, differs in (
        ("name", association.name != record.name),
        ("seat", association.seat.code != record.seat_code),
        ("founded", association.founded != record.founded),
    ):
        if differs:
            errors.append(RowError(record.row, field_name, f"{differences[field_name]} {then}", MEMBERS))
    registered = {(*_party_key(m), m.joined, m.left) for m in association.members.all()}
    in_file = set()
    for member in record.members:
        key = (member.kind, member.code, member.joined, member.left)
        in_file.add(key)
        if key not in registered:
            errors.append(
                RowError(
                    member.row,
                    "kind",
                    _("Förbundet finns redan i registret, men utan den här medlemmen med de här datumen.")
                    + f" {then}",
                    MEMBERS,
                )
            )
    if registered - in_file:
        errors.append(
            RowError(
                record.row,
                "kind",
                _("Förbundet finns redan i registret med %(count)s medlemskap som saknas i filen.")
                % {"count": len(registered - in_file)}
                + f" {then}",
                MEMBERS,
            )
        )
    seats = {
        (
            s.person.first_name,
            s.person.last_name,
            *_party_key(s.member),
            s.role,
            s.chair,
            s.vice_chair,
            s.start,
            s.end,
        )
        for s in association.board_seats.select_related("person", "member__region", "member__municipality")
    }
    for seat in record.seats:
        seat_key = (
            seat.first_name,
            seat.last_name,
            seat.kind,
            seat.code,
            seat.role,
            seat.chair,
            seat.vice_chair,
            seat.start,
            seat.end,
        )
        if seat_key not in seats:
            errors.append(
                RowError(
                    seat.row,
                    "last_name",
                    _("Förbundet finns redan i registret, men utan den här styrelseplatsen.") + f" {then}",
                    BOARD,
                )
            )
    return errors


def _appointing(members: dict[tuple[str, str], list[Member]], seat: SeatRecord) -> Member | None:
    """The member that appoints a seat: the membership of that party which holds the seat's start."""
    candidates = members.get((seat.kind, seat.code), [])
    for member in candidates:
        if member.active_on(seat.start):
            return member
    return candidates[0] if candidates else None


@dataclass
class _Batch:
    """The new rows of an import, checked with the same functions as `member_add`, `person_create` and
    `board_seat_create` (against the rows of the batch instead of the database: their associations are
    new), then inserted and audited together."""

    actor: Actor
    errors: list[RowError] = dataclasses.field(default_factory=list)
    members: list[Member] = dataclasses.field(default_factory=list)
    people: list[Person] = dataclasses.field(default_factory=list)
    seats: list[tuple[SeatRecord, BoardSeat]] = dataclasses.field(default_factory=list)
    seat_people: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    def add_members(
        self,
        *,
        association: Association,
        record: AssociationRecord,
        regions: dict[str, Region],
        municipalities: dict[str, Municipality],
    ) -> dict[tuple[str, str], list[Member]]:
        by_party: dict[tuple[str, str], list[Member]] = {}
        mine: list[Member] = []
        for item in record.members:
            region = regions.get(item.code) if item.kind == PartyKind.REGION else None
            municipality = municipalities.get(item.code) if item.kind == PartyKind.MUNICIPALITY else None
            violations = _member_violations(
                association=association,
                kind=item.kind,
                region=region,
                municipality=municipality,
                joined=item.joined,
                left=item.left,
                exclude_id=None,
                others=mine,
            )
            if violations:
                exc = RuleViolation(violations=violations)
                self.errors += _row_errors(exc, sheet=MEMBERS, row=item.row, fields=_MEMBER_FIELDS)
                continue
            member = Member(
                association=association,
                kind=item.kind,
                region=region,
                municipality=municipality,
                joined=item.joined,
                left=item.left,
            )
            mine.append(member)
            by_party.setdefault((item.kind, item.code), []).append(member)
        self.members += mine
        return by_party

    def add_seats(
        self,
        *,
        association: Association,
        record: AssociationRecord,
        members: dict[tuple[str, str], list[Member]],
    ) -> None:
        people: dict[tuple[str, str], Person] = {}
        for seat in record.seats:
            key = (seat.first_name, seat.last_name)
            if key in people:
                continue
            violations = _person_violations(seat.first_name, seat.last_name)
            if violations:
                exc = RuleViolation(violations=violations)
                self.errors += _row_errors(exc, sheet=BOARD, row=seat.row, fields=_SEAT_FIELDS)
                continue
            people[key] = Person(
                association=association,
                first_name=seat.first_name.strip(),
                last_name=seat.last_name.strip(),
                email=seat.email.strip(),
            )
        self.people += people.values()
        for seat in record.seats:
            member = _appointing(members, seat)
            person = people.get((seat.first_name, seat.last_name))
            if member is None or person is None:
                continue  # their own rows are refused above (the file's checks make sure they are there)
            self.seats.append(
                (
                    seat,
                    BoardSeat(
                        association=association,
                        person=person,
                        member=member,
                        role=seat.role,
                        chair=seat.chair,
                        vice_chair=seat.vice_chair,
                        start=seat.start,
                        end=seat.end,
                    ),
                )
            )

    def write(self) -> None:
        """Inserts the members and people, checks the seats (which need their keys), inserts them; each
        row audited as its service audits it. The caller rolls back when `errors` is not empty."""
        insert_many(Member, self.members)
        audit.record_many(
            actor=self.actor,
            action=AuditAction.MEMBER_CREATE,
            entries=[(m, m.association_id, {"kind": m.kind}) for m in self.members],
        )
        insert_many(Person, self.people)
        audit.record_many(
            actor=self.actor,
            action=AuditAction.PERSON_CREATE,
            entries=[(p, p.association_id, None) for p in self.people],
        )
        accepted: dict[int, list[BoardSeat]] = {}
        for record, seat in self.seats:
            # Assigned again now that they have keys: sets the ids and keeps the objects (setting an id
            # alone would drop them, and each would be read back from the database).
            seat.person, seat.member = seat.person, seat.member
            others = accepted.setdefault(seat.association_id, [])
            violations = _seat_violations(
                association=seat.association,
                person=seat.person,
                member=seat.member,
                role=seat.role,
                chair=seat.chair,
                vice_chair=seat.vice_chair,
                start=seat.start,
                end=seat.end,
                exclude_id=None,
                others=others,
            )
            if violations:
                exc = RuleViolation(violations=violations)
                self.errors += _row_errors(exc, sheet=BOARD, row=record.row, fields=_SEAT_FIELDS)
                continue
            others.append(seat)
        seats = [seat for group in accepted.values() for seat in group]
        insert_many(BoardSeat, seats)
        audit.record_many(
            actor=self.actor,
            action=AuditAction.BOARD_SEAT_CREATE,
            entries=[(s, s.association_id, None) for s in seats],
        )


@transaction.atomic
def registry_import(
    *,
    actor: Actor,
    associations: Sequence[AssociationRecord],
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> RegistryImportSummary:
    """The registry of förbund from a file (docs/registry-import.md), all or nothing: each new association
    with its members, people and board seats is written through the services above, as `actor`; an
    association already registered (same organisation number) is left as it is when the file agrees with
    the registry, and refused when it does not. Any refused row rolls everything back and raises
    RegistryImportRefused with every row's reason; `dry_run` checks the same way and writes nothing.
    R-MEMBERS is reported, not refused, as when a förbund is registered by hand: an association without
    all four kinds of party is registered and shown as not valid until its members are added."""
    if not scope_for(actor, Capability.ASSOCIATION_CREATE).all:
        raise PermissionDenied
    summary = RegistryImportSummary(dry_run=dry_run)
    regions = {r.code: r for r in Region.objects.all()}
    municipalities = {m.code: m for m in Municipality.objects.select_related("region")}
    existing = {
        a.org_number: a
        for a in Association.objects.filter(org_number__in=[r.org_number for r in associations])
        .select_related("seat")
        .prefetch_related("members__region", "members__municipality")
    }
    day = timezone.localdate()
    errors: list[RowError] = []
    batch = _Batch(actor=actor)
    for done, record in enumerate(associations, start=1):
        association = existing.get(record.org_number)
        if association is not None:
            differences = _existing_differences(record, association)
            errors += differences
            if not differences:
                summary.unchanged.append(association.name)
        else:
            try:
                created = association_create(
                    actor=actor,
                    name=record.name,
                    org_number=record.org_number,
                    seat=municipalities[record.seat_code],
                    founded=record.founded,
                )
            except RuleViolation as exc:
                errors += _row_errors(exc, sheet=MEMBERS, row=record.row, fields=_ASSOCIATION_FIELDS)
            else:
                members = batch.add_members(
                    association=created, record=record, regions=regions, municipalities=municipalities
                )
                batch.add_seats(association=created, record=record, members=members)
                summary.created.append(record.name)
                current = [m.kind for m in record.members if rules.Period(m.joined, m.left).contains(day)]
                missing = rules.missing_member_kinds(current)
                if missing:
                    summary.warnings[record.name] = [rules.KIND_LABELS[kind] for kind in missing]
        if progress is not None:
            progress(done)
    if not errors and not batch.errors:
        batch.write()
        summary.members, summary.people = len(batch.members), len(batch.people)
        summary.seats = len(batch.seats)
    errors += batch.errors
    if errors:
        order = {MEMBERS: 0, BOARD: 1}
        errors.sort(key=lambda e: (order.get(e.sheet, 2), e.row))
        raise RegistryImportRefused(errors)
    if summary.created:
        audit.record(
            actor=actor,
            action=AuditAction.REGISTRY_IMPORT,
            details={
                "associations": len(summary.created),
                "members": summary.members,
                "seats": summary.seats,
                "dry_run": dry_run,
            },
        )
    if dry_run:
        transaction.set_rollback(True)
    return summary
