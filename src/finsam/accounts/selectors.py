"""Reads of the accounts app: the user behind an API token, a user's own tokens, who holds which role."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext

from finsam.accounts import rules
from finsam.accounts.models import ApiToken, RoleAssignment, current_roles
from finsam.accounts.services import token_digest
from finsam.core.access import Actor, role_assignments
from finsam.core.audit_text import Described, ObjectText, Refs, ids_of
from finsam.core.roles import Role


def token_row(token: str) -> ApiToken | None:
    """The valid token row behind `token`, with its active user, or None: unknown, expired, revoked, its user
    deactivated, or the password changed since it was issued."""
    if not token or len(token) > 200:
        return None
    row = ApiToken.objects.select_related("user").filter(key_hash=token_digest(token)).first()
    now = timezone.now()
    if row is None or row.expires <= now or row.revoked is not None or not row.user.is_active:
        return None
    if not row.password_hash or not constant_time_compare(
        row.password_hash, row.user.get_session_auth_hash()
    ):
        return None
    if row.last_used is None or now - row.last_used > timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used=now)
    return row


def token_user(token: str) -> Any | None:
    """The active user behind a valid token, or None."""
    row = token_row(token)
    return row.user if row is not None else None


def tokens_of(*, user: Any) -> QuerySet[ApiToken]:
    """The user's own tokens that are still valid, newest first (never another's)."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(
        user_id=user.pk, revoked__isnull=True, expires__gt=timezone.now()
    ).order_by("-created", "-pk")


def users_holding(*, role: str, association_id: int, user_ids: Iterable[int]) -> set[int]:
    """Those of `user_ids` that are active and hold `role` in the association."""
    return set(
        RoleAssignment.objects.current()
        .filter(user_id__in=set(user_ids), role=role, association_id=association_id, user__is_active=True)
        .values_list("user_id", flat=True)
    )


def current_holders(*, role: str, association_id: int) -> QuerySet[Any]:
    """The active users holding `role` in the association today, by user name."""
    return (
        get_user_model()
        ._default_manager.filter(
            current_roles(prefix="role_assignments__"),
            is_active=True,
            role_assignments__role=role,
            role_assignments__association_id=association_id,
        )
        .distinct()
        .order_by("username")
    )


