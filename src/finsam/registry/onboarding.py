"""Bringing on the förbund: the registry of every samordningsförbund from one CSV or Excel file
(docs/registry-import.md), all or nothing, with a report by row and column.

Two tables, read with the platform's one reader (core.tabular):

- *Förbund*: one row per member of a förbund; the förbund's own columns (organisation number, name, seat,
  founded) are repeated on each of its rows or left empty after the first.
- *Styrelse* (optional): one row per board seat. In a workbook it is the sheet named Styrelse; beside a CSV
  file it is a second CSV file.

`read` checks every cell and the rows against each other (duplicates, a förbund's columns that differ from
one row to the next, a seat for a party that is not a member in the file) and returns the records of
every förbund with the rows in error. Only a file without errors goes on to `services.registry_import`,
which checks the rules against the registry and writes through the registry's services.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from finsam.core.tabular import TOO_MANY_CELLS, ImportFileError, RowError, TabularFile, cell_text, norm
from finsam.registry import rules, selectors, services
from finsam.registry.schemas import AssociationRecord, MemberRecord, PartyKind, SeatRecord, SeatRole

MAX_BYTES = 5 * 1024 * 1024  # some 75 förbund with a few hundred members and seats fit in 200 kB
MAX_ROWS = 10_000  # per table

MEMBERS_SHEET = "Förbund"
BOARD_SHEET = "Styrelse"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool  # must the header row name it?
    description: Any  # lazily translated
    example: str


MEMBER_COLUMNS = (
    Column(
        "organisationsnummer",
        "org_number",
        True,
        _(
            "Förbundets organisationsnummer, tio siffror (NNNNNN-NNNN). Nyckeln som håller ihop "
            "förbundets rader."
        ),
        "222000-4804",
    ),
    Column(
        "förbund",
        "name",
        True,
        _("Förbundets namn. Behöver bara stå på förbundets första rad."),
        "Samordningsförbundet Umeåregionen",
    ),
    Column(
        "säte",
        "seat",
        True,
        _("Kommunen där förbundet har sitt säte: kommunkoden (fyra siffror) eller kommunens namn."),
        "2480",
    ),
    Column("bildat", "founded", True, _("Dagen förbundet bildades (ÅÅÅÅ-MM-DD)."), "2005-01-01"),
    Column(
        "medlem_typ",
        "kind",
        True,
        _("fk (Försäkringskassan), af (Arbetsförmedlingen), region eller kommun."),
        "kommun",
    ),
    Column(
        "medlem_kod",
        "code",
        True,
        _("Regionens länskod (två siffror) eller kommunens kommunkod (fyra siffror); tom för fk och af."),
        "2480",
    ),
    Column(
        "medlem_från",
        "joined",
        True,
        _("Dagen parten blev medlem (ÅÅÅÅ-MM-DD); tom betyder samma dag som förbundet bildades."),
        "2005-01-01",
    ),
    Column("medlem_till", "left", False, _("Dagen parten lämnade förbundet; tom om den är medlem."), ""),
)
BOARD_COLUMNS = (
    Column(
        "organisationsnummer",
        "org_number",
        True,
        _("Förbundets organisationsnummer, som på bladet Förbund."),
        "",
    ),
    Column("förnamn", "first_name", True, _("Ledamotens eller ersättarens förnamn."), "Mikael"),
    Column("efternamn", "last_name", True, _("Efternamn."), "Öhman"),
    Column("e_post", "email", False, _("E-postadress (frivillig)."), ""),
    Column(
        "medlem_typ", "kind", True, _("Den part som utsett personen: fk, af, region eller kommun."), "kommun"
    ),
    Column("medlem_kod", "code", True, _("Partens länskod eller kommunkod; tom för fk och af."), "2480"),
    Column("uppdrag", "role", True, _("ledamot eller ersättare."), "ledamot"),
    Column("funktion", "function", False, _("ordförande, vice ordförande eller tom."), "ordförande"),
    Column("från", "start", True, _("Mandatperiodens första dag (ÅÅÅÅ-MM-DD)."), "2023-01-01"),
    Column(
        "till",
        "end",
        True,
        _("Mandatperiodens sista dag (ÅÅÅÅ-MM-DD); ett mandat varar högst fyra år."),
        "2026-12-31",
    ),
)

KINDS = {
    "fk": PartyKind.FK,
    "försäkringskassan": PartyKind.FK,
    "af": PartyKind.AF,
    "arbetsförmedlingen": PartyKind.AF,
    "region": PartyKind.REGION,
    "kommun": PartyKind.MUNICIPALITY,
    "municipality": PartyKind.MUNICIPALITY,
}
ROLES = {
    "ledamot": SeatRole.MEMBER,
    "ordinarie": SeatRole.MEMBER,
    "member": SeatRole.MEMBER,
    "ersättare": SeatRole.DEPUTY,
    "deputy": SeatRole.DEPUTY,
}
FUNCTIONS = {"": (False, False), "ordförande": (True, False), "vice ordförande": (False, True)}
CODE = re.compile(r"^(\d{1,4})(?:\s+\S.*)?$")


def headers_of(sheet: str) -> dict[str, str]:
    """A record's field name → the column header of `sheet` (services.MEMBERS or services.BOARD)."""
    columns = MEMBER_COLUMNS if sheet == services.MEMBERS else BOARD_COLUMNS
    return {column.field: column.header for column in columns}


