"""The import pages (docs/import.md): upload a participant file, follow the run's progress, read and
download its error report, download the template.

Who may: as for registering a participant (PARTICIPANT_EDIT: the förbund's participant coordinators),
and each row only in an intervention the user coordinates. The upload refuses a file over
FINSAM_IMPORT_MAX_BYTES while it arrives (an upload handler stops storing it) and a file that is
plainly no CSV or Excel file from its first bytes; everything else is checked by the run.
"""

from __future__ import annotations

import csv
from typing import Any

from django import forms as django_forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from finsam.core.decorators import page_access
from finsam.core.errors import RuleViolation
from finsam.core.forms import FinsamForm
from finsam.core.money import NBSP
from finsam.core.roles import Capability
from finsam.imports import importing, selectors, services
from finsam.imports.models import ImportRun, ImportStatus
from finsam.interventions import selectors as intervention_selectors
from finsam.registry import selectors as registry_selectors
from finsam.reports.excel import XLSX

ERRORS_SHOWN = 500


class LimitedUploadHandler(FileUploadHandler):
    """Stops an upload over FINSAM_IMPORT_MAX_BYTES as it arrives: the rest of the request is read and
    dropped, never stored, and the view answers with a message instead of a broken connection."""

    too_large = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.content_length and self.content_length > settings.IMPORT_MAX_BYTES + 64 * 1024:
            self.too_large = True
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.IMPORT_MAX_BYTES:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class UploadForm(FinsamForm):
    file = django_forms.FileField(
        label=gettext_lazy("Fil"),
        help_text=gettext_lazy("CSV (UTF-8, semikolon eller komma) eller Excel (.xlsx), högst %(size)s MB."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = str(self.fields["file"].help_text) % {
            "size": max(settings.IMPORT_MAX_BYTES // (1024 * 1024), 1)
        }
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx,text/csv," + XLSX


class _Echo:
    """A file that hands back what is written to it: csv.writer then yields the lines one by one."""

    def write(self, value: str) -> str:
        return value


def _number(value: int | None) -> str:
    return f"{value or 0:,}".replace(",", NBSP)


def _columns() -> list[dict[str, Any]]:
    return [
        {
            "header": column.header,
            "required": column.required,
            "description": column.description,
            "example": column.example,
            "allowed": column.allowed_here(),
        }
        for column in importing.COLUMNS
    ]


def _upload_page(request: HttpRequest, association: Any, form: UploadForm, status: int = 200) -> HttpResponse:
    runs = selectors.run_list(user=request.user, association_id=association.pk)[:10]
    return render(
        request,
        "imports/import_upload.html",
        {"association": association, "form": form, "columns": _columns(), "runs": runs},
        status=status,
    )


@csrf_protect
def _upload(request: HttpRequest, association_id: int, handler: LimitedUploadHandler) -> HttpResponse:
    association = registry_selectors.association_get(
        user=request.user, association_id=association_id, capability=Capability.PARTICIPANT_EDIT
    )
    if request.method != "POST":
        return _upload_page(request, association, UploadForm())
    data, files = request.POST, request.FILES  # reads the body, through the handler
    form = UploadForm(data, files)
    if handler.too_large:
        form.is_valid()  # the file was dropped: say why instead of "required"
        form.errors["file"] = form.error_class([importing.too_large_message(settings.IMPORT_MAX_BYTES)])
        return _upload_page(request, association, form, status=413)
    if not form.is_valid():
        return _upload_page(request, association, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        upload.seek(0)
        importing.check_head(upload.read(importing.HEAD_BYTES))
        upload.seek(0)
    except importing.ImportFileError as exc:
        form.add_error("file", exc.message)
        return _upload_page(request, association, form, status=400)
    if selectors.run_busy(association_id=association.pk) is not None:
        form.add_error("file", str(services.BUSY))
        return _upload_page(request, association, form, status=409)
    try:
        run = services.run_create(actor=request.user, association=association, upload=upload)
    except RuleViolation as exc:  # also a second upload that got past the look above at the same moment
        form.add_violations(exc)
        busy = exc.code == services.BUSY_CODE
        return _upload_page(request, association, form, status=409 if busy else 400)
    return redirect("imports:import_run", run.pk)


@page_access(Capability.PARTICIPANT_EDIT, scoped="association_id", methods=("GET", "POST"))
@csrf_exempt
def import_upload(request: HttpRequest, association_id: int) -> HttpResponse:
    """The upload page: the columns, the template, the form, the förbund's latest runs."""
    # The size limit must be in place before the body is read, and the CSRF check reads it: so the
    # handler goes in first and the check is made by `_upload` (Django's documented pattern).
    handler = LimitedUploadHandler(request)
    request.upload_handlers.insert(0, handler)
    return _upload(request, association_id, handler)


def _run_context(run: ImportRun) -> dict[str, Any]:
    active = run.status in selectors.ACTIVE
    total = run.rows_total
    done = min(run.rows_done, total) if total is not None else run.rows_done
    return {
        "run": run,
        "association": run.association,
        "active": active,
        "writing": run.status == ImportStatus.WRITING,
        "done_text": _number(done),
        "total_text": _number(total),
        "done": done,
        "total": total,
        "errors": list(run.errors.all()[:ERRORS_SHOWN]) if run.status == ImportStatus.REFUSED else [],
        "errors_shown": ERRORS_SHOWN,
        "counts": run.counts,
        "anonymous": (run.counts or {}).get("anonymous", 0) + (run.counts or {}).get("protected", 0),
    }


@page_access(Capability.PARTICIPANT_EDIT, scoped="import_run_id")
def import_run(request: HttpRequest, import_run_id: int) -> HttpResponse:
    """A run's progress and outcome. htmx polls the status fragment every second while the run works;
    the fragment of a finished run carries no trigger, which ends the polling."""
    run = selectors.run_get(user=request.user, run_id=import_run_id)
    context = _run_context(run)
    if getattr(request, "htmx", False):
        return render(request, "imports/_import_status.html", context)
    return render(request, "imports/import_run.html", context)


@page_access(Capability.PARTICIPANT_EDIT, scoped="import_run_id")
def import_run_report(request: HttpRequest, import_run_id: int) -> StreamingHttpResponse:
    """Every error of a refused run as CSV (row, column, message), streamed."""
    run = selectors.run_get(user=request.user, run_id=import_run_id)

    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")

    def lines() -> Any:
        yield "\ufeff" + writer.writerow(["rad", "kolumn", "meddelande"])
        for row in selectors.run_errors(run=run):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="inlasning-{run.pk}-fel.csv"'
    return response


@page_access(Capability.PARTICIPANT_EDIT, scoped="association_id")
def import_template(request: HttpRequest, association_id: int, kind: str) -> HttpResponse:
    """The template: the header row as CSV, or a workbook with the columns explained and the
    interventions the user coordinates in the förbund."""
    association = registry_selectors.association_get(
        user=request.user, association_id=association_id, capability=Capability.PARTICIPANT_EDIT
    )
    if kind == "xlsx":
        interventions = intervention_selectors.coordinated_interventions(
            user=request.user, association_id=association.pk, individual_only=True
        ).order_by("name")
        data = importing.template_xlsx(interventions=[(i.pk, i.name) for i in interventions])
        response = HttpResponse(data, content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="deltagare-mall.xlsx"'
        return response
    response = HttpResponse(importing.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="deltagare-mall.csv"'
    return response
