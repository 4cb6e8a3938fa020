"""The audit chain: a change made to the log behind the application's back — by a role that can lift the
append-only triggers — is found and named by `finsam audit verify`, because the seal's key is not in the
database."""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from finsam.core import audit, audit_chain, checks, keys
from finsam.core.models import AuditEntry, AuditSeal

pytestmark = pytest.mark.django_db

_log = importlib.import_module("finsam.core.migrations.0002_audit_append_only")
_seals = importlib.import_module("finsam.core.migrations.0005_audit_chain_and_key_fingerprints")


def behind_the_back(*statements: tuple[str, list[Any]]) -> None:
    """Runs SQL on the log as its table's owner could: the append-only triggers lifted for the moment
    (the test's transaction puts them back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE core_auditseal DISABLE TRIGGER USER")
        else:
            for statement in _log.SQLITE_BACKWARD + _seals.SQLITE_BACKWARD:
                cursor.execute(statement)
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")
            cursor.execute("ALTER TABLE core_auditseal ENABLE TRIGGER USER")
        else:
            for statement in _log.SQLITE_FORWARD + _seals.SQLITE_FORWARD:
                cursor.execute(statement)


@pytest.fixture
def sealed() -> Iterator[list[AuditEntry]]:
    entries = [
        audit.record(actor=None, action="test.write", details={"fields": ["name"], "n": n}) for n in range(5)
    ]
    assert audit_chain.seal() >= 5
    assert audit_chain.verify() == []
    yield entries


def kinds(problems: list[audit_chain.Problem]) -> set[tuple[str, int | None]]:
    return {(p.kind, p.entry_id) for p in problems}


def test_writers_append_and_the_sealer_seals_every_committed_entry_in_order() -> None:
    first = audit.record(actor=None, action="test.write")
    assert not AuditSeal.objects.exists(), "a writer never waits on the chain's head"
    assert audit_chain.seal() >= 1
    second = audit.record(actor=None, action="test.write")
    audit_chain.seal()
    seals = list(AuditSeal.objects.order_by("position"))
    assert [s.position for s in seals] == list(range(1, len(seals) + 1))
    order = [s.entry_id for s in seals]
    assert order.index(first.pk) < order.index(second.pk)
    assert AuditEntry.objects.count() == len(seals) and audit_chain.verify() == []


def test_the_seals_are_append_only_too(sealed: list[AuditEntry]) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditSeal.objects.filter(entry_id=sealed[0].pk).update(mac="0" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditSeal.objects.filter(entry_id=sealed[0].pk).delete()


def test_a_changed_entry_is_named(sealed: list[AuditEntry]) -> None:
    target = sealed[2]
    behind_the_back(
        ("UPDATE core_auditentry SET actor_username = %s WHERE id = %s", ["someone-else", target.pk])
    )
    assert kinds(audit_chain.verify()) == {("changed", target.pk)}


def test_recomputing_the_seal_without_the_key_does_not_hide_a_change(sealed: list[AuditEntry]) -> None:
    """The forger changes the entry and rewrites its seal with a plain hash, or a key of their own: the
    chain still fails there."""
    target = sealed[1]
    behind_the_back(
        (
            "UPDATE core_auditentry SET details = %s WHERE id = %s",
            [json.dumps({"fields": ["email"]}), target.pk],
        )
    )
    target.refresh_from_db()
    seal = AuditSeal.objects.get(entry_id=target.pk)
    previous = AuditSeal.objects.get(position=seal.position - 1).mac if seal.position > 1 else "0" * 64
    plain = hashlib.sha256(previous.encode() + audit_chain.canonical(target)).hexdigest()
    guessed = audit_chain.mac(previous=previous, position=seal.position, entry=target, key="k" * 40)
    for forged in (plain, guessed):
        behind_the_back(("UPDATE core_auditseal SET mac = %s WHERE id = %s", [forged, seal.pk]))
        assert ("changed", target.pk) in kinds(audit_chain.verify())


def test_a_removed_entry_is_named(sealed: list[AuditEntry]) -> None:
    target = sealed[3]
    behind_the_back(("DELETE FROM core_auditentry WHERE id = %s", [target.pk]))
    assert kinds(audit_chain.verify()) == {("removed", target.pk)}


def test_an_entry_removed_with_its_seal_leaves_a_gap(sealed: list[AuditEntry]) -> None:
    target = sealed[2]
    behind_the_back(
        ("DELETE FROM core_auditseal WHERE entry_id = %s", [target.pk]),
        ("DELETE FROM core_auditentry WHERE id = %s", [target.pk]),
    )
    assert [p.kind for p in audit_chain.verify()] == ["gap"]


def test_an_entry_inserted_with_an_old_time_is_named_and_never_sealed(sealed: list[AuditEntry]) -> None:
    then = timezone.now() - timedelta(days=2)
    behind_the_back(
        (
            "INSERT INTO core_auditentry (at, actor_username, action, object_type, object_id, details) "
            "VALUES (%s, %s, %s, '', '', %s)",
            [
                connection.ops.adapt_datetimefield_value(then),
                "arbetsgrupp",
                "participant.identity.read",
                "{}",
            ],
        )
    )
    forged = AuditEntry.objects.get(action="participant.identity.read")
    audit_chain.seal()
    assert not AuditSeal.objects.filter(entry_id=forged.pk).exists()
    assert kinds(audit_chain.verify()) == {("inserted", forged.pk)}


def test_the_command_names_the_entry_and_fails(sealed: list[AuditEntry], capsys: Any) -> None:
    target = sealed[0]
    behind_the_back(("UPDATE core_auditentry SET action = %s WHERE id = %s", ["test.other", target.pk]))
    with pytest.raises(CommandError, match="1 fel"):
        call_command("audit", "verify")
    assert f"loggpost {target.pk}" in capsys.readouterr().out


def test_the_command_seals_and_verifies(capsys: Any) -> None:
    audit.record(actor=None, action="test.write")
    call_command("audit", "seal")
    call_command("audit", "verify")
    assert "stämmer med förseglingen" in capsys.readouterr().out


def test_another_audit_key_is_refused_before_anything_is_sealed(
    sealed: list[AuditEntry], settings: Any
) -> None:
    settings.AUDIT_KEY = "another-audit-key-" + "b" * 40
    audit.record(actor=None, action="test.write")
    count = AuditSeal.objects.count()
    assert keys.mismatch("audit", [settings.AUDIT_KEY])
    with pytest.raises(Exception, match="FINSAM_AUDIT_KEY"):
        checks.startup_check()
    with pytest.raises(Exception, match="FINSAM_AUDIT_KEY"):
        call_command("audit", "seal")
    assert AuditSeal.objects.count() == count


def test_the_workers_heartbeat_seals_what_was_committed(monkeypatch: pytest.MonkeyPatch) -> None:
    """`finsam worker` seals at every beat (HEARTBEAT_SECONDS, under a minute), beside its heartbeat."""
    import threading

    from finsam.core.management.commands import worker

    class KeepConnection:
        def close(self) -> None:  # the test's transaction must stay open
            pass

    monkeypatch.setattr(worker, "connection", KeepConnection())
    entry = audit.record(actor=None, action="test.write")
    stop = threading.Event()
    stop.set()
    worker._beat("test-worker", stop)
    assert AuditSeal.objects.filter(entry_id=entry.pk).exists()
    assert worker.HEARTBEAT_SECONDS <= 60


def test_a_log_from_before_the_chain_is_sealed_whole_in_batches() -> None:
    """An existing installation's entries, years old, are sealed in order by the first runs: the margin
    that refuses an old entry turning up later does not refuse the backlog."""
    start = timezone.now() - timedelta(days=800)
    with connection.cursor() as cursor:
        for day in range(7):
            cursor.execute(
                "INSERT INTO core_auditentry (at, actor_username, action, object_type, object_id, details) "
                "VALUES (%s, 'arbetsgrupp', 'test.old', '', '', '{}')",
                [connection.ops.adapt_datetimefield_value(start + timedelta(days=100 * day))],
            )
    audit.record(actor=None, action="test.write")
    assert audit_chain.seal(batch=2) == 9  # and the entry that recorded the key
    assert audit_chain.unsealed_count() == 0 and audit_chain.verify() == []
