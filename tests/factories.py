"""Builders for test data: a complete, valid association, users with roles."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from django.contrib.auth import get_user_model
from stdnum.se import orgnr

from finsam.core.models import RoleAssignment
from finsam.registry.models import (
    Association,
    BoardSeat,
    Charter,
    Director,
    Member,
    MemberRepresentative,
    Municipality,
    PartyKind,
    Person,
    Region,
    SeatRole,
)

_serial = count(1)
PASSWORD = "test-lösenord-123"


def valid_org_number(seed: int) -> str:
    """A valid organisation number of the kind förbund have (222000-NNNC, Luhn check digit)."""
    body = f"222000{seed % 1000:03d}"
    digit = orgnr.luhn.calc_check_digit(body)
    return orgnr.format(body + digit)


def make_user(username: str | None = None, **roles: Any) -> Any:
    """make_user("anna", association_admin=assoc, national_admin=True)."""
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_serial)}", password=PASSWORD, email=f"{username or 'u'}@example.org"
    )
    for role, target in roles.items():
        RoleAssignment.objects.create(user=user, role=role, association=None if target is True else target)
    return user


def make_association(
    name: str | None = None,
    *,
    municipalities: tuple[str, ...] = ("2480",),
    region: str = "24",
    founded: date = date(2005, 1, 1),
    with_board: bool = True,
) -> Association:
    n = next(_serial)
    association = Association.objects.create(
        name=name or f"Samordningsförbundet Test {n}",
        org_number=valid_org_number(n),
        seat=Municipality.objects.get(code=municipalities[0]),
        founded=founded,
    )
    members = [
        Member.objects.create(association=association, kind=PartyKind.FK, joined=founded),
        Member.objects.create(association=association, kind=PartyKind.AF, joined=founded),
        Member.objects.create(
            association=association,
            kind=PartyKind.REGION,
            region=Region.objects.get(code=region),
            joined=founded,
        ),
    ]
    for code in municipalities:
        members.append(
            Member.objects.create(
                association=association,
                kind=PartyKind.MUNICIPALITY,
                municipality=Municipality.objects.get(code=code),
                joined=founded,
            )
        )
    Charter.objects.create(association=association, version=1, adopted=founded, valid_from=founded)
    if with_board:
        today = date.today()  # noqa: DTZ011
        start = date(today.year - 1, 1, 1)
        end = date(today.year + 2, 12, 31)
        for i, member in enumerate(members):
            for role in (SeatRole.MEMBER, SeatRole.DEPUTY):
                person = Person.objects.create(
                    first_name=f"Person{n}", last_name=f"{member.kind}{i}{role}", association=association
                )
                BoardSeat.objects.create(
                    association=association,
                    person=person,
                    member=member,
                    role=role,
                    start=start,
                    end=end,
                    chair=(i == 0 and role == SeatRole.MEMBER),
                )
        director = Person.objects.create(first_name="Chef", last_name=f"Förbund{n}", association=association)
        Director.objects.create(association=association, person=director, start=founded)
        rep = Person.objects.create(first_name="Rep", last_name=f"Medlem{n}", association=association)
        MemberRepresentative.objects.create(member=members[-1], person=rep, start=founded)
    return association
