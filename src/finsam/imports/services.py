"""Writes of the imports app: a run is created for an upload and queued for the worker; the worker claims
it, validates the file and writes it through the follow-up services, holding a lease it renews; a run
whose lease ran out is marked failed (docs/import.md)."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from finsam.core import audit
from finsam.core.access import SYSTEM, Actor, require
from finsam.core.errors import RuleViolation
from finsam.core.roles import Capability
from finsam.imports.audit_actions import AuditAction
from finsam.imports.importing import (
    ENGLISH,
    Checked,
    Context,
    ImportFile,
    ImportFileError,
    check,
    context_for,
    more_errors_message,
    too_large_message,
    write,
)
from finsam.imports.models import IMPORT_ACTIVE, ImportRun, ImportRunError, ImportStatus

if TYPE_CHECKING:
    from finsam.registry.models import Association

logger = logging.getLogger(__name__)

ACTIVE = IMPORT_ACTIVE

BUSY_CODE = "R-CONFLICT"
BUSY = _("En inläsning pågår redan för förbundet. Vänta tills den är klar.")


def lease() -> timedelta:
    return timedelta(seconds=settings.IMPORT_LEASE_SECONDS)


def upload_dir() -> Path:
    """Private: under the data directory, outside the media root, readable by the server only."""
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


class LeaseLost(Exception):
    """The run is no longer this worker's: its lease ran out and it was marked failed meanwhile."""


class _Refused(Exception):
    """The file as a whole was refused: the message in Swedish and, where it could be made, in English."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en


def _in_both(make: Callable[[], object]) -> dict[str, str]:
    """The fields `message` and `message_en` of a run, from a message made in the active language."""
    with translation.override(ENGLISH):
        english = str(make())
    return {"message": str(make()), "message_en": english}


def runs_expire(*, association_id: int | None = None, run_id: int | None = None) -> int:
    """Marks the runs whose lease ran out as failed, frees their förbund and deletes their files; each with
    an audit entry. The update is conditional on the lease read, so a worker's renewal in between wins.
    Returns the number of runs marked.

    On SQLite a worker in the short transaction that stores the rows holds the database's write lock; a
    mark in that moment waits for the lock (the busy timeout) and, if it gives up, leaves the run at work,
    which is right: a worker that died would have released the lock with its process."""
    now = timezone.now()
    lapsed = ImportRun.objects.filter(status__in=ACTIVE, lease_expires__lt=now)
    if association_id is not None:
        lapsed = lapsed.filter(association_id=association_id)
    if run_id is not None:
        lapsed = lapsed.filter(pk=run_id)
    marked = 0
    for run in lapsed.only("pk", "association_id", "status", "stored_name", "lease_expires"):
        try:
            with transaction.atomic():
                changed = ImportRun.objects.filter(
                    pk=run.pk, status=run.status, lease_expires=run.lease_expires
                ).update(
                    status=ImportStatus.FAILED, message="", stored_name="", finished_at=now, updated_at=now
                )
                if not changed:
                    continue
                audit.record(
                    actor=SYSTEM,
                    action=AuditAction.IMPORT_RUN_EXPIRE,
                    target=run,
                    association_id=run.association_id,
                    details={"status": run.status},
                )
        except OperationalError:
            logger.info("participant import run %s: the database is busy; not marked yet", run.pk)
            continue
        if run.stored_name:
            (upload_dir() / run.stored_name).unlink(missing_ok=True)
        if run.status == ImportStatus.QUEUED:
            logger.warning(
                "participant import run %s was not taken from the queue: is a worker running?", run.pk
            )
        marked += 1
    return marked


def runs_purge(*, now: datetime | None = None) -> int:
    """Removes the finished runs older than `settings.IMPORT_RUN_KEEP_DAYS`, every förbund's, with their
    errors (at most `IMPORT_MAX_ERRORS` each); one audit entry with the number, when there were any.
    Called when a run is created, so that the error reports of old runs do not pile up. Returns the number
    of runs removed."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPORT_RUN_KEEP_DAYS)
    old = ImportRun.objects.exclude(status__in=ACTIVE).filter(created_at__lt=cutoff)
    ids = list(old.values_list("pk", flat=True)[:1000])
    if not ids:
        return 0
    with transaction.atomic():
        ImportRunError.objects.filter(run_id__in=ids).delete()
        removed = (
            ImportRun.objects.filter(pk__in=ids)
            .exclude(status__in=ACTIVE)
            .delete()[1]
            .get(ImportRun._meta.label, 0)
        )
        audit.record(
            actor=SYSTEM,
            action=AuditAction.IMPORT_RUN_PURGE,
            details={"runs": removed, "kept_days": settings.IMPORT_RUN_KEEP_DAYS},
        )
    return removed


