"""Finance in the admin: the national working group reads budgets (read-only) and corrects populations
through the population service."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.finance.models import Population
from finsam.registry.models import Municipality
from tests.factories import make_budget

pytestmark = pytest.mark.django_db


def test_the_national_admin_reads_a_budget_but_cannot_change_it(world: Any) -> None:
    budget = make_budget(world.own)
    client = world.client(world.users[Role.NATIONAL_ADMIN])

    listing = client.get(reverse("admin:finance_budget_changelist"))
    page = client.get(reverse("admin:finance_budget_change", args=[budget.pk]))
    post = client.post(reverse("admin:finance_budget_change", args=[budget.pk]), {"frame": "1"})

    assert listing.status_code == 200 and world.own.name in listing.text
    assert page.status_code == 200 and "Arbetslivsinriktad rehabilitering" in page.text
    assert post.status_code == 403
    budget.refresh_from_db()
    assert str(budget.frame) == "1000000.00"


def test_the_national_admin_corrects_a_population_through_the_service(world: Any) -> None:
    umea = Municipality.objects.get(code="2480")
    row = Population.objects.create(municipality=umea, year=2025, population=1)
    client = world.client(world.users[Role.NATIONAL_ADMIN])

    response = client.post(
        reverse("admin:finance_population_change", args=[row.pk]),
        {"municipality": umea.pk, "year": 2025, "population": 132_000},
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.population == 132_000
    entry = AuditEntry.objects.get(action="population.set")
    assert entry.actor_id == world.users[Role.NATIONAL_ADMIN].pk
    assert entry.details == {"year": 2025, "changed": 1}


def test_an_association_admin_has_no_finance_admin(world: Any) -> None:
    response = world.client(world.users[Role.ASSOCIATION_ADMIN]).get(
        reverse("admin:finance_population_changelist")
    )

    assert response.status_code == 403


def test_a_population_the_service_refuses_is_a_form_error_and_nothing_is_saved(world: Any) -> None:
    umea = Municipality.objects.get(code="2480")
    response = world.client(world.users[Role.NATIONAL_ADMIN]).post(
        reverse("admin:finance_population_add"), {"municipality": umea.pk, "year": 1900, "population": 5}
    )

    assert response.status_code == 200
    assert "Ange ett år mellan 1968" in response.text
    assert not Population.objects.filter(municipality=umea, year=1900).exists()
    assert not AuditEntry.objects.filter(action="population.set").exists()
