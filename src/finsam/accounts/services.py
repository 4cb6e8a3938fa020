"""Writes of the accounts app: role assignments, sign-in records, passwords and API tokens. Audited like every
other write."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from finsam.accounts import rules, two_factor
from finsam.accounts.audit_actions import AuditAction
from finsam.accounts.models import ApiToken, RoleAssignment, SignInLink
from finsam.core import audit, reauth, second_factor
from finsam.core.access import Actor, is_system, role_assignments
from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.core.roles import NATIONAL_ROLES, Role


def _refuse(refusal: rules.Refusal | None, field: str = "role") -> None:
    if refusal is None:
        return
    if refusal.forbidden:
        raise PermissionDenied
    raise RuleViolation(refusal.code, refusal.message, field)


@transaction.atomic
def role_grant(*, actor: Actor, user: Any, role: str, association: Any | None) -> RoleAssignment:
    """Give `user` a role; national roles take no association, the others exactly one.

    Who may grant which role is `rules.grant_refusal`: the coordinator role only by the förbund's own
    director, the others by national administrators, never to oneself; the system actor (the command line)
    any."""
    if role not in Role.values:
        raise RuleViolation("R-ROLE", f"Okänd roll: {role}.", "role")
    if role in NATIONAL_ROLES and association is not None:
        raise RuleViolation("R-ROLE", "En nationell roll gäller inte ett enskilt förbund.", "association")
    if role not in NATIONAL_ROLES and association is None:
        raise RuleViolation("R-ROLE", "Rollen måste gälla ett förbund.", "association")
    _refuse(
        rules.grant_refusal(
            actor_is_system=is_system(actor),
            actor_id=actor.pk if actor.is_authenticated else None,
            actor_roles=role_assignments(actor),
            user_id=user.pk,
            role=role,
            association_id=association.pk if association is not None else None,
        )
    )
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, association=association)
    if created:
        audit.record(
            actor=actor,
            action=AuditAction.ROLE_GRANT,
            target=assignment,
            association_id=association.pk if association is not None else None,
            details={"role": role, "user_id": user.pk},
        )
    return assignment


@transaction.atomic
def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> None:
    _refuse(
        rules.revoke_refusal(
            actor_is_system=is_system(actor),
            actor_roles=role_assignments(actor),
            role=assignment.role,
            association_id=assignment.association_id,
        )
    )
    audit.record(
        actor=actor,
        action=AuditAction.ROLE_REVOKE,
        target=assignment,
        association_id=assignment.association_id,
        details={"role": assignment.role, "user_id": assignment.user_id},
    )
    assignment.delete()


# --- signing in: audited once per sign-in, sign-out and lockout, never once per failure --------


def sign_in_record(*, user: Any) -> None:
    """A sign-in through the sign-in page, audited. (Every sign-in, this one too, marks the password as
    recently given: `accounts.apps`.)"""
    audit.record(actor=user, action=AuditAction.SIGN_IN, target=user)


def sign_out_record(*, request: HttpRequest) -> None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        audit.record(actor=user, action=AuditAction.SIGN_OUT, target=user)


def sign_in_lockout_record(*, username: str | None) -> None:
    """One entry when an account (from an address) is locked, however many tries follow during the lock:
    the log cannot be deleted from, and a guesser must not fill it. The entry names the account by id when
    it exists; a made-up user name is not written (it may be someone's password typed in the wrong box)."""
    since = timezone.now() - timedelta(minutes=settings.SIGNIN_LOCKOUT_MINUTES)
    user = get_user_model()._default_manager.filter(username=username).first() if username else None
    target_id = str(user.pk) if user is not None else ""
    already = AuditEntry.objects.filter(
        action=AuditAction.SIGN_IN_LOCKOUT,
        at__gte=since,
        object_id=target_id,
        client_address=audit.client_address.get(),
    ).exists()
    if not already:
        audit.record(actor=None, action=AuditAction.SIGN_IN_LOCKOUT, target=user)


# --- signing in with e-legitimation (accounts.oidc): linked by an administrator, never created --------


def sign_in_link_digest(value: str) -> str:
    """The keyed hash under which an asserted claim's value is linked to an account (SignInLink): the
    value itself (perhaps a personnummer) is never stored."""
    key = settings.IDENTITY_HASH_KEY.encode("utf-8")
    return hmac.new(key, b"sign-in-link\0" + value.encode("utf-8"), hashlib.sha256).hexdigest()


@transaction.atomic
def sign_in_link_create(*, actor: Actor, user: Any, value: str) -> SignInLink:
    """Link the e-legitimation whose claim has `value` to `user` (one each way). RuleViolation when the
    value is empty, the account already has a link, or the value is linked to another account."""
    value = value.strip()
    if not value:
        raise RuleViolation("R-SIGN-IN-LINK", _("Ange värdet som e-legitimationen intygar."), "value")
    if SignInLink.objects.filter(user=user).exists():
        raise RuleViolation(
            "R-SIGN-IN-LINK",
            _("Kontot är redan kopplat till en e-legitimation. Ta bort kopplingen först."),
            "user",
        )
    digest = sign_in_link_digest(value)
    if SignInLink.objects.filter(value_digest=digest).exists():
        raise RuleViolation(
            "R-SIGN-IN-LINK", _("E-legitimationen är redan kopplad till ett annat konto."), "value"
        )
    link = SignInLink.objects.create(user=user, value_digest=digest)
    audit.record(
        actor=actor, action=AuditAction.SIGN_IN_LINK_CREATE, target=link, details={"user_id": user.pk}
    )
    return link


@transaction.atomic
def sign_in_link_delete(*, actor: Actor, link: SignInLink) -> None:
    audit.record(
        actor=actor, action=AuditAction.SIGN_IN_LINK_DELETE, target=link, details={"user_id": link.user_id}
    )
    link.delete()


def sign_in_link_user(*, value: str) -> Any | None:
    """The active account linked to the e-legitimation whose claim has `value`, or None."""
    link = (
        SignInLink.objects.select_related("user")
        .filter(value_digest=sign_in_link_digest(value), user__is_active=True)
        .first()
    )
    return link.user if link is not None else None


def sign_in_external_record(*, user: Any, both_factors: bool) -> None:
    """A sign-in with e-legitimation, audited like one through the sign-in page; the details say whether
    the provider's assurance counted as both factors."""
    audit.record(
        actor=user,
        action=AuditAction.SIGN_IN,
        target=user,
        details={"method": "oidc", "both_factors": both_factors},
    )


def sign_in_refused_record() -> None:
    """A sign-in with an e-legitimation linked to no active account: one entry per client address while
    the sign-in lock's period lasts, however often it is tried again, and nothing of the person (the
    asserted claims are not written anywhere)."""
    since = timezone.now() - timedelta(minutes=settings.SIGNIN_LOCKOUT_MINUTES)
    already = AuditEntry.objects.filter(
        action=AuditAction.SIGN_IN_REFUSED, at__gte=since, client_address=audit.client_address.get()
    ).exists()
    if not already:
        audit.record(actor=None, action=AuditAction.SIGN_IN_REFUSED, details={"method": "oidc"})


def reauthenticate(*, request: HttpRequest, password: str) -> None:
    """The signed-in user confirms their password; the lock counts a wrong one like a failed sign-in.
    RuleViolation for a wrong password (nothing changes)."""
    user = request.user
    confirmed = authenticate(request, username=user.get_username(), password=password)
    if confirmed is None or confirmed.pk != user.pk:
        raise RuleViolation("R-AUTH", "Fel lösenord. Försök igen.", "password")
    reauth.mark(request)
    audit.record(actor=user, action=AuditAction.REAUTHENTICATE, target=user)


# --- API tokens: random, shown once, stored as SHA-256, expiring, revocable ------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_create(
    *, username: str, password: str, otp: str | None = None, request: HttpRequest | None = None
) -> str:
    """A new token for a correct password, and for a user who must give a second factor
    (core.second_factor) a right code from their app or a recovery code (`otp`). The request goes to the
    sign-in lock, which counts the API's failures as it counts the sign-in page's (the API always passes
    it; without one, from the shell or a test, the failures count against the account alone); a wrong code
    is throttled like one on the sign-in page (accounts.two_factor). A refusal is not audited: the lock
    counts it, and one undeletable entry per guess would let a guesser fill the log."""
    user = authenticate(request or HttpRequest(), username=username, password=password)
    if user is None or not user.is_active:
        raise RuleViolation("R-AUTH", "Fel användarnamn eller lösenord.", "password")
    if second_factor.required_for(user):
        two_factor.verify(user=user, code=otp)
    with transaction.atomic():
        token = secrets.token_urlsafe(32)
        row = ApiToken.objects.create(
            user=user,
            key_hash=token_digest(token),
            expires=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
            password_hash=user.get_session_auth_hash(),
        )
        audit.record(actor=user, action=AuditAction.API_TOKEN_CREATE, target=row)
    return token


