"""Users' role assignments and API tokens. The users themselves are Django's own (django.contrib.auth).

A role assignment names its förbund by a string relation ("registry.Association"): no import, so that
accounts stays below the registry in the layers (docs/architecture.md). The tables were created by the
core app and kept their rows when the models moved here (migration core 0003, accounts 0001).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from finsam.core.roles import NATIONAL_ROLES, Role


def current_roles(*, on: date | None = None, prefix: str = "") -> Q:
    """The role assignments that count on `on` (today by default): started, and not yet ended. `prefix`
    reaches them through a relation ("role_assignments__" from the user). The end date is the first day
    without the role, so that a role ended today counts no more today, and one given and ended the same
    day never counted."""
    day = on or timezone.localdate()
    return Q(**{f"{prefix}starts__lte": day}) & (
        Q(**{f"{prefix}ends__isnull": True}) | Q(**{f"{prefix}ends__gt": day})
    )


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def current(self, on: date | None = None) -> RoleAssignmentQuerySet:
        return self.filter(current_roles(on=on))


class RoleAssignment(models.Model):
    """A user's role, scoped to one association (national roles to none), from `starts` until `ends` (the
    first day without it; none: until further notice). Ended roles are kept: who held what, when."""

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
    starts = models.DateField("gäller från", default=timezone.localdate, blank=True)
    ends = models.DateField("upphör från och med", null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "rolltilldelning"
        verbose_name_plural = "rolltilldelningar"
        indexes = [models.Index(fields=["user", "starts"], name="role_assignment_user_starts")]
        constraints = [
            # One open-ended assignment of a role per user and förbund; periods that end may follow each
            # other (the services refuse overlapping ones).
            models.UniqueConstraint(
                fields=["user", "role", "association"],
                condition=models.Q(ends__isnull=True),
                name="role_assignment_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(association__isnull=True, ends__isnull=True),
                name="national_role_unique",
            ),
            models.CheckConstraint(
                condition=Q(ends__gte=models.F("starts")),
                name="role_ends_after_start",
                violation_error_message="Slutdatumet kan inte vara före startdatumet.",
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


class Invitation(models.Model):
    """An invitation by e-mail to a new user, who sets a password by its link. Only the link's SHA-256 is
    stored (`key_hash`, filled when the mail is sent); it is valid until `expires`, and once (`used`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    association = models.ForeignKey(
        "registry.Association", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    key_hash = models.CharField(max_length=64, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    used = models.DateTimeField("använd", null=True, blank=True)

    class Meta:
        verbose_name = "inbjudan"
        verbose_name_plural = "inbjudningar"
        constraints = [
            models.UniqueConstraint(
                fields=["key_hash"], condition=~models.Q(key_hash=""), name="invitation_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk} ({self.user_id})"
