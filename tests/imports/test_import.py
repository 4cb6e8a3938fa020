"""Import of participants from a file (docs/import.md): the two passes, the bulk service, the command
line. Every refusal names the row, the column and the problem in Swedish, and writes nothing."""

from __future__ import annotations

import csv
import io
import os
import tracemalloc
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from finsam import cli
from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.followup import identity, services
from finsam.followup.models import Consent, IncomeSourceEntry, Participant, Participation
from finsam.followup.schemas import ImportRow
from finsam.imports import importing
from tests.factories import make_intervention, make_participant, valid_identity_number

HEADERS = list(importing.HEADERS)


def number(serial: int, birth: date = date(1985, 3, 14)) -> str:
    return valid_identity_number(birth, serial)


def row(intervention: Any = "Steget vidare", **values: Any) -> dict[str, Any]:
    """An identified participant with an open participation, unless told otherwise."""
    base: dict[str, Any] = {
        "insats": intervention,
        "registrering": "identified",
        "personnummer": number(101),
        "samtycke_datum": "2024-01-15",
        "samtycke_version": "FK 9443 v3",
        "kön": "",
        "startdatum": "2024-02-01",
        "utbildningsnivå": "upper_secondary",
        "sysselsättning_före": "none",
        "försörjning_före": "sjukpenning:75|lön:25",
        "avslutsdatum": "",
        "avslutsorsak": "",
        "sysselsättning_efter": "",
        "försörjning_efter": "",
    }
    base.update(values)
    return base


def anonymous(intervention: Any = "Steget vidare", **values: Any) -> dict[str, Any]:
    return row(
        intervention,
        **{"registrering": "anonym", "personnummer": "", "samtycke_datum": "", "samtycke_version": ""}
        | {"kön": "kvinna"}
        | values,
    )


def exited(intervention: Any = "Steget vidare", **values: Any) -> dict[str, Any]:
    return row(
        intervention,
        **{
            "avslutsdatum": "2024-09-30",
            "avslutsorsak": "work",
            "sysselsättning_efter": "Arbete",
            "försörjning_efter": "salary:100",
        }
        | values,
    )


