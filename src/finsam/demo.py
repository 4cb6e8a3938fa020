"""The demo data of DESIGN §5: the three samordningsförbund of Västerbotten, their members, charters,
boards, directors and member representatives, and one login per role.

Everything is written through the apps' services with the system actor, so the audit log shows
"system" and every rule holds for the demo as it would for a user. Each step is idempotent: it looks
for what an earlier run created and only adds what is missing, so `finsam demo` can run again
(after an upgrade that adds a step, say) without duplicating or failing.

An app adds its demo data by appending a `Step` to `STEPS` (in the order of dependencies: the
registry first, then users, then budgets, interventions, participants …). A step receives the
`DemoContext`, which carries the system actor, the associations by key, the demo users by username
and a progress helper for long loops. The people are fictional, the organisation numbers valid
(Luhn) but not real.
"""

from __future__ import annotations

import os
import random
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from stdnum.se import orgnr
from tqdm import tqdm

from finsam.core import audit
from finsam.core import services as core_services
from finsam.core.access import SYSTEM
from finsam.core.roles import Role
from finsam.finance.demo import finance_step
from finsam.followup.demo import interventions_step, participants_step
from finsam.governance.demo import governance_step
from finsam.registry import services
from finsam.registry.models import (
    Association,
    BoardSeat,
    Member,
    Municipality,
    PartyKind,
    Person,
    Region,
    SeatRole,
    SplitKey,
)

PASSWORD_FILE_NAME = "demo_password"  # noqa: S105 - a file name, not a password
REGION_CODE = "24"  # Region Västerbotten
FOUNDED = date(2005, 1, 1)  # seed 002: "startade 2005 tre samordningsförbund i Västerbotten"
ENLARGED = date(2014, 1, 1)  # seed 002: new names "från och med januari 2014", more municipalities
# The mandate period of the municipal and regional assemblies, and the next one (appointed after the
# 2026 election), so that the demo board has no gap on any day up to 2030.
MANDATES = ((date(2023, 1, 1), date(2026, 12, 31)), (date(2027, 1, 1), date(2030, 12, 31)))
REPRESENTATIVES_FROM = date(2023, 1, 1)


# --- the context and the steps ------------------------------------------------------------------


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


@dataclass
class DemoContext:
    """What the steps share. `associations` is keyed "umea", "skelleftea", "sodra-lappland"."""

    password: str
    out: Writer
    show_progress: bool | None = None  # None: only on a terminal
    actor: Any = SYSTEM
    associations: dict[str, Association] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)

    def progress[T](self, items: Iterable[T], *, desc: str, total: int | None = None) -> Iterator[T]:
        disable = None if self.show_progress is None else not self.show_progress
        yield from tqdm(items, desc=desc, total=total, unit="st", leave=False, disable=disable)


@dataclass(frozen=True)
class Step:
    title: str
    run: Callable[[DemoContext], None]


# --- the associations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AssociationSpec:
    key: str
    name: str
    org_serial: str  # the three digits after 222000- (fictional), before the Luhn check digit
    founding_municipality: str
    later_municipalities: tuple[str, ...]
    director: tuple[str, str]
    chair: tuple[str, str]
    vice_chair: tuple[str, str]


ASSOCIATIONS = (
    AssociationSpec(
        key="umea",
        name="Samordningsförbundet Umeåregionen",
        org_serial="480",
        founding_municipality="2480",  # Umeå
        later_municipalities=("2460", "2404", "2409", "2401", "2403"),  # Vännäs … Bjurholm
        director=("Helena", "Burström"),
        chair=("Mikael", "Öhman"),
        vice_chair=("Ingrid", "Renström"),
    ),
    AssociationSpec(
        key="skelleftea",
        name="Samordningsförbundet Skellefteå–Norsjö",
        org_serial="482",
        founding_municipality="2482",  # Skellefteå
        later_municipalities=("2417",),  # Norsjö
        director=("Jonas", "Lejon"),
        chair=("Malin", "Degerman"),
        vice_chair=("Olof", "Grahn"),
    ),
    AssociationSpec(
        key="sodra-lappland",
        name="Samordningsförbundet Södra Lappland",
        org_serial="481",
        founding_municipality="2481",  # Lycksele
        later_municipalities=("2418", "2422", "2421", "2462", "2463", "2425"),  # Malå … Dorotea
        director=("Åsa", "Fjällström"),
        chair=("Nils", "Häggström"),
        vice_chair=("Linnea", "Sundqvist"),
    ),
)

