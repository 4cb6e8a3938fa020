"""Bringing on the förbund (docs/registry-import.md): the registry of every förbund from one CSV or Excel
file, all or nothing, with a report by sheet, row and column."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from finsam import cli
from finsam.core.access import SYSTEM
from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.core.tabular import ImportFileError, RowError
from finsam.registry import onboarding, selectors, services
from finsam.registry.models import Association, BoardSeat, Member, Person
from tests.factories import make_user, valid_org_number

pytestmark = pytest.mark.django_db

UPPSALA = valid_org_number(301)
GOTEBORG = valid_org_number(302)
GOTLAND = valid_org_number(303)

MEMBER_HEADER = "organisationsnummer;förbund;säte;bildat;medlem_typ;medlem_kod;medlem_från;medlem_till"
BOARD_HEADER = "organisationsnummer;förnamn;efternamn;e_post;medlem_typ;medlem_kod;uppdrag;funktion;från;till"

# Three förbund with real municipality and county codes: one over a county with several municipalities
# (one of which left), one city, and Gotland, where the region is also the municipality.
MEMBERS = f"""{MEMBER_HEADER}
{UPPSALA};Samordningsförbundet Uppsala län;0380;2008-01-01;fk;;;
{UPPSALA};;;;af;;;
{UPPSALA};;;;region;03;;
{UPPSALA};;;;kommun;0380;;
{UPPSALA};;;;kommun;0381;2010-01-01;
{UPPSALA};;;;kommun;0360;2008-01-01;2019-12-31
{GOTEBORG};Samordningsförbundet Göteborg;1480;2006-01-01;fk;;;
{GOTEBORG};Samordningsförbundet Göteborg;1480;2006-01-01;af;;;
{GOTEBORG};Samordningsförbundet Göteborg;1480;2006-01-01;region;14;;
{GOTEBORG};Samordningsförbundet Göteborg;1480;2006-01-01;kommun;1480;;
{GOTLAND};Samordningsförbundet Gotland;Gotland;2009-06-01;fk;;;
{GOTLAND};;;;af;;;
{GOTLAND};;;;region;9;;
{GOTLAND};;;;kommun;980;;
"""
BOARD = f"""{BOARD_HEADER}
{UPPSALA};Karin;Ek;karin.ek@example.org;kommun;0380;ledamot;ordförande;2023-01-01;2026-12-31
{UPPSALA};Lars;Björk;;kommun;0380;ersättare;;2023-01-01;2026-12-31
{UPPSALA};Eva;Lind;;region;03;ledamot;vice ordförande;2023-01-01;2026-12-31
{UPPSALA};Karin;Ek;;kommun;0380;ledamot;;2019-01-01;2022-12-31
{GOTEBORG};Per;Al;;fk;;ledamot;;2023-01-01;2026-12-31
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def workbook(tmp_path: Path, members: str = MEMBERS, board: str | None = BOARD) -> Path:
    """The same tables as a workbook, cells typed as Excel types them: dates as dates, codes as numbers."""
    book = Workbook()
    sheets = [("Förbund", members)] + ([("Styrelse", board)] if board is not None else [])
    for index, (title, text) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        for line in text.strip().splitlines():
            cells: list[Any] = []
            for cell in line.split(";"):
                if len(cell) == 10 and cell[4] == "-" and cell[:4].isdigit():
                    cells.append(date.fromisoformat(cell))
                elif cell.isdigit() and len(cell) <= 4:
                    cells.append(int(cell))
                else:
                    cells.append(cell or None)
            sheet.append(cells)
    path = tmp_path / "forbund.xlsx"
    book.save(path)
    return path


