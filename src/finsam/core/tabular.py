"""Reading a table that a user filled in: a CSV file or an Excel workbook (.xlsx). The one way every import
of the platform reads its file (participants, the registry of förbund).

What is accepted:

- CSV in UTF-8 (with or without a byte order mark), separated by semicolons, commas or tabs (judged from
  the header line), values quoted or not; or an Excel workbook (.xlsx), read in read-only mode one row at a
  time. The old Excel format (.xls), binary data and text in another encoding are refused with a Swedish
  message that says how to save the file instead.
- The first row holds the column headers. Headers match whatever their case, spacing and
  diacritics, with spaces or hyphens for underscores; an unknown, repeated or missing header refuses the
  whole file (a near miss is named with the header meant).
- Blank rows are skipped; a row with more cells than headers is marked (`TOO_MANY_CELLS`).

Nothing here knows what the columns mean: `TabularFile.rows()` yields the row number (as Excel shows it)
and the cells by header, and the caller parses them.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext, gettext_lazy

HEAD_BYTES = 64 * 1024
# A part of a workbook that unpacks to more than this many times its packed size is a zip bomb, not a table
# that someone filled in (a sheet of participants packs about 12 to 1), once it is larger than a few MB.
MAX_PACKED_RATIO = 100
PACKED_RATIO_FROM = 8 * 1024 * 1024
XLSX_WIDTH = 256  # cells of a workbook row kept; anything beyond is one marker cell (more cells than headers)
CSV_FIELD_LIMIT = 10_000  # characters in one cell; anything longer is not a file of ours
TOO_MANY_CELLS = ""  # the key of a row with cells beyond the last header


def norm(text: str) -> str:
    """Case, spacing and Unicode form do not matter when values and headers are compared."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def header_key(text: str) -> str:
    """Headers also match without diacritics and with spaces or hyphens for underscores."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", norm(text)) if not unicodedata.combining(c))
    return plain.replace(" ", "_").replace("-", "_")


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header, size): one Swedish message."""

    @property
    def message(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True, slots=True)
class RowError:
    """One refused cell: the row number as the spreadsheet shows it, the column header, the Swedish reason
    (never a value from the file)."""

    row: int
    column: str
    message: str
    sheet: str = ""  # the sheet (or file) of a file of several tables
    message_en: str = ""  # the reason in English, where the import keeps it for its English readers


NOT_UTF8 = gettext_lazy(
    "Filen är inte UTF-8-kodad; spara den som CSV UTF-8 (i Excel: "
    "Spara som → CSV UTF-8 (kommaavgränsad)) eller som Excelfil "
    "(.xlsx) och läs in den igen."
)
NOT_TEXT = gettext_lazy(
    "Filen innehåller binära data och är varken en CSV-fil eller en "
    "Excelfil (.xlsx). Hämta mallen och spara filen som CSV UTF-8 "
    "eller .xlsx."
)
OLD_EXCEL = gettext_lazy(
    "Filen är i det gamla Excelformatet (.xls). Spara den som Excelfil (.xlsx) eller CSV UTF-8."
)
NOT_XLSX = gettext_lazy(
    "Filen kan inte läsas som Excelfil (.xlsx). Spara den på nytt som .xlsx eller CSV UTF-8."
)
EMPTY = gettext_lazy("Filen är tom. Den första raden ska innehålla kolumnrubrikerna; hämta mallen.")


def _size(limit: int) -> str:
    if limit >= 1024**3:
        return f"{limit / 1024**3:.3g} GB".replace(".", ",")
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} kB"


def too_many_rows_message(limit: int) -> str:
    count = f"{limit:,}".replace(",", "\u00a0")
    return gettext(
        "Filen har fler än %(count)s rader, som är det mesta som kan läsas in på en gång; dela upp den."
    ) % {"count": count}


def unpacked_too_large_message(limit: int) -> str:
    return gettext(
        "Excelfilen blir större än %(size)s uppackad, som är det största "
        "som kan läsas in; dela upp den eller spara den som CSV UTF-8."
    ) % {"size": _size(limit)}


