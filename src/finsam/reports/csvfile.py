"""CSV files with no domain: user text written as text, so that a spreadsheet never reads it as a formula.

A value that starts with =, +, -, @, a tab or a carriage return would start a formula in Excel or
LibreOffice (CSV injection, OWASP). Such a value is written with a leading apostrophe, as the spreadsheets
themselves do to keep text as text. Every CSV file of the platform is written through `writer` (or
`write`), which does so for every cell that is not a plain number; `text` does it for one value.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number (-12, 1234,50, -0.5) is data, not a formula: it keeps its sign.
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def text(value: str) -> str:
    """Text typed by users as a spreadsheet reads it safely: a leading =, +, -, @, tab or carriage return
    would start a formula."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def cell(value: Any) -> Any:
    """One cell as written: text that a spreadsheet would run gets its apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class _Target(Protocol):
    def write(self, value: str, /) -> Any: ...


class Writer:
    """csv.writer with every cell passed through `cell`; writerow returns what the target's write did (a
    streaming response hands back the line)."""

    def __init__(self, out: _Target, *, delimiter: str = ",", lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: _Target, *, delimiter: str = ",", lineterminator: str = "\r\n") -> Writer:
    return Writer(out, delimiter=delimiter, lineterminator=lineterminator)


def write(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ",", bom: bool = False
) -> bytes:
    """The rows as CSV in UTF-8 (with a byte order mark when `bom`, for Excel), CRLF line ends."""
    buffer = io.StringIO()
    out = writer(buffer, delimiter=delimiter)
    out.writerow(headers)
    out.writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")