def counts() -> dict[str, int]:
    return {
        "associations": Association.objects.count(),
        "members": Member.objects.count(),
        "seats": BoardSeat.objects.count(),
        "people": Person.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def load(path: Path, board: Path | None = None, *, dry_run: bool = False, actor: Any = SYSTEM) -> Any:
    result = onboarding.read(path, board=board)
    assert result.errors == []
    return services.registry_import(actor=actor, associations=result.associations, dry_run=dry_run)


def refused(path: Path, board: Path | None = None) -> list[RowError]:
    """The report of a refused file, from the reading or from the registry's rules; nothing written."""
    before = counts()
    result = onboarding.read(path, board=board)
    errors = result.errors
    if not errors:
        with pytest.raises(services.RegistryImportRefused) as caught:
            services.registry_import(actor=SYSTEM, associations=result.associations)
        errors = onboarding.as_report(caught.value.errors)
    assert counts() == before
    return errors


# --- a good file ------------------------------------------------------------------------------------


def check_loaded() -> None:
    uppsala = Association.objects.get(org_number=UPPSALA)
    assert uppsala.name == "Samordningsförbundet Uppsala län"
    assert uppsala.seat.code == "0380"
    assert uppsala.founded == date(2008, 1, 1)
    members = {
        (m.kind, m.code): (m.joined, m.left) for m in uppsala.members.select_related("region", "municipality")
    }
    assert members == {
        ("fk", "FK"): (date(2008, 1, 1), None),
        ("af", "AF"): (date(2008, 1, 1), None),
        ("region", "03"): (date(2008, 1, 1), None),
        ("municipality", "0380"): (date(2008, 1, 1), None),
        ("municipality", "0381"): (date(2010, 1, 1), None),
        ("municipality", "0360"): (date(2008, 1, 1), date(2019, 12, 31)),
    }
    seats = {
        (s.person.name, s.member.code, s.role, s.chair, s.vice_chair, s.start)
        for s in uppsala.board_seats.select_related("person", "member__municipality", "member__region")
    }
    assert seats == {
        ("Karin Ek", "0380", "member", True, False, date(2023, 1, 1)),
        ("Lars Björk", "0380", "deputy", False, False, date(2023, 1, 1)),
        ("Eva Lind", "03", "member", False, True, date(2023, 1, 1)),
        ("Karin Ek", "0380", "member", False, False, date(2019, 1, 1)),
    }
    # Karin Ek sat two mandate periods: one person, two seats.
    assert Person.objects.filter(association=uppsala, first_name="Karin", last_name="Ek").count() == 1
    assert Person.objects.get(first_name="Karin").email == "karin.ek@example.org"
    gotland = Association.objects.get(org_number=GOTLAND)
    assert gotland.seat.code == "0980"
    assert {m.code for m in gotland.members.select_related("region", "municipality")} == {
        "FK",
        "AF",
        "09",
        "0980",
    }
    assert selectors.association_is_valid(association_id=gotland.pk, day=date(2024, 1, 1))


def test_a_good_csv_file_creates_the_forbund_their_members_and_board(tmp_path: Path) -> None:
    summary = load(write(tmp_path, "forbund.csv", MEMBERS), write(tmp_path, "styrelse.csv", BOARD))

    check_loaded()
    assert sorted(summary.created) == [
        "Samordningsförbundet Gotland",
        "Samordningsförbundet Göteborg",
        "Samordningsförbundet Uppsala län",
    ]
    assert (summary.members, summary.seats, summary.people) == (14, 5, 4)
    assert summary.warnings == {}


def test_a_good_workbook_creates_the_same_with_the_board_from_its_sheet(tmp_path: Path) -> None:
    load(workbook(tmp_path))

    check_loaded()


def test_every_write_is_audited_as_the_acting_user(tmp_path: Path) -> None:
    admin = make_user("arbetsgrupp", national_admin=True)
    load(write(tmp_path, "f.csv", MEMBERS), write(tmp_path, "s.csv", BOARD), actor=admin)

    entries = AuditEntry.objects.filter(actor_id=admin.pk)
    actions = sorted(set(entries.values_list("action", flat=True)))
    assert actions == [
        "association.create",
        "board_seat.create",
        "member.create",
        "person.create",
        "registry.import",
    ]
    assert entries.filter(action="member.create").count() == 14
    assert entries.get(action="registry.import").details["associations"] == 3


def test_the_example_of_vasterbotten_loads(tmp_path: Path) -> None:
    path = tmp_path / "exempel.xlsx"
    path.write_bytes(onboarding.example_xlsx())
    summary = load(path)

    assert len(summary.created) == 3 and summary.members == 24 and summary.seats == 6
    csv_path = write(tmp_path, "e.csv", onboarding.example_csv(services.MEMBERS).decode("utf-8-sig"))
    board_path = write(tmp_path, "s.csv", onboarding.example_csv(services.BOARD).decode("utf-8-sig"))
    assert onboarding.read(csv_path, board=board_path).errors == []


def test_a_forbund_without_all_four_parties_is_registered_with_a_warning(tmp_path: Path) -> None:
    """R-MEMBERS as when a förbund is registered by hand: it is shown as not valid, not refused."""
    text = f"""{MEMBER_HEADER}
{UPPSALA};Samordningsförbundet Uppsala län;0380;2008-01-01;fk;;;
{UPPSALA};;;;kommun;0380;;
{UPPSALA};;;;af;;2008-01-01;2015-12-31
"""
    summary = load(write(tmp_path, "f.csv", text))

    assert summary.warnings == {"Samordningsförbundet Uppsala län": ["Arbetsförmedlingen", "minst en region"]}
    association = Association.objects.get(org_number=UPPSALA)
    assert not selectors.association_is_valid(association_id=association.pk, day=selectors.today())


# --- all or nothing: every bad row reported ---------------------------------------------------------


def member_row(**changes: str) -> str:
    cells = {
        "organisationsnummer": GOTEBORG,
        "förbund": "Samordningsförbundet Göteborg",
        "säte": "1480",
        "bildat": "2006-01-01",
        "medlem_typ": "kommun",
        "medlem_kod": "1480",
        "medlem_från": "",
        "medlem_till": "",
    }
    cells.update(changes)
    return ";".join(cells.values())


GOOD_GOTEBORG = "\n".join(
    [
        member_row(medlem_typ="fk", medlem_kod=""),
        member_row(medlem_typ="af", medlem_kod=""),
        member_row(medlem_typ="region", medlem_kod="14"),
        member_row(),
    ]
)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            member_row(organisationsnummer="222000-3011"),
            "organisationsnummer",
            "Organisationsnumret är ogiltigt",
        ),
        (member_row(medlem_kod="1409"), "medlem_kod", "ingen kommun med den kommunkoden"),
        (member_row(medlem_typ="region", medlem_kod="30"), "medlem_kod", "ingen region med den länskoden"),
        (member_row(medlem_typ="landsting"), "medlem_typ", "fk, af, region eller kommun"),
        (member_row(medlem_typ="fk", medlem_kod="1480"), "medlem_kod", "Lämna medlem_kod tom"),
        (member_row(medlem_kod="1481", medlem_från="2006-13-01"), "medlem_från", "ÅÅÅÅ-MM-DD"),
        (member_row(medlem_kod="1481", medlem_från="1/2 2007"), "medlem_från", "ÅÅÅÅ-MM-DD"),
        (member_row(medlem_kod="1481", bildat="2007-01-01"), "bildat", "Skiljer sig från rad 2"),
        (member_row(medlem_kod="1481", säte="Göteborgs kommun"), "säte", "ingen kommun"),
        (member_row(), "medlem_kod", "redan medlem under samma period på rad 5"),
        (
            member_row(medlem_kod="1481", medlem_från="2010-01-01", medlem_till="2009-01-01"),
            "medlem_till",
            "före inträdet",
        ),
        (
            member_row(organisationsnummer=UPPSALA, medlem_typ="fk", medlem_kod=""),
            "förbund",
            "redan på rad 2 med ett annat organisationsnummer",
        ),
        # Checked by the registry's services, after the file's own checks:
        (member_row(medlem_kod="1481", medlem_från="2005-06-01"), "medlem_från", "före förbundets bildande"),
    ],
    ids=[
        "org-number",
        "municipality-code",
        "region-code",
        "kind",
        "code-for-fk",
        "date",
        "date-format",
        "forbund-differs",
        "seat",
        "duplicate",
        "left-before-joined",
        "same-name-two-org-numbers",
        "joined-before-founded",
    ],
)
def test_a_bad_member_row_is_reported_by_row_and_column_and_nothing_is_written(
    tmp_path: Path, row: str, column: str, message: str
) -> None:
    text = f"{MEMBER_HEADER}\n{GOOD_GOTEBORG}\n{row}\n"
    errors = refused(write(tmp_path, "f.csv", text))

    assert len(errors) == 1, errors
    assert (errors[0].sheet, errors[0].row, errors[0].column) == ("Förbund", 6, column)
    assert message in errors[0].message