def sheet_label(sheet: str) -> str:
    return MEMBERS_SHEET if sheet == services.MEMBERS else BOARD_SHEET


def as_report(errors: Iterable[RowError]) -> list[RowError]:
    """Errors as the user reads them: the sheet's name and the column's header instead of field names."""
    return [
        RowError(e.row, headers_of(e.sheet).get(e.column, e.column), e.message, sheet_label(e.sheet))
        for e in errors
    ]


@dataclass
class ReadResult:
    associations: list[AssociationRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # as the user reads them (as_report)
    member_rows: int = 0
    board_rows: int = 0


@dataclass(frozen=True)
class Reference:
    """The codes a file may name: regions by länskod, municipalities by kommunkod and by name."""

    regions: frozenset[str]
    municipalities: frozenset[str]
    municipality_names: dict[str, str]

    @classmethod
    def load(cls) -> Reference:
        names: dict[str, str] = {}
        codes = set()
        for code, name, short in selectors.municipalities().values_list("code", "name", "short_name"):
            codes.add(code)
            names[norm(name)] = code
            names[norm(short)] = code
        return cls(
            regions=frozenset(selectors.regions().values_list("code", flat=True)),
            municipalities=frozenset(codes),
            municipality_names=names,
        )


class _Row:
    """One row's cells, read by field, with its errors."""

    def __init__(self, sheet: str, number: int, cells: dict[str, Any], columns: tuple[Column, ...]) -> None:
        self.sheet = sheet
        self.number = number
        self.cells = cells
        self.headers = {column.field: column.header for column in columns}
        self.errors: list[RowError] = []

    def error(self, field_name: str, message: str) -> None:
        self.errors.append(RowError(self.number, self.headers[field_name], message, sheet_label(self.sheet)))

    def text(self, field_name: str) -> str:
        return cell_text(self.cells.get(self.headers[field_name]))

    def date(self, field_name: str, *, required: bool) -> date | None:
        value = self.cells.get(self.headers[field_name])
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value)
        if not text:
            if required:
                self.error(field_name, gettext("Ange ett datum (ÅÅÅÅ-MM-DD)."))
            return None
        try:
            if len(text) != 10:
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            self.error(field_name, gettext("Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2005-01-01."))
            return None

    def org_number(self) -> str | None:
        text = self.text("org_number")
        if not text:
            self.error("org_number", gettext("Ange förbundets organisationsnummer."))
            return None
        try:
            return rules.normalise_org_number(text)
        except ValueError as exc:
            self.error("org_number", str(exc))
            return None

    def party(self, reference: Reference) -> tuple[str, str] | None:
        """(kind, code) of the member the row names; the code padded with the zeros Excel drops."""
        kind = KINDS.get(norm(self.text("kind")))
        raw = self.text("code")
        if kind is None:
            self.error("kind", gettext("Medlemstypen ska vara fk, af, region eller kommun."))
            return None
        if kind in (PartyKind.FK, PartyKind.AF):
            if raw:
                self.error(
                    "code", gettext("Lämna medlem_kod tom för Försäkringskassan och Arbetsförmedlingen.")
                )
                return None
            return kind, ""
        match = CODE.match(raw)
        if not raw:
            what = (
                gettext("länskoden (två siffror)")
                if kind == PartyKind.REGION
                else gettext("kommunkoden (fyra siffror)")
            )
            self.error("code", gettext("Ange %(what)s.") % {"what": what})
            return None
        if kind == PartyKind.REGION:
            code = match.group(1).zfill(2) if match and len(match.group(1)) <= 2 else None
            if code is None or code not in reference.regions:
                self.error(
                    "code",
                    gettext("Det finns ingen region med den länskoden (två siffror, till exempel 24)."),
                )
                return None
        else:
            code = match.group(1).zfill(4) if match and len(match.group(1)) >= 3 else None
            if code is None or code not in reference.municipalities:
                self.error(
                    "code",
                    gettext("Det finns ingen kommun med den kommunkoden (fyra siffror, till exempel 2480)."),
                )
                return None
        return kind, code

    def seat(self, reference: Reference) -> str | None:
        raw = self.text("seat")
        if not raw:
            return None
        match = CODE.match(raw)
        if match and len(match.group(1)) >= 3:
            code = match.group(1).zfill(4)
            if code in reference.municipalities:
                return code
        elif (code_of_name := reference.municipality_names.get(norm(raw))) is not None:
            return code_of_name
        self.error("seat", gettext("Det finns ingen kommun med den kommunkoden eller det namnet."))
        return None