FIRST_NAMES = (
    "Anna", "Eva", "Maria", "Karin", "Kristina", "Lena", "Sara", "Emma", "Elin", "Johanna",
    "Frida", "Camilla", "Ulrika", "Märta", "Sofia", "Lisa", "Hanna", "Annika", "Birgitta", "Cecilia",
    "Lars", "Anders", "Johan", "Per", "Erik", "Peter", "Mattias", "Fredrik", "Magnus", "Gustav",
    "Henrik", "Stefan", "Tomas", "Björn", "Göran", "Jan", "Daniel", "Kent", "Ola", "Viktor",
)  # fmt: skip
LAST_NAMES = (
    "Lundström", "Holmström", "Sandström", "Marklund", "Lindgren", "Öberg", "Forsberg", "Lindberg",
    "Granberg", "Nordin", "Wikström", "Åström", "Strömberg", "Bergström", "Hedlund", "Lundberg",
    "Johansson", "Eriksson", "Nilsson", "Persson", "Larsson", "Holmgren", "Sjöberg", "Nyström",
    "Boström", "Lidén", "Vikström", "Norberg", "Berglund", "Hägglund", "Söderlund", "Brännström",
    "Lindqvist", "Nordlund", "Stenlund", "Westerlund", "Abrahamsson", "Lönnqvist", "Rönnqvist", "Ekman",
)  # fmt: skip


def org_number(serial: str) -> str:
    """A valid (Luhn) but fictional organisation number 222000-NNNC."""
    body = f"222000{serial}"
    return orgnr.format(body + orgnr.luhn.calc_check_digit(body))


class _Names:
    """Fictional names, deterministic per association, never the same full name twice."""

    def __init__(self, seed: str, taken: set[tuple[str, str]]) -> None:
        self._rng = random.Random(seed)
        self._taken = taken

    def next(self) -> tuple[str, str]:
        while True:
            name = (self._rng.choice(FIRST_NAMES), self._rng.choice(LAST_NAMES))
            if name not in self._taken:
                self._taken.add(name)
                return name


def _email(first: str, last: str) -> str:
    plain = (first + "." + last).lower().translate(str.maketrans("åäöé", "aaoe"))
    return f"{plain}@example.org"


def _person(ctx: DemoContext, association: Association, name: tuple[str, str]) -> Person:
    existing = Person.objects.filter(association=association, first_name=name[0], last_name=name[1]).first()
    if existing is not None:
        return existing
    return services.person_create(
        actor=ctx.actor,
        association=association,
        first_name=name[0],
        last_name=name[1],
        email=_email(*name),
    )


def _association(ctx: DemoContext, spec: AssociationSpec) -> Association:
    association = Association.objects.filter(name=spec.name).first()
    if association is None:
        association = services.association_create(
            actor=ctx.actor,
            name=spec.name,
            org_number=org_number(spec.org_serial),
            seat=Municipality.objects.get(code=spec.founding_municipality),
            founded=FOUNDED,
        )
    return association