def board_row(**changes: str) -> str:
    cells = {
        "organisationsnummer": GOTEBORG,
        "förnamn": "Per",
        "efternamn": "Al",
        "e_post": "",
        "medlem_typ": "kommun",
        "medlem_kod": "1480",
        "uppdrag": "ledamot",
        "funktion": "",
        "från": "2023-01-01",
        "till": "2026-12-31",
    }
    cells.update(changes)
    return ";".join(cells.values())


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (board_row(organisationsnummer=UPPSALA), "organisationsnummer", "finns inte på bladet Förbund"),
        (board_row(medlem_kod="1481"), "medlem_kod", "inte medlem i förbundet"),
        (board_row(uppdrag="suppleant"), "uppdrag", "ledamot eller ersättare"),
        (board_row(funktion="kassör"), "funktion", "ordförande, vice ordförande"),
        (board_row(till=""), "till", "Ange ett datum"),
        (board_row(förnamn=""), "förnamn", "Ange förnamn"),
        (board_row(e_post="per.al"), "e_post", "E-postadressen är ogiltig"),
        # Checked by the registry's services (R-BOARD):
        (board_row(till="2027-01-01"), "till", "högst fyra år"),
        (board_row(uppdrag="ersättare", funktion="ordförande"), "uppdrag", "måste vara ledamöter"),
        (board_row(från="2005-01-01", till="2006-12-31"), "från", "inom den utseende partens medlemskap"),
    ],
    ids=[
        "unknown-forbund",
        "not-a-member",
        "role",
        "function",
        "end-missing",
        "first-name",
        "email",
        "mandate-too-long",
        "deputy-chair",
        "before-membership",
    ],
)
def test_a_bad_board_row_is_reported_by_row_and_column_and_nothing_is_written(
    tmp_path: Path, row: str, column: str, message: str
) -> None:
    members = write(tmp_path, "f.csv", f"{MEMBER_HEADER}\n{GOOD_GOTEBORG}\n")
    board = write(tmp_path, "s.csv", f"{BOARD_HEADER}\n{board_row(förnamn='Ann', efternamn='Berg')}\n{row}\n")
    errors = refused(members, board)

    assert len(errors) == 1, errors
    assert (errors[0].sheet, errors[0].row, errors[0].column) == ("Styrelse", 3, column)
    assert message in errors[0].message