@dataclass
class _Association:
    record: AssociationRecord
    rows: dict[str, int]  # field → the row that gave it
    parties: list[tuple[str, str, rules.Period, int]] = field(default_factory=list)  # kind, code, period, row
    seats: dict[tuple[object, ...], int] = field(default_factory=dict)


def _table(path: Path, columns: tuple[Column, ...], sheet: int | str) -> TabularFile:
    return TabularFile(
        path,
        headers=[c.header for c in columns],
        required=[c.header for c in columns if c.required],
        max_bytes=MAX_BYTES,
        sheet=sheet,
    )


def _rows(table: TabularFile, label: str) -> Iterable[tuple[int, dict[str, Any]]]:
    try:
        for count, item in enumerate(table.rows(), start=1):
            if count > MAX_ROWS:
                raise ImportFileError(
                    (
                        gettext(
                            "Fler än %(max_rows)s rader; dela upp filen eller kontrollera att den är rätt."
                        )
                        % {"max_rows": format(MAX_ROWS, ",")}
                    ).replace(",", "\u00a0")
                )
            yield item
    except ImportFileError as exc:
        raise ImportFileError(f"{label}: {exc.message}") from exc


def _member_rows(
    table: TabularFile, reference: Reference, result: ReadResult, found: dict[str, _Association]
) -> set[tuple[str, ...]]:
    """Reads the Förbund table into `found`; returns what its rows name, whether they are in error or not:
    (org number,) and (org number, kind, code), so that a board row naming a party of a refused row is
    not reported a second time."""
    named: set[tuple[str, ...]] = set()
    names: dict[str, tuple[str, int]] = {}  # normalised name → (org number, row)
    for number, cells in _rows(table, MEMBERS_SHEET):
        result.member_rows += 1
        row = _Row(services.MEMBERS, number, cells, MEMBER_COLUMNS)
        if TOO_MANY_CELLS in cells:
            result.errors.append(
                RowError(
                    number, "", gettext("Raden har fler celler än det finns kolumnrubriker."), MEMBERS_SHEET
                )
            )
            continue
        org_number = row.org_number()
        name = row.text("name")
        if len(name) > 200:
            row.error("name", gettext("Namnet är längre än 200 tecken."))
            name = ""
        seat = row.seat(reference)
        founded = row.date("founded", required=False)
        party = row.party(reference)
        joined = row.date("joined", required=False)
        left = row.date("left", required=False)
        if org_number is not None:
            named.add((org_number,))
            if party is not None:
                named.add((org_number, *party))
            entry = found.get(org_number)
            if entry is None:
                missing = [
                    (f, message)
                    for f, value, message in (
                        ("name", name, gettext("Ange förbundets namn på dess första rad.")),
                        ("seat", seat, gettext("Ange sätets kommunkod på förbundets första rad.")),
                        ("founded", founded, gettext("Ange dagen förbundet bildades på dess första rad.")),
                    )
                    if not value and not any(e.column == row.headers[f] for e in row.errors)
                ]
                for f, message in missing:
                    row.error(f, message)
                if name and seat and founded:
                    entry = _Association(
                        AssociationRecord(
                            row=number, org_number=org_number, name=name, seat_code=seat, founded=founded
                        ),
                        rows={"name": number, "seat": number, "founded": number},
                    )
                    found[org_number] = entry
                    earlier = names.get(norm(name))
                    if earlier is not None and earlier[0] != org_number:
                        row.error(
                            "name",
                            (
                                gettext(
                                    "Namnet står redan på rad %(earlier)s med ett annat organisationsnummer."
                                )
                                % {"earlier": earlier[1]}
                            ),
                        )
                    names.setdefault(norm(name), (org_number, number))
            else:
                for f, value, kept in (
                    ("name", name, entry.record.name),
                    ("seat", seat, entry.record.seat_code),
                    ("founded", founded, entry.record.founded),
                ):
                    if value and value != kept:
                        row.error(
                            f,
                            (
                                gettext(
                                    "Skiljer sig från rad %(rows)s för samma förbund; lämna den tom "
                                    "eller skriv samma."
                                )
                                % {"rows": entry.rows[f]}
                            ),
                        )
            if entry is not None and party is not None:
                start = joined or entry.record.founded
                if left is not None and left < start:
                    row.error("left", gettext("Utträdet kan inte ligga före inträdet."))
                else:
                    period = rules.Period(start, left)
                    clash = next(
                        (r for k, c, p, r in entry.parties if (k, c) == party and p.overlaps(period)), None
                    )
                    if clash is not None:
                        row.error(
                            "code",
                            gettext("Parten är redan medlem under samma period på rad %(clash)s.")
                            % {"clash": clash},
                        )
                    elif not row.errors:
                        entry.parties.append((*party, period, number))
                        entry.record.members.append(
                            MemberRecord(row=number, kind=party[0], code=party[1], joined=start, left=left)
                        )
        result.errors += row.errors
    return named


