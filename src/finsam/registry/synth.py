"""The registry part of `finsam synth`: 75 fictional samordningsförbund over the real municipalities and
regions, with members, a charter, a board per mandate period, a director (most of them) and a member
representative per member.

The shape follows the real picture (DESIGN §1): about 273 of the 290 municipalities take part; each
förbund lies within one county and has FK, AF, the county's region and 1–12 of its municipalities as
members. Every county has at least one förbund, the number of förbund in a county follows its number of
covered municipalities. The names are made from the seat municipality's name, the organisation numbers are
fictional (222001-NNNC) with a correct check digit, the people are fictional. Everything goes through the
registry's services as the system actor, so every rule holds (R-MEMBERS, R-BOARD) and the audit log shows
"system".
"""

from __future__ import annotations

import math
from datetime import date

from django.db import transaction
from stdnum.se import orgnr

from finsam.core.synth import ASSOCIATIONS, SynthAssociation, SynthContext, apportion
from finsam.registry import services
from finsam.registry.demo import FIRST_NAMES, LAST_NAMES
from finsam.registry.models import Member, Municipality, Person, Region
from finsam.registry.schemas import PartyKind, SeatRole, SplitKey

COVERED_MUNICIPALITIES = 273
MAX_MUNICIPALITIES = 12
MANDATE_YEARS = 4
FIRST_MANDATE = 2003  # the mandate periods of the elected assemblies: 2003–2006, 2007–2010, …


def org_number(index: int) -> str:
    """A valid (Luhn) but fictional organisation number 222001-NNNC; the demo uses 222000-NNNC."""
    body = f"222001{index:03d}"
    return orgnr.format(body + orgnr.luhn.calc_check_digit(body))


def _sizes(ctx: SynthContext, count: int, parts: int) -> list[int]:
    """`count` municipalities in `parts` förbund of 1–12 municipalities each, at random."""
    sizes = [1] * parts
    for _ in range(count - parts):
        open_parts = [i for i, size in enumerate(sizes) if size < MAX_MUNICIPALITIES]
        sizes[ctx.rng.choice(open_parts)] += 1
    return sizes


def _partition(ctx: SynthContext) -> list[tuple[Region, list[Municipality]]]:
    """The förbund as (region, municipalities): 273 covered municipalities in 75 groups within counties."""
    regions = list(Region.objects.order_by("code"))
    by_region: dict[int, list[Municipality]] = {r.pk: [] for r in regions}
    for municipality in Municipality.objects.order_by("code"):
        by_region[municipality.region_id].append(municipality)
    everyone = [m for r in regions for m in by_region[r.pk]]
    outside = set(ctx.rng.sample(range(len(everyone)), max(len(everyone) - COVERED_MUNICIPALITIES, 0)))
    outside_codes = {everyone[i].code for i in outside}
    covered = {r.pk: [m for m in by_region[r.pk] if m.code not in outside_codes] for r in regions}
    # Keep at least one municipality per county (so every region takes part).
    for region in regions:
        if not covered[region.pk]:
            covered[region.pk] = by_region[region.pk][:1]
    minimum = [max(1, math.ceil(len(covered[r.pk]) / MAX_MUNICIPALITIES)) for r in regions]
    extra = apportion(ASSOCIATIONS - sum(minimum), [len(covered[r.pk]) for r in regions])
    counts = [
        min(low + more, len(covered[r.pk])) for low, more, r in zip(minimum, extra, regions, strict=True)
    ]
    # Förbund a small county could not hold go to the counties with room, largest first.
    short = ASSOCIATIONS - sum(counts)
    for i in sorted(range(len(regions)), key=lambda i: -len(covered[regions[i].pk])):
        while short > 0 and counts[i] < len(covered[regions[i].pk]):
            counts[i] += 1
            short -= 1
    groups: list[tuple[Region, list[Municipality]]] = []
    for region, count in zip(regions, counts, strict=True):
        municipalities = covered[region.pk]
        position = 0
        for size in _sizes(ctx, len(municipalities), count):
            groups.append((region, municipalities[position : position + size]))
            position += size
    return groups


def _name(municipalities: list[Municipality]) -> str:
    if len(municipalities) == 1:
        return f"Samordningsförbundet {municipalities[0].short_name}"
    if len(municipalities) == 2:
        return f"Samordningsförbundet {municipalities[0].short_name}–{municipalities[1].short_name}"
    return f"Samordningsförbundet {municipalities[0].short_name} med grannkommuner"