def test_a_duplicate_board_row_is_reported(tmp_path: Path) -> None:
    members = write(tmp_path, "f.csv", f"{MEMBER_HEADER}\n{GOOD_GOTEBORG}\n")
    board = write(tmp_path, "s.csv", f"{BOARD_HEADER}\n{board_row()}\n{board_row()}\n")

    errors = refused(members, board)

    assert [(e.row, e.column) for e in errors] == [(3, "efternamn")]
    assert "rad 2" in errors[0].message


def test_every_bad_row_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    text = f"""{MEMBER_HEADER}
{GOOD_GOTEBORG}
{member_row(medlem_kod="9999")}
{member_row(organisationsnummer="123")}
{member_row(medlem_kod="1481", medlem_från="igår")}
"""
    errors = refused(workbook(tmp_path, text, None))

    assert [(e.row, e.column) for e in errors] == [
        (6, "medlem_kod"),
        (7, "organisationsnummer"),
        (8, "medlem_från"),
    ]


def test_a_later_forbund_that_breaks_a_rule_rolls_back_the_earlier_ones(tmp_path: Path) -> None:
    """Göteborg is written first and is fine; Uppsala's member joins before it was founded (a rule of the
    registry's services): nothing of either is kept."""
    text = f"""{MEMBER_HEADER}
{GOOD_GOTEBORG}
{UPPSALA};Samordningsförbundet Uppsala län;0380;2008-01-01;fk;;2007-01-01;
"""
    errors = refused(write(tmp_path, "f.csv", text))

    assert [(e.row, e.column) for e in errors] == [(6, "medlem_från")]
    assert not Association.objects.filter(org_number=GOTEBORG).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Filen är tom"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "gamla Excelformatet"),
        ("organisationsnummer;förbund\n1;2\n".encode(), "kolumner som saknas: säte, bildat"),
        ("organisationsnumer;förbund;säte;bildat;medlem_typ;medlem_kod;medlem_från\n".encode(), "menar du"),
        (MEMBERS.encode("cp1252", errors="replace"), "UTF-8"),
        (f"{MEMBER_HEADER}\n".encode(), "inga rader med förbund"),
    ],
    ids=["empty", "xls", "missing-columns", "near-miss", "encoding", "no-rows"],
)
def test_a_file_that_cannot_be_read_is_refused_with_one_message(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(content)

    with pytest.raises(ImportFileError) as caught:
        onboarding.read(path)

    assert message in caught.value.message


def test_the_file_is_bounded_in_size_and_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "f.csv", MEMBERS)
    monkeypatch.setattr(onboarding, "MAX_ROWS", 5)
    with pytest.raises(ImportFileError, match="Fler än 5 rader"):
        onboarding.read(path)
    monkeypatch.setattr(onboarding, "MAX_ROWS", 10_000)
    monkeypatch.setattr(onboarding, "MAX_BYTES", 1024)
    path = write(tmp_path, "f.csv", MEMBERS + MEMBERS.split("\n", 1)[1])
    with pytest.raises(ImportFileError, match="större än 1 kB"):
        onboarding.read(path)


