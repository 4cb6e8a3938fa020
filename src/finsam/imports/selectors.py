"""Reads of the imports app: a förbund's runs, one run with its errors, whether a förbund has one at work.
Reading a run whose lease ran out marks it failed on the way (services.runs_expire): the worker that had
it is gone, and the förbund must be free for a new import at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from finsam.core.access import Actor, require
from finsam.core.audit_text import Described, ObjectText, Refs, ids_of
from finsam.core.roles import Capability
from finsam.imports import services
from finsam.imports.models import ImportRun, reads_english
from finsam.imports.services import ACTIVE, upload_dir

__all__ = ["ACTIVE", "is_expired", "run_busy", "run_errors", "run_get", "run_list", "upload_dir"]


def is_expired(run: ImportRun, *, now: datetime | None = None) -> bool:
    """A run at work whose lease ran out: the worker that had it stopped (or none took it from the queue)."""
    return run.status in ACTIVE and run.lease_expires < (now or timezone.now())


def run_list(*, user: Actor, association_id: int) -> QuerySet[ImportRun]:
    scope = require(user, Capability.PARTICIPANT_EDIT)
    if not scope.allows(association_id):
        raise Http404
    services.runs_expire(association_id=association_id)
    return ImportRun.objects.filter(association_id=association_id).select_related("created_by")


def run_get(*, user: Actor, run_id: int) -> ImportRun:
    """A run of a förbund where the user may register participants; Http404 otherwise. A run whose lease
    ran out is marked failed on the way."""
    scope = require(user, Capability.PARTICIPANT_EDIT)
    run = ImportRun.objects.filter(pk=run_id).select_related("association", "created_by").first()
    if run is None or not scope.allows(run.association_id):
        raise Http404
    if is_expired(run) and services.runs_expire(run_id=run.pk):
        run.refresh_from_db()
    return run


def run_errors(*, run: ImportRun) -> Iterator[tuple[int, str, str]]:
    """(row, column, message) of every error of a run got through `run_get`, in row order, streamed; the
    message in the language active at the call (English where it was kept, else Swedish)."""
    errors = run.errors.order_by("row", "id").values_list("row", "column", "message", "message_en")
    english = reads_english()
    return (
        (row, column, message_en if english and message_en else message)
        for row, column, message, message_en in errors.iterator(chunk_size=2000)
    )


def run_busy(*, association_id: int) -> ImportRun | None:
    """The run of the förbund at work, if any, after runs whose lease ran out (of any förbund, so that their
    files do not linger) were marked failed."""
    services.runs_expire()
    return ImportRun.objects.filter(association_id=association_id, status__in=ACTIVE).first()


# --- the audit log's words ------------------------------------------------------------------------


def audit_objects(*, refs: Refs) -> Described:
    """The import runs named in audit entries, for the log. One query."""
    return {
        ("imports.importrun", str(run.pk)): ObjectText(
            gettext("inläsningen av deltagare {day}").format(
                day=date_format(timezone.localtime(run.created_at), "j F Y H:i")
            ),
            reverse("imports:import_run", args=[run.pk]),
        )
        for run in ImportRun.objects.filter(pk__in=ids_of(refs, "imports.importrun"))
    }