class _People:
    """Fictional people of one förbund: a name not yet used in it, and a fictional e-mail address."""

    def __init__(self, ctx: SynthContext, association: object) -> None:
        self._ctx = ctx
        self._association = association
        self._taken: set[tuple[str, str]] = set()

    def new(self) -> Person:
        rng = self._ctx.rng
        while True:
            name = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            if name not in self._taken:
                self._taken.add(name)
                break
        plain = ".".join(name).lower().translate(str.maketrans("åäöé", "aaoe"))
        return services.person_create(
            actor=self._ctx.actor,
            association=self._association,  # type: ignore[arg-type]
            first_name=name[0],
            last_name=name[1],
            email=f"{plain}@example.org",
        )


def _mandates(founded: date, last_year: int) -> list[tuple[date, date]]:
    """The mandate periods from the founding to the one that holds the last year."""
    periods = []
    start_year = FIRST_MANDATE
    while start_year <= last_year:
        end = date(start_year + MANDATE_YEARS - 1, 12, 31)
        if end >= founded:
            periods.append((max(founded, date(start_year, 1, 1)), end))
        start_year += MANDATE_YEARS
    return periods


def _board(ctx: SynthContext, item: SynthAssociation, people: _People) -> None:
    """A ledamot and an ersättare per member for every mandate period (R-BOARD); about half of them are
    reappointed for the next period. The chair sits for a municipality, the vice chair for the region."""
    association = item.association
    holders: dict[tuple[int, str], Person] = {}
    for start, end in _mandates(association.founded, ctx.years[-1]):
        chair_member = ctx.rng.choice([m for m in item.members if m.kind == PartyKind.MUNICIPALITY])
        for member in item.members:
            for role in (SeatRole.MEMBER, SeatRole.DEPUTY):
                person = holders.get((member.pk, role))
                if person is None or ctx.rng.random() < 0.5:
                    person = people.new()
                    holders[(member.pk, role)] = person
                services.board_seat_create(
                    actor=ctx.actor,
                    association=association,
                    person=person,
                    member=member,
                    role=role,
                    start=start,
                    end=end,
                    chair=role == SeatRole.MEMBER and member.pk == chair_member.pk,
                    vice_chair=role == SeatRole.MEMBER and member.kind == PartyKind.REGION,
                )


def _association(
    ctx: SynthContext, index: int, region: Region, municipalities: list[Municipality]
) -> SynthAssociation:
    rng = ctx.rng
    # Founded a year or two before the first year of data, so that the first budget can be consulted
    # and adopted in the autumn before it.
    founded = date(ctx.years[0] - rng.choice((1, 2)), rng.randint(1, 6), 1)
    association = services.association_create(
        actor=ctx.actor,
        name=_name(municipalities),
        org_number=org_number(index),
        seat=municipalities[0],
        founded=founded,
    )
    item = SynthAssociation(association=association, municipality_codes=tuple(m.code for m in municipalities))
    parties: list[tuple[str, Region | None, Municipality | None]] = [
        (PartyKind.FK, None, None),
        (PartyKind.AF, None, None),
        (PartyKind.REGION, region, None),
        *((PartyKind.MUNICIPALITY, None, m) for m in municipalities),
    ]
    for kind, party_region, municipality in parties:
        member: Member = services.member_add(
            actor=ctx.actor,
            association=association,
            kind=kind,
            joined=founded,
            region=party_region,
            municipality=municipality,
        )
        item.members.append(member)
    equal = len(municipalities) > 1 and rng.random() < 0.2
    services.charter_create(
        actor=ctx.actor,
        association=association,
        adopted=date(founded.year - 1, 11, 15) if founded.month == 1 else date(founded.year, 1, 15),
        valid_from=founded,
        municipal_key=SplitKey.EQUAL if equal else SplitKey.POPULATION,
        region_key=SplitKey.POPULATION,
        note="Förbundsordning vid bildandet.",
    )
    people = _People(ctx, association)
    _board(ctx, item, people)
    if rng.random() < 0.85:
        services.director_create(
            actor=ctx.actor,
            association=association,
            person=people.new(),
            start=date(ctx.years[-1] - rng.randint(0, 8), rng.randint(1, 12), 1),
        )
    for member in item.members:
        services.representative_create(actor=ctx.actor, member=member, person=people.new(), start=founded)
    return item


def registry_step(ctx: SynthContext) -> None:
    groups = _partition(ctx)
    for index, (region, municipalities) in enumerate(ctx.progress(groups, desc="Förbund")):
        with transaction.atomic():
            ctx.associations.append(_association(ctx, index, region, municipalities))