def csv_bytes(rows: Iterable[dict[str, Any]], *, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for values in rows:
        writer.writerow([values.get(header, "") for header in HEADERS])
    return out.getvalue().encode(encoding)


def csv_file(tmp_path: Path, rows: Iterable[dict[str, Any]], **kwargs: Any) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "deltagare.csv"
    path.write_bytes(csv_bytes(rows, **kwargs))
    return path


def xlsx_bytes(rows: Iterable[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for values in rows:
        cells = []
        for header in HEADERS:
            value = values.get(header, "")
            if header in ("startdatum", "samtycke_datum", "avslutsdatum") and value:
                value = date.fromisoformat(value)  # a real date cell, as Excel stores it
            cells.append(value if value != "" else None)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run_import(path: Path, association: Any, *args: str) -> None:
    call_command("import_participants", str(path), "--association", str(association.pk), *args)


def errors_of(path: Path, association: Any, actor: Any = SYSTEM) -> list[tuple[int, str, str]]:
    source = importing.ImportFile(path)
    context = importing.context_for(actor=actor, association=association)
    _rows, errors = importing.validate(source, context=context)
    return [(e.row, e.column, e.message) for e in errors]


def assert_nothing_written() -> None:
    assert Participant.objects.count() == 0
    assert Participation.objects.count() == 0
    assert Consent.objects.count() == 0
    assert IncomeSourceEntry.objects.count() == 0
    assert not AuditEntry.objects.filter(action="participant.import").exists()


def refused(path: Path, association: Any) -> str:
    with pytest.raises(CommandError) as exc:
        run_import(path, association)
    return str(exc.value)


# --- valid files ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_valid_csv_file_registers_every_participant_with_identity_consent_and_participation(
    fu: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = csv_file(
        tmp_path,
        [
            row(personnummer=number(101)),
            exited(fu.x.pk, personnummer=number(102)),
            anonymous(**{"kön": "man", "startdatum": "2023-05-02"}),
            anonymous(registrering="skyddad identitet"),
        ],
    )

    run_import(path, fu.world.own)

    assert "4 deltagare har lästs in" in capsys.readouterr().out
    identified = Participant.objects.filter(registration="identified").order_by("pk")
    assert [identity.decrypt(p.identity_ciphertext or "") for p in identified] == [
        number(101).replace("-", ""),
        number(102).replace("-", ""),
    ]
    assert [p.identity_hash for p in identified] == [
        identity.keyed_hash(number(101).replace("-", "")),
        identity.keyed_hash(number(102).replace("-", "")),
    ]
    assert [(p.sex, p.birth_year) for p in identified] == [("man", 1985), ("woman", 1985)]
    consent = Consent.objects.get(participant=identified[0])
    assert (consent.given_on, consent.form_version) == (date(2024, 1, 15), "FK 9443 v3")
    anonymous_ones = Participant.objects.exclude(registration="identified").order_by("pk")
    assert [(p.registration, p.sex, p.start_year, p.identity_hash) for p in anonymous_ones] == [
        ("anonymous", "man", 2023, None),
        ("protected", "woman", 2024, None),
    ]
    ended = Participation.objects.get(exit__isnull=False)
    assert (ended.exit, ended.exit_reason, ended.employment_after) == (date(2024, 9, 30), "work", "work")
    assert sorted(ended.income_sources.values_list("phase", "source", "extent")) == [
        ("after", "salary", 100),
        ("before", "salary", 25),
        ("before", "sickness_benefit", 75),
    ]
    assert Participation.objects.filter(exit__isnull=True).count() == 3


@pytest.mark.django_db
def test_the_import_writes_one_audit_entry_with_counts_and_no_personal_data(fu: Any, tmp_path: Path) -> None:
    path = csv_file(tmp_path, [row(personnummer=number(n)) for n in range(101, 106)] + [anonymous()])

    run_import(path, fu.world.own)

    entry = AuditEntry.objects.get(action="participant.import")
    assert entry.association_id == fu.world.own.pk
    assert entry.details == {
        "participants": 6,
        "identified": 5,
        "anonymous": 1,
        "protected": 0,
        "exited": 0,
        "interventions": [fu.x.pk],
    }
    assert AuditEntry.objects.filter(action__startswith="participant").count() == 1
    assert "1985" not in str(entry.details)


@pytest.mark.django_db
def test_a_valid_excel_file_with_date_cells_and_numbers_is_imported(fu: Any, tmp_path: Path) -> None:
    path = tmp_path / "deltagare.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                row(personnummer=int(number(201).replace("-", ""))),  # Excel made it a number
                exited(personnummer=number(202)),
                anonymous(),
            ]
        )
    )

    run_import(path, fu.world.own)

    assert Participant.objects.count() == 3
    assert Participation.objects.filter(exit=date(2024, 9, 30)).count() == 1
    assert Participant.objects.filter(
        identity_hash=identity.keyed_hash(number(201).replace("-", ""))
    ).exists()


@pytest.mark.django_db
def test_comma_separated_csv_with_a_byte_order_mark_and_swedish_labels_is_read(
    fu: Any, tmp_path: Path
) -> None:
    path = tmp_path / "deltagare.csv"
    data = csv_bytes(
        [
            row(
                utbildningsnivå="Gymnasial utbildning",
                sysselsättning_före="Aktivt arbetssökande",
                försörjning_före="Sjukpenning eller rehabiliteringspenning:50|a-kassa:50",
            )
        ],
        delimiter=",",
    )
    path.write_bytes(b"\xef\xbb\xbf" + data)

    run_import(path, fu.world.own)

    participation = Participation.objects.get()
    assert (participation.education_level, participation.employment_before) == (
        "upper_secondary",
        "seeking_work",
    )
    assert sorted(participation.income_sources.values_list("source", "extent")) == [
        ("sickness_benefit", 50),
        ("unemployment_benefit", 50),
    ]


