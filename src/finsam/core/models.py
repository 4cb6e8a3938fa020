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


class AuditSeal(models.Model):
    """One audit entry's place in the sealed chain (docs/security.md, "The audit chain").

    `mac` is HMAC-SHA256 under FINSAM_AUDIT_KEY, a key kept outside the database, of the previous seal's
    mac, the position and the entry's stored fields; so an entry changed, removed or slipped in after it
    was sealed shows when the chain is verified, even to someone who can write the database. The worker
    seals committed entries in order (`finsam audit seal`); writers never wait on the chain's head. Like
    the log itself, append-only: triggers refuse UPDATE and DELETE.
    """

    position = models.BigIntegerField("plats i kedjan", unique=True)
    entry_id = models.BigIntegerField("loggpost", unique=True)
    mac = models.CharField("kontrollsumma", max_length=64)
    sealed_at = models.DateTimeField("förseglad", auto_now_add=True)

    class Meta:
        verbose_name = "försegling av loggpost"
        verbose_name_plural = "förseglingar av granskningsloggen"
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(condition=models.Q(position__gte=1), name="audit_seal_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}: {self.entry_id}"


class KeyFingerprint(models.Model):
    """Which keys the stored data belongs to: a fingerprint (HMAC of a fixed text under the key, which
    tells nothing of the key) of each key that has encrypted, hashed or sealed something here. At start
    the platform compares them with its configured keys and refuses to run with keys that cannot read the
    data, instead of working on with new ones (docs/security.md, "Keys")."""

    purpose = models.CharField("användning", max_length=40)
    fingerprint = models.CharField("fingeravtryck", max_length=64)
    recorded_at = models.DateTimeField("registrerat", auto_now_add=True)

    class Meta:
        verbose_name = "nyckelns fingeravtryck"
        verbose_name_plural = "nycklarnas fingeravtryck"
        constraints = [
            models.UniqueConstraint(fields=["purpose", "fingerprint"], name="key_fingerprint_unique")
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.fingerprint[:12]}"
