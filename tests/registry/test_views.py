"""The registry's Swedish pages: what each role sees, what editors can change, and how bad input is
refused (status 400, the Swedish message on the field, nothing written, nothing logged)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.registry import services
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
    SeatRole,
)
from tests.factories import make_association

pytestmark = pytest.mark.django_db

FUTURE = date(2040, 1, 1)


def client_for(world: Any, role: Role = Role.ASSOCIATION_ADMIN) -> Any:
    return world.client(world.users[role])


def url(name: str, *args: Any) -> str:
    return reverse(f"registry:{name}", args=args)


def member_of(association: Association, kind: str) -> Member:
    return association.members.filter(kind=kind).first()  # type: ignore[return-value]


def text(response: Any) -> str:
    return response.content.decode()


def field_error(response: Any, field: str) -> str:
    """The error shown on a field of the page's form."""
    return " ".join(str(e) for e in response.context["form"].errors.get(field, []))


class Unchanged:
    """Counts rows and audit entries before a refused request, to show nothing was written."""

    def __init__(self, *models: Any) -> None:
        self.models = models
        self.before = self._counts()

    def _counts(self) -> tuple[int, ...]:
        return (*(m.objects.count() for m in self.models), AuditEntry.objects.count())

    def check(self) -> None:
        assert self._counts() == self.before


# --- associations -------------------------------------------------------------------------------


def test_the_association_list_shows_only_associations_in_scope(world: Any) -> None:
    own_admin = text(client_for(world).get(url("association_list")))
    national = text(client_for(world, Role.NATIONAL_VIEWER).get(url("association_list")))

    assert world.own.name in own_admin and world.other.name not in own_admin
    assert world.own.name in national and world.other.name in national
    assert url("association_create") not in own_admin


def test_the_detail_page_lists_members_board_director_representatives_and_charter(world: Any) -> None:
    page = text(client_for(world, Role.BOARD_MEMBER).get(url("association_detail", world.own.pk)))

    seat = world.own.board_seats.first()
    director = world.own.directors.get()
    rep = MemberRepresentative.objects.get(member__association=world.own)
    for expected in (
        "Förbundsmedlemmar",
        "Umeå",
        "Vännäs",
        "Försäkringskassan",
        seat.person.name,
        director.person.name,
        rep.person.name,
        "Efter folkmängd",
        url("board", world.own.pk),
        url("charter_list", world.own.pk),
        url("person_detail", director.person_id),
    ):
        assert expected in page
    # A board member reads but does not edit.
    assert url("association_edit", world.own.pk) not in page
    assert url("member_create", world.own.pk) not in page


def test_an_editor_sees_the_new_and_edit_buttons(world: Any) -> None:
    page = text(client_for(world).get(url("association_detail", world.own.pk)))
    fk = member_of(world.own, PartyKind.FK)
    for expected in (
        url("association_edit", world.own.pk),
        url("member_create", world.own.pk),
        url("member_edit", world.own.pk, fk.pk),
        url("board_seat_create", world.own.pk),
        url("director_create", world.own.pk),
        url("representative_create", world.own.pk),
        url("charter_create", world.own.pk),
    ):
        assert expected in page


def test_the_national_working_group_registers_an_association(world: Any) -> None:
    client = client_for(world, Role.NATIONAL_ADMIN)
    response = client.post(
        url("association_create"),
        {
            "name": "Samordningsförbundet Vindeln",
            "org_number": "2229995556",
            "seat": "2404",
            "founded": "2024-01-01",
        },
    )
    association = Association.objects.get(name="Samordningsförbundet Vindeln")

    assert response.status_code == 302 and response["Location"] == url("association_detail", association.pk)
    assert association.org_number == "222999-5556" and association.seat.code == "2404"
    assert AuditEntry.objects.filter(action="association.create", association_id=association.pk).count() == 1
    assert "har registrerats" in text(client.get(response["Location"]))


