"""`finsam backup` and `finsam restore` (core.recovery; docs/operations.md, "Backup and recovery"), on the
database the suite runs on (SQLite, or PostgreSQL with FINSAM_TEST_DATABASE_URL).

The tests run in real transactions: the backup reads the database from a connection of its own (SQLite's
backup API, pg_dump), which sees only what is committed."""

from __future__ import annotations

import gzip
import io
import json
import logging
import tarfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from finsam import cli
from finsam.core import recovery
from finsam.core.access import SYSTEM
from finsam.core.models import AuditEntry
from finsam.followup import identity
from finsam.followup.models import Participant
from tests.committed import audit_guard
from tests.factories import make_participant, valid_identity_number
from tests.followup.test_logs_hold_no_identity import _notations, _text
from tests.imports.test_import import csv_file, row
from tests.test_migrations import _rows, _tables

NUMBER = valid_identity_number(date(1979, 6, 2), 415)


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


@pytest.fixture
def in_use(committed: None, fu: Any) -> Any:
    """A database in use: two förbund with users of every role, participants identified and anonymous."""
    make_participant(fu.x, number=NUMBER)
    make_participant(fu.x, anonymous=True)
    make_participant(fu.y)
    return fu


def _everything() -> dict[str, list[dict[str, Any]]]:
    return {table: _rows(table) for table in _tables()}


def _without_restore_entries(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row for row in rows if row["action"] != "backup.restore"]


def test_a_restored_backup_gives_back_every_row_of_every_table(in_use: Any, tmp_path: Path) -> None:
    path = tmp_path / "finsam.tar.gz"
    before = _everything()

    manifest = recovery.backup_create(actor=SYSTEM, path=path)
    assert AuditEntry.objects.filter(action="backup.create").count() == 1
    make_participant(in_use.x, anonymous=True)  # work done after the backup, lost by the restore
    Participant.objects.filter(intervention=in_use.y).update(sex="man")
    recovery.backup_restore(actor=SYSTEM, path=path, force=True)

    after = _everything()
    assert set(after) == set(before)
    for table, rows in before.items():
        restored = after[table]
        if table == AuditEntry._meta.db_table:
            assert len(restored) == len(rows) + 1  # the restore, recorded in the restored database
            restored = _without_restore_entries(restored)
        assert restored == rows, table
    entry = AuditEntry.objects.get(action="backup.restore")
    assert entry.actor_username == "system"
    assert entry.details["created"] == manifest["created"] and entry.details["forced"] is True
    participant = Participant.objects.get(identity_hash__isnull=False, intervention=in_use.x)
    assert identity.decrypt(participant.identity_ciphertext or "") == NUMBER.replace("-", "")


def test_the_backup_holds_the_database_and_its_manifest_but_no_key(in_use: Any, tmp_path: Path) -> None:
    path = tmp_path / "finsam.tar.gz"
    recovery.backup_create(actor=SYSTEM, path=path)

    with tarfile.open(path, "r:gz") as tar:
        names = sorted(tar.getnames())
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert names == sorted(["manifest.json", recovery.DATABASE_MEMBER[manifest["database"]["vendor"]]])
    assert manifest["installation"] == recovery.installation_id()
    assert ["followup", "0001_initial"] in manifest["migrations"]
    unpacked = gzip.decompress(path.read_bytes())
    for key in [settings.SECRET_KEY, settings.IDENTITY_HASH_KEY, *settings.IDENTITY_KEYS]:
        assert key.encode() not in unpacked
    assert path.stat().st_mode & 0o077 == 0


def test_a_restore_over_a_database_in_use_needs_force(in_use: Any, tmp_path: Path) -> None:
    path = tmp_path / "finsam.tar.gz"
    recovery.backup_create(actor=SYSTEM, path=path)
    make_participant(in_use.x, anonymous=True)
    before = _everything()

    with pytest.raises(recovery.BackupError, match="--force"):
        recovery.backup_restore(actor=SYSTEM, path=path)

    assert _everything() == before


def _damaged(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncated":
        del data[len(data) // 2 :]
    elif how == "flipped":
        middle = len(data) // 2
        data[middle : middle + 16] = bytes(b ^ 0xFF for b in data[middle : middle + 16])
    else:
        data = bytearray(b"no backup at all\n")
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["truncated", "flipped", "other"])
def test_a_damaged_backup_is_refused_with_a_clear_message_and_changes_nothing(
    in_use: Any, tmp_path: Path, how: str
) -> None:
    path = tmp_path / "finsam.tar.gz"
    recovery.backup_create(actor=SYSTEM, path=path)
    make_participant(in_use.x, anonymous=True)
    _damaged(path, how)
    before = _everything()

    with pytest.raises(recovery.BackupError) as refused:
        recovery.backup_restore(actor=SYSTEM, path=path, force=True)

    assert "finsam.tar.gz" in refused.value.message
    assert "skadad" in refused.value.message
    assert _everything() == before


def test_a_backup_of_another_installation_is_refused(in_use: Any, tmp_path: Path) -> None:
    path = tmp_path / "finsam.tar.gz"
    recovery.backup_create(actor=SYSTEM, path=path)
    before = _everything()

    with (
        override_settings(IDENTITY_HASH_KEY="another-installation-hash-key-" + "q" * 40),
        pytest.raises(recovery.BackupError, match="annan installation"),
    ):
        recovery.backup_restore(actor=SYSTEM, path=path, force=True)
    with (
        override_settings(IDENTITY_KEYS=["another-installation-identity-key-" + "q" * 40]),
        pytest.raises(recovery.BackupError, match="FINSAM_IDENTITY_KEY"),
    ):
        recovery.backup_restore(actor=SYSTEM, path=path, force=True)

    assert _everything() == before


def test_the_command_line_backs_up_and_restores_with_one_line_each(
    in_use: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "finsam.tar.gz"

    assert cli.main(["backup", str(path)]) == 0
    assert "Nycklarna ingår inte" in capsys.readouterr().out
    assert cli.main(["backup", str(path)]) == 1  # never over an existing file
    assert "finns redan" in capsys.readouterr().err
    assert cli.main(["restore", str(path)]) == 1
    refused = capsys.readouterr().err.strip().splitlines()
    assert len(refused) == 1 and "--force" in refused[0]
    assert cli.main(["restore", str(path), "--force"]) == 0
    assert "återställd" in capsys.readouterr().out


def test_the_logs_of_import_backup_restore_and_subject_report_hold_no_personnummer(
    in_use: Any, tmp_path: Path, all_logs: pytest.LogCaptureFixture
) -> None:
    imported = valid_identity_number(date(1984, 2, 29), 606)
    source = csv_file(tmp_path / "in", [row(in_use.x.pk, personnummer=imported)])
    path = tmp_path / "finsam.tar.gz"

    # The commands themselves (`cli.main` would set up Django's logging again, at INFO).
    for argv in (
        ["import_participants", str(source), "--association", str(in_use.world.own.pk)],
        ["backup", str(path)],
        ["restore", str(path), "--force"],
        ["subject_report", imported],
        ["subject_report", NUMBER, "--format", "json"],
    ):
        call_command(*argv, stdout=io.StringIO(), stderr=io.StringIO())
    assert Participant.objects.count() == 4, "the flows ran to their end"

    records = all_logs.records
    assert any(r.levelno == logging.DEBUG for r in records), "the capture missed the debug records"
    secrets = _notations(imported) | _notations(NUMBER)
    for record in records:
        text = _text(record)
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{record.name} {record.levelname} logged {leaked}: {text[:300]}"