def run_create(*, actor: Actor, association: Association, upload: Any) -> ImportRun:
    """Stores the uploaded file privately, records a queued run and, once that is committed, puts the run in
    the task queue. `upload` is an UploadedFile whose first bytes were checked with `check_head`. A second
    run of the förbund while one is at work is refused (R-CONFLICT, the database's constraint)."""
    require(actor, Capability.PARTICIPANT_EDIT, association.pk)
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise RuleViolation("R-FILE", too_large_message(settings.IMPORT_MAX_BYTES), "file")
    runs_purge()
    name = f"{uuid.uuid4().hex}.upload"
    target = upload_dir() / name
    try:
        with target.open("xb") as out:
            target.chmod(0o600)
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            with transaction.atomic():
                run = ImportRun.objects.create(
                    association=association,
                    created_by_id=actor.pk,
                    client_address=audit.client_address.get(),
                    stored_name=name,
                    file_size=upload.size or 0,
                )
                audit.record(
                    actor=actor,
                    action=AuditAction.IMPORT_RUN_CREATE,
                    target=run,
                    association_id=association.pk,
                    details={"file_size": run.file_size},
                )
                transaction.on_commit(partial(_enqueue, run.pk))
        except IntegrityError as exc:
            raise RuleViolation(BUSY_CODE, str(BUSY), "file") from exc
        return run
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _update(run_id: int, **fields: Any) -> None:
    """Records the progress or outcome of a run this worker holds, and renews its lease; LeaseLost when the
    run is no longer at work (its lease ran out and it was marked failed)."""
    now = timezone.now()
    changed = ImportRun.objects.filter(pk=run_id, status__in=ACTIVE).update(
        updated_at=now, lease_expires=now + lease(), **fields
    )
    if not changed:
        raise LeaseLost(run_id)


def _finish(run_id: int, **fields: Any) -> None:
    """The end of a run that did not get through: refused or failed, unless it was marked failed already."""
    now = timezone.now()
    ImportRun.objects.filter(pk=run_id, status__in=ACTIVE).update(updated_at=now, finished_at=now, **fields)