def test_an_invalid_organisation_number_is_refused_on_its_field(world: Any) -> None:
    unchanged = Unchanged(Association)
    response = client_for(world, Role.NATIONAL_ADMIN).post(
        url("association_create"),
        {
            "name": "Samordningsförbundet Fel",
            "org_number": "2229995557",
            "seat": "2404",
            "founded": "2024-01-01",
        },
    )

    assert response.status_code == 400
    assert "Organisationsnumret är ogiltigt" in field_error(response, "org_number")
    assert "Organisationsnummer: Organisationsnumret är ogiltigt" in text(
        response
    )  # the summary names the field
    assert 'aria-invalid="true"' in text(response)
    assert 'value="Samordningsförbundet Fel"' in text(response)  # the user's input is kept
    unchanged.check()


def test_an_association_admin_cannot_register_an_association(world: Any) -> None:
    assert client_for(world).get(url("association_create")).status_code == 403


def test_an_editor_changes_the_association(world: Any) -> None:
    client = client_for(world)
    form = client.get(url("association_edit", world.own.pk))
    assert 'name="version" value="1"' in text(form)

    response = client.post(
        url("association_edit", world.own.pk),
        {
            "name": "Samordningsförbundet Umeå",
            "org_number": world.own.org_number,
            "seat": "2480",
            "founded": "2005-01-01",
            "dissolved": "",
            "version": "1",
        },
    )

    assert response.status_code == 302
    saved = Association.objects.get(pk=world.own.pk)
    assert saved.name == "Samordningsförbundet Umeå" and saved.version == 2
    assert AuditEntry.objects.get(action="association.update").details == {"fields": ["name"]}


def test_a_concurrent_save_is_shown_and_the_users_input_kept(world: Any) -> None:
    """Two editors open the form; the first saves; the second is told, and loses nothing typed."""
    opened_version = world.own.version
    services.association_update(
        actor=world.users[Role.NATIONAL_ADMIN],
        association=world.own,
        version=opened_version,
        name="Namnet som sparades först",
        org_number=world.own.org_number,
        seat=world.own.seat,
        founded=world.own.founded,
        dissolved=None,
    )
    unchanged = Unchanged(Association)

    response = client_for(world).post(
        url("association_edit", world.own.pk),
        {
            "name": "Mitt eget namnförslag",
            "org_number": world.own.org_number,
            "seat": "2480",
            "founded": "2005-01-01",
            "dissolved": "",
            "version": str(opened_version),
        },
    )

    assert response.status_code == 409
    page = text(response)
    assert "Någon annan har ändrat förbundet sedan du öppnade formuläret" in page
    assert '/nationellt/regler/R-CONFLICT/"' in page
    assert 'value="Mitt eget namnförslag"' in page  # the user's input
    assert "Namnet som sparades först" in page  # what the other editor saved, to compare
    assert Association.objects.get(pk=world.own.pk).name == "Namnet som sparades först"
    unchanged.check()


def test_an_outsider_cannot_open_the_edit_form(world: Any) -> None:
    outsider = world.client(world.outsiders[Role.ASSOCIATION_ADMIN])
    assert outsider.get(url("association_edit", world.own.pk)).status_code == 404
    assert client_for(world, Role.AUDITOR).get(url("association_edit", world.own.pk)).status_code == 403


# --- members ------------------------------------------------------------------------------------


def test_an_editor_adds_a_municipality_member(world: Any) -> None:
    client = client_for(world)
    response = client.post(
        url("member_create", world.own.pk),
        {
            "kind": "municipality",
            "municipality": "2403",
            "joined": "2024-01-01",
        },
    )

    assert response.status_code == 302
    member = Member.objects.get(association=world.own, municipality__code="2403")
    assert member.joined == date(2024, 1, 1) and member.left is None
    assert AuditEntry.objects.filter(action="member.create", object_id=str(member.pk)).exists()
    assert "Bjurholm" in text(client.get(url("association_detail", world.own.pk)))