# --- a förbund already registered ---------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(tmp_path: Path) -> None:
    members, board = write(tmp_path, "f.csv", MEMBERS), write(tmp_path, "s.csv", BOARD)
    load(members, board)
    before = counts()

    summary = load(members, board)

    assert summary.created == [] and len(summary.unchanged) == 3
    assert counts() == before  # not even an audit entry: nothing was done


def test_a_file_that_differs_from_a_registered_forbund_is_refused(tmp_path: Path) -> None:
    load(write(tmp_path, "f.csv", MEMBERS), write(tmp_path, "s.csv", BOARD))
    changed = MEMBERS.replace("Samordningsförbundet Uppsala län", "Finsam Uppsala").replace(
        f"{GOTEBORG};Samordningsförbundet Göteborg;1480;2006-01-01;region;14;;",
        f"{GOTEBORG};Samordningsförbundet Göteborg;1480;2006-01-01;region;14;2007-01-01;",
    )
    changed_board = BOARD.replace("Lars;Björk", "Lars;Björkman")

    errors = refused(write(tmp_path, "f2.csv", changed), write(tmp_path, "s2.csv", changed_board))

    assert [(e.sheet, e.row, e.column) for e in errors] == [
        ("Förbund", 2, "förbund"),
        ("Förbund", 8, "medlem_typ"),
        ("Förbund", 10, "medlem_typ"),
        ("Styrelse", 3, "efternamn"),
    ]
    assert "ändrar aldrig ett befintligt förbund" in errors[0].message


def test_a_dry_run_checks_every_rule_and_writes_nothing(tmp_path: Path) -> None:
    before = counts()
    summary = load(write(tmp_path, "f.csv", MEMBERS), write(tmp_path, "s.csv", BOARD), dry_run=True)

    assert summary.dry_run and len(summary.created) == 3 and summary.seats == 5
    assert counts() == before


def test_only_the_national_working_group_may_import(tmp_path: Path) -> None:
    result = onboarding.read(write(tmp_path, "f.csv", MEMBERS))
    association = Association.objects.create(
        name="Ett förbund",
        org_number=valid_org_number(399),
        seat_id=selectors.municipalities().first().pk,
        founded=date(2010, 1, 1),
    )
    admin = make_user("chef", **{Role.ASSOCIATION_ADMIN: association})

    with pytest.raises(PermissionDenied):
        services.registry_import(actor=admin, associations=result.associations)


# --- the command --------------------------------------------------------------------------------------


def test_the_command_loads_a_file_and_says_what_it_did(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["import-registry", str(workbook(tmp_path))])

    out = capsys.readouterr().out
    assert code == 0
    assert "3 förbund har skapats med 14 medlemskap, 5 styrelseplatser och 4 personer" in out
    assert Association.objects.count() == 3


def test_the_command_checks_without_writing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    members, board = write(tmp_path, "f.csv", MEMBERS), write(tmp_path, "s.csv", BOARD)

    code = cli.main(["import-registry", str(members), "--styrelse", str(board), "--kontrollera"])

    assert code == 0
    assert "3 förbund skulle skapas" in capsys.readouterr().out
    assert Association.objects.count() == 0


