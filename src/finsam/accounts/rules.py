"""Who may give and end which role (pure: no ORM). The role services ask here, so that the pages, the admin,
the `grant-role` command and the API obey the same rules (docs/security.md, "Roles"; docs/users-and-roles.md).

- The coordinator role (participant_coordinator) sees identities. It is given and ended only by the
  förbund's own director (association_admin of that förbund): never by a national role, which by design
  never sees an identity (DESIGN §1). The working group takes a coordinator's access away, when it must,
  by deactivating the account.
- The other roles of a förbund are given and ended by its director and by the national working group
  (national_admin); the national roles by the working group only.
- No one gives or ends a role of their own.
- The system actor (the command line run by an operator, `finsam grant-role`, and `finsam demo`) may give
  and end any role: it is never the actor of a web request, and its changes are audited as "system".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_noop as _noop

from finsam.core.roles import NATIONAL_ROLES, Role


@dataclass(frozen=True)
class Refusal:
    """`forbidden`: the actor may not hand out roles at all (403); otherwise a broken rule (400). The
    message is the Swedish text, marked for the catalogue; the services translate it when they raise."""

    code: str
    message: str
    forbidden: bool = False


NO_AUTHORITY = Refusal("R-ACCESS", _noop("Du har inte behörighet att ändra roller."), forbidden=True)
COORDINATOR_BY_DIRECTOR = Refusal(
    "R-ROLE-COORDINATOR",
    _noop("Rollen deltagaransvarig ges bara av förbundets egen förbundschef, aldrig av en nationell roll."),
)
COORDINATOR_ENDED_BY_DIRECTOR = Refusal(
    "R-ROLE-COORDINATOR",
    _noop(
        "Rollen deltagaransvarig avslutas bara av förbundets egen förbundschef, aldrig av en nationell roll."
    ),
)
NOT_TO_ONESELF = Refusal("R-ROLE-SELF", _noop("Du kan inte ge dig själv en roll."))
NOT_ONESELF_END = Refusal("R-ROLE-SELF", _noop("Du kan inte avsluta din egen roll."))
ENDS_BEFORE_START = Refusal("R-ROLE-DATES", _noop("Slutdatumet kan inte vara före startdatumet."))


NATIONAL_ADMIN = Role.NATIONAL_ADMIN.value
ASSOCIATION_ADMIN = Role.ASSOCIATION_ADMIN.value
NATIONAL = frozenset(str(role.value) for role in NATIONAL_ROLES)


def _held(roles: Iterable[tuple[str, int | None]]) -> set[tuple[str, int | None]]:
    # Plain strings: a role enum member does not hash like its value.
    return {(str(role), association_id) for role, association_id in roles}


def _authority(
    held: set[tuple[str, int | None]], role: str, association_id: int | None, coordinator_refusal: Refusal
) -> Refusal | None:
    national_admin = (NATIONAL_ADMIN, None) in held
    director_here = association_id is not None and (ASSOCIATION_ADMIN, association_id) in held
    if str(role) == Role.PARTICIPANT_COORDINATOR.value:
        return None if director_here else coordinator_refusal
    if role in NATIONAL:
        return None if national_admin else NO_AUTHORITY
    return None if national_admin or director_here else NO_AUTHORITY


def may_manage(*, actor_roles: Iterable[tuple[str, int | None]], association_id: int) -> bool:
    """Whether the actor may give or end any role of the förbund (its director, the working group)."""
    held = _held(actor_roles)
    return (NATIONAL_ADMIN, None) in held or (ASSOCIATION_ADMIN, association_id) in held


def grantable_roles(*, actor_roles: Iterable[tuple[str, int | None]], association_id: int) -> list[str]:
    """The roles of a förbund the actor may give there (for the choices of a form)."""
    held = _held(actor_roles)
    return [
        role.value
        for role in Role
        if role not in NATIONAL_ROLES and _authority(held, role.value, association_id, NO_AUTHORITY) is None
    ]


def grant_refusal(
    *,
    actor_is_system: bool,
    actor_id: int | None,
    actor_roles: Iterable[tuple[str, int | None]],
    user_id: int,
    role: str,
    association_id: int | None,
) -> Refusal | None:
    """Why the actor may not give `user_id` the role in the association, or None when it may."""
    if actor_is_system:
        return None
    held = _held(actor_roles)
    if not any(r in (NATIONAL_ADMIN, ASSOCIATION_ADMIN) for r, _ in held):
        return NO_AUTHORITY
    if actor_id is not None and actor_id == user_id:
        return NOT_TO_ONESELF
    return _authority(held, str(role), association_id, COORDINATOR_BY_DIRECTOR)


def end_refusal(
    *,
    actor_is_system: bool,
    actor_id: int | None,
    actor_roles: Iterable[tuple[str, int | None]],
    user_id: int,
    role: str,
    association_id: int | None,
) -> Refusal | None:
    """Why the actor may not end the user's role, or None when it may."""
    if actor_is_system:
        return None
    held = _held(actor_roles)
    if not any(r in (NATIONAL_ADMIN, ASSOCIATION_ADMIN) for r, _ in held):
        return NO_AUTHORITY
    if actor_id is not None and actor_id == user_id:
        return NOT_ONESELF_END
    return _authority(held, str(role), association_id, COORDINATOR_ENDED_BY_DIRECTOR)


def dates_refusal(*, starts: date, ends: date | None) -> Refusal | None:
    """A role ends at the earliest on the day it starts (then it never counted: given by mistake)."""
    if ends is not None and ends < starts:
        return ENDS_BEFORE_START
    return None