def test_a_second_active_fk_member_is_refused(world: Any) -> None:
    unchanged = Unchanged(Member)
    response = client_for(world).post(
        url("member_create", world.own.pk), {"kind": "fk", "joined": "2024-01-01"}
    )

    assert response.status_code == 400
    assert "Försäkringskassan är redan medlem i förbundet" in field_error(response, "kind")
    assert "Part: Försäkringskassan är redan medlem" in text(response)
    unchanged.check()


def test_a_party_kind_outside_the_four_is_refused(world: Any) -> None:
    unchanged = Unchanged(Member)
    response = client_for(world).post(
        url("member_create", world.own.pk), {"kind": "kyrka", "joined": "2024-01-01"}
    )

    assert response.status_code == 400
    assert (
        "Parten måste vara Försäkringskassan, Arbetsförmedlingen, en region eller en kommun"
        in field_error(response, "kind")
    )
    unchanged.check()


def test_a_municipality_member_without_a_municipality_is_refused(world: Any) -> None:
    unchanged = Unchanged(Member)
    response = client_for(world).post(
        url("member_create", world.own.pk), {"kind": "municipality", "joined": "2024-01-01"}
    )

    assert response.status_code == 400
    assert "Välj vilken kommun" in field_error(response, "municipality")
    unchanged.check()


def test_a_member_cannot_leave_before_it_joined(world: Any) -> None:
    af = member_of(world.own, PartyKind.AF)
    unchanged = Unchanged(Member)
    response = client_for(world).post(
        url("member_edit", world.own.pk, af.pk), {"joined": "2005-01-01", "left": "2004-12-31"}
    )

    assert response.status_code == 400
    assert "Slutdatum kan inte ligga före startdatum" in field_error(response, "left")
    assert Member.objects.get(pk=af.pk).left is None
    unchanged.check()


def test_an_editor_records_that_a_member_leaves(world: Any) -> None:
    af = member_of(world.own, PartyKind.AF)
    response = client_for(world).post(
        url("member_edit", world.own.pk, af.pk), {"joined": "2005-01-01", "left": "2039-12-31"}
    )
    assert response.status_code == 302
    assert Member.objects.get(pk=af.pk).left == date(2039, 12, 31)


def test_a_member_is_not_found_under_another_associations_address(world: Any) -> None:
    af = member_of(world.own, PartyKind.AF)
    national = client_for(world, Role.NATIONAL_ADMIN)
    assert national.get(url("member_edit", world.other.pk, af.pk)).status_code == 404


# --- charters -----------------------------------------------------------------------------------


def charter_data(**overrides: str) -> dict[str, str]:
    data = {
        "adopted": "2039-11-01",
        "valid_from": "2040-01-01",
        "municipal_key": "fixed",
        "region_key": "population",
        "note": "Fasta andelar enligt beslut.",
    }
    return data | overrides


def test_a_new_charter_version_with_fixed_municipal_shares(world: Any) -> None:
    umea, vannas = world.own.members.filter(kind=PartyKind.MUNICIPALITY)
    client = client_for(world)
    form = text(client.get(url("charter_create", world.own.pk)))
    assert f'name="share_{umea.pk}"' in form and "Fasta andelar mellan kommunerna" in form

    response = client.post(
        url("charter_create", world.own.pk),
        charter_data(**{f"share_{umea.pk}": "70", f"share_{vannas.pk}": "30"}),
    )

    assert response.status_code == 302
    charter = Charter.objects.get(association=world.own, version=2)
    assert {s.member_id: s.percent for s in charter.shares.all()} == {umea.pk: 70, vannas.pk: 30}
    page = text(client.get(url("charter_list", world.own.pk)))
    assert "Version 2" in page and "Fasta procentsatser" in page and ">70</td>" in page


