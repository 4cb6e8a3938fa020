"""Keys that belong to the data, and consent forms encrypted at rest (docs/security.md, "Keys").

A data directory started empty against an existing database makes new keys: the platform must refuse to
run with them (every identity would answer 500 and a registered person could be registered again), and a
scanned consent form must not lie readable on disk."""

from __future__ import annotations

import importlib
import io
import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from finsam import cli
from finsam.core.checks import startup_check
from finsam.core.models import AuditEntry, KeyFingerprint
from finsam.followup import identity
from finsam.settings import private_data_dir
from tests.factories import make_participant, valid_identity_number

NUMBER = valid_identity_number(date(1979, 5, 17), 123)
PDF = b"%PDF-1.4 Kalle Andersson 197905171234"
NEW_KEY = "a-freshly-generated-identity-key-" + "g" * 30


@pytest.mark.django_db
def test_the_keys_in_use_are_recorded_with_the_data(fu: Any) -> None:
    assert not KeyFingerprint.objects.exists()
    make_participant(fu.x, number=NUMBER)
    assert set(KeyFingerprint.objects.values_list("purpose", flat=True)) == {"identity", "identity_hash"}
    assert AuditEntry.objects.filter(action="key.record").count() == 2
    startup_check()  # the configured keys fit


@pytest.mark.django_db
def test_new_keys_against_an_existing_database_are_refused(fu: Any, settings: Any) -> None:
    make_participant(fu.x, number=NUMBER)
    kept = settings.IDENTITY_KEYS
    settings.IDENTITY_KEYS = [NEW_KEY]
    with pytest.raises(ImproperlyConfigured, match="FINSAM_IDENTITY_KEY"):
        startup_check()
    settings.IDENTITY_KEYS = kept
    settings.IDENTITY_HASH_KEY = "a-freshly-generated-hash-key-" + "h" * 30
    with pytest.raises(ImproperlyConfigured, match="FINSAM_IDENTITY_HASH_KEY"):
        startup_check()


