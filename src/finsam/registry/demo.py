"""The registry part of the demo (DESIGN §5): the three samordningsförbund of Västerbotten, their
members, charters, boards, directors and member representatives. The people are fictional, the
organisation numbers valid (Luhn) but not real."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from stdnum.se import orgnr

from finsam.core.demo import DemoContext
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

REGION_CODE = "24"  # Region Västerbotten
FOUNDED = date(2005, 1, 1)  # seed 002: "startade 2005 tre samordningsförbund i Västerbotten"
ENLARGED = date(2014, 1, 1)  # seed 002: new names "från och med januari 2014", more municipalities
# The mandate period of the municipal and regional assemblies, and the next one (appointed after the
# 2026 election), so that the demo board has no gap on any day up to 2030.
MANDATES = ((date(2023, 1, 1), date(2026, 12, 31)), (date(2027, 1, 1), date(2030, 12, 31)))
REPRESENTATIVES_FROM = date(2023, 1, 1)


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