def test_fixed_shares_that_do_not_sum_to_100_are_refused(world: Any) -> None:
    umea, vannas = world.own.members.filter(kind=PartyKind.MUNICIPALITY)
    unchanged = Unchanged(Charter)
    response = client_for(world).post(
        url("charter_create", world.own.pk),
        charter_data(**{f"share_{umea.pk}": "70", f"share_{vannas.pk}": "20"}),
    )

    assert response.status_code == 400
    assert "De fasta andelarna ska summera till 100 % (nu 90" in field_error(response, "municipal_key")
    assert 'value="70' in text(response)  # the percentages typed are kept
    unchanged.check()


# --- board --------------------------------------------------------------------------------------


def seat_data(world: Any, person: Person, **overrides: str) -> dict[str, str]:
    data = {
        "person": str(person.pk),
        "member": str(member_of(world.own, PartyKind.AF).pk),
        "role": SeatRole.DEPUTY,
        "start": "2040-01-01",
        "end": "2043-12-31",
    }
    return data | overrides


def test_the_board_page_shows_current_and_past_seats(world: Any) -> None:
    today = date.today()  # noqa: DTZ011
    person = Person.objects.create(first_name="Tidigare", last_name="Ledamot", association=world.own)
    BoardSeat.objects.create(
        association=world.own,
        person=person,
        member=member_of(world.own, PartyKind.FK),
        role=SeatRole.MEMBER,
        start=date(2015, 1, 1),
        end=date(2018, 12, 31),
    )

    response = client_for(world, Role.AUDITOR).get(url("board", world.own.pk))

    groups = {str(heading): seats for heading, _caption, seats in response.context["groups"]}
    assert [s.person for s in groups["Tidigare mandat"]] == [person]
    assert (
        len(groups["Nuvarande styrelse"])
        == world.own.board_seats.filter(start__lte=today, end__gte=today).count()
    )
    assert "Tidigare Ledamot" in text(response)
    assert url("board_seat_create", world.own.pk) not in text(response)  # auditors only read


def test_the_board_is_listed_chair_vice_chair_then_each_members_ledamot_before_its_ersattare(
    world: Any,
) -> None:
    def seat(kind: str, role: str, last_name: str, **flags: bool) -> None:
        person = Person.objects.create(first_name="Kommande", last_name=last_name, association=world.own)
        BoardSeat.objects.create(
            association=world.own,
            person=person,
            member=member_of(world.own, kind),
            role=role,
            start=date(2040, 1, 1),
            end=date(2043, 12, 31),
            **flags,
        )

    # Created out of order, as a clerk might enter them.
    seat(PartyKind.MUNICIPALITY, SeatRole.DEPUTY, "Kommunersättare")
    seat(PartyKind.FK, SeatRole.DEPUTY, "Fkersättare")
    seat(PartyKind.MUNICIPALITY, SeatRole.MEMBER, "Kommunledamot", vice_chair=True)
    seat(PartyKind.AF, SeatRole.DEPUTY, "Afersättare")
    seat(PartyKind.FK, SeatRole.MEMBER, "Fkledamot")
    seat(PartyKind.AF, SeatRole.MEMBER, "Afledamot", chair=True)

    response = client_for(world, Role.AUDITOR).get(url("board", world.own.pk))

    groups = {str(heading): seats for heading, _caption, seats in response.context["groups"]}
    assert [s.person.last_name for s in groups["Kommande mandat"]] == [
        "Afledamot",  # the chair
        "Kommunledamot",  # the vice chair
        "Fkledamot",
        "Fkersättare",
        "Afersättare",
        "Kommunersättare",
    ]
    page = text(response)
    assert page.index("Afledamot") < page.index("Kommunledamot") < page.index("Fkledamot")
    assert page.index("Fkledamot") < page.index("Fkersättare") < page.index("Afersättare")


