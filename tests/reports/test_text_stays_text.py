"""STYLE rule 10: user text in an export is text, never a live formula."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from finsam.reports import csvfile, excel


def test_a_workbook_keeps_text_that_starts_with_an_equals_sign_as_text() -> None:
    data = excel.workbook(
        [
            excel.Sheet(
                "Blad", ['=HYPERLINK("http://x")'], [excel.Table("=1+1", ["=A1"], [["=SUM(A1:A2)", 3]])]
            )
        ]
    )
    sheet = load_workbook(io.BytesIO(data))["Blad"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    texts = {cell.value: cell.data_type for cell in cells}
    assert texts['=HYPERLINK("http://x")'] == "s"
    assert texts["=1+1"] == "s"
    assert texts["=A1"] == "s"
    assert texts["=SUM(A1:A2)"] == "s"
    assert texts[3] == "n"


def test_csv_text_that_a_spreadsheet_would_run_gets_an_apostrophe() -> None:
    assert [csvfile.text(v) for v in ("=1+1", "+46", "-2", "@x", "Umeå", "")] == [
        "'=1+1",
        "'+46",
        "'-2",
        "'@x",
        "Umeå",
        "",
    ]
    body = csvfile.write(["namn", "antal"], [["a, b", "1"], ['"c"', "2"]]).decode("utf-8")
    assert list(csv.reader(io.StringIO(body))) == [["namn", "antal"], ["a, b", "1"], ['"c"', "2"]]
    assert body.endswith("\r\n")
    assert csvfile.write(["a"], [], bom=True).startswith("\ufeff".encode())


def test_every_csv_cell_that_a_spreadsheet_would_run_gets_an_apostrophe_but_numbers_keep_their_sign() -> None:
    body = csvfile.write(
        ["a", "b", "c", "d", "e", "f"], [["=1+1", "\tx", "\r=1", "-2", "-1234,50", "-2+3"]], delimiter=";"
    )
    rows = list(csv.reader(io.StringIO(body.decode("utf-8")), delimiter=";"))
    assert rows[1] == ["'=1+1", "'\tx", "'\r=1", "-2", "-1234,50", "'-2+3"]


def test_a_workbook_marks_text_that_starts_like_a_formula_with_the_quote_prefix() -> None:
    values = ["+46 70", "-x", "@SUM(1)", "\t=1", "Umeå"]
    data = excel.workbook([excel.Sheet("Blad", ["Rubrik"], [excel.Table("T", ["a"], [[v] for v in values])])])
    sheet = load_workbook(io.BytesIO(data))["Blad"]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value in values}
    assert {v: (c.data_type, c.quotePrefix) for v, c in cells.items()} == {
        "+46 70": ("s", True),
        "-x": ("s", True),
        "@SUM(1)": ("s", True),
        "\t=1": ("s", True),
        "Umeå": ("s", False),
    }
