"""CSV files with no domain: user text written as text, so that a spreadsheet never reads it as a formula.

A value typed by a user that starts with =, +, - or @ would start a formula in Excel or LibreOffice; such a
value is written with a leading apostrophe, as the spreadsheets themselves do to keep text as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@")


def text(value: str) -> str:
    """Text typed by users as a spreadsheet reads it safely: a leading =, +, - or @ would start a formula."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def write(
    headers: Sequence[str], rows: Iterable[Sequence[str]], *, delimiter: str = ",", bom: bool = False
) -> bytes:
    """The rows as CSV in UTF-8 (with a byte order mark when `bom`, for Excel), CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")
