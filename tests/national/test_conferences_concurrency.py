"""Two users asking for the last place at the same moment: the conference's row is locked while a
registration is decided, so one gets the place and the other the waiting list, never two places."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from finsam.core.access import SYSTEM
from finsam.national.conferences import services
from finsam.national.conferences.models import Registration
from tests.committed import audit_guard
from tests.factories import make_association, make_user


@pytest.fixture
def committed(transactional_db: None, django_db_serialized_rollback: None) -> Iterator[None]:
    audit_guard(install=True)
    yield
    audit_guard(install=False)


@pytest.fixture(scope="module", autouse=True)
def _audit_guard_back(django_db_blocker: Any) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        audit_guard(install=True)


def test_two_registrations_at_once_for_the_last_place_give_one_place_and_one_waiting(committed: None) -> None:
    association = make_association("Samordningsförbundet Umeåregionen")
    starts = timezone.now() + timedelta(days=20)
    conference = services.conference_create(
        actor=SYSTEM,
        title="Sista platsen",
        place="Umeå",
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        capacity=1,
        registration_closes=timezone.localdate() + timedelta(days=10),
        published=True,
    )
    users = [make_user(f"samtidig-{i}", association_admin=association) for i in range(2)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def register(user: Any) -> None:
        try:
            start.wait(timeout=10)
            services.registration_create(actor=user, conference=conference)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    statuses = sorted(Registration.objects.filter(conference=conference).values_list("status", flat=True))
    assert statuses == ["confirmed", "waiting"], connection.vendor