def role_holders_with_email(*, association_ids: Iterable[int]) -> QuerySet[RoleAssignment]:
    """The role assignments in these associations of active users with an e-mail address, with the user
    (for notices and reminders), in user order."""
    return (
        RoleAssignment.objects.current()
        .filter(association_id__in=set(association_ids), user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )


def national_role_holders(*, role: str, with_email: bool = False) -> QuerySet[Any]:
    """The active users holding a national role (the working group: national_admin), by name; those with
    an e-mail address only when `with_email` (for notices)."""
    users = get_user_model()._default_manager.filter(
        current_roles(prefix="role_assignments__"),
        is_active=True,
        role_assignments__role=role,
        role_assignments__association__isnull=True,
    )
    if with_email:
        users = users.exclude(email="")
    return users.distinct().order_by("first_name", "last_name", "username")


def users_by_id(*, user_ids: Iterable[int]) -> QuerySet[Any]:
    """The active users among `user_ids` (for notices: their current e-mail address)."""
    return get_user_model()._default_manager.filter(pk__in=set(user_ids), is_active=True)


# --- the audit log's words ------------------------------------------------------------------------


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def actor_names(*, user_ids: Iterable[int]) -> dict[int, str]:
    """Full names (the user name where none is kept) of users, for the audit log. One query."""
    return {u.pk: _name(u) for u in get_user_model().objects.filter(pk__in=set(user_ids))}


def audit_objects(*, refs: Refs) -> Described:
    """Accounts' objects named in audit entries: users, role assignments and API keys. No page shows
    them outside the administration, so they are named, not linked. One query per kind of object."""
    described: Described = {}
    for u in get_user_model().objects.filter(pk__in=ids_of(refs, "accounts.user")):
        described["accounts.user", str(u.pk)] = ObjectText(_name(u))
    for a in RoleAssignment.objects.filter(pk__in=ids_of(refs, "accounts.roleassignment")).select_related(
        "user"
    ):
        described["accounts.roleassignment", str(a.pk)] = ObjectText(
            gettext("{user} rollen {role}").format(user=_name(a.user), role=Role(a.role).label)
        )
    for t in ApiToken.objects.filter(pk__in=ids_of(refs, "accounts.apitoken")).select_related("user"):
        described["accounts.apitoken", str(t.pk)] = ObjectText(
            gettext("en API-nyckel för {user}").format(user=_name(t.user))
        )
    return described


def coordinator_roles(*, association_id: int) -> QuerySet[RoleAssignment]:
    """The coordinator role assignments of the association, with their users, by name. The caller has
    checked that the user may manage them (the förbund's director)."""
    return (
        RoleAssignment.objects.current()
        .filter(association_id=association_id, role=Role.PARTICIPANT_COORDINATOR)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )


def coordinator_role_get(*, association_id: int, assignment_id: int) -> RoleAssignment:
    """One coordinator role of the association; Http404 for any other."""
    row = coordinator_roles(association_id=association_id).filter(pk=assignment_id).first()
    if row is None:
        raise Http404
    return row


def active_user_by_username(*, username: str) -> Any | None:
    """The active user of that user name, or None."""
    return get_user_model()._default_manager.filter(username=username, is_active=True).first()


# --- the pages "Användare och roller" ----------------------------------------------------------------


def may_manage_roles(*, user: Actor, association_id: int) -> bool:
    """Whether the user may give and end roles in the förbund (its director, the working group)."""
    return rules.may_manage(actor_roles=role_assignments(user), association_id=association_id)


def grantable_roles(*, user: Actor, association_id: int) -> list[str]:
    """The roles of the förbund the user may give there, in the order of the roles."""
    return rules.grantable_roles(actor_roles=role_assignments(user), association_id=association_id)


def may_end_role(*, user: Actor, assignment: RoleAssignment) -> bool:
    """Whether the user may end this role (no query: the user's roles are read once per request)."""
    refusal = rules.end_refusal(
        actor_is_system=False,
        actor_id=user.pk,
        actor_roles=role_assignments(user),
        user_id=assignment.user_id,
        role=assignment.role,
        association_id=assignment.association_id,
    )
    return refusal is None and (assignment.ends is None or assignment.ends > timezone.localdate())


def association_roles(
    *, user: Actor, association_id: int, search: str = "", include_ended: bool = False
) -> QuerySet[RoleAssignment]:
    """The roles held in the förbund — today's and coming ones, or every one ever — with their users, by
    name and role; `search` narrows to users whose name, user name or e-mail address contains it.
    PermissionDenied unless the user manages the förbund's roles."""
    if not may_manage_roles(user=user, association_id=association_id):
        raise PermissionDenied
    rows = RoleAssignment.objects.filter(association_id=association_id).select_related("user")
    if not include_ended:
        rows = rows.filter(Q(ends__isnull=True) | Q(ends__gt=timezone.localdate()))
    for word in search.split()[:5]:
        rows = rows.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__username__icontains=word)
            | Q(user__email__icontains=word)
        )
    return rows.order_by("user__first_name", "user__last_name", "user__username", "role", "-starts", "pk")


def association_role_get(*, user: Actor, association_id: int, assignment_id: int) -> RoleAssignment:
    """One role of the förbund; Http404 for any other, PermissionDenied for one who does not manage them."""
    row = association_roles(user=user, association_id=association_id, include_ended=True).filter(
        pk=assignment_id
    )
    found = row.first()
    if found is None:
        raise Http404
    return found


def account_for_role(*, user: Actor, association_id: int, identifier: str) -> Any | None:
    """The active account with this user name, or else the only active account with this e-mail address,
    for the user to give a role in the förbund; None when there is none (or several share the address).
    PermissionDenied unless the user manages the förbund's roles: the look-up tells whether an account
    exists, which only those who may give it a role need to know."""
    if not may_manage_roles(user=user, association_id=association_id):
        raise PermissionDenied
    identifier = identifier.strip()
    users = get_user_model()._default_manager.filter(is_active=True)
    by_name = users.filter(username=identifier).first()
    if by_name is not None:
        return by_name
    by_email = list(users.filter(email__iexact=identifier)[:2])
    return by_email[0] if len(by_email) == 1 else None
