"""Who may do what where. Every selector asks here; nothing else decides access.

`scope_for(user, capability)` answers with the set of association ids the user may act on, or
ALL for national roles holding the capability. Deny by default: anonymous users, inactive users and
users without a granting role get an empty scope. Services and selectors declare their actor as `Actor`;
the checks here take whatever they are given, and anything that is not an active signed-in user with a
granting role (or SYSTEM) gets nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from finsam.core.roles import GRANTS, NATIONAL_ROLES, Capability, Role


class Actor(Protocol):
    """Who acts or reads: a signed-in user, an anonymous visitor (whose scope is empty) or SYSTEM.

    Services take it as `actor`, selectors as `user`. What an actor may do is asked through the
    functions of this module, never read from the actor's attributes.
    """

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...

    def get_username(self) -> str: ...


@dataclass(frozen=True)
class Scope:
    all: bool
    association_ids: frozenset[int]

    def allows(self, association_id: int | None) -> bool:
        if self.all:
            return True
        return association_id is not None and association_id in self.association_ids

    @property
    def empty(self) -> bool:
        return not self.all and not self.association_ids


NOTHING = Scope(all=False, association_ids=frozenset())
EVERYTHING = Scope(all=True, association_ids=frozenset())


def role_assignments(user: object) -> list[tuple[str, int | None]]:
    """(role, association_id) pairs of an active user that count today (a role counts from its start date
    until its end date), cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    account: Any = user  # signed in and active: an instance of the user model
    cached: list[tuple[str, int | None]] | None = getattr(account, "_finsam_roles", None)
    if cached is None:
        # Only the roles that count today (accounts.models.current_roles, written out here: core is below
        # accounts): started and not yet ended. The same one query as without dates.
        today = timezone.localdate()
        cached = list(
            account.role_assignments.filter(Q(ends__isnull=True) | Q(ends__gt=today), starts__lte=today)
            .values_list("role", "association_id")
            .distinct()
        )
        account._finsam_roles = cached
    return cached


def roles_of(user: object) -> set[str]:
    return {role for role, _ in role_assignments(user)}


def scope_for(user: object, capability: Capability) -> Scope:
    if getattr(user, "is_system", False) is True:
        return EVERYTHING
    granted = GRANTS.get(capability, frozenset())
    ids: set[int] = set()
    for role, association_id in role_assignments(user):
        if role not in granted:
            continue
        if role in NATIONAL_ROLES:
            return EVERYTHING
        if association_id is not None:
            ids.add(association_id)
    return Scope(all=False, association_ids=frozenset(ids))


def has_capability(user: object, capability: Capability) -> bool:
    return not scope_for(user, capability).empty


def require(user: object, capability: Capability, association_id: int | None = None) -> Scope:
    """The user's scope for `capability`; PermissionDenied when it is empty or misses the association."""
    scope = scope_for(user, capability)
    if scope.empty or (association_id is not None and not scope.allows(association_id)):
        raise PermissionDenied
    return scope


def filter_scope[M: Model](queryset: QuerySet[M], scope: Scope, field: str = "association_id") -> QuerySet[M]:
    if scope.all:
        return queryset
    return queryset.filter(**{f"{field}__in": scope.association_ids})


def is_national_admin(user: object) -> bool:
    return Role.NATIONAL_ADMIN in roles_of(user)


class SystemActor:
    """The actor of trusted processes (command line, demo loader, scheduled tasks): full scope."""

    is_authenticated = False
    is_active = True
    pk = None
    is_system = True

    def get_username(self) -> str:
        return "system"


SYSTEM = SystemActor()


def is_system(actor: object) -> bool:
    return getattr(actor, "is_system", False) is True
