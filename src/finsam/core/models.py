from __future__ import annotations

from django.conf import settings
from django.db import models

from finsam.core.roles import NATIONAL_ROLES, Role


class RoleAssignment(models.Model):
    """A user's role, scoped to one association (national roles to none)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField("roll", max_length=32, choices=Role.choices)
    association = models.ForeignKey(
        "registry.Association",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name="förbund",
    )

    class Meta:
        verbose_name = "rolltilldelning"
        verbose_name_plural = "rolltilldelningar"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "association"], name="role_assignment_unique"),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(association__isnull=True),
                name="national_role_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=sorted(NATIONAL_ROLES), association__isnull=True)
                    | (~models.Q(role__in=sorted(NATIONAL_ROLES)) & models.Q(association__isnull=False))
                ),
                name="role_scope_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}@{self.association_id or '-'}"


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


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API-nyckel"
        verbose_name_plural = "API-nycklar"

    def __str__(self) -> str:
        return f"token {self.pk} ({self.user_id})"