@pytest.mark.django_db
def test_optional_columns_may_be_left_out_of_the_header(fu: Any, tmp_path: Path) -> None:
    path = tmp_path / "anonyma.csv"
    path.write_text(
        "insats;registrering;kön;startdatum;utbildningsniva;sysselsattning_fore;forsorjning_fore\r\n"
        f"{fu.x.pk};anonym;man;2024-03-01;okänd;inget;ingen\r\n",
        encoding="utf-8",
    )

    run_import(path, fu.world.own)

    participant = Participant.objects.get()
    assert (participant.registration, participant.sex, participant.start_year) == ("anonymous", "man", 2024)


# --- refused rows: every one reported, nothing written ----------------------------------------------


@pytest.mark.django_db
def test_every_bad_row_is_reported_with_row_column_and_message(fu: Any, tmp_path: Path) -> None:
    bad_number = number(301)[:-1] + str((int(number(301)[-1]) + 1) % 10)
    path = csv_file(
        tmp_path,
        [
            row(personnummer=number(300)),
            row(personnummer=bad_number),
            exited(personnummer=number(302), avslutsdatum="2024-01-20"),
            row(personnummer=number(303), samtycke_datum="", samtycke_version=""),
            row(personnummer=number(304), startdatum="1 feb 2024"),
            anonymous(kön="", utbildningsnivå="doktor"),
        ],
    )

    assert errors_of(path, fu.world.own) == [
        (3, "personnummer", "Kontrollsiffran stämmer inte. Kontrollera numret."),
        (4, "avslutsdatum", "Avslutsdatum kan inte ligga före startdatum (2024-02-01)."),
        (
            5,
            "samtycke_datum",
            "Ange när det skriftliga samtycket lämnades. Utan samtycke registreras deltagaren anonymt.",
        ),
        (5, "samtycke_version", "Ange vilken version av samtyckesblanketten som användes."),
        (6, "startdatum", "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2024-02-01."),
        (7, "utbildningsnivå", "Okänt värde; se de tillåtna värdena i beskrivningen av kolumnerna."),
    ]
    message = refused(path, fu.world.own)
    assert message == "deltagare.csv: ingenting har lästs in; 6 fel på 5 av 6 rader."
    assert_nothing_written()


@pytest.mark.django_db
def test_an_anonymous_row_without_sex_is_refused(fu: Any, tmp_path: Path) -> None:
    path = csv_file(tmp_path, [anonymous(kön="")])

    assert errors_of(path, fu.world.own) == [(2, "kön", "Ange kön.")]


@pytest.mark.django_db
def test_an_intervention_of_another_forbund_or_unknown_is_refused(fu: Any, tmp_path: Path) -> None:
    theirs = make_intervention(fu.world.other, name="Deras insats")
    path = csv_file(
        tmp_path, [row(theirs.pk), row("Deras insats", personnummer=number(102)), row("Finns inte")]
    )

    message = (
        f"Insatsen finns inte bland insatserna i {fu.world.own.name}; "
        "ange id eller namn på en av förbundets insatser."
    )
    assert errors_of(path, fu.world.own) == [
        (2, "insats", message),
        (3, "insats", message),
        (4, "insats", message),
    ]
    refused(path, fu.world.own)
    assert_nothing_written()


@pytest.mark.django_db
def test_a_structural_intervention_takes_no_participants(fu: Any, tmp_path: Path) -> None:
    make_intervention(fu.world.own, name="Nätverket", kind="structural")
    path = csv_file(tmp_path, [row("Nätverket")])

    assert errors_of(path, fu.world.own) == [
        (2, "insats", "En strukturövergripande insats har inga deltagare; registrera antal i stället.")
    ]