@pytest.mark.django_db
def test_the_command_line_stops_with_one_clear_line_and_writes_nothing(
    fu: Any, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    make_participant(fu.x, number=NUMBER)
    settings.IDENTITY_KEYS = [NEW_KEY]
    entries = AuditEntry.objects.count()
    assert cli.main(["audit", "seal"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("finsam: felaktig konfiguration:") and "FINSAM_IDENTITY_KEY" in err
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_a_database_from_before_fingerprints_is_checked_on_a_stored_identity(fu: Any, settings: Any) -> None:
    make_participant(fu.x, number=NUMBER)
    KeyFingerprint.objects.all().delete()
    startup_check()  # the configured keys read it
    settings.IDENTITY_KEYS = [NEW_KEY]
    with pytest.raises(ImproperlyConfigured, match=r"finsam\.E005"):
        startup_check()


@pytest.mark.django_db
def test_a_rotated_key_is_recorded_so_the_old_one_can_go(fu: Any, settings: Any) -> None:
    old = settings.IDENTITY_KEYS[0]
    participant = make_participant(fu.x, number=NUMBER, scanned_form=PDF)
    settings.IDENTITY_KEYS = [NEW_KEY, old]
    startup_check()  # the old key is still there
    call_command("rotate_identity_keys", stdout=io.StringIO())
    settings.IDENTITY_KEYS = [NEW_KEY]
    startup_check()
    participant.refresh_from_db()
    assert identity.decrypt(participant.identity_ciphertext or "") == NUMBER.replace("-", "")
    with default_storage.open(participant.consent.scanned_form.name, "rb") as handle:
        assert identity.decrypt_file(handle.read()) == PDF


@pytest.mark.django_db
def test_a_damaged_form_stops_the_rotation_before_anything_is_written(fu: Any, settings: Any) -> None:
    old = settings.IDENTITY_KEYS[0]
    good = make_participant(fu.x, number=NUMBER, scanned_form=PDF)
    damaged = make_participant(fu.x, scanned_form=PDF)
    Path(default_storage.path(damaged.consent.scanned_form.name)).write_bytes(b"gAAAAAdamaged")
    good_path = Path(default_storage.path(good.consent.scanned_form.name))
    before, ciphertext = good_path.read_bytes(), good.identity_ciphertext
    settings.IDENTITY_KEYS = [NEW_KEY, old]
    with pytest.raises(CommandError, match="inget har ändrats"):
        call_command("rotate_identity_keys", stdout=io.StringIO())
    good.refresh_from_db()
    assert good_path.read_bytes() == before and good.identity_ciphertext == ciphertext


@pytest.mark.django_db
def test_a_scanned_consent_form_is_encrypted_on_disk_and_decrypted_on_download(fu: Any) -> None:
    participant = make_participant(fu.x, scanned_form=PDF)
    name = participant.consent.scanned_form.name
    with default_storage.open(name, "rb") as handle:
        stored = handle.read()
    assert b"Kalle" not in stored and b"197905171234" not in stored and b"%PDF" not in stored
    path = Path(default_storage.path(name))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    response = fu.world.client(fu.coordinator).get(reverse("followup:consent_form", args=[participant.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert AuditEntry.objects.filter(action="participant.consent_form.read").count() == 1


@pytest.mark.django_db
def test_a_form_the_keys_cannot_read_is_refused_with_the_reason(fu: Any, settings: Any) -> None:
    participant = make_participant(fu.x, scanned_form=PDF)
    settings.IDENTITY_KEYS = [NEW_KEY]
    client = fu.world.client(fu.coordinator)
    response = client.get(reverse("followup:consent_form", args=[participant.pk]), follow=True)
    assert "Blanketten kan inte läsas med plattformens nycklar" in response.content.decode()
    assert not AuditEntry.objects.filter(action="participant.consent_form.read").exists()


@pytest.mark.django_db
def test_the_forms_stored_before_are_encrypted_by_the_migration(fu: Any) -> None:
    participant = make_participant(fu.x, scanned_form=PDF)
    name = participant.consent.scanned_form.name
    Path(default_storage.path(name)).write_bytes(PDF)  # as it lay before this version
    migration = importlib.import_module("finsam.followup.migrations.0007_encrypt_consent_forms")
    migration.encrypt_stored_forms(django_apps, None)
    migration.encrypt_stored_forms(django_apps, None)  # a second run leaves it as it is
    with default_storage.open(name, "rb") as handle:
        assert identity.decrypt_file(handle.read()) == PDF


def test_the_data_directory_is_made_private(tmp_path: Path) -> None:
    loose = tmp_path / "var"
    loose.mkdir(mode=0o755)
    (loose / "finsam.sqlite3").write_bytes(b"")
    (loose / "finsam.sqlite3").chmod(0o644)
    before = os.umask(0o022)
    try:
        private_data_dir(loose)
        (loose / "made-after").write_bytes(b"x")
        assert stat.S_IMODE((loose / "made-after").stat().st_mode) == 0o600
    finally:
        os.umask(before)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o700
    assert stat.S_IMODE((loose / "finsam.sqlite3").stat().st_mode) == 0o600


def _finsam(tmp_path: Path, data: Path, *args: str, database: str | None = None) -> Any:
    """`finsam ARGS` in a process of its own, with the production settings on `data`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FINSAM_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env["FINSAM_DATA_DIR"] = str(data)
    if database:
        env["FINSAM_DATABASE_URL"] = database
    return subprocess.run(  # noqa: S603 - this package's own command line
        [sys.executable, "-m", "finsam", *args],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )


def test_a_fresh_installation_is_private_and_an_empty_data_directory_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "fresh"
    done = _finsam(tmp_path, data, "manage", "migrate", "--verbosity", "0")
    assert done.returncode == 0, done.stderr.decode()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in ("finsam.sqlite3", "secret_key", "identity_key", "identity_hash_key", "audit_key"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name

    # The same database started with an empty data directory: new keys are made, and refused.
    database = f"sqlite:///{data / 'finsam.sqlite3'}"
    code = "from finsam.followup import identity; identity.record_keys()"
    used = _finsam(tmp_path, data, "manage", "shell", "-c", code, database=database)
    assert used.returncode == 0, used.stderr.decode()
    for command in (["worker", "--batch"], ["demo"], ["audit", "verify"]):
        refused = _finsam(tmp_path, tmp_path / "empty", *command, database=database)
        err = refused.stderr.decode()
        assert refused.returncode == 2, (command, err)
        assert "felaktig konfiguration" in err and "FINSAM_IDENTITY_KEY" in err, err
    kept = _finsam(tmp_path, data, "audit", "verify", database=database)
    assert kept.returncode == 0, kept.stderr.decode()
