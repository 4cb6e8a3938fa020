"""Excel workbooks (openpyxl) from plain descriptions: a sheet is a heading and tables of rows.

Amounts are written as numbers with a number format, not as text, so that they can be summed in Excel;
Excel shows them with the reader's own separators (1 234 567,00 in a Swedish Excel).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from finsam.reports.csvfile import FORMULA_STARTS
from finsam.reports.pdf import safe_filename

MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | int | Decimal | None


@dataclass(frozen=True)
class Table:
    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    # Column index → number format (MONEY_FORMAT …); other columns are text.
    formats: dict[int, str] = field(default_factory=dict)
    total: Sequence[Cell] | None = None


@dataclass(frozen=True)
class Sheet:
    title: str
    heading: Sequence[str]
    tables: Sequence[Table]
    widths: Sequence[int] = ()


_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="E8E9F6")
_TOP_RULE = Border(top=Side(style="thin", color="1B1E23"))


# Characters Excel refuses in a sheet's name, and the most it allows.
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


def sheet_name(title: str, taken: set[str]) -> str:
    """A name Excel accepts for a sheet: without its refused characters, at most 31 characters, cut at a
    word rather than inside one, and not one already taken in the workbook (a number is added)."""
    name = " ".join(_NOT_IN_SHEET_NAMES.sub(" ", title).split()).strip("'") or "Blad"
    if len(name) > SHEET_NAME_MAX:
        head = name[: SHEET_NAME_MAX + 1]  # a space just after the 31st character ends a whole word too
        cut = head.rsplit(" ", 1)[0] if " " in head else ""
        name = (cut if len(cut) >= SHEET_NAME_MAX // 2 else name[:SHEET_NAME_MAX]).rstrip(" ,;–-(")
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = name[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
    taken.add(candidate.casefold())
    return candidate


def workbook(sheets: Sequence[Sheet], *, title: str = "", creator: str = "Finsam") -> bytes:
    book = Workbook()
    book.remove(book.active)
    book.properties.title = title
    book.properties.creator = creator
    taken: set[str] = set()
    for sheet in sheets:
        ws = book.create_sheet(sheet_name(sheet.title, taken))
        row = 1
        for index, line in enumerate(sheet.heading):
            put(ws, row, 1, line).font = _TITLE if index == 0 else Font()
            row += 1
        for table in sheet.tables:
            row += 1
            put(ws, row, 1, table.caption).font = _BOLD
            row += 1
            for column, header in enumerate(table.headers, start=1):
                cell = put(ws, row, column, header)
                cell.font = _BOLD
                cell.fill = _HEADER_FILL
                if column - 1 in table.formats:
                    cell.alignment = Alignment(horizontal="right")
            ws.freeze_panes = None
            row += 1
            for values in table.rows:
                _write_row(ws, row, values, table.formats)
                row += 1
            if table.total is not None:
                _write_row(ws, row, table.total, table.formats, bold=True)
                for column in range(1, len(table.headers) + 1):
                    ws.cell(row=row, column=column).border = _TOP_RULE
                row += 1
        for column, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def put(ws: Any, row: int, column: int, value: Cell) -> Any:
    """Writes one cell; text stays text (STYLE rule 10). openpyxl would store "=…" as a formula; and a
    text cell that starts with =, +, -, @, a tab or a carriage return is marked with Excel's quote prefix,
    so that it stays text when someone edits it in Excel and when Excel saves the sheet as CSV."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _write_row(
    ws: object, row: int, values: Sequence[Cell], formats: dict[int, str], bold: bool = False
) -> None:
    for column, value in enumerate(values, start=1):
        cell = put(ws, row, column, value)
        if column - 1 in formats and value is not None and not isinstance(value, str):
            cell.number_format = formats[column - 1]
        if bold:
            cell.font = _BOLD


def xlsx_response(data: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}.xlsx"'
    return response
