"""Writes of the accounts app: role assignments, sign-in records, passwords and API tokens. Audited like every
other write."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finsam.accounts import rules, two_factor
from finsam.accounts.audit_actions import AuditAction
from finsam.accounts.models import ApiToken, Invitation, RoleAssignment, SignInLink
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
    raise RuleViolation(refusal.code, _(refusal.message), field)


def _today() -> date:
    return timezone.localdate()


@transaction.atomic
def role_grant(
    *,
    actor: Actor,
    user: Any,
    role: str,
    association: Any | None,
    starts: date | None = None,
    ends: date | None = None,
) -> RoleAssignment:
    """Give `user` a role from `starts` (today by default) until `ends` (the first day without it; none:
    until further notice); national roles take no association, the others exactly one.

    Who may give which role is `rules.grant_refusal`: the coordinator role only by the förbund's own
    director, the other roles of a förbund by its director and the working group, the national roles by the
    working group, never to oneself; the system actor (the command line) any. The same role in the same
    förbund twice on one day is refused; asking again for a period the user already has changes nothing."""
    if role not in Role.values:
        raise RuleViolation("R-ROLE", _("Okänd roll: %(role)s.") % {"role": role}, "role")
    if role in NATIONAL_ROLES and association is not None:
        raise RuleViolation("R-ROLE", _("En nationell roll gäller inte ett enskilt förbund."), "association")
    if role not in NATIONAL_ROLES and association is None:
        raise RuleViolation("R-ROLE", _("Rollen måste gälla ett förbund."), "association")
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
    starts = starts or _today()
    if ends is not None and ends <= starts:
        raise RuleViolation("R-ROLE-DATES", _("Slutdatumet måste vara efter startdatumet."), "ends")
    # The user's rows of this role, locked: two grants at once cannot both find no overlap.
    same = RoleAssignment.objects.select_for_update().filter(user=user, role=role, association=association)
    overlapping = same.filter(Q(ends__isnull=True) | Q(ends__gt=starts)).exclude(ends=F("starts"))
    if ends is not None:
        overlapping = overlapping.filter(starts__lt=ends)
    existing = overlapping.order_by("starts").first()
    if existing is not None:
        covers = existing.starts <= starts and (
            existing.ends is None or (ends is not None and existing.ends >= ends)
        )
        if covers:
            return existing
        raise RuleViolation(
            "R-ROLE-DATES", _("Användaren har redan rollen i förbundet under en del av perioden."), "starts"
        )
    assignment = RoleAssignment.objects.create(
        user=user, role=role, association=association, starts=starts, ends=ends
    )
    audit.record(
        actor=actor,
        action=AuditAction.ROLE_GRANT,
        target=assignment,
        association_id=association.pk if association is not None else None,
        details={
            "role": role,
            "user_id": user.pk,
            "starts": starts.isoformat(),
            "ends": ends.isoformat() if ends is not None else None,
        },
    )
    return assignment


@transaction.atomic
def role_end(*, actor: Actor, assignment: RoleAssignment, ends: date | None = None) -> RoleAssignment:
    """End a role from `ends` (today by default: it counts no more from now on). The row is kept, so that
    who held which role when stays known. A role that has not started yet may end the day it starts (it
    then never counts); an end already passed cannot be moved, and no end is put in the past."""
    row = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    _refuse(
        rules.end_refusal(
            actor_is_system=is_system(actor),
            actor_id=actor.pk if actor.is_authenticated else None,
            actor_roles=role_assignments(actor),
            user_id=row.user_id,
            role=row.role,
            association_id=row.association_id,
        )
    )
    today = _today()
    ends = ends or max(today, row.starts)
    if row.ends is not None and row.ends <= today:
        raise RuleViolation("R-ROLE-DATES", _("Rollen har redan upphört."), "ends")
    _refuse(rules.dates_refusal(starts=row.starts, ends=ends), "ends")
    if ends < today:
        raise RuleViolation("R-ROLE-DATES", _("Slutdatumet kan inte ha passerat."), "ends")
    row.ends = ends
    row.save(update_fields=["ends"])
    audit.record(
        actor=actor,
        action=AuditAction.ROLE_END,
        target=row,
        association_id=row.association_id,
        details={"role": row.role, "user_id": row.user_id, "ends": ends.isoformat()},
    )
    return row


# --- inviting a new user by e-mail -----------------------------------------------------------------


@transaction.atomic
def user_invite(
    *,
    actor: Actor,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    association: Any,
    starts: date | None = None,
    ends: date | None = None,
    domain: str,
    protocol: str,
    language: str,
) -> Invitation:
    """A new account for `email`, without a password, given the role in the förbund (by the role rules),
    and a link by e-mail to set a password: valid INVITATION_HOURS, once. An account invited before that
    never chose a password is invited again (its earlier links end). The mail is sent by the worker
    after the commit; the link's token is made there and only its digest stored. Audited without the
    address (the entry names the account)."""
    from finsam.accounts import tasks  # the task calls back into these services

    users = get_user_model()
    email = users._default_manager.normalize_email(email.strip()).lower()
    found = list(users._default_manager.filter(Q(email__iexact=email) | Q(username__iexact=email))[:2])
    # An invited user who never chose a password (the link expired or got lost) is invited again: the
    # new link replaces the old ones. Any other account with the address is refused.
    invited_before = (
        len(found) == 1
        and found[0].is_active
        and not found[0].has_usable_password()
        and found[0].last_login is None
        and Invitation.objects.filter(user=found[0]).exists()
    )
    if found and not invited_before:
        raise RuleViolation(
            "R-INVITATION",
            _("Det finns redan ett konto med den e-postadressen. Ge kontot rollen i stället."),
            "email",
        )
    # The role rules are asked before the account is made; role_grant asks again with the account.
    _refuse(
        rules.grant_refusal(
            actor_is_system=is_system(actor),
            actor_id=actor.pk if actor.is_authenticated else None,
            actor_roles=role_assignments(actor),
            user_id=0,
            role=role,
            association_id=association.pk,
        )
    )
    if invited_before:
        user = found[0]
        Invitation.objects.filter(user=user, used__isnull=True).update(expires=timezone.now())
    else:
        user = users._default_manager.create_user(
            username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip()
        )
    role_grant(actor=actor, user=user, role=role, association=association, starts=starts, ends=ends)
    invitation = Invitation.objects.create(
        user=user,
        association=association,
        invited_by_id=actor.pk if actor.is_authenticated else None,
        expires=timezone.now() + timedelta(hours=settings.INVITATION_HOURS),
    )
    audit.record(
        actor=actor,
        action=AuditAction.USER_INVITE,
        target=user,
        association_id=association.pk,
        details={"role": role, "invitation_id": invitation.pk},
    )
    transaction.on_commit(
        lambda: tasks.invitation_mail.enqueue(
            invitation_id=invitation.pk, domain=domain, protocol=protocol, language=language
        )
    )
    return invitation


def invitation_issue(*, invitation_id: int) -> tuple[Invitation, str] | None:
    """The link's token for a pending invitation, made once (a conditional update: a task run twice sends
    one link); None when the invitation was already sent, used, has expired or its account was
    deactivated."""
    token = secrets.token_urlsafe(32)
    claimed = Invitation.objects.filter(
        pk=invitation_id, key_hash="", used__isnull=True, expires__gt=timezone.now(), user__is_active=True
    ).update(key_hash=token_digest(token))
    if not claimed:
        return None
    return Invitation.objects.select_related("user", "association", "invited_by").get(pk=invitation_id), token


class InvitationState(StrEnum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


def invitation_state(*, token: str) -> tuple[Invitation | None, InvitationState]:
    """The invitation behind a link's token and whether it can still be used."""
    if not token or len(token) > 200:
        return None, InvitationState.UNKNOWN
    row = Invitation.objects.select_related("user").filter(key_hash=token_digest(token)).first()
    if row is None or not row.user.is_active:
        return None, InvitationState.UNKNOWN
    if row.used is not None or row.user.has_usable_password():
        return row, InvitationState.USED
    if row.expires <= timezone.now():
        return row, InvitationState.EXPIRED
    return row, InvitationState.VALID