@pytest.mark.django_db
def test_a_person_twice_for_the_same_intervention_in_the_file_names_the_earlier_row(
    fu: Any, tmp_path: Path
) -> None:
    same = number(401)
    path = csv_file(
        tmp_path,
        [
            row(personnummer=same),
            anonymous(),
            row(personnummer=same.replace("-", "")),
            row("Unga till arbete", personnummer=same),
        ],
    )

    errors = errors_of(path, fu.world.own)

    assert errors == [(4, "personnummer", "Personen finns redan på rad 2 för samma insats.")]
    assert same[:8] not in str(errors)
    refused(path, fu.world.own)
    assert_nothing_written()


@pytest.mark.django_db
def test_a_person_already_registered_in_the_intervention_is_refused(fu: Any, tmp_path: Path) -> None:
    make_participant(fu.x, number=number(402))
    before = Participant.objects.count()
    path = csv_file(tmp_path, [row(personnummer=number(403)), row(personnummer=number(402))])

    assert errors_of(path, fu.world.own) == [
        (3, "personnummer", "Personen är redan registrerad som deltagare i insatsen.")
    ]
    refused(path, fu.world.own)
    assert Participant.objects.count() == before


@pytest.mark.django_db
def test_duplicates_against_the_database_are_found_across_lookup_batches(
    fu: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "DUPLICATE_BATCH", 2)
    for serial in (501, 505):
        make_participant(fu.x, number=number(serial))
    path = csv_file(tmp_path, [row(personnummer=number(serial)) for serial in range(500, 507)])

    assert [(r, c) for r, c, _ in errors_of(path, fu.world.own)] == [(3, "personnummer"), (7, "personnummer")]


