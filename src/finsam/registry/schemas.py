"""Shared types of the registry app: the choices its models store, which other apps may use too
(docs/architecture.md: other apps import an app's schemas, never its models)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    FK = "fk", _("Försäkringskassan")
    AF = "af", _("Arbetsförmedlingen")
    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Kommun")


class SeatRole(models.TextChoices):
    MEMBER = "member", _("Ledamot")
    DEPUTY = "deputy", _("Ersättare")


class SplitKey(models.TextChoices):
    POPULATION = "population", _("Efter folkmängd")
    EQUAL = "equal", _("Lika delar")
    FIXED = "fixed", _("Fasta procentsatser")


# --- the registry import (docs/registry-import.md): the rows of a file, parsed and checked cell by cell,
# on their way to `services.registry_import`. Codes, not objects: the service looks them up.


@dataclass(frozen=True)
class MemberRecord:
    row: int
    kind: str  # a PartyKind value
    code: str  # länskod of a region, kommunkod of a municipality, "" for FK and AF
    joined: date
    left: date | None


@dataclass(frozen=True)
class SeatRecord:
    row: int
    first_name: str
    last_name: str
    email: str
    kind: str  # the appointing member: PartyKind value and code, as in MemberRecord
    code: str
    role: str  # a SeatRole value
    chair: bool
    vice_chair: bool
    start: date
    end: date


@dataclass
class AssociationRecord:
    row: int  # the first row of the förbund in the file
    org_number: str  # normalised NNNNNN-NNNN
    name: str
    seat_code: str
    founded: date
    members: list[MemberRecord] = field(default_factory=list)
    seats: list[SeatRecord] = field(default_factory=list)


@dataclass
class RegistryImportSummary:
    """What the import did, or would do (`dry_run`): förbund created and unchanged (by name), counts of
    members, board seats and people created, and the R-MEMBERS warnings (förbund name → missing kinds)."""

    dry_run: bool
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    members: int = 0
    seats: int = 0
    people: int = 0
    warnings: dict[str, list[str]] = field(default_factory=dict)
