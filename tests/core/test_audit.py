"""The audit log: append-only in the database, written with actor and client address, read in scope."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.test import RequestFactory
from django.urls import reverse

from finsam.core import audit
from finsam.core.middleware import RequestContextMiddleware
from finsam.core.models import AuditEntry
from finsam.core.roles import Role


@pytest.mark.django_db
def test_the_database_refuses_to_change_or_delete_an_entry(world: Any) -> None:
    entry = audit.record(actor=world.users[Role.NATIONAL_ADMIN], action="test.write")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="test.rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.write"


@pytest.mark.django_db
def test_an_entry_records_actor_object_association_and_client_address(world: Any) -> None:
    user = world.users[Role.ASSOCIATION_ADMIN]
    captured: list[AuditEntry] = []

    def view(request: Any) -> Any:
        captured.append(
            audit.record(
                actor=user,
                action="association.update",
                target=world.own,
                association_id=world.own.pk,
                details={"fields": ["name"]},
            )
        )
        return None

    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
    RequestContextMiddleware(view)(request)
    [entry] = captured
    assert (entry.actor_id, entry.actor_username) == (user.pk, user.username)
    assert (entry.object_type, entry.object_id) == ("registry.association", str(world.own.pk))
    assert entry.association_id == world.own.pk
    assert entry.client_address == "192.0.2.7"
    assert audit.client_address.get() is None, "the address must not leak past the request"


@pytest.mark.django_db
def test_a_forwarded_address_is_only_trusted_when_configured(world: Any, settings: Any) -> None:
    def view(request: Any) -> Any:
        return audit.record(actor=None, action="test.addr")

    # The client made up the first address; the proxy (10.0.0.1) appended the one it saw.
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.4"
    )
    settings.TRUST_X_FORWARDED_FOR = False
    assert RequestContextMiddleware(view)(request).client_address == "10.0.0.1"
    settings.TRUST_X_FORWARDED_FOR = True
    assert RequestContextMiddleware(view)(request).client_address == "198.51.100.4"


def _entries(world: Any) -> None:
    audit.record(
        actor=world.users[Role.ASSOCIATION_ADMIN], action="member.update", association_id=world.own.pk
    )
    audit.record(
        actor=world.outsiders[Role.ASSOCIATION_ADMIN], action="member.update", association_id=world.other.pk
    )
    audit.record(actor=world.users[Role.NATIONAL_ADMIN], action="association.create", association_id=None)


@pytest.mark.django_db
def test_an_association_admin_reads_only_their_association_s_entries(world: Any) -> None:
    _entries(world)
    response = world.client(world.users[Role.ASSOCIATION_ADMIN]).get(reverse("audit_log"))
    assert response.status_code == 200
    usernames = {entry.actor_username for entry in response.context["page"]}
    assert usernames == {world.users[Role.ASSOCIATION_ADMIN].username}


@pytest.mark.django_db
def test_the_national_admin_reads_everything_and_can_filter(world: Any) -> None:
    _entries(world)
    client = world.client(world.users[Role.NATIONAL_ADMIN])
    everything = client.get(reverse("audit_log")).context["page"].paginator.count
    assert everything == AuditEntry.objects.count()
    filtered = client.get(reverse("audit_log"), {"action": "association.create"}).context["page"]
    assert [e.action for e in filtered] == ["association.create"]
    by_association = client.get(reverse("audit_log"), {"association": world.other.pk}).context["page"]
    assert {e.association_id for e in by_association} == {world.other.pk}


@pytest.mark.parametrize(
    "role",
    [
        Role.BOARD_MEMBER,
        Role.PARTICIPANT_COORDINATOR,
        Role.NATIONAL_VIEWER,
        Role.MEMBER_REPRESENTATIVE,
    ],
)
@pytest.mark.django_db
def test_other_roles_cannot_read_the_log(world: Any, role: Role) -> None:
    assert world.client(world.users[role]).get(reverse("audit_log")).status_code == 403
    assert world.client(world.users[role]).get(reverse("audit_export")).status_code == 403


@pytest.mark.django_db
def test_the_export_is_the_filtered_scope_as_csv(world: Any) -> None:
    _entries(world)
    response = world.client(world.users[Role.ASSOCIATION_ADMIN]).get(
        reverse("audit_export"), {"action": "member.update"}
    )
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][:3] == ["tid", "användare", "händelse"]
    assert [(r[1], r[2], r[5]) for r in rows[1:]] == [
        (world.users[Role.ASSOCIATION_ADMIN].username, "member.update", str(world.own.pk))
    ]
