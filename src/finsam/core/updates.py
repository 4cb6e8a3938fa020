"""Changing a stored object: the one "compare, validate, save, audit" sequence of the services.

`model_update` is HackSoftware's helper of that name with our audit trail: it sets the fields whose
value differs, validates them with the model's own checks, saves only them and writes one audit entry
that names the changed fields, never their values (they may be personal data). Services still check
the rules and take the lock first; the helper is what comes after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model
from django.utils import translation

from finsam.core import audit
from finsam.core.access import Actor
from finsam.core.errors import RuleViolation, Violation

VERSION = "version"


def _is_lock_counter(instance: Model) -> bool:
    """The model's optimistic-locking counter: a `version` field that no form edits (a charter's
    version number, which is edited, is not one)."""
    field = next((f for f in instance._meta.concrete_fields if f.name == VERSION), None)
    return field is not None and not field.editable


def _validate(instance: Model, changed: Sequence[str]) -> None:
    """The model's checks of the changed fields (type, length, choices, constraints that involve
    them), as a refusal in the language of the rules rather than a database error."""
    keep = set(changed)
    exclude = [f.name for f in instance._meta.concrete_fields if f.name not in keep and f.attname not in keep]
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        with translation.override(settings.LANGUAGE_CODE):
            violations = [
                Violation("R-INPUT", message, None if name == NON_FIELD_ERRORS else name)
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
        raise RuleViolation(violations=violations) from exc


def model_update(
    *,
    actor: Actor,
    instance: Model,
    values: Mapping[str, Any],
    action: str,
    association_id: int | None,
    related: Sequence[str] = (),
    changed_elsewhere: bool = False,
    details: Mapping[str, Any] | None = None,
) -> list[str]:
    """Sets each of `values` (field name or attname → new value) that differs from the instance's,
    validates those fields, raises the version of a model with optimistic locking, saves only the
    changed fields and writes the audit entry `action` with {"fields": [the names], **details}.

    `related` names what the caller has already changed beside the fields (many-to-many relations, child
    rows); they count as changes and are named with the fields. `changed_elsewhere` says the caller
    changed something it reports in `details` itself. Nothing is saved or audited when nothing changed.
    Returns the changed names: the fields in the order of `values`, then `related`.
    """
    fields = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in fields:
        setattr(instance, name, values[name])
    changed = fields + list(related)
    if not changed and not changed_elsewhere:
        return []
    _validate(instance, fields)
    update_fields = list(fields)
    if _is_lock_counter(instance):
        setattr(instance, VERSION, getattr(instance, VERSION) + 1)
        update_fields.append(VERSION)
    update_fields += [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
    instance.save(update_fields=update_fields)
    audit.record(
        actor=actor,
        action=action,
        target=instance,
        association_id=association_id,
        details={"fields": changed, **(details or {})},
    )
    return changed
