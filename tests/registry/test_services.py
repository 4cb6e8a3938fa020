"""The registry services: their rules, their audit entries, and who may call them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from stdnum.se import orgnr

from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.registry import selectors, services
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
)

pytestmark = pytest.mark.django_db

FUTURE = date(2040, 1, 1)


def org_number(serial: int) -> str:
    """A valid organisation number that the factories never hand out (they use 222000-…)."""
    body = f"222999{serial:03d}"
    return orgnr.format(body + orgnr.luhn.calc_check_digit(body))


def with_wrong_check_digit(value: str) -> str:
    return value[:-1] + str((int(value[-1]) + 1) % 10)


def admin_of(world: Any) -> Any:
    return world.users[Role.ASSOCIATION_ADMIN]


def national(world: Any) -> Any:
    return world.users[Role.NATIONAL_ADMIN]


def member(association: Association, kind: str) -> Member:
    return association.members.filter(kind=kind).first()  # type: ignore[return-value]


def new_person(association: Association, last_name: str = "Nilsson") -> Person:
    return Person.objects.create(first_name="Nils", last_name=last_name, association=association)


def violation(exc: pytest.ExceptionInfo[RuleViolation]) -> tuple[str, str | None]:
    return exc.value.code, exc.value.violations[0].field


# --- every service: one audit entry with actor and association ----------------------------------


def shorten_seat(world: Any, actor: Any) -> BoardSeat:
    seat = world.own.board_seats.filter(chair=False).first()
    return services.board_seat_update(
        actor=actor,
        seat=seat,
        person=seat.person,
        member=seat.member,
        role=seat.role,
        start=seat.start,
        end=seat.end.replace(month=6, day=30),
        chair=False,
        vice_chair=False,
    )


# Each case: (expected action, a valid call by the actor on the own association).
SERVICE_CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "association.update": lambda w, actor: services.association_update(
        actor=actor,
        association=w.own,
        version=w.own.version,
        name="Samordningsförbundet Umeå med omnejd",
        org_number=w.own.org_number,
        seat=w.own.seat,
        founded=w.own.founded,
        dissolved=None,
    ),
    "member.create": lambda w, actor: services.member_add(
        actor=actor,
        association=w.own,
        kind=PartyKind.MUNICIPALITY,
        municipality=Municipality.objects.get(code="2463"),
        joined=date(2020, 1, 1),
    ),
    "member.update": lambda w, actor: services.member_update(
        actor=actor, member=member(w.own, PartyKind.AF), joined=w.own.founded, left=date(2045, 12, 31)
    ),
    "charter.create": lambda w, actor: services.charter_create(
        actor=actor,
        association=w.own,
        adopted=date(2039, 11, 1),
        valid_from=FUTURE,
        municipal_key="equal",
        region_key="population",
    ),
    "person.create": lambda w, actor: services.person_create(
        actor=actor, association=w.own, first_name="Lisa", last_name="Lund"
    ),
    "person.update": lambda w, actor: services.person_update(
        actor=actor,
        person=w.own.people.first(),
        first_name="Ändrad",
        last_name="Person",
        email="andrad@example.org",
        phone="",
    ),
    "board_seat.create": lambda w, actor: services.board_seat_create(
        actor=actor,
        association=w.own,
        person=new_person(w.own),
        member=member(w.own, PartyKind.FK),
        role=SeatRole.DEPUTY,
        start=FUTURE,
        end=date(2043, 12, 31),
    ),
    "board_seat.update": lambda w, actor: shorten_seat(w, actor),
    "director.create": lambda w, actor: services.director_create(
        actor=actor,
        association=w.own,
        person=new_person(w.own),
        start=date(2004, 1, 1),
        end=date(2004, 12, 31),
    ),
    "director.update": lambda w, actor: services.director_update(
        actor=actor, director=w.own.directors.first(), start=date(2005, 1, 1), end=date(2039, 12, 31)
    ),
    "representative.create": lambda w, actor: services.representative_create(
        actor=actor, member=member(w.own, PartyKind.FK), person=new_person(w.own), start=date(2024, 1, 1)
    ),
    "representative.update": lambda w, actor: services.representative_update(
        actor=actor,
        representative=MemberRepresentative.objects.filter(member__association=w.own).first(),
        start=date(2005, 1, 1),
        end=date(2030, 12, 31),
    ),
}


@pytest.mark.parametrize("action", sorted(SERVICE_CALLS))
@pytest.mark.parametrize("role", [Role.NATIONAL_ADMIN, Role.ASSOCIATION_ADMIN])
def test_each_service_writes_one_audit_entry_naming_the_actor_and_association(
    world: Any, action: str, role: Role
) -> None:
    actor = world.users[role]
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    result = SERVICE_CALLS[action](world, actor)

    [entry] = AuditEntry.objects.filter(id__gt=last)
    assert entry.action == action
    assert entry.actor_id == actor.pk and entry.actor_username == actor.username
    assert entry.association_id == world.own.pk
    assert entry.object_id == str(result.pk)


@pytest.mark.parametrize("action", sorted(SERVICE_CALLS))
@pytest.mark.parametrize("who", ["other association_admin", "own board_member", "own national_viewer"])
def test_each_service_refuses_users_without_edit_rights_in_the_association(
    world: Any, action: str, who: str
) -> None:
    actor = {
        "other association_admin": world.outsiders[Role.ASSOCIATION_ADMIN],
        "own board_member": world.users[Role.BOARD_MEMBER],
        "own national_viewer": world.users[Role.NATIONAL_VIEWER],
    }[who]
    before = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied):
        SERVICE_CALLS[action](world, actor)

    assert AuditEntry.objects.count() == before


# --- associations -------------------------------------------------------------------------------


def test_only_the_national_working_group_registers_an_association(world: Any) -> None:
    seat = Municipality.objects.get(code="2460")
    with pytest.raises(PermissionDenied):
        services.association_create(
            actor=admin_of(world), name="Nytt", org_number=org_number(1), seat=seat, founded=FUTURE
        )

    association = services.association_create(
        actor=national(world),
        name="  Samordningsförbundet Vännäs  ",
        org_number=org_number(1).replace("-", ""),
        seat=seat,
        founded=date(2024, 1, 1),
    )

    assert association.name == "Samordningsförbundet Vännäs"
    assert association.org_number == org_number(1)  # stored as NNNNNN-NNNN
    entry = AuditEntry.objects.get(action="association.create")
    assert entry.association_id == association.pk and entry.actor_id == national(world).pk


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (with_wrong_check_digit(org_number(2)), "ogiltigt"),
        ("inget nummer", "ogiltigt"),
        ("22299900", "ogiltigt"),
    ],
)
def test_an_invalid_organisation_number_is_refused(world: Any, value: str, message: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        services.association_create(
            actor=national(world),
            name="Samordningsförbundet Fel",
            org_number=value,
            seat=Municipality.objects.get(code="2460"),
            founded=FUTURE,
        )
    assert violation(exc) == ("R-ORGNR", "org_number")
    assert message in exc.value.message
    assert not Association.objects.filter(name="Samordningsförbundet Fel").exists()
    assert not AuditEntry.objects.exists()


def test_a_taken_organisation_number_or_name_is_refused(world: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        services.association_create(
            actor=national(world),
            name=world.other.name,
            org_number=world.own.org_number,
            seat=Municipality.objects.get(code="2460"),
            founded=FUTURE,
        )
    assert {(v.code, v.field) for v in exc.value.violations} == {
        ("R-ORGNR", "org_number"),
        ("R-UNIQUE", "name"),
    }


def test_a_save_from_a_stale_form_is_refused_and_the_newer_save_kept(world: Any) -> None:
    opened_version = world.own.version
    services.association_update(
        actor=national(world),
        association=world.own,
        version=opened_version,
        name="Namn från den första",
        org_number=world.own.org_number,
        seat=world.own.seat,
        founded=world.own.founded,
        dissolved=None,
    )
    entries = AuditEntry.objects.count()

    with pytest.raises(RuleViolation) as exc:
        services.association_update(
            actor=admin_of(world),
            association=world.own,
            version=opened_version,
            name="Namn från den andra",
            org_number=world.own.org_number,
            seat=world.own.seat,
            founded=world.own.founded,
            dissolved=None,
        )

    assert exc.value.code == "R-CONFLICT"
    saved = Association.objects.get(pk=world.own.pk)
    assert saved.name == "Namn från den första" and saved.version == opened_version + 1
    assert AuditEntry.objects.count() == entries


def test_a_save_without_changes_keeps_the_version_and_writes_no_entry(world: Any) -> None:
    a = world.own
    services.association_update(
        actor=admin_of(world),
        association=a,
        version=a.version,
        name=a.name,
        org_number=a.org_number,
        seat=a.seat,
        founded=a.founded,
        dissolved=None,
    )
    assert Association.objects.get(pk=a.pk).version == a.version
    assert not AuditEntry.objects.exists()


# --- members ------------------------------------------------------------------------------------


def test_a_second_active_fk_member_is_refused_but_a_later_one_after_leaving_is_not(world: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        services.member_add(actor=admin_of(world), association=world.own, kind="fk", joined=date(2020, 1, 1))
    assert violation(exc) == ("R-MEMBERS", "kind")
    assert "Försäkringskassan är redan medlem" in exc.value.message

    fk = member(world.own, PartyKind.FK)
    services.member_update(actor=admin_of(world), member=fk, joined=fk.joined, left=date(2030, 6, 30))
    later = services.member_add(
        actor=admin_of(world), association=world.own, kind="fk", joined=date(2030, 7, 1)
    )
    assert later.kind == PartyKind.FK
    assert world.own.members.filter(kind=PartyKind.FK).count() == 2


@pytest.mark.parametrize("kind", ["kyrka", "", "FK"])
def test_a_party_kind_outside_the_four_is_refused(world: Any, kind: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        services.member_add(actor=admin_of(world), association=world.own, kind=kind, joined=date(2020, 1, 1))
    assert violation(exc) == ("R-PARTY", "kind")


def test_a_region_or_municipality_member_must_say_which(world: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        services.member_add(
            actor=admin_of(world), association=world.own, kind="municipality", joined=date(2020, 1, 1)
        )
    assert violation(exc) == ("R-PARTY", "municipality")
    with pytest.raises(RuleViolation) as exc:
        services.member_add(
            actor=admin_of(world), association=world.own, kind="region", joined=date(2020, 1, 1)
        )
    assert violation(exc) == ("R-PARTY", "region")


def test_a_municipality_already_a_member_is_refused_and_a_region_choice_is_ignored_for_fk(world: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        services.member_add(
            actor=admin_of(world),
            association=world.own,
            kind="municipality",
            municipality=Municipality.objects.get(code="2480"),
            joined=date(2020, 1, 1),
        )
    assert exc.value.code == "R-MEMBERS"

    fk = member(world.own, PartyKind.FK)
    services.member_update(actor=admin_of(world), member=fk, joined=fk.joined, left=date(2030, 6, 30))
    added = services.member_add(
        actor=admin_of(world),
        association=world.own,
        kind="fk",
        region=Region.objects.get(code="24"),
        joined=date(2030, 7, 1),
    )
    assert added.region_id is None


def test_leaving_before_joining_or_joining_before_the_association_is_refused(world: Any) -> None:
    af = member(world.own, PartyKind.AF)
    with pytest.raises(RuleViolation) as exc:
        services.member_update(
            actor=admin_of(world), member=af, joined=date(2010, 1, 1), left=date(2009, 1, 1)
        )
    assert violation(exc) == ("R-DATES", "left")
    with pytest.raises(RuleViolation) as exc:
        services.member_update(actor=admin_of(world), member=af, joined=date(2000, 1, 1), left=None)
    assert violation(exc) == ("R-DATES", "joined")
    assert Member.objects.get(pk=af.pk).joined == world.own.founded


# --- charters -----------------------------------------------------------------------------------


def test_fixed_municipal_shares_must_sum_to_100(world: Any) -> None:
    umea, vannas = (
        member(world.own, PartyKind.MUNICIPALITY),
        world.own.members.filter(kind="municipality")[1],
    )
    with pytest.raises(RuleViolation) as exc:
        services.charter_create(
            actor=admin_of(world),
            association=world.own,
            adopted=date(2039, 11, 1),
            valid_from=FUTURE,
            municipal_key="fixed",
            region_key="population",
            shares={umea.pk: Decimal("60"), vannas.pk: Decimal("30")},
        )
    assert violation(exc) == ("R-SHARES", "municipal_key")
    assert "90" in exc.value.message

    charter = services.charter_create(
        actor=admin_of(world),
        association=world.own,
        adopted=date(2039, 11, 1),
        valid_from=FUTURE,
        municipal_key="fixed",
        region_key="population",
        shares={umea.pk: Decimal("62.5"), vannas.pk: Decimal("37.5")},
    )
    assert charter.version == 2
    assert dict(CharterShare.objects.filter(charter=charter).values_list("member_id", "percent")) == {
        umea.pk: Decimal("62.5"),
        vannas.pk: Decimal("37.5"),
    }


def test_a_new_charter_version_must_be_valid_after_the_previous_one(world: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        services.charter_create(
            actor=admin_of(world),
            association=world.own,
            adopted=date(2004, 12, 1),
            valid_from=world.own.founded,
            municipal_key="population",
            region_key="population",
        )
    assert violation(exc) == ("R-DATES", "valid_from")
    assert Charter.objects.filter(association=world.own).count() == 1


def test_shares_for_a_member_of_another_association_are_refused(world: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        services.charter_create(
            actor=national(world),
            association=world.own,
            adopted=date(2039, 11, 1),
            valid_from=FUTURE,
            municipal_key="population",
            region_key="population",
            shares={member(world.other, PartyKind.MUNICIPALITY).pk: Decimal(100)},
        )
    assert violation(exc) == ("R-SHARES", "shares")


# --- board seats --------------------------------------------------------------------------------


def seat_args(world: Any, **overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "actor": admin_of(world),
        "association": world.own,
        "person": new_person(world.own),
        "member": member(world.own, PartyKind.AF),
        "role": SeatRole.DEPUTY,
        "start": FUTURE,
        "end": date(2043, 12, 31),
    }
    return args | overrides


def test_one_person_cannot_hold_overlapping_seats_in_an_association(world: Any) -> None:
    sitting = world.own.board_seats.first()
    with pytest.raises(RuleViolation) as exc:
        services.board_seat_create(
            **seat_args(
                world,
                person=sitting.person,
                start=sitting.end,
                end=sitting.end.replace(year=sitting.end.year + 1),
            )
        )
    assert violation(exc) == ("R-BOARD", "person")
    assert "redan en styrelseplats" in exc.value.message

    # The day after the seat ends is free.
    after = date.fromordinal(sitting.end.toordinal() + 1)
    seat = services.board_seat_create(
        **seat_args(world, person=sitting.person, start=after, end=after.replace(year=after.year + 2))
    )
    assert seat.pk


def test_a_mandate_longer_than_four_years_or_ending_before_it_starts_is_refused(world: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        services.board_seat_create(**seat_args(world, end=date(2044, 1, 1)))
    assert violation(exc) == ("R-BOARD", "end")
    with pytest.raises(RuleViolation) as exc:
        services.board_seat_create(**seat_args(world, end=date(2039, 12, 31)))
    assert violation(exc) == ("R-DATES", "end")
    assert not BoardSeat.objects.filter(start=FUTURE).exists()


def test_chairs_are_ledamöter_and_there_is_one_chair_at_a_time(world: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        services.board_seat_create(**seat_args(world, role=SeatRole.DEPUTY, chair=True))
    assert violation(exc) == ("R-BOARD", "role")

    current_chair = world.own.board_seats.get(chair=True)
    with pytest.raises(RuleViolation) as exc:
        services.board_seat_create(
            **seat_args(
                world, role=SeatRole.MEMBER, chair=True, start=current_chair.start, end=current_chair.end
            )
        )
    assert violation(exc) == ("R-BOARD", "chair")


def test_a_seat_must_lie_within_the_appointing_members_membership(world: Any) -> None:
    af = member(world.own, PartyKind.AF)
    services.member_update(actor=admin_of(world), member=af, joined=af.joined, left=date(2041, 6, 30))
    with pytest.raises(RuleViolation) as exc:
        services.board_seat_create(**seat_args(world, member=af))
    assert violation(exc) == ("R-BOARD", "start")


def test_a_member_of_another_association_cannot_appoint_a_seat(world: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        services.board_seat_create(
            **seat_args(world, actor=national(world), member=member(world.other, "af"))
        )
    assert violation(exc) == ("R-BOARD", "member")


def test_editing_a_seat_does_not_clash_with_itself(world: Any) -> None:
    seat = world.own.board_seats.filter(chair=True).get()
    updated = services.board_seat_update(
        actor=admin_of(world),
        seat=seat,
        person=seat.person,
        member=seat.member,
        role=seat.role,
        start=seat.start,
        end=seat.end.replace(month=6, day=30),
        chair=True,
        vice_chair=False,
    )
    assert updated.end.month == 6
    assert AuditEntry.objects.get(action="board_seat.update").details == {"fields": ["end"]}


# --- directors and representatives --------------------------------------------------------------


def test_two_directors_at_the_same_time_are_refused(world: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        services.director_create(
            actor=admin_of(world), association=world.own, person=new_person(world.own), start=date(2025, 1, 1)
        )
    assert violation(exc) == ("R-OVERLAP", "start")

    current = world.own.directors.get()
    services.director_update(
        actor=admin_of(world), director=current, start=current.start, end=date(2024, 12, 31)
    )
    successor = services.director_create(
        actor=admin_of(world), association=world.own, person=new_person(world.own), start=date(2025, 1, 1)
    )
    assert list(Director.objects.filter(association=world.own).order_by("start")) == [current, successor]


def test_a_representative_period_cannot_end_before_it_starts(world: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        services.representative_create(
            actor=admin_of(world),
            member=member(world.own, PartyKind.FK),
            person=new_person(world.own),
            start=date(2025, 1, 1),
            end=date(2024, 1, 1),
        )
    assert violation(exc) == ("R-DATES", "end")
    assert not MemberRepresentative.objects.filter(start=date(2025, 1, 1)).exists()


# --- people -------------------------------------------------------------------------------------


def test_a_person_outside_every_association_is_registered_nationally_only(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.person_create(actor=admin_of(world), association=None, first_name="A", last_name="B")
    person = services.person_create(actor=national(world), association=None, first_name="A", last_name="B")
    assert AuditEntry.objects.get(action="person.create").association_id is None
    with pytest.raises(PermissionDenied):
        services.person_update(
            actor=admin_of(world), person=person, first_name="C", last_name="B", email="", phone=""
        )


def test_a_person_needs_a_first_and_last_name(world: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        services.person_create(actor=admin_of(world), association=world.own, first_name=" ", last_name="")
    assert {(v.code, v.field) for v in exc.value.violations} == {
        ("R-REQUIRED", "first_name"),
        ("R-REQUIRED", "last_name"),
    }


# --- selectors: what an outsider gets -----------------------------------------------------------

GETTERS: dict[str, Callable[[Any, Any], Any]] = {
    "association": lambda w, u: selectors.association_get(user=u, association_id=w.own.pk),
    "member": lambda w, u: selectors.member_get(user=u, member_id=w.own.members.first().pk),
    "seat": lambda w, u: selectors.board_seat_get(user=u, seat_id=w.own.board_seats.first().pk),
    "director": lambda w, u: selectors.director_get(user=u, director_id=w.own.directors.first().pk),
    "representative": lambda w, u: selectors.representative_get(
        user=u, representative_id=MemberRepresentative.objects.filter(member__association=w.own).first().pk
    ),
    "person": lambda w, u: selectors.person_get(user=u, person_id=w.own.people.first().pk),
    "person posts": lambda w, u: selectors.person_posts(user=u, person_id=w.own.people.first().pk),
    "board": lambda w, u: selectors.board_list(user=u, association_id=w.own.pk),
}


@pytest.mark.parametrize("what", sorted(GETTERS))
def test_an_outsider_does_not_find_another_associations_objects(world: Any, what: str) -> None:
    for role, outsider in world.outsiders.items():
        with pytest.raises(Http404):
            GETTERS[what](world, outsider)
        assert GETTERS[what](world, world.users[role]) is not None


def test_a_persons_posts_show_only_the_associations_the_user_may_see(world: Any) -> None:
    person = world.own.board_seats.first().person
    services.board_seat_create(
        actor=national(world),
        association=world.other,
        person=person,
        member=member(world.other, PartyKind.FK),
        role=SeatRole.DEPUTY,
        start=FUTURE,
        end=date(2041, 12, 31),
    )
    own_view = selectors.person_posts(user=admin_of(world), person_id=person.pk)
    national_view = selectors.person_posts(user=world.users[Role.NATIONAL_VIEWER], person_id=person.pk)

    assert {s.association_id for s in own_view.seats} == {world.own.pk}
    assert {s.association_id for s in national_view.seats} == {world.own.pk, world.other.pk}