PACKED_TOO_TIGHTLY = gettext_lazy(
    "Excelfilen packas upp till mer än hundra gånger sin storlek och "
    "läses inte in. Spara den på nytt som .xlsx eller CSV UTF-8."
)


def too_large_message(limit: int) -> str:
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} kB"
    return gettext("Filen är större än %(size)s, som är det största som kan läsas in.") % {"size": size}


def check_head(head: bytes) -> str:
    """The kind of file judged from its first bytes: "xlsx" or "csv"; ImportFileError for anything
    that is neither (binary data, the old .xls format, text in another encoding than UTF-8)."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(OLD_EXCEL)
    if not head.strip():
        raise ImportFileError(EMPTY)
    if b"\x00" in head:
        raise ImportFileError(NOT_TEXT)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise ImportFileError(NOT_UTF8) from exc
    return "csv"


def cell_text(value: Any) -> str:
    """A cell as text: Excel gives numbers and dates, CSV gives text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _blank(cells: Sequence[Any]) -> bool:
    """No cell of the row holds anything (a CSV row's cells are all text: joined, one check)."""
    try:
        return not "".join(cells).strip()
    except TypeError:  # a workbook's numbers, dates, empty cells
        return not any(cell_text(cell) for cell in cells)


class CsvRows:
    """The rows of a CSV file, numbered from 1, streamed."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        with self.path.open("rb") as raw:
            for offset, chunk in enumerate(iter(lambda: raw.read(HEAD_BYTES), b"")):
                if b"\x00" in chunk:
                    raise ImportFileError(NOT_TEXT)
                if offset == 0:
                    check_head(chunk)
        with self.path.open(encoding="utf-8-sig", newline="") as text:
            first = text.readline(CSV_FIELD_LIMIT * 20)
            delimiter = max(";,\t", key=first.count)
            if not first.count(delimiter):
                raise ImportFileError(
                    gettext(
                        "Första raden ska innehålla kolumnrubrikerna åtskilda med "
                        "semikolon eller komma; hämta mallen."
                    )
                )
            text.seek(0)
            reader = csv.reader(text, delimiter=delimiter, strict=False)
            number = 0
            try:
                for number, cells in enumerate(reader, start=1):
                    yield number, cells
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    gettext("%(not_utf8)s (Felet finns efter rad %(number)s.)")
                    % {"not_utf8": NOT_UTF8, "number": number}
                ) from exc
            except csv.Error as exc:
                raise ImportFileError(
                    gettext("Rad %(value)s kan inte läsas som CSV. Kontrollera citattecknen.")
                    % {"value": number + 1}
                ) from exc


class XlsxRows:
    """The rows of one sheet of a workbook (by position, or by name when `sheet` is text), numbered from 1,
    streamed in read-only mode."""

    def __init__(self, path: Path, sheet: int | str = 0) -> None:
        self.path = path
        self.sheet = sheet

    def _open(self, handle: IO[bytes]) -> Any:
        from openpyxl import load_workbook

        try:
            # A file object, not a name: openpyxl judges a name by its extension.
            return load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # a damaged zip, a zip that is no workbook, broken XML …
            raise ImportFileError(NOT_XLSX) from exc

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        with self.path.open("rb") as handle:
            yield from self._rows(self._open(handle))

    def _select(self, book: Any) -> Any:
        if isinstance(self.sheet, str):
            wanted = header_key(self.sheet)
            return next((s for s in book.worksheets if header_key(s.title) == wanted), None)
        return book.worksheets[self.sheet] if len(book.worksheets) > self.sheet else None

    def _rows(self, book: Any) -> Iterator[tuple[int, list[Any]]]:
        try:
            if not book.worksheets:
                raise ImportFileError(NOT_XLSX)
            sheet = self._select(book)
            if sheet is None:
                return
            number = 0
            try:
                for number, cells in _sparse_rows(book, sheet):
                    yield number, cells
            except ImportFileError:
                raise
            except Exception as exc:
                raise ImportFileError(
                    gettext("%(not_xlsx)s (Felet finns efter rad %(number)s.)")
                    % {"not_xlsx": NOT_XLSX, "number": number}
                ) from exc
        finally:
            book.close()

    def sheet_names(self) -> list[str]:
        with self.path.open("rb") as handle:
            book = self._open(handle)
            try:
                return [s.title for s in book.worksheets]
            finally:
                book.close()

    def estimate(self) -> int | None:
        with self.path.open("rb") as handle:
            book = self._open(handle)
            try:
                sheet = self._select(book)
                return sheet.max_row if sheet is not None else None
            finally:
                book.close()


def _sparse_rows(book: Any, sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    """The rows a sheet holds, as its XML has them: each with its own row number, only the rows that are
    there, and at most XLSX_WIDTH cells (a cell with a value further right becomes one marker cell after
    them). Never from the sheet's declared dimension: openpyxl's `iter_rows` fills the rows and columns up
    to it, and a workbook of one cell that declares A1:XFD1048576 would be a million rows of 16 384 cells.
    openpyxl's own parser of a sheet (the one `iter_rows` uses in read-only mode) gives the cells present."""
    from openpyxl.worksheet._reader import WorkSheetParser

    with book._archive.open(sheet._worksheet_path) as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=book.data_only,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, present in parser.parse():
            cells: list[Any] = []
            beyond = False
            for cell in present:
                column, value = cell["column"], cell["value"]
                if column > XLSX_WIDTH:
                    beyond = beyond or value not in (None, "")
                    continue
                if column > len(cells):
                    cells.extend([None] * (column - len(cells)))
                cells[column - 1] = value
            if beyond:
                cells.extend([None] * (XLSX_WIDTH - len(cells)))
                cells.append("…")
            yield number, cells


