"""The import pages: upload, the run's progress polled by htmx, the error report, the template, access."""

from __future__ import annotations

import csv
import io
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.followup.models import Participant, Participation
from finsam.imports import importing
from finsam.imports import selectors as import_selectors
from finsam.imports import services as import_services
from finsam.imports import tasks as import_tasks
from finsam.imports.models import ImportRun, ImportRunError, ImportStatus
from tests.imports.test_import import anonymous, csv_bytes, exited, number, row, xlsx_bytes

NBSP = "\u00a0"


def _upload_url(fu: Any) -> str:
    return reverse("imports:import_upload", args=[fu.world.own.pk])


def _client(fu: Any, user: Any | None = None) -> Client:
    return fu.world.client(user or fu.coordinator)


def _upload(client: Client, url: str, data: bytes, name: str = "deltagare.csv") -> Any:
    """The upload, and the run's task as it goes when the upload's transaction commits (the test settings'
    task backend runs it at once, the same `run_execute` as `finsam worker` does)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, {"file": SimpleUploadedFile(name, data)})


def _stored_files() -> list[Path]:
    return list(import_services.upload_dir().iterdir())


# --- the upload page and the template -------------------------------------------------------------


@pytest.mark.django_db
def test_the_upload_page_documents_every_column_and_links_the_templates(fu: Any) -> None:
    response = _client(fu).get(_upload_url(fu))

    assert response.status_code == 200
    html = response.content.decode()
    for header in importing.HEADERS:
        assert f"<code>{header}</code>" in html
    assert "sickness_benefit" in html and "Sjukpenning eller rehabiliteringspenning" in html
    assert reverse("imports:import_template_csv", args=[fu.world.own.pk]) in html
    assert reverse("imports:import_template_xlsx", args=[fu.world.own.pk]) in html
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.django_db
def test_the_participant_list_links_to_the_import(fu: Any) -> None:
    response = _client(fu).get(reverse("followup:participant_list", args=[fu.world.own.pk]))

    assert _upload_url(fu) in response.content.decode()


@pytest.mark.django_db
def test_the_templates_download_with_the_documented_columns(fu: Any) -> None:
    client = _client(fu)

    as_csv = client.get(reverse("imports:import_template_csv", args=[fu.world.own.pk]))
    as_xlsx = client.get(reverse("imports:import_template_xlsx", args=[fu.world.own.pk]))

    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert as_csv.content.decode("utf-8-sig").strip() == ";".join(importing.HEADERS)
    book = load_workbook(io.BytesIO(as_xlsx.content))
    assert [cell.value for cell in book.worksheets[0][1]] == list(importing.HEADERS)
    listed = [r[2] for r in book["Anvisningar"].iter_rows(values_only=True)]
    assert f"{fu.x.pk}: Steget vidare" in listed
    assert f"{fu.y.pk}: Unga till arbete" not in listed  # coordinated by someone else


@pytest.mark.django_db
def test_a_downloaded_template_filled_in_and_uploaded_is_imported(fu: Any) -> None:
    client = _client(fu)
    template = client.get(reverse("imports:import_template_csv", args=[fu.world.own.pk])).content
    filled = template + csv_bytes([row(), anonymous()]).split(b"\r\n", 1)[1]

    response = _upload(client, _upload_url(fu), filled)

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "imports:import_run", args=[run.pk]
    )
    assert run.status == ImportStatus.DONE
    assert Participant.objects.count() == 2


# --- the flow -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_uploaded_csv_is_imported_and_the_run_page_shows_the_counts(fu: Any) -> None:
    client = _client(fu)

    response = _upload(
        client, _upload_url(fu), csv_bytes([row(), exited(personnummer=number(102)), anonymous()])
    )

    run = ImportRun.objects.get()
    assert (run.status, run.rows_total, run.rows_done, run.created_by) == (
        ImportStatus.DONE,
        3,
        3,
        fu.coordinator,
    )
    assert run.counts == {"participants": 3, "identified": 2, "anonymous": 1, "protected": 0, "exited": 1}
    assert Participation.objects.count() == 3
    assert _stored_files() == []  # the file is deleted after the run
    assert run.stored_name == ""
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "3 deltagare har lästs in." in html
    assert "hx-trigger" not in html
    entry = AuditEntry.objects.get(action="participant.import")
    assert entry.actor_id == fu.coordinator.pk


@pytest.mark.django_db
def test_an_uploaded_excel_file_is_imported(fu: Any) -> None:
    response = _upload(_client(fu), _upload_url(fu), xlsx_bytes([row(), anonymous()]), name="deltagare.xlsx")

    assert response.status_code == 302
    assert ImportRun.objects.get().status == ImportStatus.DONE
    assert Participant.objects.count() == 2


@pytest.mark.django_db
def test_a_file_with_bad_rows_is_refused_and_the_report_lists_them_without_identities(fu: Any) -> None:
    client = _client(fu)
    bad_number = number(103)[:-1] + str((int(number(103)[-1]) + 1) % 10)
    data = csv_bytes(
        [
            row(personnummer=number(101)),
            row(personnummer=number(101)),
            row(personnummer=bad_number),
            row("Unga till arbete", personnummer=number(104)),
        ]
    )

    response = _upload(client, _upload_url(fu), data)

    run = ImportRun.objects.get()
    assert (run.status, run.error_count) == (ImportStatus.REFUSED, 3)
    assert Participant.objects.count() == 0
    assert not AuditEntry.objects.filter(action="participant.import").exists()
    html = client.get(response["Location"]).content.decode()
    assert "Filen lästes inte in; ingenting har sparats." in html
    assert "Personen finns redan på rad 2 för samma insats." in html
    assert "Kontrollsiffran stämmer inte. Kontrollera numret." in html
    assert "Du är inte deltagaransvarig för den insatsen." in html
    report = client.get(reverse("imports:import_run_report", args=[run.pk]))
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(report.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == [
        ["rad", "kolumn", "meddelande"],
        ["3", "personnummer", "Personen finns redan på rad 2 för samma insats."],
        ["4", "personnummer", "Kontrollsiffran stämmer inte. Kontrollera numret."],
        ["5", "insats", "Du är inte deltagaransvarig för den insatsen."],
    ]
    for serial in (101, 103, 104):
        assert number(serial)[:8] not in html and number(serial)[:8] not in text


@pytest.mark.django_db
def test_the_stored_report_is_read_in_the_language_of_the_reader(fu: Any) -> None:
    client = _client(fu)
    bad_number = number(103)[:-1] + str((int(number(103)[-1]) + 1) % 10)
    data = csv_bytes(
        [row(personnummer=number(101)), row(personnummer=number(101)), row(personnummer=bad_number)]
    )
    response = _upload(client, _upload_url(fu), data)  # the worker's run, in Swedish
    run = ImportRun.objects.get()
    stored = list(run.errors.values_list("message", "message_en"))
    assert stored == [
        (
            "Personen finns redan på rad 2 för samma insats.",
            "The person is already on row 2 for the same intervention.",
        ),
        (
            "Kontrollsiffran stämmer inte. Kontrollera numret.",
            "The check digit does not match. Check the number.",
        ),
    ]
    report_url = reverse("imports:import_run_report", args=[run.pk])

    def report() -> list[list[str]]:
        text = b"".join(client.get(report_url).streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text), delimiter=";"))[1:]

    swedish = client.get(response["Location"]).content.decode()
    assert "Kontrollsiffran stämmer inte." in swedish and "The check digit" not in swedish
    assert report()[1] == ["4", "personnummer", "Kontrollsiffran stämmer inte. Kontrollera numret."]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(response["Location"]).content.decode()
    assert "The person is already on row 2 for the same intervention." in english
    assert "The check digit does not match. Check the number." in english
    assert "Kontrollsiffran stämmer inte." not in english
    assert report() == [
        ["3", "personnummer", "The person is already on row 2 for the same intervention."],
        ["4", "personnummer", "The check digit does not match. Check the number."],
    ]


@pytest.mark.django_db
def test_errors_stored_without_english_are_read_in_swedish_by_an_english_reader(fu: Any) -> None:
    run = _run(fu, status=ImportStatus.REFUSED, error_count=1)
    ImportRunError.objects.create(run=run, row=2, column="insats", message="Ange insatsens id eller namn.")
    client = _client(fu)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("imports:import_run", args=[run.pk])).content.decode()
    assert "Ange insatsens id eller namn." in page
    text = b"".join(client.get(reverse("imports:import_run_report", args=[run.pk])).streaming_content)
    assert "Ange insatsens id eller namn." in text.decode("utf-8-sig")


@pytest.mark.django_db
def test_a_20_mb_garbage_upload_is_refused_at_once_and_nothing_is_stored(fu: Any) -> None:
    response = _upload(_client(fu), _upload_url(fu), os.urandom(20 * 1024 * 1024), name="data.csv")

    assert response.status_code == 400
    assert (
        "Filen innehåller binära data och är varken en CSV-fil eller en Excelfil" in response.content.decode()
    )
    assert not ImportRun.objects.exists()
    assert _stored_files() == []


@pytest.mark.django_db
def test_a_windows_1252_csv_upload_is_refused_with_advice(fu: Any) -> None:
    response = _upload(_client(fu), _upload_url(fu), csv_bytes([row()], encoding="cp1252"))

    assert response.status_code == 400
    assert "Filen är inte UTF-8-kodad; spara den som CSV UTF-8" in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_an_upload_over_the_size_limit_is_refused_without_being_stored(fu: Any, settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 4096
    data = csv_bytes([anonymous()] * 200)
    assert len(data) > 4 * 4096

    response = _upload(_client(fu), _upload_url(fu), data)

    assert response.status_code == 413
    assert "Filen är större än 4 kB, som är det största som kan läsas in." in response.content.decode()
    assert not ImportRun.objects.exists()
    assert _stored_files() == []


@pytest.mark.django_db
def test_a_file_with_a_wrong_header_is_refused_by_the_run(fu: Any) -> None:
    client = _client(fu)
    response = _upload(client, _upload_url(fu), b"namn;adress\r\nAnna;Storgatan 1\r\n")

    run = ImportRun.objects.get()
    assert run.status == ImportStatus.REFUSED
    assert run.message.startswith("Första raden ska innehålla kolumnrubrikerna (se mallen)")
    assert run.message.count("Anna") == 0
    assert run.message in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_the_message_of_a_refused_run_is_read_in_the_language_of_the_reader(fu: Any) -> None:
    client = _client(fu)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = (
        "en"  # the uploader reads English; the run is kept in both
    )
    response = _upload(client, _upload_url(fu), b"namn;adress\r\nAnna;Storgatan 1\r\n")

    run = ImportRun.objects.get()
    assert run.message.startswith("Första raden ska innehålla kolumnrubrikerna (se mallen); ")
    assert run.message_en.startswith("The first row must contain the column headings (see the template); ")
    english = client.get(response["Location"]).content.decode()
    assert run.message_en in english and "Första raden" not in english

    by_header = _client(fu)
    by_header.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert run.message_en in by_header.get(response["Location"]).content.decode()
    swedish = _client(fu).get(response["Location"]).content.decode()
    assert run.message in swedish and "The first row" not in swedish


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("trouble", "status", "swedish", "english"),
    [
        (
            PermissionDenied(),  # the uploader's role ended while the run worked
            ImportStatus.REFUSED,
            "Du får inte längre registrera deltagare i förbundet; ingenting har sparats.",
            "You may no longer register participants in the förbund; nothing has been saved.",
        ),
        (
            RuntimeError("ett fel med data ur filen"),
            ImportStatus.FAILED,
            "Ett oväntat fel avbröt inläsningen; ingenting har sparats.",
            "An unexpected error stopped the import; nothing has been saved.",
        ),
    ],
    ids=["role-ended", "unexpected"],
)
def test_a_run_stopped_in_the_write_pass_says_so_in_the_language_of_the_reader(
    fu: Any, monkeypatch: pytest.MonkeyPatch, trouble: Exception, status: str, swedish: str, english: str
) -> None:
    def stopped(*args: Any, **kwargs: Any) -> Any:
        raise trouble

    monkeypatch.setattr(import_services, "write", stopped)
    response = _upload(_client(fu), _upload_url(fu), csv_bytes([anonymous()]))

    run = ImportRun.objects.get()
    assert (run.status, run.message, run.message_en) == (status, swedish, english)
    assert swedish in _client(fu).get(response["Location"]).content.decode()
    client = _client(fu)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(response["Location"]).content.decode()
    assert english in page and swedish not in page


@pytest.mark.django_db
def test_a_run_message_kept_without_english_is_read_in_swedish_by_an_english_reader(fu: Any) -> None:
    run = _run(fu, status=ImportStatus.REFUSED, message="Filen har inga rader med deltagare.")
    client = _client(fu)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert (
        "Filen har inga rader med deltagare."
        in client.get(reverse("imports:import_run", args=[run.pk])).content.decode()
    )


@pytest.mark.django_db
def test_a_second_upload_waits_while_a_run_of_the_forbund_is_at_work(fu: Any) -> None:
    ImportRun.objects.create(
        association=fu.world.own, created_by=fu.coordinator, status=ImportStatus.VALIDATING
    )

    response = _upload(_client(fu), _upload_url(fu), csv_bytes([row()]))

    assert response.status_code == 409
    assert "En inläsning pågår redan för förbundet." in response.content.decode()
    assert ImportRun.objects.count() == 1


# --- progress -----------------------------------------------------------------------------------


def _run(fu: Any, **fields: Any) -> ImportRun:
    return ImportRun.objects.create(association=fu.world.own, created_by=fu.coordinator, **fields)


@pytest.mark.django_db
def test_the_status_fragment_of_a_running_import_polls_and_shows_a_labelled_progress_bar(fu: Any) -> None:
    run = _run(fu, status=ImportStatus.VALIDATING, rows_total=200_000, rows_done=12_000)

    fragment = _client(fu).get(reverse("imports:import_run", args=[run.pk]), headers={"HX-Request": "true"})

    html = fragment.content.decode()
    assert html.startswith('<div id="import-status" hx-get="')
    assert 'hx-trigger="every 1s"' in html and 'hx-swap="outerHTML"' in html
    assert '<progress aria-labelledby="import-phase" max="200000" value="12000">' in html
    assert f"12{NBSP}000 av 200{NBSP}000 rader" in html
    assert 'id="import-phase"' in html and "Raderna kontrolleras" in html
    assert "<html" not in html  # the fragment only


@pytest.mark.django_db
def test_the_polling_stops_when_the_run_is_finished(fu: Any) -> None:
    run = _run(fu, status=ImportStatus.DONE, rows_total=5, rows_done=5, counts={"participants": 5})

    html = (
        _client(fu).get(reverse("imports:import_run", args=[run.pk]), headers={"HX-Request": "true"}).content
    )

    assert b"hx-trigger" not in html
    assert "5 deltagare har lästs in.".encode() in html


@pytest.mark.django_db
def test_the_write_phase_shows_an_indeterminate_progress_bar(fu: Any) -> None:
    run = _run(fu, status=ImportStatus.WRITING, rows_total=10, rows_done=10)

    html = _client(fu).get(reverse("imports:import_run", args=[run.pk])).content.decode()

    assert '<progress aria-labelledby="import-phase"></progress>' in html
    assert 'hx-trigger="every 1s"' in html


@pytest.mark.django_db
def test_the_run_reports_its_progress_while_it_validates(fu: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a poll would read during the validation pass: rows_done grows, written in autocommit."""
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 2)
    seen: list[tuple[str, int, int | None]] = []
    update = import_services._update

    def spy(run_id: int, **fields: Any) -> None:
        update(run_id, **fields)
        run = ImportRun.objects.get(pk=run_id)
        seen.append((run.status, run.rows_done, run.rows_total))

    monkeypatch.setattr(import_services, "_update", spy)

    _upload(_client(fu), _upload_url(fu), csv_bytes([anonymous()] * 5))

    assert seen[:4] == [
        (ImportStatus.VALIDATING, 0, 5),
        (ImportStatus.VALIDATING, 2, 5),
        (ImportStatus.VALIDATING, 4, 5),
        (ImportStatus.VALIDATING, 5, 5),
    ]
    assert seen[-1][0] == ImportStatus.DONE