class _Heartbeat:
    """Renews the lease of a run every quarter of the lease, from a thread with a database connection of its
    own, while the work goes on: the write pass stores its rows in one transaction, which can publish
    nothing before it commits. When the process dies, the renewals stop with it."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._renew, name=f"import-lease-{run_id}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    def _renew(self) -> None:
        interval = lease().total_seconds() / 4
        try:
            while not self.stop.wait(interval):
                try:
                    held = ImportRun.objects.filter(
                        pk=self.run_id, status__in=(ImportStatus.VALIDATING, ImportStatus.WRITING)
                    ).update(lease_expires=timezone.now() + lease())
                except DatabaseError:  # SQLite: the write pass holds the lock; try again later
                    logger.info("participant import run %s: lease not renewed (database busy)", self.run_id)
                    continue
                if not held:
                    return
        finally:
            connection.close()


def _read(
    path: Path,
    *,
    actor: Any,
    association: Association,
    counted: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[ImportFile, Context, Checked]:
    """The reading pass: the rows counted (`counted` is told their number), then checked (`progress` is
    told the rows checked so far). ImportFileError or RuleViolation when the file as a whole is refused."""
    source = ImportFile(path)
    rows = source.count()
    if counted is not None:
        counted(rows)
    context = context_for(actor=actor, association=association)
    return source, context, check(source, context=context, progress=progress)


def _refusal_in_english(path: Path, *, actor: Any, association: Association) -> str:
    """The English of a refusal of the whole file by the reading pass: the pass reads the file and the
    database only, so repeated in English it stops at the same place, with the same refusal in English.
    Refused runs are few, and the pass stops where the first one did. Empty when it is not refused again."""
    with translation.override(ENGLISH):
        try:
            _read(path, actor=actor, association=association)
        except (ImportFileError, RuleViolation) as again:
            return str(again.message)
        except PermissionDenied:  # the uploader's role ended in between: the refusal stays in Swedish
            return ""
    return ""


def _work(run: ImportRun, path: Path) -> None:
    run_id = run.pk
    actor = run.created_by
    if actor is None:
        raise PermissionDenied
    try:
        source, context, checked = _read(
            path,
            actor=actor,
            association=run.association,
            counted=lambda rows: _update(run_id, rows_total=rows),
            progress=lambda done: _update(run_id, rows_done=done),
        )
    except (ImportFileError, RuleViolation) as exc:
        english = _refusal_in_english(path, actor=actor, association=run.association)
        raise _Refused(str(exc.message), english) from exc
    rows, errors = checked.rows, checked.errors
    if errors:
        with transaction.atomic():
            for start in range(0, len(errors), 1000):
                ImportRunError.objects.bulk_create(
                    ImportRunError(
                        run_id=run_id,
                        row=e.row,
                        column=e.column,
                        message=e.message[:400],
                        message_en=e.message_en[:400],
                    )
                    for e in errors[start : start + 1000]
                )
            _update(
                run_id,
                status=ImportStatus.REFUSED,
                rows_total=rows,
                rows_done=rows,
                error_count=len(errors),
                **(_in_both(lambda: more_errors_message(len(errors))) if checked.more else {}),
                finished_at=timezone.now(),
            )
        return
    _update(run_id, status=ImportStatus.WRITING, rows_total=rows, rows_done=rows)
    # In the same transaction as the participants: a run is "done" exactly when they are stored, and a run
    # whose lease ran out meanwhile (shown as failed) rolls them back.
    write(
        source,
        actor=actor,
        context=context,
        then=lambda counts: _update(
            run_id, status=ImportStatus.DONE, counts=counts, finished_at=timezone.now()
        ),
    )


def run_execute(run_id: int) -> None:
    """Does the work of a queued run: counts the rows, validates them (reporting progress as it goes, in
    autocommit), and either stores the error report or writes everything in one transaction. The run is
    claimed with a conditional UPDATE, so it is done once, and held by a lease that progress reports and
    a heartbeat renew. The file is deleted at the end.

    The run's texts are written in Swedish, the site's language, whoever runs it (`message`, and each
    error's), with the English beside them (`message_en`) for English readers."""
    with translation.override(settings.LANGUAGE_CODE):
        _execute(run_id)


def _execute(run_id: int) -> None:
    now = timezone.now()
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.VALIDATING, updated_at=now, lease_expires=now + lease()
    )
    if not claimed:
        return
    run = ImportRun.objects.select_related("association", "created_by").get(pk=run_id)
    path = upload_dir() / run.stored_name
    # The audit entry of the import carries the uploader's address, as if written in the upload request.
    address = audit.set_client_address(run.client_address)
    try:
        with _Heartbeat(run_id):
            _work(run, path)
    except LeaseLost:
        logger.warning("participant import run %s lost its lease and stopped; nothing was saved", run_id)
    except _Refused as exc:
        _finish(run_id, status=ImportStatus.REFUSED, message=exc.message, message_en=exc.message_en)
    except (ImportFileError, RuleViolation) as exc:
        # A refusal of the write pass: the database changed since the reading pass (a person registered
        # meanwhile). The pass is not repeated to say it in English; English readers read it in Swedish.
        _finish(run_id, status=ImportStatus.REFUSED, message=exc.message)
    except PermissionDenied:
        _finish(
            run_id,
            status=ImportStatus.REFUSED,
            **_in_both(
                lambda: gettext("Du får inte längre registrera deltagare i förbundet; ingenting har sparats.")
            ),
        )
    except Exception as exc:
        # The message of an unexpected error may quote data from the file: log only its kind.
        logger.error("participant import run %s failed: %s", run_id, type(exc).__name__)
        _finish(
            run_id,
            status=ImportStatus.FAILED,
            **_in_both(lambda: gettext("Ett oväntat fel avbröt inläsningen; ingenting har sparats.")),
        )
    finally:
        audit.client_address.reset(address)
        path.unlink(missing_ok=True)
        ImportRun.objects.filter(pk=run_id).update(stored_name="")


def _enqueue(run_id: int) -> None:
    from finsam.imports import tasks  # the task module calls back into this one

    tasks.run_import.enqueue(run_id)