# Shown on the page of the link (translated: the invited user reads them before choosing a language).
INVITATION_REFUSALS = {
    InvitationState.USED: gettext_lazy(
        "Länken har redan använts. Logga in med ditt lösenord, eller be om en ny inbjudan."
    ),
    InvitationState.EXPIRED: gettext_lazy("Länken har gått ut. Be den som bjöd in dig om en ny inbjudan."),
    InvitationState.UNKNOWN: gettext_lazy(
        "Länken gäller inte. Kontrollera att du har kopierat hela länken från e-postmeddelandet."
    ),
}


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> Any:
    """The invited user sets a password with the link: saved, the link used up, audited. RuleViolation
    (nothing changes) when the link is used, expired or unknown."""
    row, state = invitation_state(token=token)
    if row is not None:
        row = Invitation.objects.select_for_update().select_related("user").get(pk=row.pk)
        _, state = invitation_state(token=token)
    if row is None or state is not InvitationState.VALID:
        raise RuleViolation("R-INVITATION", str(INVITATION_REFUSALS[state]), "new_password1")
    user = row.user
    user.set_password(password)
    user.save(update_fields=["password"])
    row.used = timezone.now()
    row.save(update_fields=["used"])
    audit.record(
        actor=user, action=AuditAction.INVITATION_ACCEPT, target=user, association_id=row.association_id
    )
    return user


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
        raise RuleViolation("R-AUTH", _("Fel lösenord. Försök igen."), "password")
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
        raise RuleViolation("R-AUTH", _("Fel användarnamn eller lösenord."), "password")
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