@pytest.mark.django_db
def test_a_run_whose_lease_ran_out_is_shown_as_interrupted_and_its_file_discarded(fu: Any) -> None:
    stored = import_services.upload_dir() / "avbruten.upload"
    stored.write_bytes(b"insats;registrering\r\n")
    run = _run(fu, status=ImportStatus.VALIDATING, rows_total=100, stored_name=stored.name)
    ImportRun.objects.filter(pk=run.pk).update(lease_expires=timezone.now() - timedelta(seconds=1))

    html = _client(fu).get(reverse("imports:import_run", args=[run.pk])).content.decode()

    assert "Inläsningen avbröts innan den var klar; ingenting har sparats." in html
    assert "hx-trigger" not in html
    assert not stored.exists()
    run.refresh_from_db()
    assert (run.status, run.stored_name) == (ImportStatus.FAILED, "")
    entry = AuditEntry.objects.get(action="import_run.expire")
    assert (entry.object_id, entry.association_id, entry.actor_username) == (
        str(run.pk),
        fu.world.own.pk,
        "system",
    )


@pytest.mark.django_db
def test_a_run_whose_lease_ran_out_frees_the_forbund_for_a_new_upload(fu: Any) -> None:
    _run(fu, status=ImportStatus.WRITING, lease_expires=timezone.now() - timedelta(seconds=1))

    response = _upload(_client(fu), _upload_url(fu), csv_bytes([row()]))

    assert response.status_code == 302
    assert [run.status for run in ImportRun.objects.order_by("pk")] == [
        ImportStatus.FAILED,
        ImportStatus.DONE,
    ]
    assert Participant.objects.count() == 1


