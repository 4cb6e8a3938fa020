"""Reading the försörjningsmått per municipality and year (R-STATE-MODEL) from a CSV file.

Pure parsing: bytes in, rows or a list of row errors out; nothing is written here. The file is strict,
because it decides money: docs/finance.md describes it for users.

- Encoding UTF-8 (with or without BOM), else Windows-1252. Delimiter `;` (or tab).
- The first non-empty line is the header, exactly three columns in this order: the municipality code
  ("kommunkod" or "kommun"), the year ("år" or "ar") and the value ("försörjningsmått" or
  "forsorjningsmatt"). Any other header refuses the whole file with one message.
- Every following non-empty line has exactly three fields: a known municipality code of four digits, a
  year, and the value: a number of at least zero with at most two decimals ("1 234,5" or "1234.5").
  A municipality and year may appear once.
- Any error refuses the file; every row in error is listed with its line and field.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from finsam.finance import rules

CODE_HEADERS = ("kommunkod", "kommun")
YEAR_HEADERS = ("år", "ar")
VALUE_HEADERS = ("försörjningsmått", "forsorjningsmatt")
HEADER_TEXT = "kommunkod;år;försörjningsmått"
FIRST_YEAR, LAST_YEAR = 1990, 2199
MAX_ERRORS = 50
MAX_VALUE = Decimal(rules.MAX_COUNT)


class SupportMeasureFileError(ValueError):
    """The file cannot be read as a table of försörjningsmått at all (one Swedish line)."""


@dataclass(frozen=True)
class Row:
    line: int
    code: str
    year: int
    value: Decimal


@dataclass
class ParseResult:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise SupportMeasureFileError(_("Filen är inte en textfil (CSV)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise SupportMeasureFileError(_("Filen kan inte läsas: spara den som UTF-8.")) from exc


def _normalise(text: str) -> str:
    return " ".join(text.strip().lower().split())


def value_of(text: str) -> Decimal | str:
    """The försörjningsmått in a cell, or the Swedish reason it is not one."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if cleaned == "":
        return _("värdet saknas")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        return _("%(strip)s är inget tal") % {"strip": repr(text.strip())}
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return _("%(strip)s är inget tal") % {"strip": repr(text.strip())}
    if number < 0:
        return _("får inte vara mindre än noll")
    if number.as_tuple().exponent < -2:  # type: ignore[operator]
        return _("högst två decimaler")
    if number > MAX_VALUE:
        return _("är orimligt stort")
    return number


def parse(data: bytes, *, known_codes: Iterable[str]) -> ParseResult:
    text = _decode(data)
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise SupportMeasureFileError(_("Filen är tom."))
    header_line = lines[0][1]
    delimiter = "\t" if "\t" in header_line and ";" not in header_line else ";"
    header = [_normalise(cell) for cell in next(csv.reader([header_line], delimiter=delimiter))]
    if (
        len(header) != 3
        or header[0] not in CODE_HEADERS
        or header[1] not in YEAR_HEADERS
        or header[2] not in VALUE_HEADERS
    ):
        raise SupportMeasureFileError(
            _(
                "Rubrikraden ska vara %(header_text)s (tre kolumner, semikolon "
                "mellan), men är %(strip)s. Ingenting har lästs in."
            )
            % {"header_text": HEADER_TEXT, "strip": repr(header_line.strip()[:100])}
        )
    known = set(known_codes)
    result = ParseResult()
    seen: dict[tuple[str, int], int] = {}
    for number, line in lines[1:]:
        if len(result.errors) >= MAX_ERRORS:
            break
        try:
            cells = next(csv.reader(io.StringIO(line), delimiter=delimiter))
        except (csv.Error, StopIteration):
            result.errors.append(_("Rad %(number)s: raden kan inte läsas som CSV.") % {"number": number})
            continue
        if len(cells) != 3:
            result.errors.append(
                _(
                    "Rad %(number)s: %(count)s fält, ska vara 3 (%(header_text)s); "
                    "ett fält saknas eller är för mycket."
                )
                % {"number": number, "count": len(cells), "header_text": HEADER_TEXT}
            )
            continue
        code, year_text, value_text = (cell.strip() for cell in cells)
        problems = []
        if not re.fullmatch(r"\d{4}", code):
            problems.append(
                _("fältet kommunkod: %(code)s är ingen kommunkod (fyra siffror)") % {"code": repr(code)}
            )
        elif code not in known:
            problems.append(_("fältet kommunkod: det finns ingen kommun med koden %(code)s") % {"code": code})
        year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else None
        if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
            problems.append(
                _("fältet år: %(year_text)s är inget årtal mellan %(first_year)s och %(last_year)s")
                % {"year_text": repr(year_text), "first_year": FIRST_YEAR, "last_year": LAST_YEAR}
            )
        value = value_of(value_text)
        if isinstance(value, str):
            problems.append(_("fältet försörjningsmått: %(value)s") % {"value": value})
        if problems:
            result.errors.append(_("Rad %(number)s: ") % {"number": number} + "; ".join(problems) + ".")
            continue
        assert year is not None and isinstance(value, Decimal)
        if (code, year) in seen:
            result.errors.append(
                _("Rad %(number)s: %(code)s år %(year)s finns redan på rad %(seen)s.")
                % {"number": number, "code": code, "year": year, "seen": seen[(code, year)]}
            )
            continue
        seen[(code, year)] = number
        result.rows.append(Row(line=number, code=code, year=year, value=value))
    if not result.rows and not result.errors:
        raise SupportMeasureFileError(_("Filen har inga rader under rubrikraden."))
    return result