def test_the_command_says_when_the_file_brings_nothing_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    members, board = write(tmp_path, "f.csv", MEMBERS), write(tmp_path, "s.csv", BOARD)
    assert cli.main(["import-registry", str(members), "--styrelse", str(board)]) == 0
    capsys.readouterr()

    assert cli.main(["import-registry", str(members), "--styrelse", str(board)]) == 0
    assert (
        capsys.readouterr().out.strip() == "Inga nya förbund; alla 3 i filen fanns redan och är oförändrade."
    )


def test_the_command_refuses_a_bad_file_with_the_row_report_and_exit_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"{MEMBER_HEADER}\n{GOOD_GOTEBORG}\n{member_row(medlem_kod='9999')}\n"
    report = tmp_path / "fel.csv"

    code = cli.main(["import-registry", str(write(tmp_path, "f.csv", text)), "--report", str(report)])

    err = capsys.readouterr().err
    assert code == 1
    assert "f.csv: Förbund rad 6, medlem_kod: Det finns ingen kommun med den kommunkoden" in err
    assert (
        err.strip().splitlines()[-1]
        == "finsam import-registry: f.csv: ingenting har lästs in; 1 fel på 1 rader."
    )
    assert report.read_text(encoding="utf-8-sig").splitlines()[1].startswith("Förbund;6;medlem_kod;")
    assert Association.objects.count() == 0


def test_the_command_refuses_a_file_it_cannot_read_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["import-registry", str(tmp_path / "saknas.csv")])

    assert code == 1
    assert capsys.readouterr().err.strip() == "finsam import-registry: saknas.csv: Filen finns inte."


def test_the_command_reports_a_rule_of_the_registry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    members = write(tmp_path, "f.csv", f"{MEMBER_HEADER}\n{GOOD_GOTEBORG}\n")
    board = write(tmp_path, "s.csv", f"{BOARD_HEADER}\n{board_row(till='2028-01-01')}\n")

    code = cli.main(["import-registry", str(members), "--styrelse", str(board)])

    assert code == 1
    assert "Styrelse rad 2, till: Ett mandat varar högst fyra år" in capsys.readouterr().err
    assert Association.objects.count() == 0


def test_seventy_five_forbund_load_in_one_go(tmp_path: Path) -> None:
    """The size of a national installation: 75 förbund, 300 members, 600 board seats."""
    municipalities = list(selectors.municipalities().values_list("code", "region__code")[:150])
    members = [MEMBER_HEADER]
    board = [BOARD_HEADER]
    for n in range(75):
        number = valid_org_number(500 + n)
        (code_a, region), (code_b, _r) = municipalities[2 * n], municipalities[2 * n + 1]
        members.append(f"{number};Samordningsförbundet {n};{code_a};2010-01-01;fk;;;")
        members += [f"{number};;;;af;;;", f"{number};;;;region;{region};;", f"{number};;;;kommun;{code_a};;"]
        if code_b[:2] == region:
            members.append(f"{number};;;;kommun;{code_b};;")
        for kind, code in (("fk", ""), ("af", ""), ("region", region), ("kommun", code_a)):
            for role in ("ledamot", "ersättare"):
                board.append(
                    f"{number};Person{n}{kind}{role};Efternamn;;{kind};{code};{role};;2023-01-01;2026-12-31"
                )
    summary = load(write(tmp_path, "f.csv", "\n".join(members)), write(tmp_path, "s.csv", "\n".join(board)))

    assert len(summary.created) == 75 and summary.seats == 600
    assert Member.objects.count() == summary.members >= 300


def test_the_error_report_csv_names_the_sheet(tmp_path: Path) -> None:
    from finsam.core.tabular import report_csv

    out = io.StringIO()
    report_csv([RowError(3, "till", "Ange ett datum.", "Styrelse")], out)

    assert out.getvalue().splitlines() == ["blad;rad;kolumn;meddelande", "Styrelse;3;till;Ange ett datum."]


def test_a_board_row_of_a_refused_member_row_is_not_reported_twice(tmp_path: Path) -> None:
    text = f"{MEMBER_HEADER}\n{GOOD_GOTEBORG}\n{member_row(medlem_kod='1481', medlem_från='2006-02-30')}\n"
    board = f"{BOARD_HEADER}\n{board_row(medlem_kod='1481')}\n"

    errors = refused(write(tmp_path, "f.csv", text), write(tmp_path, "s.csv", board))

    assert [(e.sheet, e.row, e.column) for e in errors] == [("Förbund", 6, "medlem_från")]
