"""Who may grant and revoke which role (pure: no ORM). The role services ask here, so that the admin, the
`grant-role` command and any page obey the same rules (docs/security.md, "Roles").

- The coordinator role (participant_coordinator) sees identities. It is granted only by the förbund's own
  director (association_admin of that förbund): never by a national role, which by design never sees an
  identity (DESIGN §1), and never by anyone to themself.
- The other roles are granted by the national working group (national_admin), never to oneself.
- Revoking takes access away: the national working group may revoke any role, a director the coordinator
  roles of their own förbund.
- The system actor (the command line run by an operator, `finsam grant-role`, and `finsam demo`) may grant
  any role: it is never the actor of a web request, and its grants are audited as "system".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from finsam.core.roles import Role


@dataclass(frozen=True)
class Refusal:
    """`forbidden`: the actor may not hand out roles at all (403); otherwise a broken rule (400)."""

    code: str
    message: str
    forbidden: bool = False


NO_AUTHORITY = Refusal("R-ACCESS", "Du har inte behörighet att ändra roller.", forbidden=True)
COORDINATOR_BY_DIRECTOR = Refusal(
    "R-ROLE-COORDINATOR",
    "Rollen deltagaransvarig ges bara av förbundets egen förbundschef, aldrig av en nationell roll.",
)
NOT_TO_ONESELF = Refusal("R-ROLE-SELF", "Du kan inte ge dig själv en roll.")


NATIONAL_ADMIN = Role.NATIONAL_ADMIN.value
ASSOCIATION_ADMIN = Role.ASSOCIATION_ADMIN.value


def _held(roles: Iterable[tuple[str, int | None]]) -> set[tuple[str, int | None]]:
    # Plain strings: a role enum member does not hash like its value.
    return {(str(role), association_id) for role, association_id in roles}


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
    national_admin = (NATIONAL_ADMIN, None) in held
    director_here = association_id is not None and (ASSOCIATION_ADMIN, association_id) in held
    directs_any = any(r == ASSOCIATION_ADMIN for r, _ in held)
    if not (national_admin or directs_any):
        return NO_AUTHORITY
    if actor_id is not None and actor_id == user_id:
        return NOT_TO_ONESELF
    if str(role) == Role.PARTICIPANT_COORDINATOR.value:
        return None if director_here else COORDINATOR_BY_DIRECTOR
    return None if national_admin else NO_AUTHORITY


def revoke_refusal(
    *,
    actor_is_system: bool,
    actor_roles: Iterable[tuple[str, int | None]],
    role: str,
    association_id: int | None,
) -> Refusal | None:
    """Why the actor may not take the role away, or None when it may."""
    if actor_is_system:
        return None
    held = _held(actor_roles)
    if (NATIONAL_ADMIN, None) in held:
        return None
    director_here = association_id is not None and (ASSOCIATION_ADMIN, association_id) in held
    if str(role) == Role.PARTICIPANT_COORDINATOR.value and director_here:
        return None
    return NO_AUTHORITY
