"""`finsam demo`: the demo data of DESIGN §5, created through the services and safe to run again."""

from __future__ import annotations

import io
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.http import HttpRequest
from stdnum.se import orgnr

from finsam.accounts.demo import USERS
from finsam.accounts.models import RoleAssignment
from finsam.core.access import SYSTEM
from finsam.core.models import AuditEntry
from finsam.registry import selectors
from finsam.registry.models import (
    Association,
    BoardSeat,
    Charter,
    Director,
    Member,
    MemberRepresentative,
    PartyKind,
    Person,
)

pytestmark = pytest.mark.django_db

UMEA = "Samordningsförbundet Umeåregionen"
SKELLEFTEA = "Samordningsförbundet Skellefteå–Norsjö"
SODRA_LAPPLAND = "Samordningsförbundet Södra Lappland"
MUNICIPALITIES = {
    UMEA: {"2480", "2460", "2404", "2409", "2401", "2403"},
    SKELLEFTEA: {"2482", "2417"},
    SODRA_LAPPLAND: {"2481", "2418", "2422", "2421", "2462", "2463", "2425"},
}


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    settings.DEMO_PASSWORD = ""
    return tmp_path


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", "--no-progress", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models: list[Any] = [
        Association,
        Member,
        Charter,
        BoardSeat,
        Director,
        MemberRepresentative,
        Person,
        get_user_model(),
        RoleAssignment,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_a_second_run_neither_duplicates_nor_fails(data_dir: Path) -> None:
    run_demo()
    first = counts()
    entries = AuditEntry.objects.count()

    run_demo()

    assert counts() == first
    assert AuditEntry.objects.count() == entries
    assert first["Association"] == 3
    assert first["Member"] == 3 * 3 + 6 + 2 + 7


def test_the_generated_password_is_kept_private_and_printed_again(data_dir: Path) -> None:
    output = run_demo()
    path = data_dir / "demo_password"
    password = path.read_text(encoding="utf-8").strip()

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert password in output
    assert "umea-chef" in output
    assert password in run_demo()
    assert authenticate(HttpRequest(), username="umea-revisor", password=password) is not None


def test_finsam_demo_password_is_used_and_not_printed(data_dir: Path, settings: Any) -> None:
    settings.DEMO_PASSWORD = "ett-eget-demolösenord"

    output = run_demo()

    assert authenticate(HttpRequest(), username="arbetsgrupp", password="ett-eget-demolösenord") is not None
    assert "ett-eget-demolösenord" not in output
    assert not (data_dir / "demo_password").exists()


def test_a_changed_password_is_applied_on_the_next_run(data_dir: Path, settings: Any) -> None:
    run_demo()
    settings.DEMO_PASSWORD = "ett-nytt-demolösenord"

    run_demo()

    assert authenticate(HttpRequest(), username="umea-chef", password="ett-nytt-demolösenord") is not None


@pytest.mark.usefixtures("demo_data")
class TestTheDemoData:
    """Read-only checks on one run of the demo (the one the test session shares)."""

    def test_it_creates_the_three_forbund_of_vasterbotten_with_their_municipalities(self) -> None:
        for name, codes in MUNICIPALITIES.items():
            association = Association.objects.get(name=name)
            members = list(association.members.select_related("region", "municipality"))
            assert {m.municipality.code for m in members if m.municipality} == codes
            assert [m.region.code for m in members if m.region] == ["24"]
            assert sorted(m.kind for m in members if m.kind in (PartyKind.FK, PartyKind.AF)) == ["af", "fk"]
            assert orgnr.is_valid(association.org_number)
            assert association.charters.filter(municipal_key="population").exists()

    def test_the_founding_municipality_joined_in_2005_and_the_others_in_2014(self) -> None:
        umea = Association.objects.get(name=UMEA)
        joined = {m.municipality.code: m.joined for m in umea.members.filter(kind=PartyKind.MUNICIPALITY)}
        assert joined.pop("2480") == date(2005, 1, 1)
        assert set(joined.values()) == {date(2014, 1, 1)}
        assert selectors.association_is_valid(association_id=umea.pk, day=date(2010, 6, 1))

    @pytest.mark.parametrize("day", [date(2023, 1, 1), date(2026, 6, 1), date(2029, 12, 31)])
    def test_all_three_are_valid_under_r_members_with_no_board_gaps(self, day: date) -> None:
        for association in Association.objects.all():
            status = selectors.association_status(user=SYSTEM, association_id=association.pk, day=day)
            assert status.valid, status.missing_kinds
            assert status.board_ok, [(s.member.name, s.member_gaps, s.deputy_gaps) for s in status.board]
            assert all(s.current_members and s.current_deputies for s in status.board)

    def test_each_board_has_one_chair_and_one_vice_chair_per_mandate_period(self) -> None:
        for association in Association.objects.all():
            for start in (date(2023, 1, 1), date(2027, 1, 1)):
                seats = BoardSeat.objects.filter(association=association, start=start)
                assert seats.filter(chair=True).count() == 1
                assert seats.filter(vice_chair=True).count() == 1
                assert seats.count() == 2 * association.members.count()
            assert association.directors.filter(end__isnull=True).count() == 1

    def test_member_representatives_are_not_on_the_board(self) -> None:
        for association in Association.objects.all():
            representatives = MemberRepresentative.objects.filter(member__association=association)
            assert representatives.values("member").distinct().count() == association.members.count()
            board = set(BoardSeat.objects.filter(association=association).values_list("person", flat=True))
            assert not board & set(representatives.values_list("person", flat=True))

    def test_the_users_hold_the_roles_of_the_design(self) -> None:
        held = {
            (a.user.username, a.role, a.association.name if a.association else None)
            for a in RoleAssignment.objects.select_related("user", "association")
        }
        assert held == {
            ("arbetsgrupp", "national_admin", None),
            ("nationella-radet", "national_viewer", None),
            ("umea-chef", "association_admin", UMEA),
            ("umea-deltagare", "participant_coordinator", UMEA),
            ("skelleftea-deltagare", "participant_coordinator", SKELLEFTEA),
            ("umea-styrelse", "board_member", UMEA),
            ("umea-revisor", "auditor", UMEA),
        }

    def test_the_audit_log_shows_system_for_every_write_but_the_national_conversations(self) -> None:
        """The registry, finance, governance and participants are written by the system actor. A help desk
        question has an asker, a handbook version an author and a locked protocol's adjustments the
        director who recorded them: those are written as the demo users whose work they show, and nothing
        else is."""
        actors = set(AuditEntry.objects.values_list("actor_username", flat=True))
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        assert "system" in actors and actors - {"system"} <= {user.username for user in USERS}
        by_users = set(AuditEntry.objects.exclude(actor_username="system").values_list("action", flat=True))
        assert by_users and all(
            a.startswith(("helpdesk_question.", "faq_entry.", "handbook_", "minutes.confirm", "minutes.lock"))
            for a in by_users
        )
        assert {"association.create", "member.create", "board_seat.create", "user.create"} <= actions
