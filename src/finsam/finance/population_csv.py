"""Reading SCB's population table (Folkmängd per region, ålder och år) exported as CSV.

Pure parsing: bytes in, figures or a list of row errors out; nothing is written here. What is accepted
(docs/finance.md describes it for users):

- Encoding UTF-8 (with or without BOM), else Windows-1252/Latin-1 (SCB's older exports).
- Delimiter `;`, `,` or tab, found from the header line. Values may be quoted.
- Title lines before the header, empty lines, and footnote lines (a single cell) are skipped.
- The header names a region column ("region", "kommun", "kommunkod") and either
  * a year column ("år") and a value column ("folkmängd", "befolkning", "antal", "population") — the
    long format, one row per municipality and year; or
  * one column per year ("2023", "2024", or "Folkmängd 2024") — SCB's default wide format.
- A region cell is "2480 Umeå", "2480" or "2480 Umeå kommun"; a separate name column is ignored. Rows for
  the whole country or a county (codes of two digits, "00 Riket") are skipped: they are not
  municipalities.
- An age column ("ålder", "åldersgrupp", "age") holds one age ("16 år", "16"), an age group ("16-19 år",
  "16–19"), an open group ("65+ år", "100+ år") or a total ("totalt ålder"). The total population is the
  total row when there is one, else the sum of the ages. The population aged 16–64 (the state model's,
  R-STATE-MODEL) is the sum of the ages and groups inside 16–64, when they cover every age from 16 to 64;
  with groups that cross 16 or 64 (SCB's "15-19 år") or ages left out it cannot be derived and is not
  stored (`ParseResult.notes` says so). A file without an age column gives totals only, as before.
- Any other column (kön, …) is a breakdown: when it has a total value ("totalt", "män och kvinnor",
  "samtliga") only those rows are used; otherwise the rows are summed per municipality and year.
- Populations are whole numbers, spaces as thousands separators allowed ("133 061").
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext

from finsam.core.errors import Violation
from finsam.finance import rules

REGION_HEADERS = ("region", "kommun", "kommunkod", "kommun/region", "regionkod", "municipality")
YEAR_HEADERS = ("år", "ar", "year", "tid")
VALUE_HEADERS = ("folkmängd", "befolkning", "antal", "population", "invånare", "värde")
TOTAL_VALUES = (
    "totalt",
    "totalt ålder",
    "totalt samtliga åldrar",
    "samtliga åldrar",
    "samtliga",
    "totalt män och kvinnor",
    "män och kvinnor",
    "total",
    "totalt kön",
)
AGE_HEADERS = ("ålder", "alder", "åldersgrupp", "åldersklass", "age")
AGE_PATTERN = re.compile(r"^(\d{1,3})\s*(?:(\+)|[-–]\s*(\d{1,3}))?\s*(?:år)?$")
WORKING_AGE = (16, 64)
YEAR_PATTERN = re.compile(r"^(?:.*\D)?((?:19|20|21)\d\d)$")
CODE_PATTERN = re.compile(r"^(\d{2}|\d{4})(?:\s+(.*))?$")
MAX_ERRORS = 50


class PopulationFileError(ValueError):
    """The file cannot be read as a population table at all (one Swedish line)."""


@dataclass(frozen=True)
class Figure:
    code: str
    year: int
    population: int
    population_16_64: int | None = None


@dataclass
class ParseResult:
    figures: list[Figure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: int = 0  # rows for the whole country or a county
    notes: list[str] = field(default_factory=list)  # why the 16-64 population could not be derived


def age_range(text: str) -> tuple[int, int | None] | None:
    """ "16 år" → (16, 16), "16-19 år" → (16, 19), "65+ år" → (65, None); None when it is not an age."""
    match = AGE_PATTERN.match(_normalise(text))
    if match is None:
        return None
    low = int(match.group(1))
    if match.group(2):
        return low, None
    high = int(match.group(3)) if match.group(3) else low
    return (low, high) if high >= low else None


def decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise PopulationFileError(
            gettext("Filen är inte en textfil (CSV); exportera tabellen från SCB som CSV.")
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict") if _is_cp1252(data) else data.decode("latin-1")


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _normalise(text: str) -> str:
    return " ".join(text.strip().strip('"').strip().lower().split())


def _rows(text: str) -> tuple[list[list[str]], str]:
    lines = text.splitlines()
    sample = "\n".join(line for line in lines[:40] if line.strip())
    counts = {delimiter: sample.count(delimiter) for delimiter in (";", "\t", ",")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        raise PopulationFileError(
            gettext("Filen har inga kolumner: spara SCB:s tabell som CSV med semikolon, komma eller tabb.")
        )
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise PopulationFileError(gettext("Filen kan inte läsas som CSV (%(exc)s).") % {"exc": exc}) from exc
    return rows, delimiter


def _find_header(rows: list[list[str]]) -> int:
    for index, row in enumerate(rows[:60]):
        cells = [_normalise(cell) for cell in row]
        if any(cell in REGION_HEADERS for cell in cells) and len([c for c in cells if c]) >= 2:
            return index
    raise PopulationFileError(
        gettext(
            "Filen saknar en rubrikrad med kolumnerna region och år: "
            "exportera SCB:s tabell Folkmängd per region, ålder och år som "
            "CSV."
        )
    )


def _population(text: str) -> int | str | None:
    """The number in a cell, None for an empty cell, or the Swedish reason it is not a population."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if cleaned == "":
        return None
    if cleaned in ("..", ".", "-", "–"):
        return gettext("värdet saknas i SCB:s tabell")
    violations: list[Violation] = []
    number = rules.check_population(
        cleaned, field="population", label=gettext("folkmängden"), violations=violations
    )
    if number is None:
        reason = violations[0].message if violations else gettext("ogiltigt värde")
        return reason[0].lower() + reason[1:] if reason else reason
    return number