def test_an_editor_adds_a_board_seat(world: Any) -> None:
    person = Person.objects.create(first_name="Ny", last_name="Ersättare", association=world.own)
    client = client_for(world)
    response = client.post(url("board_seat_create", world.own.pk), seat_data(world, person))

    assert response.status_code == 302 and response["Location"] == url("board", world.own.pk)
    seat = BoardSeat.objects.get(person=person)
    assert (seat.role, seat.start, seat.end) == (SeatRole.DEPUTY, FUTURE, date(2043, 12, 31))
    assert "Ny Ersättare" in text(client.get(url("board", world.own.pk)))


def test_overlapping_seats_for_one_person_are_refused(world: Any) -> None:
    sitting = world.own.board_seats.first()
    unchanged = Unchanged(BoardSeat)
    response = client_for(world).post(
        url("board_seat_create", world.own.pk),
        seat_data(
            world,
            sitting.person,
            start=sitting.end.isoformat(),
            end=(sitting.end + timedelta(days=300)).isoformat(),
        ),
    )

    assert response.status_code == 400
    assert "Personen har redan en styrelseplats i förbundet under den perioden" in field_error(
        response, "person"
    )
    assert "Person: Personen har redan en styrelseplats" in text(response)
    unchanged.check()


def test_a_seat_ending_before_it_starts_is_refused(world: Any) -> None:
    person = Person.objects.create(first_name="Ny", last_name="Ledamot", association=world.own)
    unchanged = Unchanged(BoardSeat)
    response = client_for(world).post(
        url("board_seat_create", world.own.pk), seat_data(world, person, start="2040-01-01", end="2039-01-01")
    )

    assert response.status_code == 400
    assert "Slutdatum kan inte ligga före startdatum" in field_error(response, "end")
    assert "Till: Slutdatum kan inte ligga före startdatum" in text(response)
    unchanged.check()


def test_an_editor_changes_a_seat(world: Any) -> None:
    seat = world.own.board_seats.filter(chair=False).first()
    data = seat_data(
        world,
        seat.person,
        member=str(seat.member_id),
        role=seat.role,
        start=seat.start.isoformat(),
        end=seat.end.replace(month=6, day=30).isoformat(),
    )
    response = client_for(world).post(url("board_seat_edit", world.own.pk, seat.pk), data)

    assert response.status_code == 302
    assert BoardSeat.objects.get(pk=seat.pk).end.month == 6
    assert AuditEntry.objects.get(action="board_seat.update").details == {"fields": ["end"]}


def test_the_seat_form_offers_only_people_and_members_of_the_association(world: Any) -> None:
    form = client_for(world, Role.NATIONAL_ADMIN).get(url("board_seat_create", world.own.pk)).context["form"]
    assert set(form.fields["member"].queryset) == set(world.own.members.all())
    assert not {p.association_id for p in form.fields["person"].queryset} - {world.own.pk}

    stranger = world.other.people.first()
    response = client_for(world, Role.NATIONAL_ADMIN).post(
        url("board_seat_create", world.own.pk), seat_data(world, stranger)
    )
    assert response.status_code == 400 and field_error(response, "person")


# --- directors and member representatives -------------------------------------------------------


def test_a_second_director_at_the_same_time_is_refused_and_a_successor_accepted(world: Any) -> None:
    client = client_for(world)
    newcomer = Person.objects.create(first_name="Ny", last_name="Chef", association=world.own)
    unchanged = Unchanged(Director)

    refused = client.post(
        url("director_create", world.own.pk), {"person": newcomer.pk, "start": "2025-01-01"}
    )
    assert refused.status_code == 400
    assert "Förbundet har redan en förbundschef under den perioden" in field_error(refused, "start")
    unchanged.check()

    current = world.own.directors.get()
    ended = client.post(
        url("director_edit", world.own.pk, current.pk),
        {"start": current.start.isoformat(), "end": "2024-12-31"},
    )
    accepted = client.post(
        url("director_create", world.own.pk), {"person": newcomer.pk, "start": "2025-01-01"}
    )

    assert ended.status_code == 302 and accepted.status_code == 302
    page = text(client.get(url("director_list", world.own.pk)))
    assert "Ny Chef" in page and current.person.name in page


