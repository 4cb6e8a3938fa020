"""model_update: only what differs is set, checked, saved and audited by name, never by value."""

from __future__ import annotations

import json
from typing import Any

import pytest

from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.core.updates import model_update
from finsam.finance.models import Budget
from finsam.registry.models import Association, Person
from tests.factories import make_budget

pytestmark = pytest.mark.django_db


def person(world: Any) -> Person:
    return Person.objects.create(association=world.own, first_name="Kalle", last_name="Ek", email="")


def test_nothing_that_differs_means_nothing_saved_and_nothing_audited(world: Any) -> None:
    kalle = person(world)
    changed = model_update(
        actor=SYSTEM,
        instance=kalle,
        values={"first_name": "Kalle", "last_name": "Ek"},
        action="person.update",
        association_id=world.own.pk,
    )
    assert changed == [] and not AuditEntry.objects.filter(action="person.update").exists()


def test_only_the_changed_fields_are_saved_and_named_in_the_audit_entry(world: Any) -> None:
    kalle = person(world)
    # Someone else changes the last name in the meantime; this write must not put the old one back.
    Person.objects.filter(pk=kalle.pk).update(last_name="Lind")
    admin = world.users[Role.ASSOCIATION_ADMIN]
    changed = model_update(
        actor=admin,
        instance=kalle,
        values={"first_name": "Stina", "last_name": "Ek", "email": "stina@example.se"},
        action="person.update",
        association_id=world.own.pk,
    )
    assert changed == ["first_name", "email"]
    stored = Person.objects.get(pk=kalle.pk)
    assert (stored.first_name, stored.last_name, stored.email) == ("Stina", "Lind", "stina@example.se")
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.details == {"fields": ["first_name", "email"]}
    assert entry.actor_username == admin.username and entry.association_id == world.own.pk
    assert "Stina" not in json.dumps(entry.details) and "stina@" not in json.dumps(entry.details)


def test_a_model_with_optimistic_locking_gets_a_new_version(world: Any) -> None:
    association = Association.objects.get(pk=world.own.pk)
    before = association.version
    model_update(
        actor=SYSTEM,
        instance=association,
        values={"name": "Samordningsförbundet Umeå"},
        action="association.update",
        association_id=association.pk,
    )
    assert Association.objects.get(pk=association.pk).version == before + 1


def test_related_changes_count_and_are_named_after_the_fields(world: Any) -> None:
    association = Association.objects.get(pk=world.own.pk)
    before = association.version
    changed = model_update(
        actor=SYSTEM,
        instance=association,
        values={"name": association.name},
        action="association.update",
        association_id=association.pk,
        related=["members"],
        details={"note": 1},
    )
    assert changed == ["members"]
    assert Association.objects.get(pk=association.pk).version == before + 1
    assert AuditEntry.objects.get(action="association.update").details == {"fields": ["members"], "note": 1}


def test_the_models_checks_refuse_a_bad_value_as_a_rule_violation_and_nothing_is_written(world: Any) -> None:
    kalle = person(world)
    with pytest.raises(RuleViolation) as refused:
        model_update(
            actor=SYSTEM,
            instance=kalle,
            values={"first_name": "K" * 101, "email": "inte en adress"},
            action="person.update",
            association_id=world.own.pk,
        )
    assert {(v.code, v.field) for v in refused.value.violations} == {
        ("R-INPUT", "first_name"),
        ("R-INPUT", "email"),
    }
    assert Person.objects.get(pk=kalle.pk).first_name == "Kalle"
    assert not AuditEntry.objects.filter(action="person.update").exists()


def test_a_change_by_attname_and_a_change_elsewhere_save_the_timestamp_too(world: Any) -> None:
    budget = Budget.objects.get(pk=make_budget(world.own).pk)
    stamp, version = budget.updated, budget.version
    changed = model_update(
        actor=SYSTEM,
        instance=budget,
        values={"charter_id": budget.charter_id},
        action="budget.update",
        association_id=world.own.pk,
        changed_elsewhere=True,
        details={"lines": {"added": 1}},
    )
    stored = Budget.objects.get(pk=budget.pk)
    assert changed == [] and stored.version == version + 1 and stored.updated > stamp
    entry = AuditEntry.objects.filter(action="budget.update").latest("id")
    assert entry.details == {"fields": [], "lines": {"added": 1}}
