"""Users' role assignments and API tokens. The users themselves are Django's own (django.contrib.auth).

A role assignment names its förbund by a string relation ("registry.Association"): no import, so that
accounts stays below the registry in the layers (docs/architecture.md). The tables were created by the
core app and kept their rows when the models moved here (migration core 0003, accounts 0001).
"""

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


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token itself is shown once.

    A token ends when it expires, when its owner revokes it, and when the password changes or the user is
    deactivated (`revoked` is then set by the services). `password_hash` is the user's session hash (an
    HMAC of the password hash) when the token was issued: a password changed by any path, even one that
    forgot to revoke, no longer matches it, and the token is refused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField("återkallad", null=True, blank=True)
    password_hash = models.CharField(max_length=128, blank=True, default="")

    class Meta:
        verbose_name = "API-nyckel"
        verbose_name_plural = "API-nycklar"

    def __str__(self) -> str:
        return f"token {self.pk} ({self.user_id})"


class SignInLink(models.Model):
    """An account's link to the e-legitimation that may sign it in (accounts.oidc): the keyed hash of the
    value the provider asserts in the configured claim (FINSAM_OIDC_USER_CLAIM, by default `sub`). Set and
    removed by a national administrator; the provider never creates or links an account itself. The value
    is not stored (it may be a personnummer or an HSA-id): only its HMAC, like a participant's identity."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sign_in_link",
        verbose_name="användare",
    )
    value_digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField("skapad", auto_now_add=True)

    class Meta:
        verbose_name = "koppling till e-legitimation"
        verbose_name_plural = "kopplingar till e-legitimation"

    def __str__(self) -> str:
        return f"e-legitimation för {self.user_id}"