def test_an_editor_adds_and_changes_a_member_representative(world: Any) -> None:
    client = client_for(world)
    person = Person.objects.create(first_name="Rita", last_name="Representant", association=world.own)
    fk = member_of(world.own, PartyKind.FK)

    created = client.post(
        url("representative_create", world.own.pk),
        {"member": fk.pk, "person": person.pk, "start": "2024-01-01"},
    )
    rep = MemberRepresentative.objects.get(person=person)
    refused = client.post(
        url("representative_edit", world.own.pk, rep.pk), {"start": "2024-01-01", "end": "2023-01-01"}
    )
    changed = client.post(
        url("representative_edit", world.own.pk, rep.pk), {"start": "2024-01-01", "end": "2027-12-31"}
    )

    assert created.status_code == 302 and changed.status_code == 302
    assert refused.status_code == 400 and "Slutdatum" in field_error(refused, "end")
    assert MemberRepresentative.objects.get(pk=rep.pk).end == date(2027, 12, 31)
    page = text(client.get(url("representative_list", world.own.pk)))
    assert "Rita Representant" in page and "Försäkringskassan" in page


# --- people -------------------------------------------------------------------------------------


def test_the_people_list_is_scoped_to_the_users_associations(world: Any) -> None:
    own_person = world.own.people.first()
    other_person = world.other.people.first()

    own = client_for(world, Role.BOARD_MEMBER).get(url("person_list"))
    national = client_for(world, Role.NATIONAL_VIEWER).get(url("person_list"), {"forbund": world.other.pk})

    assert own_person in own.context["page"].object_list
    assert other_person not in own.context["page"].object_list
    assert set(national.context["page"].object_list) <= set(world.other.people.all())
    assert other_person in national.context["page"].object_list


def test_an_editor_registers_a_person_and_returns_to_the_seat_form(world: Any) -> None:
    back = url("board_seat_create", world.own.pk)
    client = client_for(world)
    form = text(client.get(url("person_create", world.own.pk), {"next": back}))
    assert f'name="next" value="{back}"' in form

    response = client.post(
        url("person_create", world.own.pk),
        {"first_name": "Kim", "last_name": "Karlsson", "email": "kim@example.org", "phone": "", "next": back},
    )

    assert response.status_code == 302 and response["Location"] == back
    person = Person.objects.get(last_name="Karlsson")
    assert person.association_id == world.own.pk
    assert person in client.get(back).context["form"].fields["person"].queryset


def test_a_person_with_an_invalid_email_is_refused(world: Any) -> None:
    unchanged = Unchanged(Person)
    response = client_for(world).post(
        url("person_create", world.own.pk), {"first_name": "Kim", "last_name": "K", "email": "inte-en-adress"}
    )
    assert response.status_code == 400 and field_error(response, "email")
    unchanged.check()


def test_the_person_page_shows_their_seats_and_posts(world: Any) -> None:
    seat = world.own.board_seats.select_related("person", "member").first()
    response = client_for(world, Role.MEMBER_REPRESENTATIVE).get(url("person_detail", seat.person_id))

    page = text(response)
    assert seat.person.name in page and world.own.name in page and seat.member.name in page
    assert url("person_edit", seat.person_id) not in page
    outsider = world.client(world.outsiders[Role.ASSOCIATION_ADMIN])
    assert outsider.get(url("person_detail", seat.person_id)).status_code == 404


def test_an_editor_changes_a_person(world: Any) -> None:
    person = world.own.people.first()
    client = client_for(world)
    assert url("person_edit", person.pk) in text(client.get(url("person_detail", person.pk)))

    response = client.post(
        url("person_edit", person.pk),
        {"first_name": "Ändrad", "last_name": person.last_name, "email": "", "phone": "090-10 00 00"},
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.phone) == ("Ändrad", "090-10 00 00")


# --- reference data -----------------------------------------------------------------------------