def _members(ctx: DemoContext, association: Association, spec: AssociationSpec) -> list[Member]:
    """FK, AF, Region Västerbotten and the founding municipality since 2005, the others since 2014."""
    region = Region.objects.get(code=REGION_CODE)
    wanted: list[tuple[str, Region | None, str | None, date]] = [
        (PartyKind.FK, None, None, FOUNDED),
        (PartyKind.AF, None, None, FOUNDED),
        (PartyKind.REGION, region, None, FOUNDED),
        (PartyKind.MUNICIPALITY, None, spec.founding_municipality, FOUNDED),
        *((PartyKind.MUNICIPALITY, None, code, ENLARGED) for code in spec.later_municipalities),
    ]
    existing = list(association.members.select_related("region", "municipality"))
    members = []
    for kind, party_region, code, joined in wanted:
        found = next(
            (
                m
                for m in existing
                if m.kind == kind
                and (party_region is None or m.region_id == party_region.pk)
                and (code is None or (m.municipality is not None and m.municipality.code == code))
            ),
            None,
        )
        if found is None:
            found = services.member_add(
                actor=ctx.actor,
                association=association,
                kind=kind,
                joined=joined,
                region=party_region,
                municipality=Municipality.objects.get(code=code) if code else None,
            )
        members.append(found)
    return members


def _charters(ctx: DemoContext, association: Association, spec: AssociationSpec) -> None:
    if association.charters.exists():
        return
    services.charter_create(
        actor=ctx.actor,
        association=association,
        adopted=date(2004, 11, 15),
        valid_from=FOUNDED,
        municipal_key=SplitKey.POPULATION,
        region_key=SplitKey.POPULATION,
        note="Förbundsordning vid bildandet.",
    )
    services.charter_create(
        actor=ctx.actor,
        association=association,
        adopted=date(2013, 10, 15),
        valid_from=ENLARGED,
        municipal_key=SplitKey.POPULATION,
        region_key=SplitKey.POPULATION,
        note="Nya medlemskommuner och nytt namn från 2014.",
    )


def _board(ctx: DemoContext, association: Association, spec: AssociationSpec, members: list[Member]) -> None:
    """A ledamot and an ersättare per member for each mandate period; the same people are reappointed.

    The chair sits for the founding municipality, the vice chair for the region.
    """
    taken = set(Person.objects.values_list("first_name", "last_name"))
    names = _Names(f"finsam-demo-board-{spec.key}", taken)
    holders: dict[tuple[int, str], Person] = {
        (seat.member_id, seat.role): seat.person
        for seat in BoardSeat.objects.filter(association=association, start=MANDATES[0][0]).select_related(
            "person"
        )
    }
    for start, end in MANDATES:
        if BoardSeat.objects.filter(association=association, start=start).exists():
            continue
        for member in members:
            for role in (SeatRole.MEMBER, SeatRole.DEPUTY):
                chair = (
                    role == SeatRole.MEMBER
                    and member.municipality is not None
                    and member.municipality.code == spec.founding_municipality
                )
                vice_chair = role == SeatRole.MEMBER and member.kind == PartyKind.REGION
                person = holders.get((member.pk, role))
                if person is None:
                    name = spec.chair if chair else spec.vice_chair if vice_chair else names.next()
                    person = _person(ctx, association, name)
                    holders[(member.pk, role)] = person
                services.board_seat_create(
                    actor=ctx.actor,
                    association=association,
                    person=person,
                    member=member,
                    role=role,
                    start=start,
                    end=end,
                    chair=chair,
                    vice_chair=vice_chair,
                )


def _director(ctx: DemoContext, association: Association, spec: AssociationSpec) -> None:
    if association.directors.exists():
        return
    person = _person(ctx, association, spec.director)
    services.director_create(actor=ctx.actor, association=association, person=person, start=date(2019, 9, 1))


def _representatives(
    ctx: DemoContext, association: Association, spec: AssociationSpec, members: list[Member]
) -> None:
    """One medlemsrepresentant per member, never a board member (R-SAMRAD point 1)."""
    taken = set(Person.objects.values_list("first_name", "last_name"))
    names = _Names(f"finsam-demo-representatives-{spec.key}", taken)
    for member in members:
        if member.representatives.exists():
            continue
        person = _person(ctx, association, names.next())
        services.representative_create(
            actor=ctx.actor, member=member, person=person, start=REPRESENTATIVES_FROM
        )


