"""Writing the audit log. Services call `record`; the request's client address comes from a context
variable set by RequestContextMiddleware (or None for the command line and tasks)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any

from django.db import models

from finsam.core.access import Actor
from finsam.core.bulk import insert_many
from finsam.core.models import AuditEntry

client_address: ContextVar[str | None] = ContextVar("finsam_client_address", default=None)


def _valid_address(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def set_client_address(value: str | None) -> Any:
    return client_address.set(_valid_address(value))


def record(
    *,
    actor: Actor | None,
    action: str,
    target: models.Model | None = None,
    association_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `action` is one of the apps' named actions (`<app>.audit_actions.AuditAction`, a
    str enum whose value is stored). `details` must not carry personal data: field names, codes, ids only."""
    actor_id, username = None, "anonym"
    if actor is not None:
        actor_id, username = (actor.pk, actor.get_username()) if actor.is_authenticated else (None, "system")
    return AuditEntry.objects.create(
        actor_id=actor_id,
        actor_username=username,
        action=str(action),
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        association_id=association_id,
        client_address=client_address.get(),
        details=details or {},
    )


def record_many(
    *,
    actor: Actor | None,
    action: str,
    entries: Sequence[tuple[models.Model, int | None, dict[str, Any] | None]],
) -> None:
    """One entry per (target, association id, details), as `record` writes them, inserted together (an
    import of many rows)."""
    actor_id, username = None, "anonym"
    if actor is not None:
        actor_id, username = (actor.pk, actor.get_username()) if actor.is_authenticated else (None, "system")
    address = client_address.get()
    insert_many(
        AuditEntry,
        [
            AuditEntry(
                actor_id=actor_id,
                actor_username=username,
                action=str(action),
                object_type=target._meta.label_lower,
                object_id=str(target.pk),
                association_id=association_id,
                client_address=address,
                details=details or {},
            )
            for target, association_id, details in entries
        ],
    )
