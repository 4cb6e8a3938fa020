"""Bounded imports: memory, time and stored errors bounded whatever the file says (each attack with the
control that stops it). docs/import.md, "Bounds"."""

from __future__ import annotations

import io
import itertools
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.utils import timezone
from openpyxl import Workbook

from finsam.core import tabular
from finsam.core.access import SYSTEM
from finsam.core.models import AuditEntry
from finsam.followup.models import Participant
from finsam.imports import importing
from finsam.imports.models import ImportRun, ImportRunError, ImportStatus
from tests.imports.test_import import HEADERS, anonymous, csv_bytes, csv_file, xlsx_bytes
from tests.imports.test_import_pages import _client, _upload, _upload_url


def _bad_rows_csv(rows: int) -> bytes:
    """The attack of the issue: a small file whose every row is one cell, each row six errors."""
    return (";".join(HEADERS) + "\r\n" + "x\r\n" * rows).encode()


def _check(path: Path, fu: Any) -> importing.Checked:
    return importing.check(
        importing.ImportFile(path), context=importing.context_for(actor=SYSTEM, association=fu.world.own)
    )


# --- row errors -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_csv_of_200_000_bad_rows_stores_1000_errors_and_says_there_may_be_more(fu: Any) -> None:
    data = _bad_rows_csv(200_000)
    assert len(data) < 1024 * 1024

    response = _upload(_client(fu), _upload_url(fu), data)

    run = ImportRun.objects.get()
    assert run.status == ImportStatus.REFUSED
    assert ImportRunError.objects.filter(run=run).count() == run.error_count == 1000
    assert run.rows_done < 1000  # the checking stopped at the thousandth error, not at the end
    assert (
        run.message
        == "Kontrollen avbröts efter 1000 fel; filen kan ha fler. Rätta dem och läs in filen igen."
    )
    assert run.message_en == (
        "The check stopped after 1000 errors; the file may have more. Correct them and import the file again."
    )
    html = _client(fu).get(response["Location"]).content.decode()
    assert "Kontrollen avbröts efter 1000 fel; filen kan ha fler." in html
    english = _client(fu)
    english.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert (
        "The check stopped after 1000 errors; the file may have more."
        in english.get(response["Location"]).content.decode()
    )
    assert Participant.objects.count() == 0


@pytest.mark.django_db
def test_the_checking_and_the_command_line_stop_at_the_configured_number_of_errors(
    fu: Any, tmp_path: Path, settings: Any
) -> None:
    settings.IMPORT_MAX_ERRORS = 10
    path = tmp_path / "fel.csv"
    path.write_bytes(_bad_rows_csv(1000))

    checked = _check(path, fu)

    assert (len(checked.errors), checked.more, checked.rows) == (10, True, 2)
    loaded = importing.load(
        importing.ImportFile(path),
        actor=SYSTEM,
        context=importing.context_for(actor=SYSTEM, association=fu.world.own),
    )
    assert (loaded.errors, loaded.more, loaded.counts) == (checked.errors, True, None)


@pytest.mark.django_db
def test_a_file_with_fewer_errors_than_the_bound_reports_them_all(
    fu: Any, tmp_path: Path, settings: Any
) -> None:
    settings.IMPORT_MAX_ERRORS = 7
    path = csv_file(tmp_path, [anonymous(kön="")] * 6)

    checked = _check(path, fu)

    assert (len(checked.errors), checked.more, checked.rows) == (6, False, 6)


# --- rows ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_csv_with_more_rows_than_the_limit_is_refused(fu: Any, tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 5
    five = csv_file(tmp_path / "five", [anonymous()] * 5)
    six = csv_file(tmp_path / "six", [anonymous()] * 6)

    assert _check(five, fu).errors == []
    with pytest.raises(importing.ImportFileError) as exc:
        _check(six, fu)
    assert exc.value.message == (
        "Filen har fler än 5 rader, som är det mesta som kan läsas in på en gång; dela upp den."
    )