@pytest.mark.django_db
def test_a_run_at_work_keeps_its_lease_and_the_forbund(fu: Any) -> None:
    run = _run(fu, status=ImportStatus.VALIDATING, lease_expires=timezone.now() + timedelta(seconds=30))

    html = _client(fu).get(reverse("imports:import_run", args=[run.pk])).content.decode()

    assert 'hx-trigger="every 1s"' in html
    assert ImportRun.objects.get(pk=run.pk).status == ImportStatus.VALIDATING
    assert _upload(_client(fu), _upload_url(fu), csv_bytes([row()])).status_code == 409


@pytest.mark.django_db
def test_the_database_refuses_a_second_run_of_the_forbund_at_work(fu: Any) -> None:
    _run(fu, status=ImportStatus.QUEUED)

    with pytest.raises(IntegrityError), transaction.atomic():
        _run(fu, status=ImportStatus.VALIDATING)
    _run(fu, status=ImportStatus.DONE)
    ImportRun.objects.create(association=fu.world.other, status=ImportStatus.WRITING)


@pytest.mark.django_db
def test_a_second_upload_that_gets_past_the_look_is_refused_by_the_constraint(
    fu: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(fu, status=ImportStatus.VALIDATING)
    monkeypatch.setattr(import_selectors, "run_busy", lambda **kwargs: None)  # both looked at the same moment

    response = _upload(_client(fu), _upload_url(fu), csv_bytes([row()]))

    assert response.status_code == 409
    assert "En inläsning pågår redan för förbundet." in response.content.decode()
    assert ImportRun.objects.count() == 1
    assert _stored_files() == []


@pytest.mark.django_db
def test_a_run_that_lost_its_lease_during_the_write_pass_saves_nothing(
    fu: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker was too slow to renew: a page read meanwhile showed the run failed. The worker's own
    "done" then finds the run no longer at work and rolls the participants back."""
    update = import_services._update

    def expire_when_writing(run_id: int, **fields: Any) -> None:
        update(run_id, **fields)
        if fields.get("status") == ImportStatus.WRITING:
            ImportRun.objects.filter(pk=run_id).update(lease_expires=timezone.now() - timedelta(seconds=1))
            assert import_services.runs_expire(run_id=run_id) == 1

    monkeypatch.setattr(import_services, "_update", expire_when_writing)

    _upload(_client(fu), _upload_url(fu), csv_bytes([row(), anonymous()]))

    assert ImportRun.objects.get().status == ImportStatus.FAILED
    assert Participant.objects.count() == 0
    assert not AuditEntry.objects.filter(action="participant.import").exists()


# --- the task queue -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_run_is_queued_when_the_upload_is_committed_and_not_before(fu: Any) -> None:
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        _client(fu).post(_upload_url(fu), {"file": SimpleUploadedFile("a.csv", csv_bytes([row()]))})

    run = ImportRun.objects.get()
    assert (run.status, len(callbacks)) == (ImportStatus.QUEUED, 1)
    assert run.lease_expires > timezone.now() + timedelta(minutes=9)  # time to wait for a worker
    callbacks[0]()
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE
    assert Participant.objects.count() == 1
    assert _stored_files() == []


@pytest.mark.django_db
def test_the_task_does_the_run_and_records_the_uploaders_address(fu: Any) -> None:
    _upload(_client(fu), _upload_url(fu), csv_bytes([row()]))
    run = ImportRun.objects.get()
    assert (run.status, run.client_address) == (ImportStatus.DONE, "127.0.0.1")

    import_tasks.run_import.call(run.pk)  # delivered twice: nothing more happens

    assert Participant.objects.count() == 1
    entry = AuditEntry.objects.get(action="participant.import")
    assert entry.client_address == "127.0.0.1"


@pytest.mark.django_db
def test_a_run_is_done_once(fu: Any) -> None:
    _upload(_client(fu), _upload_url(fu), csv_bytes([row()]))
    run = ImportRun.objects.get()

    import_services.run_execute(run.pk)

    assert Participant.objects.count() == 1


# --- access -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_runs_and_reports_are_scoped_to_their_forbund(fu: Any) -> None:
    theirs = ImportRun.objects.create(association=fu.world.other, status=ImportStatus.REFUSED, error_count=1)
    ImportRunError.objects.create(run=theirs, row=2, column="insats", message="Ange insatsens id eller namn.")
    client = _client(fu)

    assert client.get(reverse("imports:import_run", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("imports:import_run_report", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("imports:import_upload", args=[fu.world.other.pk])).status_code == 404
    outsider = fu.world.client(fu.world.outsiders[Role.PARTICIPANT_COORDINATOR])
    own_run = _run(fu, status=ImportStatus.DONE)
    assert outsider.get(reverse("imports:import_run", args=[own_run.pk])).status_code == 404
    assert (
        outsider.post(_upload_url(fu), {"file": SimpleUploadedFile("a.csv", csv_bytes([row()]))}).status_code
        == 404
    )
    assert not Participant.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.ASSOCIATION_ADMIN, Role.BOARD_MEMBER, Role.AUDITOR, Role.NATIONAL_ADMIN]
)
def test_roles_that_do_not_register_participants_are_refused(fu: Any, role: str) -> None:
    client = fu.world.client(fu.world.users[role])
    run = _run(fu, status=ImportStatus.DONE)

    assert client.get(_upload_url(fu)).status_code == 403
    assert (
        client.post(_upload_url(fu), {"file": SimpleUploadedFile("a.csv", csv_bytes([row()]))}).status_code
        == 403
    )
    assert client.get(reverse("imports:import_run", args=[run.pk])).status_code == 403
    assert client.get(reverse("imports:import_template_csv", args=[fu.world.own.pk])).status_code == 403
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login(fu: Any) -> None:
    response = Client().get(_upload_url(fu))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_every_upload_is_in_the_audit_log_with_its_size_only(fu: Any) -> None:
    _upload(_client(fu), _upload_url(fu), csv_bytes([row(), anonymous()]))
    run = ImportRun.objects.get()
    entries = AuditEntry.objects.filter(action="import_run.create")
    assert [(e.object_id, e.association_id, e.details) for e in entries] == [
        (str(run.pk), fu.world.own.pk, {"file_size": run.file_size})
    ]
    assert run.file_size > 0