def parse(data: bytes, *, known_codes: Iterable[str] | None = None) -> ParseResult:
    """Reads the file; raises PopulationFileError when it is not a population table at all, and returns
    per-row errors (Swedish, with the line number) for rows that cannot be used."""
    text = decode(data)
    if not text.strip():
        raise PopulationFileError(gettext("Filen är tom."))
    rows, _delimiter = _rows(text)
    header_index = _find_header(rows)
    header = [_normalise(cell) for cell in rows[header_index]]
    region_column = next(i for i, cell in enumerate(header) if cell in REGION_HEADERS)
    year_column = next((i for i, cell in enumerate(header) if cell in YEAR_HEADERS), None)
    value_column = next(
        (i for i, cell in enumerate(header) if any(cell.startswith(word) for word in VALUE_HEADERS)), None
    )
    year_columns: dict[int, int] = {}
    if year_column is None:
        for i, cell in enumerate(header):
            match = YEAR_PATTERN.match(cell)
            if match and i != region_column:
                year_columns[i] = int(match.group(1))
        if not year_columns:
            raise PopulationFileError(
                gettext(
                    "Filen saknar kolumn för år: rubrikraden ska ha kolumnen år och "
                    "en kolumn för folkmängd, eller en kolumn per år (till exempel "
                    "2024)."
                )
            )
    elif value_column is None:
        raise PopulationFileError(gettext("Filen saknar kolumnen folkmängd (värdet) bredvid kolumnen år."))
    age_column = next((i for i, cell in enumerate(header) if cell in AGE_HEADERS), None)
    used = {region_column, *year_columns}
    if age_column is not None:
        used.add(age_column)
    if year_column is not None and value_column is not None:
        used |= {year_column, value_column}
    breakdown_columns = [
        i for i, cell in enumerate(header) if i not in used and cell and not cell.startswith("kommunnamn")
    ]
    known = set(known_codes) if known_codes is not None else None

    result = ParseResult()
    # (line, code, year, breakdown values, age) → population; then totals per (code, year).
    cells: list[tuple[int, str, int, tuple[str, ...], str, int]] = []
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        filled = [cell for cell in row if cell.strip()]
        if len(filled) <= 1:
            continue  # empty line, a title or a footnote
        if len(result.errors) >= MAX_ERRORS:
            break
        region = row[region_column].strip().strip('"') if region_column < len(row) else ""
        match = CODE_PATTERN.match(region)
        if match is None:
            result.errors.append(
                gettext("rad %(offset)s: %(region)s är ingen kommunkod (fyra siffror, t.ex. 2480 Umeå)")
                % {"offset": offset, "region": repr(region)}
            )
            continue
        code = match.group(1)
        if len(code) == 2:
            result.skipped += 1
            continue
        if known is not None and code not in known:
            result.errors.append(
                gettext("rad %(offset)s: det finns ingen kommun med koden %(code)s")
                % {"offset": offset, "code": code}
            )
            continue
        breakdown = tuple(_normalise(row[i]) if i < len(row) else "" for i in breakdown_columns)
        age = _normalise(row[age_column]) if age_column is not None and age_column < len(row) else ""
        if age_column is not None and age not in TOTAL_VALUES and age_range(age) is None:
            result.errors.append(
                gettext("rad %(offset)s: åldern %(age)s kan inte läsas (t.ex. 16 år, 16-19 år, 65+ år)")
                % {"offset": offset, "age": repr(age)}
            )
            continue
        pairs: list[tuple[int, str]] = []
        if year_column is not None and value_column is not None:
            year_text = row[year_column].strip() if year_column < len(row) else ""
            if not re.fullmatch(r"(19|20|21)\d\d", year_text):
                result.errors.append(
                    gettext("rad %(offset)s: %(year_text)s är inget årtal")
                    % {"offset": offset, "year_text": repr(year_text)}
                )
                continue
            pairs.append((int(year_text), row[value_column] if value_column < len(row) else ""))
        else:
            pairs.extend((year, row[i] if i < len(row) else "") for i, year in year_columns.items())
        for year, raw in pairs:
            value = _population(raw)
            if value is None:
                result.errors.append(
                    gettext("rad %(offset)s: folkmängden för %(code)s år %(year)s saknas")
                    % {"offset": offset, "code": code, "year": year}
                )
            elif isinstance(value, str):
                result.errors.append(
                    gettext("rad %(offset)s: %(code)s år %(year)s: %(value)s")
                    % {"offset": offset, "code": code, "year": year, "value": value}
                )
            else:
                cells.append((offset, code, year, breakdown, age, value))

    for position, _ in enumerate(breakdown_columns):
        has_total = any(c[3][position] in TOTAL_VALUES for c in cells)
        if has_total:
            cells = [c for c in cells if c[3][position] in TOTAL_VALUES]
    totals: dict[tuple[str, int], int] = defaultdict(int)
    age_sums: dict[tuple[str, int], int] = defaultdict(int)
    working: dict[tuple[str, int], int] = defaultdict(int)
    covered: dict[tuple[str, int], set[int]] = defaultdict(set)
    crossing: set[tuple[str, int]] = set()
    seen: dict[tuple[str, int, tuple[str, ...], str], int] = {}
    low_age, high_age = WORKING_AGE
    for offset, code, year, breakdown, age, value in cells:
        cell_key = (code, year, breakdown, age)
        if cell_key in seen:
            result.errors.append(
                gettext("rad %(offset)s: %(code)s år %(year)s finns redan på rad %(seen)s")
                % {"offset": offset, "code": code, "year": year, "seen": seen[cell_key]}
            )
            continue
        seen[cell_key] = offset
        if age_column is None or age in TOTAL_VALUES:
            totals[(code, year)] += value
            continue
        span = age_range(age)
        assert span is not None  # refused above
        low, high = span
        age_sums[(code, year)] += value
        if low >= low_age and high is not None and high <= high_age:
            working[(code, year)] += value
            covered[(code, year)].update(range(low, high + 1))
        elif low <= high_age and (high is None or high >= low_age):
            crossing.add((code, year))
    needed = set(range(low_age, high_age + 1))
    for code, year in sorted(set(totals) | set(age_sums)):
        key = (code, year)
        population = totals[key] if key in totals else age_sums[key]
        if population > rules.MAX_COUNT:
            result.errors.append(
                gettext("%(code)s år %(year)s: folkmängden %(population)s är orimligt stor")
                % {"code": code, "year": year, "population": population}
            )
            continue
        population_16_64: int | None = None
        if key in age_sums:
            if key in crossing:
                result.notes.append(
                    gettext(
                        "%(code)s år %(year)s: en åldersgrupp går över gränsen 16 eller "
                        "64 år; folkmängden 16–64 år kan inte räknas fram"
                    )
                    % {"code": code, "year": year}
                )
            elif not needed <= covered[key]:
                result.notes.append(
                    gettext("%(code)s år %(year)s: alla åldrar 16–64 år finns inte i filen")
                    % {"code": code, "year": year}
                )
            else:
                population_16_64 = working[key]
        if population_16_64 is not None and population_16_64 > population:
            result.errors.append(
                gettext("%(code)s år %(year)s: folkmängden 16–64 år är större än hela folkmängden")
                % {"code": code, "year": year}
            )
            continue
        result.figures.append(
            Figure(code=code, year=year, population=population, population_16_64=population_16_64)
        )
    if not result.figures and not result.errors:
        raise PopulationFileError(gettext("Filen innehåller ingen kommun med folkmängd."))
    return result
