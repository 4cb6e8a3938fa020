"""Participant file imports (docs/import.md): one run per upload, its progress and outcome, and the rows
in error of a refused file. The tables were created by the follow-up app and kept their rows when the
models moved here (migration followup 0003, imports 0001)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Väntar"
    VALIDATING = "validating", "Kontrollerar raderna"
    WRITING = "writing", "Sparar"
    DONE = "done", "Inläst"
    REFUSED = "refused", "Inte inläst: fel i filen"
    FAILED = "failed", "Avbruten"


# The statuses of a run at work. At most one run of a förbund is in one of them (a constraint): two imports at
# once would race for the same persons.
IMPORT_ACTIVE = (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.WRITING)
# How long a queued run may wait for a worker before it is given up (no worker running, or all busy).
IMPORT_QUEUE_WAIT = timedelta(minutes=10)


def import_queue_lease() -> datetime:
    """The lease of a new, queued run; a worker that claims the run replaces it with its own."""
    return timezone.now() + IMPORT_QUEUE_WAIT


class ImportRun(models.Model):
    """One upload of a participant file (docs/import.md): its progress and outcome, never its content.

    The uploaded file lies in a private directory (not under the media root) while the run works and is
    deleted afterwards. The run holds counts and, for a refused file, the rows in error (row, column,
    message: never a value from the file). While it waits or works it holds a lease (`lease_expires`),
    renewed by the worker; a run whose lease ran out was abandoned (a worker that died) and counts as
    failed."""

    association = models.ForeignKey(
        "registry.Association", on_delete=models.CASCADE, related_name="import_runs", verbose_name="förbund"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The uploader's address, for the audit entry the worker writes on the uploader's behalf.
    client_address = models.GenericIPAddressField("klientadress", null=True, blank=True, editable=False)
    stored_name = models.CharField("lagrad fil", max_length=100, blank=True, editable=False)
    file_size = models.PositiveBigIntegerField("filstorlek (byte)", default=0)
    status = models.CharField(
        "status", max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField("rader", null=True, blank=True)
    rows_done = models.PositiveIntegerField("kontrollerade rader", default=0)
    error_count = models.PositiveIntegerField("fel", default=0)
    message = models.TextField("meddelande", blank=True)
    # The message in English, for English readers of the run; empty on runs finished before it was kept.
    message_en = models.TextField("meddelande på engelska", blank=True, default="")
    counts = models.JSONField("antal", default=dict, blank=True)
    created_at = models.DateTimeField("startad", auto_now_add=True)
    updated_at = models.DateTimeField("senast uppdaterad", auto_now=True)
    lease_expires = models.DateTimeField("låset gäller till", default=import_queue_lease)
    finished_at = models.DateTimeField("klar", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "inläsning av deltagare"
        verbose_name_plural = "inläsningar av deltagare"
        indexes = [models.Index(fields=["association", "status"], name="import_run_assoc_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["association"],
                condition=Q(status__in=IMPORT_ACTIVE),
                name="import_run_one_at_a_time",
                violation_error_message="En inläsning pågår redan för förbundet.",
            )
        ]

    def __str__(self) -> str:
        return f"Inläsning {self.pk}"

    def message_here(self) -> str:
        """The message in the active language: English where it was kept, else the Swedish one."""
        return self.message_en if self.message_en and reads_english() else self.message


class ImportRunError(models.Model):
    """One error of a refused import: the row in the file (the header is row 1), the column, a message."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="errors")
    row = models.PositiveIntegerField("rad")
    column = models.CharField("kolumn", max_length=60, blank=True)
    message = models.CharField("meddelande", max_length=400)
    # The message in English, for English readers of the report; empty on errors stored before it was kept.
    message_en = models.CharField("meddelande på engelska", max_length=400, blank=True, default="")

    class Meta:
        ordering = ["run_id", "row", "id"]
        verbose_name = "fel i inläsning"
        verbose_name_plural = "fel i inläsningar"

    def __str__(self) -> str:
        return f"Rad {self.row}: {self.message}"

    def message_here(self) -> str:
        """The message in the active language: English where it was kept, else the Swedish one."""
        return self.message_en if self.message_en and reads_english() else self.message


def reads_english() -> bool:
    """Whether the active language (the page's) is English."""
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0] == "en"
