from __future__ import annotations

from django.db import models


class AuditEntry(models.Model):
    """Append-only: who did what to which object, when and from where.

    No foreign keys, so that removing a user or an object never rewrites history; on PostgreSQL a
    trigger refuses UPDATE and DELETE. `details` holds field names and codes, never personal data.
    """

    at = models.DateTimeField("tid", auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField("användar-id", null=True, blank=True)
    actor_username = models.CharField("användare", max_length=150, blank=True)
    action = models.CharField("händelse", max_length=80, db_index=True)
    object_type = models.CharField("objekttyp", max_length=80, blank=True)
    object_id = models.CharField("objekt-id", max_length=64, blank=True)
    association_id = models.BigIntegerField("förbund", null=True, blank=True, db_index=True)
    client_address = models.GenericIPAddressField("klientadress", null=True, blank=True)
    details = models.JSONField("detaljer", default=dict, blank=True)

    class Meta:
        verbose_name = "loggpost"
        verbose_name_plural = "granskningslogg"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["association_id", "-at"], name="audit_assoc_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"


class WorkerHeartbeat(models.Model):
    """A task worker's sign of life: `finsam worker` writes `beat_at` every HEARTBEAT_SECONDS while it
    runs, and the health check (/health/) reads whether any worker beat lately. No personal data: the
    worker's id (host and process) and a time."""

    worker_id = models.CharField("arbetsprocess", max_length=64, unique=True)
    beat_at = models.DateTimeField("senaste livstecken", db_index=True)

    class Meta:
        verbose_name = "livstecken från arbetsprocess"
        verbose_name_plural = "livstecken från arbetsprocesser"

    def __str__(self) -> str:
        return f"{self.worker_id} {self.beat_at:%Y-%m-%d %H:%M:%S}"