def test_the_municipality_list_filters_by_region_and_name(world: Any) -> None:
    client = client_for(world, Role.AUDITOR)
    by_region = client.get(url("municipality_list"), {"region": "24"})
    by_name = client.get(url("municipality_list"), {"q": "Umeå"})
    everything = client.get(url("municipality_list"))

    assert {m.region.code for m in by_region.context["municipalities"]} == {"24"}
    assert len(by_region.context["municipalities"]) == 15
    assert [m.code for m in by_name.context["municipalities"]] == ["2480"]
    assert len(everything.context["municipalities"]) == 290
    assert "Region Västerbotten" in text(everything)  # the regions table


# --- no N+1 queries on list pages ---------------------------------------------------------------


def query_count(client: Any, path: str) -> int:
    client.get(path)  # warm up the session and caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def add_past_board(association: Association, terms: int) -> None:
    """`terms` earlier four-year boards: a ledamot and an ersättare for every member."""
    members = list(association.members.all())
    for term in range(terms):
        start = date(2005 + 4 * term, 1, 1)
        for member in members:
            for role in SeatRole:
                person = Person.objects.create(
                    first_name=f"T{term}", last_name=f"{member.pk}-{role}", association=association
                )
                BoardSeat.objects.create(
                    association=association,
                    person=person,
                    member=member,
                    role=role,
                    start=start,
                    end=date(start.year + 3, 12, 31),
                )


def test_the_association_list_does_not_query_per_association(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world, Role.NATIONAL_ADMIN)
    baseline = query_count(client, url("association_list"))
    for _ in range(5):
        make_association(municipalities=("2401", "2403", "2404"), with_board=False)
    assert Association.objects.count() == 7

    with django_assert_max_num_queries(baseline):
        client.get(url("association_list"))


def test_the_board_page_does_not_query_per_seat(world: Any, django_assert_max_num_queries: Any) -> None:
    client = client_for(world)
    baseline = query_count(client, url("board", world.own.pk))
    add_past_board(world.own, terms=3)

    with django_assert_max_num_queries(baseline):
        response = client.get(url("board", world.own.pk))
    assert sum(len(seats) for _h, _c, seats in response.context["groups"]) == 40


def test_the_people_list_does_not_query_per_person(world: Any, django_assert_max_num_queries: Any) -> None:
    client = client_for(world)
    baseline = query_count(client, url("person_list"))
    add_past_board(world.own, terms=4)

    with django_assert_max_num_queries(baseline):
        response = client.get(url("person_list"))
    assert len(response.context["page"].object_list) == 50


def test_the_detail_page_does_not_query_per_member_or_seat(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world)
    baseline = query_count(client, url("association_detail", world.own.pk))
    for code in ("2401", "2403", "2404", "2409"):
        services.member_add(
            actor=world.users[Role.NATIONAL_ADMIN],
            association=world.own,
            kind="municipality",
            municipality=Municipality.objects.get(code=code),
            joined=date(2010, 1, 1),
        )
    add_past_board(world.own, terms=2)

    with django_assert_max_num_queries(baseline):
        client.get(url("association_detail", world.own.pk))


def test_the_person_page_does_not_query_per_post(world: Any, django_assert_max_num_queries: Any) -> None:
    person = world.own.board_seats.first().person
    client = client_for(world, Role.NATIONAL_ADMIN)
    baseline = query_count(client, url("person_detail", person.pk))
    for year in (2006, 2010, 2014):
        BoardSeat.objects.create(
            association=world.own,
            person=person,
            member=member_of(world.own, PartyKind.MUNICIPALITY),
            role=SeatRole.DEPUTY,
            start=date(year, 1, 1),
            end=date(year + 3, 12, 31),
        )
        MemberRepresentative.objects.create(
            member=member_of(world.own, PartyKind.REGION),
            person=person,
            start=date(year, 1, 1),
            end=date(year, 12, 31),
        )

    with django_assert_max_num_queries(baseline):
        client.get(url("person_detail", person.pk))