@pytest.mark.django_db
def test_one_reading_rolls_back_the_rows_written_before_a_bad_row_and_reports_every_error(
    fu: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`load` writes the good rows while it checks; rows 2–9 are written in batches of 3 before row 10 is
    found wrong, a later row is wrong too, and a person already registered is found in a lookup batch
    after rows that were written: every error is reported and nothing stays stored."""
    monkeypatch.setattr(importing, "DUPLICATE_BATCH", 2)
    monkeypatch.setattr(importing, "LOAD_BATCH", 3)
    make_participant(fu.x, number=number(612))
    before = Participant.objects.count()
    rows = [row(personnummer=number(serial)) for serial in range(600, 608)] + [anonymous()] * 2
    rows[8] = anonymous(kön="")
    rows += [row(personnummer=number(612)), row(startdatum="2030-01-01", personnummer=number(613))]
    path = csv_file(tmp_path, rows)

    loaded = importing.load(
        importing.ImportFile(path),
        actor=SYSTEM,
        context=importing.context_for(actor=SYSTEM, association=fu.world.own),
    )

    assert loaded.counts is None and loaded.rows == 12
    assert [(e.row, e.column) for e in loaded.errors] == [
        (10, "kön"),
        (12, "personnummer"),
        (13, "startdatum"),
    ]
    assert (
        loaded.errors
        == importing.validate(
            importing.ImportFile(path), context=importing.context_for(actor=SYSTEM, association=fu.world.own)
        )[1]
    )
    assert Participant.objects.count() == before
    assert not AuditEntry.objects.filter(action="participant.import").exists()


@pytest.mark.django_db
def test_a_coordinator_may_import_only_into_interventions_assigned_to_them(fu: Any, tmp_path: Path) -> None:
    path = csv_file(tmp_path, [row("Unga till arbete")])

    assert errors_of(path, fu.world.own, actor=fu.coordinator) == [
        (2, "insats", "Du är inte deltagaransvarig för den insatsen.")
    ]


@pytest.mark.django_db
def test_users_without_the_coordinator_role_cannot_import(fu: Any, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        importing.context_for(actor=fu.admin, association=fu.world.own)
    with pytest.raises(PermissionDenied):
        importing.context_for(actor=fu.coordinator, association=fu.world.other)


# --- refused files --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_20_mb_file_of_binary_garbage_is_refused_at_once(fu: Any, tmp_path: Path) -> None:
    path = tmp_path / "skräp.csv"
    path.write_bytes(os.urandom(20 * 1024 * 1024))

    message = refused(path, fu.world.own)

    assert message.startswith(
        "skräp.csv: Filen innehåller binära data och är varken en CSV-fil eller en Excelfil"
    )
    assert_nothing_written()


@pytest.mark.django_db
def test_a_20_mb_file_of_text_garbage_is_refused_for_its_header(fu: Any, tmp_path: Path) -> None:
    path = tmp_path / "text.csv"
    line = b"lorem;ipsum;dolor;sit;amet\n"
    path.write_bytes(line * (20 * 1024 * 1024 // len(line)))

    message = refused(path, fu.world.own)

    assert message.startswith(
        "text.csv: Första raden ska innehålla kolumnrubrikerna (se mallen); "
        "5 okända kolumnrubriker; kolumner som saknas: insats, registrering, startdatum"
    )
    assert_nothing_written()


@pytest.mark.django_db
def test_a_header_that_is_a_data_row_is_not_echoed(fu: Any, tmp_path: Path) -> None:
    path = tmp_path / "utan-rubrik.csv"
    path.write_text(f"Steget vidare;identified;{number(101)}\r\n", encoding="utf-8")

    message = refused(path, fu.world.own)

    assert "3 okända kolumnrubriker;" in message
    assert number(101) not in message and "Steget vidare" not in message


@pytest.mark.django_db
def test_a_misspelt_header_is_named_with_the_column_meant(fu: Any, tmp_path: Path) -> None:
    path = csv_file(tmp_path, [row()])
    path.write_bytes(path.read_bytes().replace(b"startdatum", b"startdatun", 1))

    assert refused(path, fu.world.own) == (
        "deltagare.csv: Första raden ska innehålla kolumnrubrikerna (se mallen); 1 okänd kolumnrubrik: "
        "startdatun (menar du startdatum?); kolumner som saknas: startdatum."
    )


@pytest.mark.django_db
def test_a_csv_in_windows_1252_is_refused_with_advice(fu: Any, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, [row(insats="Steget vidare", samtycke_version="FK 9443 åäö")], encoding="cp1252"
    )

    message = refused(path, fu.world.own)

    assert message == f"deltagare.csv: {importing.NOT_UTF8}"
    assert "Filen är inte UTF-8-kodad; spara den som CSV UTF-8" in message
    assert_nothing_written()


@pytest.mark.django_db
def test_a_wrong_encoding_deep_in_the_file_is_found_before_anything_is_written(
    fu: Any, tmp_path: Path
) -> None:
    rows = [row(personnummer=number(n)) for n in range(100, 103)]
    data = csv_bytes(rows) + b"Steget vidare;identified;" + "Umeå".encode("cp1252") + b"\r\n"
    path = tmp_path / "blandad.csv"
    path.write_bytes(data)

    message = refused(path, fu.world.own)

    assert "Filen är inte UTF-8-kodad" in message
    assert_nothing_written()


@pytest.mark.django_db
def test_an_old_excel_file_and_a_damaged_workbook_are_refused(fu: Any, tmp_path: Path) -> None:
    old = tmp_path / "gammal.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    broken = tmp_path / "trasig.xlsx"
    broken.write_bytes(b"PK\x03\x04" + os.urandom(5000))

    assert refused(old, fu.world.own) == f"gammal.xls: {importing.OLD_EXCEL}"
    assert refused(broken, fu.world.own) == f"trasig.xlsx: {importing.NOT_XLSX}"
    assert_nothing_written()


@pytest.mark.django_db
def test_a_file_over_the_configured_size_is_refused(fu: Any, tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 2 * 1024 * 1024
    path = csv_file(tmp_path, [anonymous()] * 30_000)
    assert path.stat().st_size > settings.IMPORT_MAX_BYTES

    message = refused(path, fu.world.own)

    assert message == "deltagare.csv: Filen är större än 2 MB, som är det största som kan läsas in."
    assert_nothing_written()


@pytest.mark.django_db
def test_an_empty_file_and_a_header_without_rows_are_refused(fu: Any, tmp_path: Path) -> None:
    empty = tmp_path / "tom.csv"
    empty.write_bytes(b"")
    header_only = csv_file(tmp_path, [])

    assert refused(empty, fu.world.own) == f"tom.csv: {importing.EMPTY}"
    assert refused(header_only, fu.world.own) == (
        "deltagare.csv: Filen har inga rader med deltagare under kolumnrubrikerna."
    )


# --- the template ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_csv_template_filled_in_imports(fu: Any, tmp_path: Path) -> None:
    template = importing.template_csv()
    assert template.startswith(b"\xef\xbb\xbf")
    path = tmp_path / "mall.csv"
    path.write_bytes(template + csv_bytes([row(), anonymous()]).split(b"\r\n", 1)[1])

    run_import(path, fu.world.own)

    assert Participant.objects.count() == 2


@pytest.mark.django_db
def test_the_excel_template_filled_in_imports(fu: Any, tmp_path: Path) -> None:
    book = load_workbook(io.BytesIO(importing.template_xlsx(interventions=[(fu.x.pk, fu.x.name)])))
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert f"{fu.x.pk}: Steget vidare" in [row[2] for row in book["Anvisningar"].iter_rows(values_only=True)]
    for values in (exited(), anonymous()):
        sheet.append([values[header] or None for header in HEADERS])
    path = tmp_path / "mall.xlsx"
    book.save(path)

    run_import(path, fu.world.own)

    assert Participant.objects.count() == 2
    assert Participation.objects.filter(exit__isnull=False).count() == 1


@pytest.mark.django_db
def test_the_excel_template_offers_drop_down_lists_of_the_codes_and_the_interventions(fu: Any) -> None:
    book = load_workbook(io.BytesIO(importing.template_xlsx(interventions=[(fu.x.pk, fu.x.name)])))
    sheet, lists = book.worksheets[0], book["Listor"]
    assert sheet.title == "Deltagare" and lists.sheet_state == "hidden"

    def listed(header: str) -> list[str]:
        letter = get_column_letter(HEADERS.index(header) + 1)
        [validation] = [v for v in sheet.data_validations.dataValidation if f"{letter}2:" in str(v.sqref)]
        assert validation.type == "list" and validation.errorStyle == "warning"
        reference = validation.formula1.split("!")[1].replace("$", "")
        return [cell.value for row in lists[reference] for cell in row]

    assert listed("insats") == ["Steget vidare"]
    assert listed("registrering") == ["identified", "anonymous", "protected"]
    assert listed("kön") == ["woman", "man"]
    assert "seeking_work" in listed("sysselsättning_före") and "completed" in listed("avslutsorsak")
    covered = {str(v.sqref).split(":")[0].rstrip("0123456789") for v in sheet.data_validations.dataValidation}
    income = {get_column_letter(HEADERS.index(h) + 1) for h in ("försörjning_före", "försörjning_efter")}
    assert not covered & income  # several coded values in one cell: no list


# --- the bulk service ---------------------------------------------------------------------------


def _typed(fu: Any, serial: int, **values: Any) -> ImportRow:
    base: dict[str, Any] = {
        "row": serial,
        "intervention_id": fu.x.pk,
        "registration": "identified",
        "identity_number": number(serial),
        "consent_given_on": date(2024, 1, 15),
        "consent_form_version": "FK 9443 v3",
        "sex": "",
        "start": date(2024, 2, 1),
        "education_level": "primary",
        "employment_before": "none",
        "income_before": (("social_assistance", 100),),
        "exit": None,
        "exit_reason": "",
        "employment_after": "",
        "income_after": (),
    }
    base.update(values)
    return ImportRow(**base)


@pytest.mark.django_db
def test_the_bulk_service_rolls_back_batches_already_written_when_a_later_row_is_refused(fu: Any) -> None:
    rows = [_typed(fu, n) for n in range(2, 30)] + [_typed(fu, 30, start=date(2019, 1, 1))]

    with pytest.raises(RuleViolation) as exc:
        services.participants_import(actor=fu.coordinator, association=fu.world.own, rows=rows, batch_size=10)

    assert exc.value.message == "Rad 30: Startdatum ligger utanför insatsens period."
    assert_nothing_written()


@pytest.mark.django_db
def test_the_bulk_service_refuses_a_person_registered_since_the_file_was_checked(fu: Any) -> None:
    make_participant(fu.x, number=number(7))
    before = Participant.objects.count()

    with pytest.raises(RuleViolation) as exc:
        services.participants_import(
            actor=fu.coordinator, association=fu.world.own, rows=[_typed(fu, 6), _typed(fu, 7)]
        )

    assert exc.value.code == "R-DUPLICATE"
    assert Participant.objects.count() == before


@pytest.mark.django_db
def test_the_bulk_service_needs_a_coordinator_of_each_rows_intervention(fu: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.participants_import(actor=fu.admin, association=fu.world.own, rows=[_typed(fu, 2)])
    with pytest.raises(RuleViolation) as exc:
        services.participants_import(
            actor=fu.coordinator, association=fu.world.own, rows=[_typed(fu, 2, intervention_id=fu.y.pk)]
        )
    assert exc.value.message == "Rad 2: Du är inte deltagaransvarig för den insatsen."
    assert_nothing_written()


@pytest.mark.django_db
def test_the_bulk_service_reports_progress_per_batch(fu: Any) -> None:
    seen: list[int] = []

    services.participants_import(
        actor=fu.coordinator,
        association=fu.world.own,
        rows=[_typed(fu, n) for n in range(2, 27)],
        batch_size=10,
        progress=seen.append,
    )

    assert seen == [10, 20, 25]
    assert Participant.objects.count() == 25


# --- streaming ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_rows_are_read_lazily_one_at_a_time(fu: Any, tmp_path: Path) -> None:
    path = csv_file(tmp_path, [anonymous()] * 10)
    rows = importing.ImportFile(path).rows()

    assert isinstance(rows, Iterator)
    assert next(rows)[0] == 2  # the first data row, read without reading the rest


def _validation_peak(fu: Any, path: Path) -> int:
    source = importing.ImportFile(path)
    context = importing.context_for(actor=SYSTEM, association=fu.world.own)
    tracemalloc.start()
    try:
        _rows, errors = importing.validate(source, context=context)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert errors == []
    return peak


@pytest.mark.django_db
def test_validation_memory_does_not_grow_with_the_number_of_rows(fu: Any, tmp_path: Path) -> None:
    """The peak of allocations while 60 000 rows (4 MB of CSV; as Python objects they would take more than
    50 MB) are validated is that of 6 000 rows: the rows are not held, only read one at a time."""
    small = csv_file(tmp_path / "small", (anonymous(fu.x.pk) for _ in range(6_000)))
    large = csv_file(tmp_path / "large", (anonymous(fu.x.pk) for _ in range(60_000)))
    assert large.stat().st_size > 4 * 1024 * 1024

    small_peak, large_peak = _validation_peak(fu, small), _validation_peak(fu, large)

    assert large_peak < small_peak + 256 * 1024
    assert large_peak < 1024 * 1024


# --- the command line -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_cli_exits_0_and_prints_one_line_on_success(
    fu: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = csv_file(tmp_path, [row(), exited(personnummer=number(102)), anonymous()])

    assert cli.main(["import-participants", str(path), "--association", str(fu.world.own.pk)]) == 0

    captured = capsys.readouterr()
    assert captured.out.strip().splitlines() == [
        f"3 deltagare har lästs in i {fu.world.own.name} (2 med personnummer, 1 anonyma), "
        "varav 1 med avslutat deltagande."
    ]
    assert captured.err == ""  # no progress bar when standard error is not a terminal


@pytest.mark.django_db
def test_cli_prints_one_line_and_exits_1_for_a_file_it_cannot_read(
    fu: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = csv_file(tmp_path, [row()], encoding="cp1252")
    missing = tmp_path / "finns-inte.csv"

    assert cli.main(["import-participants", str(path), "--association", str(fu.world.own.pk)]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        f"finsam import-participants: deltagare.csv: {importing.NOT_UTF8}"
    ]
    assert cli.main(["import-participants", str(missing), "--association", str(fu.world.own.pk)]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "finsam import-participants: finns-inte.csv: Filen finns inte."
    ]
    assert cli.main(["import-participants", str(path), "--association", "999999"]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "finsam import-participants: det finns inget förbund med id 999999."
    ]


@pytest.mark.django_db
def test_cli_lists_row_errors_writes_the_report_and_exits_1(
    fu: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = csv_file(tmp_path, [row(), row(startdatum="2030-01-01"), anonymous(kön="")])
    report = tmp_path / "fel.csv"

    code = cli.main(
        ["import-participants", str(path), "--association", str(fu.world.own.pk), "--report", str(report)]
    )

    assert code == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "deltagare.csv: rad 3, startdatum: Startdatum kan inte ligga i framtiden.",
        "deltagare.csv: rad 4, kön: Ange kön.",
        f"deltagare.csv: alla 2 fel finns i {report}.",
        "finsam import-participants: deltagare.csv: ingenting har lästs in; 2 fel på 2 av 3 rader.",
    ]
    with report.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle, delimiter=";")) == [
            ["rad", "kolumn", "meddelande"],
            ["3", "startdatum", "Startdatum kan inte ligga i framtiden."],
            ["4", "kön", "Ange kön."],
        ]
    assert_nothing_written()


@pytest.mark.django_db
def test_cli_shows_a_progress_bar_on_standard_error_when_asked(
    fu: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = csv_file(tmp_path, [anonymous()] * 3)

    assert (
        cli.main(["import-participants", str(path), "--association", str(fu.world.own.pk), "--progress"]) == 0
    )

    err = capsys.readouterr().err
    assert "Kontrollerar" in err and "Sparar" in err


def test_coded_values_are_read_in_swedish_and_english_whatever_language_the_first_import_ran_in() -> None:
    from django.utils import translation

    from finsam.followup.models import IncomeSource

    choice = importing.Choice(IncomeSource.choices, {})
    with translation.override("en"):
        assert choice.parse("Lön (anställning)") == IncomeSource.SALARY
        assert choice.parse("Salary (employment)") == IncomeSource.SALARY
    assert choice.parse("lön (ANSTÄLLNING)") == IncomeSource.SALARY
    # The file template's documentation lists the Swedish labels, whatever the reader's language; the
    # page lists them in the reader's language (both are read).
    column = next(c for c in importing.COLUMNS if c.choice is importing.SEX)
    with translation.override("en"):
        assert "Kvinna" in [label for _value, label in column.allowed()]
        assert "Woman" in [label for _value, label in column.allowed_here()]


def test_a_large_import_refreshes_the_planner_statistics_on_postgresql_after_commit(
    fu: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(services, "ANALYZE_AFTER", 2)
    path = csv_file(tmp_path, [row(personnummer=number(101)), anonymous()])
    # The callbacks run as their context closes, inside the capture of the queries.
    with (
        CaptureQueriesContext(connection) as sql,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        run_import(path, fu.world.own)
    analyzed = [q["sql"] for q in sql.captured_queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        assert len(callbacks) == 1
        assert len(analyzed) == 1 and '"followup_participation"' in analyzed[0]
    else:
        assert callbacks == [] and analyzed == []  # SQLite plans without such statistics