def check_workbook(path: Path, *, max_unpacked: int, max_shared_strings: int) -> None:
    """Refuses a workbook, before anything of it is unpacked, whose parts together (as its zip directory
    declares them: Python's zipfile unpacks no more than a part declares) or whose shared strings, which
    openpyxl holds in memory, are larger than the limits."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(NOT_XLSX) from exc
    if sum(part.file_size for part in parts) > max_unpacked:
        raise ImportFileError(unpacked_too_large_message(max_unpacked))
    if any(
        part.file_size > PACKED_RATIO_FROM and part.file_size > MAX_PACKED_RATIO * max(part.compress_size, 1)
        for part in parts
    ):
        raise ImportFileError(PACKED_TOO_TIGHTLY)
    shared = sum(part.file_size for part in parts if part.filename.lower().endswith("sharedstrings.xml"))
    if shared > max_shared_strings:
        raise ImportFileError(unpacked_too_large_message(max_shared_strings))


class TabularFile:
    """A table on disk, read lazily, one row at a time: `rows()` yields (row number, cells by column
    header) for every non-blank row after the header. `headers` are the columns known, `required` those
    the header row must name; `sheet` chooses the sheet of a workbook (a CSV file has one table)."""

    def __init__(
        self,
        path: Path,
        *,
        headers: Sequence[str],
        required: Iterable[str],
        max_bytes: int,
        sheet: int | str = 0,
        max_rows: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.headers = tuple(headers)
        self.required = tuple(required)
        self._by_key = {header_key(header): header for header in self.headers}
        try:
            size = self.path.stat().st_size
            with self.path.open("rb") as handle:
                head = handle.read(HEAD_BYTES)
        except FileNotFoundError as exc:
            raise ImportFileError(gettext("Filen finns inte.")) from exc
        except IsADirectoryError as exc:
            raise ImportFileError(gettext("Det är en katalog, inte en fil.")) from exc
        except PermissionError as exc:
            raise ImportFileError(gettext("Filen kan inte läsas (behörighet saknas).")) from exc
        if size > max_bytes:
            raise ImportFileError(too_large_message(max_bytes))
        self.kind = check_head(head)
        self.max_rows = settings.IMPORT_MAX_ROWS if max_rows is None else max_rows
        self._source: CsvRows | XlsxRows = (
            CsvRows(self.path) if self.kind == "csv" else XlsxRows(self.path, sheet)
        )
        if isinstance(self._source, XlsxRows):
            check_workbook(
                self.path,
                max_unpacked=settings.IMPORT_MAX_UNPACKED_BYTES,
                max_shared_strings=settings.IMPORT_MAX_SHARED_STRINGS_BYTES,
            )
            declared = self._source.estimate()  # the dimension the sheet declares: only to refuse early
            if declared is not None and declared - 1 > self.max_rows:
                raise ImportFileError(too_many_rows_message(self.max_rows))

    def _columns(self, header: list[Any]) -> list[str | None]:
        names = [cell_text(cell) for cell in header]
        while names and not names[-1]:
            names.pop()
        columns = [self._by_key.get(header_key(name)) if name else None for name in names]
        unknown = [name for name, column in zip(names, columns, strict=True) if column is None]
        problems = []
        if unknown:
            # The header's own words are repeated only as a correction of a near miss: a file without a
            # header has a data row there, and its values must not end up in a message.
            hints = []
            for name in unknown:
                close = difflib.get_close_matches(header_key(name), list(self._by_key), n=1, cutoff=0.75)
                if close and not any(c.isdigit() for c in name) and len(name) <= 40:
                    hints.append(f"{name} (menar du {self._by_key[close[0]]}?)")
            count = (
                gettext("1 okänd kolumnrubrik")
                if len(unknown) == 1
                else gettext("%(count)s okända kolumnrubriker") % {"count": len(unknown)}
            )
            problems.append(count + (f": {', '.join(hints)}" if hints else ""))
        present = [column for column in columns if column is not None]
        repeated = sorted({c for c in present if present.count(c) > 1})
        if repeated:
            problems.append(
                gettext("rubriker som förekommer två gånger: %(list)s") % {"list": ", ".join(repeated)}
            )
        missing = [header for header in self.required if header not in present]
        if missing:
            problems.append(gettext("kolumner som saknas: %(list)s") % {"list": ", ".join(missing)})
        if problems:
            raise ImportFileError(
                gettext("Första raden ska innehålla kolumnrubrikerna (se mallen); ")
                + "; ".join(problems)
                + "."
            )
        return columns

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        columns: list[str | None] | None = None
        named: list[str] = []  # the columns when every header cell names one (the usual case)
        rows = 0
        for number, cells in self._source:
            if columns is None:
                if _blank(cells):
                    raise ImportFileError(EMPTY)
                columns = self._columns(cells)
                named = [column for column in columns if column is not None]
                if len(named) != len(columns):
                    named = []
                continue
            if _blank(cells):
                continue
            rows += 1
            if rows > self.max_rows:
                raise ImportFileError(too_many_rows_message(self.max_rows))
            if len(cells) > len(columns) and not _blank(cells[len(columns) :]):
                yield number, {TOO_MANY_CELLS: "too-many-cells"}
                continue
            if named:
                yield number, dict(zip(named, cells, strict=False))
            else:
                yield (
                    number,
                    {
                        column: cell
                        for column, cell in zip(columns, cells, strict=False)
                        if column is not None
                    },
                )
        if columns is None:
            raise ImportFileError(EMPTY)

    def count(self) -> int:
        """Rows after the header: read once more for a CSV file (cheap), from the sheet's recorded size
        for a workbook (an estimate: a progress bar is clamped to it)."""
        if isinstance(self._source, XlsxRows):
            estimate = self._source.estimate()
            if estimate is not None:
                return min(max(estimate - 1, 0), self.max_rows)
        return sum(1 for _ in self.rows())


def report_csv(errors: Iterable[RowError], out: IO[str]) -> None:
    """An error report as CSV (semicolon, opens in a Swedish Excel): row, column, message; the sheet first
    when the file has several tables."""
    errors = list(errors)
    sheets = any(error.sheet for error in errors)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["blad", "rad", "kolumn", "meddelande"] if sheets else ["rad", "kolumn", "meddelande"])
    for error in errors:
        cells = [error.row, error.column, error.message]
        writer.writerow([error.sheet, *cells] if sheets else cells)