@pytest.mark.django_db
def test_a_workbook_declaring_more_rows_than_the_limit_is_refused_before_its_rows_are_read(
    fu: Any, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.IMPORT_MAX_ROWS = 1000
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    sheet.cell(row=5000, column=1, value="x")
    path = tmp_path / "stor.xlsx"
    book.save(path)
    monkeypatch.setattr(tabular, "_sparse_rows", _never)

    with pytest.raises(importing.ImportFileError) as exc:
        importing.ImportFile(path)
    assert "Filen har fler än 1\u00a0000 rader" in exc.value.message


def _never(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the rows were read")


# --- workbooks ----------------------------------------------------------------------------------------


def _bomb(rows: int) -> bytes:
    """A workbook whose sheet is `rows` rows of one cell: packed about a thousand to one."""
    template = zipfile.ZipFile(io.BytesIO(xlsx_bytes([anonymous()])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for part in template.infolist():
            if part.filename == "xl/worksheets/sheet1.xml":
                continue
            bomb.writestr(part, template.read(part.filename))
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            line = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 1000
            for _ in range(rows // 1000):
                sheet.write(line)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@pytest.mark.django_db
def test_an_xlsx_bomb_is_refused_before_anything_of_it_is_unpacked(
    fu: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_bomb(2_000_000))
    assert path.stat().st_size < 1024 * 1024  # 2 000 000 rows, 100 MB unpacked

    def no_reading(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", no_reading)
    with pytest.raises(importing.ImportFileError) as exc:
        importing.ImportFile(path)
    assert exc.value.message == tabular.PACKED_TOO_TIGHTLY


@pytest.mark.django_db
def test_a_workbook_larger_unpacked_than_the_limit_is_refused_before_it_is_read(
    fu: Any, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.IMPORT_MAX_UNPACKED_BYTES = 20 * 1024
    path = tmp_path / "deltagare.xlsx"
    path.write_bytes(xlsx_bytes([anonymous()] * 100))
    monkeypatch.setattr(openpyxl, "load_workbook", _never)

    with pytest.raises(importing.ImportFileError) as exc:
        importing.ImportFile(path)
    assert exc.value.message.startswith("Excelfilen blir större än 20 kB uppackad")


@pytest.mark.django_db
def test_a_workbook_declaring_the_whole_sheet_is_read_by_the_rows_it_holds(fu: Any, tmp_path: Path) -> None:
    """A workbook of a header and one cell in the last row of the sheet, A1:XFD1048576 declared: openpyxl
    would fill every row up to the dimension with 16 384 empty cells (minutes of a core). Only the two
    rows present are read, each by its own number, and the row is reported."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    sheet.cell(row=1_048_576, column=16_384, value="x")
    path = tmp_path / "glest.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        assert b'<dimension ref="A1:XFD1048576"' in archive.read("xl/worksheets/sheet1.xml")

    rows = list(itertools.islice(tabular.XlsxRows(path), 3))

    assert [number for number, _cells in rows] == [1, 1_048_576]
    assert len(rows[1][1]) == tabular.XLSX_WIDTH + 1
    checked = _check(path, fu)
    assert [(e.row, e.message) for e in checked.errors] == [
        (1_048_576, "Raden har fler celler än det finns kolumnrubriker.")
    ]


# --- runs ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_old_runs_are_removed_with_their_error_reports(fu: Any, settings: Any) -> None:
    settings.IMPORT_RUN_KEEP_DAYS = 30
    old = ImportRun.objects.create(
        association=fu.world.own, created_by=fu.coordinator, status=ImportStatus.REFUSED, error_count=2
    )
    recent = ImportRun.objects.create(
        association=fu.world.own, created_by=fu.coordinator, status=ImportStatus.REFUSED, error_count=1
    )
    for run, count in ((old, 2), (recent, 1)):
        ImportRunError.objects.bulk_create(
            ImportRunError(run=run, row=2 + n, column="kön", message="Ange kön.") for n in range(count)
        )
    ImportRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    _upload(_client(fu), _upload_url(fu), csv_bytes([anonymous()]))

    assert not ImportRun.objects.filter(pk=old.pk).exists()
    assert not ImportRunError.objects.filter(run_id=old.pk).exists()
    assert ImportRunError.objects.filter(run=recent).count() == 1
    assert ImportRun.objects.count() == 2  # the recent run and the new one
    entry = AuditEntry.objects.get(action="import_run.purge")
    assert entry.details == {"runs": 1, "kept_days": 30}