def registry_step(ctx: DemoContext) -> None:
    for spec in ctx.progress(ASSOCIATIONS, desc="Förbund"):
        with transaction.atomic():
            association = _association(ctx, spec)
            members = _members(ctx, association, spec)
            _charters(ctx, association, spec)
            _board(ctx, association, spec, members)
            _director(ctx, association, spec)
            _representatives(ctx, association, spec, members)
        ctx.associations[spec.key] = association


# --- users --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    association: str | None  # a key of ASSOCIATIONS; None for the national roles


USERS = (
    DemoUser("arbetsgrupp", "Karin", "Wallinder", Role.NATIONAL_ADMIN, None),
    DemoUser("nationella-radet", "Per", "Almqvist", Role.NATIONAL_VIEWER, None),
    DemoUser("umea-chef", "Helena", "Burström", Role.ASSOCIATION_ADMIN, "umea"),  # the director
    DemoUser("umea-deltagare", "Sara", "Nordenmark", Role.PARTICIPANT_COORDINATOR, "umea"),
    DemoUser("skelleftea-deltagare", "Daniel", "Lindmark", Role.PARTICIPANT_COORDINATOR, "skelleftea"),
    DemoUser("umea-styrelse", "Mikael", "Öhman", Role.BOARD_MEMBER, "umea"),  # the chair
    DemoUser("umea-revisor", "Cecilia", "Ekholm", Role.AUDITOR, "umea"),
)


def users_step(ctx: DemoContext) -> None:
    """One login per role of DESIGN §5. Re-running sets the password again (it may have changed)."""
    model = get_user_model()
    for spec in ctx.progress(USERS, desc="Användare"):
        association = ctx.associations[spec.association] if spec.association else None
        with transaction.atomic():
            user = model.objects.filter(username=spec.username).first()
            if user is None:
                user = model.objects.create_user(
                    username=spec.username,
                    password=ctx.password,
                    email=f"{spec.username}@example.org",
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                )
                audit.record(actor=ctx.actor, action="user.create", target=user)
            elif not user.check_password(ctx.password):
                user.set_password(ctx.password)
                user.save(update_fields=["password"])
                audit.record(actor=ctx.actor, action="user.password", target=user)
            core_services.role_grant(actor=ctx.actor, user=user, role=spec.role, association=association)
        ctx.users[spec.username] = user


STEPS: list[Step] = [
    Step("Förbund, medlemmar, förbundsordningar, styrelser", registry_step),
    Step("Användare och roller", users_step),
    Step("Insatser", interventions_step),
    Step("Folkmängd, budgetar, utfall och eget kapital", finance_step),
    Step("Möten, medlemssamråd, protokoll och årscykel", governance_step),
    Step("Deltagare", participants_step),
]


# --- running it ---------------------------------------------------------------------------------


def password_path() -> Path:
    return Path(settings.DATA_DIR) / PASSWORD_FILE_NAME


def demo_password() -> tuple[str, bool]:
    """(password, generated): FINSAM_DEMO_PASSWORD if set, else one generated on the first run and kept
    in the data directory (mode 0600) so that later runs print the same."""
    if settings.DEMO_PASSWORD:
        return settings.DEMO_PASSWORD, False
    path = password_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(12) + "\n")
    return path.read_text(encoding="utf-8").strip(), True


def build(
    *, out: Writer, password: str, show_progress: bool | None = None, steps: list[Step] | None = None
) -> DemoContext:
    ctx = DemoContext(password=password, out=out, show_progress=show_progress)
    todo = STEPS if steps is None else steps
    for number, step in enumerate(todo, start=1):
        out.write(f"[{number}/{len(todo)}] {step.title}\n")
        step.run(ctx)
    return ctx


def logins(ctx: DemoContext) -> list[tuple[str, str, str]]:
    """(username, role label, association name or "nationell") for the final listing."""
    names = {
        spec.key: ctx.associations[spec.key].name for spec in ASSOCIATIONS if spec.key in ctx.associations
    }
    return [
        (
            spec.username,
            str(spec.role.label),
            names.get(spec.association, "") if spec.association else "nationell",
        )
        for spec in USERS
    ]