def _board_rows(
    table: TabularFile,
    reference: Reference,
    result: ReadResult,
    found: dict[str, _Association],
    named: set[tuple[str, ...]],
) -> None:
    for number, cells in _rows(table, BOARD_SHEET):
        result.board_rows += 1
        row = _Row(services.BOARD, number, cells, BOARD_COLUMNS)
        if TOO_MANY_CELLS in cells:
            result.errors.append(
                RowError(
                    number, "", gettext("Raden har fler celler än det finns kolumnrubriker."), BOARD_SHEET
                )
            )
            continue
        org_number = row.org_number()
        entry = found.get(org_number) if org_number else None
        if org_number and entry is None and (org_number,) not in named:
            row.error(
                "org_number",
                gettext("Förbundet finns inte på bladet Förbund (kontrollera organisationsnumret)."),
            )
        first_name, last_name = row.text("first_name"), row.text("last_name")
        if not first_name:
            row.error("first_name", gettext("Ange förnamn."))
        if not last_name:
            row.error("last_name", gettext("Ange efternamn."))
        if len(first_name) > 100 or len(last_name) > 100:
            row.error("last_name", gettext("Namnet är längre än 100 tecken."))
        email = row.text("email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.error("email", "E-postadressen är ogiltig.")
        party = row.party(reference)
        role = ROLES.get(norm(row.text("role")))
        if role is None:
            row.error("role", gettext("Uppdraget ska vara ledamot eller ersättare."))
        function = FUNCTIONS.get(norm(row.text("function")))
        if function is None:
            row.error("function", gettext("Funktionen ska vara ordförande, vice ordförande eller tom."))
        start = row.date("start", required=True)
        end = row.date("end", required=True)
        if (
            entry is not None
            and party is not None
            and not any((k, c) == party for k, c, _p, _r in entry.parties)
            and (entry.record.org_number, *party) not in named
        ):
            row.error("code", gettext("Parten är inte medlem i förbundet på bladet Förbund."))
        if row.errors or entry is None or party is None or role is None or function is None:
            result.errors += row.errors
            continue
        assert start is not None and end is not None
        seat = SeatRecord(
            row=number,
            first_name=first_name,
            last_name=last_name,
            email=email,
            kind=party[0],
            code=party[1],
            role=role,
            chair=function[0],
            vice_chair=function[1],
            start=start,
            end=end,
        )
        key = (norm(first_name), norm(last_name), *party, role, start, end)
        earlier = entry.seats.get(key)
        if earlier is not None:
            row.error(
                "last_name",
                gettext("Samma styrelseplats står redan på rad %(earlier)s.") % {"earlier": earlier},
            )
            result.errors += row.errors
            continue
        entry.seats[key] = number
        entry.record.seats.append(seat)


def read(path: Path, *, board: Path | None = None, reference: Reference | None = None) -> ReadResult:
    """Reads the förbund table and, if there is one, the board table (the sheet Styrelse of a workbook,
    or the CSV file `board`). ImportFileError when a file as a whole cannot be read."""
    reference = reference or Reference.load()
    members = _table(path, MEMBER_COLUMNS, 0)
    board_table: TabularFile | None = None
    if board is not None:
        board_table = _table(board, BOARD_COLUMNS, 0)
    elif members.kind == "xlsx":
        candidate = _table(path, BOARD_COLUMNS, BOARD_SHEET)
        if _has_sheet(path, BOARD_SHEET):
            board_table = candidate
    result = ReadResult()
    found: dict[str, _Association] = {}
    named = _member_rows(members, reference, result, found)
    if result.member_rows == 0:
        raise ImportFileError(
            gettext("%(members_sheet)s: Filen har inga rader med förbund under kolumnrubrikerna.")
            % {"members_sheet": MEMBERS_SHEET}
        )
    if board_table is not None:
        _board_rows(board_table, reference, result, found, named)
    order = {MEMBERS_SHEET: 0, BOARD_SHEET: 1}
    result.errors.sort(key=lambda e: (order.get(e.sheet, 2), e.row))
    result.associations = [entry.record for entry in found.values()]
    return result


def _has_sheet(path: Path, name: str) -> bool:
    from finsam.core.tabular import XlsxRows, header_key

    return any(header_key(title) == header_key(name) for title in XlsxRows(path).sheet_names())


# --- the example and the template ---------------------------------------------------------------------


def example_rows() -> tuple[list[list[str]], list[list[str]]]:
    """The three förbund of Västerbotten (DESIGN §5) as an example file: their members since 2005 and 2014
    and a board for 2023–2026. The organisation numbers are fictional (valid check digit)."""
    from finsam.registry.demo import ASSOCIATIONS, ENLARGED, FOUNDED, MANDATES, REGION_CODE, org_number

    members: list[list[str]] = []
    board: list[list[str]] = []
    start, end = MANDATES[0]
    for spec in ASSOCIATIONS:
        number = org_number(spec.org_serial)
        first = [number, spec.name, spec.founding_municipality, FOUNDED.isoformat()]
        rest = [number, "", "", ""]
        members.append([*first, "fk", "", FOUNDED.isoformat(), ""])
        members.append([*rest, "af", "", "", ""])
        members.append([*rest, "region", REGION_CODE, "", ""])
        members.append([*rest, "kommun", spec.founding_municipality, "", ""])
        members.extend(
            [*rest, "kommun", code, ENLARGED.isoformat(), ""] for code in spec.later_municipalities
        )
        period = [start.isoformat(), end.isoformat()]
        board.append(
            [number, *spec.chair, "", "kommun", spec.founding_municipality, "ledamot", "ordförande", *period]
        )
        board.append(
            [number, *spec.vice_chair, "", "region", REGION_CODE, "ledamot", "vice ordförande", *period]
        )
    return members, board


def example_csv(sheet: str) -> bytes:
    """One table of the example as CSV UTF-8 with a byte order mark (Excel opens it as UTF-8), semicolons."""
    members, board = example_rows()
    columns, rows = (MEMBER_COLUMNS, members) if sheet == services.MEMBERS else (BOARD_COLUMNS, board)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def example_xlsx() -> bytes:
    """The example as a workbook: the sheets Förbund and Styrelse, text cells so that Excel keeps the
    leading zeros of codes, and a sheet Anvisningar with the columns described."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    members, board = example_rows()
    book = Workbook()
    first = book.active
    assert first is not None
    for sheet, title, columns, rows in (
        (first, MEMBERS_SHEET, MEMBER_COLUMNS, members),
        (book.create_sheet(), BOARD_SHEET, BOARD_COLUMNS, board),
    ):
        sheet.title = title
        sheet.append([c.header for c in columns])
        for row in rows:
            sheet.append(row)
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=index)
            cell.font = Font(bold=True)
            sheet.column_dimensions[cell.column_letter].width = max(14, min(40, len(column.example) + 4))
            for data_row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                for data_cell in data_row:
                    data_cell.number_format = "@"
        sheet.freeze_panes = "A2"
    guide = book.create_sheet("Anvisningar")
    guide.append(["blad", "kolumn", "krävs", "beskrivning", "exempel"])
    for title, columns in ((MEMBERS_SHEET, MEMBER_COLUMNS), (BOARD_SHEET, BOARD_COLUMNS)):
        for column in columns:
            guide.append(
                [
                    title,
                    column.header,
                    "ja" if column.required else "",
                    str(column.description),
                    column.example,
                ]
            )
    for cell in guide[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_uploads(upload: Any, board: Any | None = None, *, reference: Reference | None = None) -> ReadResult:
    """`read` for uploaded files (Django's UploadedFile), each copied to a private temporary file first:
    the reader streams from a path, and a workbook must be seekable."""
    with tempfile.TemporaryDirectory(prefix="finsam-registry-") as folder:
        paths: list[Path | None] = []
        for index, item in enumerate((upload, board)):
            if item is None:
                paths.append(None)
                continue
            path = Path(folder) / f"table-{index}"
            with path.open("wb") as out:
                for chunk in item.chunks():
                    out.write(chunk)
            paths.append(path)
        assert paths[0] is not None
        return read(paths[0], board=paths[1], reference=reference)