@transaction.atomic
def token_revoke(*, actor: Actor, token_id: int) -> None:
    """The owner ends one of their tokens. Http404 for a token that is not theirs or has already ended,
    so that another's token cannot even be found."""
    now = timezone.now()
    row = (
        ApiToken.objects.select_for_update()
        .filter(pk=token_id, user_id=actor.pk, revoked__isnull=True, expires__gt=now)
        .first()
        if actor.is_authenticated
        else None
    )
    if row is None:
        raise Http404
    row.revoked = now
    row.save(update_fields=["revoked"])
    audit.record(actor=actor, action=AuditAction.API_TOKEN_REVOKE, target=row, details={"reason": "owner"})


class TokenEnd(StrEnum):
    PASSWORD = "password"  # noqa: S105 - the reason a token ended, not a password
    DEACTIVATED = "deactivated"


@transaction.atomic
def tokens_end(*, actor: Actor | None, user: Any, reason: TokenEnd) -> int:
    """Every token of `user` still valid ends (a password change or reset, a deactivation); one audit entry
    with the number ended."""
    now = timezone.now()
    ended = ApiToken.objects.filter(user=user, revoked__isnull=True, expires__gt=now).update(revoked=now)
    if ended:
        audit.record(
            actor=actor,
            action=AuditAction.API_TOKEN_REVOKE,
            target=user,
            details={"reason": str(reason), "count": ended},
        )
    return ended


@transaction.atomic
def password_set(*, actor: Actor | None, user: Any, password: str) -> None:
    """A new password (a reset by e-mail link, or set in the admin): saved, audited, and every API token
    of the user ended."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=actor, action=AuditAction.USER_PASSWORD, target=user)
    tokens_end(actor=actor, user=user, reason=TokenEnd.PASSWORD)
