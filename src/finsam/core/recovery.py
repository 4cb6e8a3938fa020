"""Backup and restore of the database (`finsam backup FILE`, `finsam restore FILE`; docs/operations.md,
"Backup and recovery").

A backup is one gzip-compressed tar file of two members: `manifest.json` and the database, taken as one
consistent snapshot: on SQLite with SQLite's own backup API (`sqlite3.Connection.backup`, which copies a
live database while others read and write it), on PostgreSQL with `pg_dump --format=custom`.

The keys are not in it. The data directory's keys (the secret key, the identity keys) are kept apart, and
backed up apart: a stolen backup without them holds identities nobody can read. The manifest names the
installation instead, by fingerprints of its keys (HMAC-SHA256 of a fixed text under each key: they reveal
nothing of the keys), with the database's checksum and its applied migrations. A restore checks all of it
before it changes anything: a damaged file, a backup of another installation (other keys: its identities
and keyed hashes would be unreadable here), of another database engine, or of a newer version of the
platform is refused with one clear message, and the database is left as it was. A restore over a database
that holds data needs `force`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from finsam.core import audit
from finsam.core.access import Actor
from finsam.core.audit_actions import AuditAction

FORMAT = "finsam-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# The tables whose rows say that a database is in use: every write leaves an audit entry, and nothing is
# done without a user. A database only migrated (reference data) holds none.
IN_USE_TABLES = ("core_auditentry", "auth_user", "registry_association")
COPY_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup that cannot be made or restored, with the Swedish message that says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Restored:
    """What a restore did: the backup's manifest, and what the operator should know."""

    manifest: dict[str, Any]
    pending_migrations: list[str] = field(default_factory=list)
    missing_identity_keys: int = 0


# --- the installation's fingerprints ------------------------------------------------------------


def _fingerprint(secret: str, purpose: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), purpose, hashlib.sha256).hexdigest()[:32]


def installation_id() -> str:
    """The installation, named by the key that recognises a person again (FINSAM_IDENTITY_HASH_KEY). It
    cannot be rotated, and a database's keyed hashes are of this key: the database belongs to it."""
    return _fingerprint(settings.IDENTITY_HASH_KEY, b"finsam installation")


def identity_key_ids() -> list[str]:
    """The identity encryption keys, newest first, each by its fingerprint."""
    return [_fingerprint(key, b"finsam identity key") for key in settings.IDENTITY_KEYS]


# --- the database underneath --------------------------------------------------------------------


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise BackupError(f"Säkerhetskopiering stöds för SQLite och PostgreSQL, inte {vendor}.")
    return vendor


def _sqlite_path() -> str:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("En databas i minnet kan inte säkerhetskopieras.")
    return name


def _libpq_environment() -> dict[str, str]:
    """The connection of the settings for pg_dump, pg_restore and psql, in libpq's variables: the password
    never on a command line."""
    db = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    for option, value in (db.get("OPTIONS") or {}).items():
        if option in {"sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout"}:
            env[f"PG{option.upper()}"] = str(value)
    return env


def _run(command: Sequence[str | Path], *, what: str) -> None:
    """Runs a PostgreSQL client tool; a failure is a BackupError with the tool's first line."""
    program = str(command[0])
    if shutil.which(program) is None:
        raise BackupError(f"{program} saknas; installera PostgreSQL:s klientprogram.")
    result = subprocess.run(  # noqa: S603 - fixed programs, arguments of our own making
        [str(part) for part in command],
        env=_libpq_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        first = next((line for line in result.stderr.splitlines() if line.strip()), "okänt fel")
        raise BackupError(f"{what} misslyckades: {first.strip()[:300]}")


def _applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(COPY_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _platform_version() -> str:
    try:
        return version("finsam")
    except PackageNotFoundError:  # pragma: no cover - a checkout without an install
        return "okänd"


# --- backup -------------------------------------------------------------------------------------


def _snapshot(vendor: str, target: Path) -> None:
    if vendor == "sqlite":
        # A connection of its own: the backup API copies every page in one step, a consistent snapshot,
        # while the web server and the worker go on reading and writing.
        with closing(sqlite3.connect(_sqlite_path())) as source, closing(sqlite3.connect(target)) as out:
            source.backup(out)
        return
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", target], what="pg_dump")


def backup_create(*, actor: Actor, path: Path) -> dict[str, Any]:
    """Writes a backup of the database to `path` (which must not exist): the manifest and one consistent
    snapshot of the database, no key. The file appears whole or not at all (written beside it, then
    renamed), readable by its owner only. Audited, after the snapshot. Returns the manifest."""
    vendor = _vendor()
    if path.exists():
        raise BackupError(f"{path.name} finns redan; välj ett nytt filnamn.")
    if not path.parent.is_dir():
        raise BackupError(f"Katalogen {path.parent} finns inte.")
    member = DATABASE_MEMBER[vendor]
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".finsam-backup-") as work:
        database = Path(work) / member
        _snapshot(vendor, database)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "platform_version": _platform_version(),
            "database": {
                "vendor": vendor,
                "member": member,
                "bytes": database.stat().st_size,
                "sha256": _sha256(database),
            },
            "installation": installation_id(),
            "identity_keys": identity_key_ids(),
            "migrations": _applied_migrations(),
        }
        partial = Path(work) / "backup.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, BytesIO(data))
            tar.add(database, arcname=member, recursive=False)
        partial.chmod(0o600)
        os.replace(partial, path)
    audit.record(
        actor=actor,
        action=AuditAction.BACKUP_CREATE,
        details={"vendor": vendor, "bytes": path.stat().st_size, "sha256": manifest["database"]["sha256"]},
    )
    return manifest


# --- restore ------------------------------------------------------------------------------------

UNREADABLE = "{name} är ingen läsbar säkerhetskopia av Finsam: filen är skadad eller av annat slag."


def backup_read(path: Path, into: Path) -> tuple[dict[str, Any], Path]:
    """Reads and checks a backup: the manifest, and the database unpacked into the directory `into`,
    whose checksum must be the manifest's. Changes nothing. BackupError for anything else."""
    name = path.name
    try:
        with tarfile.open(path, "r:gz") as tar:
            manifest_file = tar.extractfile(MANIFEST)
            if manifest_file is None:
                raise BackupError(UNREADABLE.format(name=name))
            manifest = json.loads(manifest_file.read().decode("utf-8"))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BackupError(UNREADABLE.format(name=name))
            if manifest.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"{name} är en säkerhetskopia i format {manifest.get('format_version')}, som den här "
                    "versionen av Finsam inte kan läsa."
                )
            member = manifest["database"]["member"]
            if member not in DATABASE_MEMBER.values():
                raise BackupError(UNREADABLE.format(name=name))
            packed = tar.extractfile(member)
            if packed is None:
                raise BackupError(UNREADABLE.format(name=name))
            database = into / member
            with database.open("wb") as out:
                shutil.copyfileobj(packed, out, COPY_CHUNK)
    except (tarfile.TarError, OSError, EOFError, zlib.error, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, FileNotFoundError) and not path.exists():
            raise BackupError(f"{name} finns inte.") from exc
        raise BackupError(UNREADABLE.format(name=name)) from exc
    if _sha256(database) != manifest["database"].get("sha256"):
        raise BackupError(
            f"{name} är skadad: databasens kontrollsumma stämmer inte med innehållsförteckningen."
        )
    return manifest, database


def _check_belongs_here(manifest: dict[str, Any], name: str) -> tuple[list[str], int]:
    """Refuses a backup of another engine, installation or newer version; returns the migrations the
    backup lacks (to be applied after the restore) and the number of its identity keys missing here."""
    vendor = _vendor()
    if manifest["database"].get("vendor") != vendor:
        engines = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        theirs, ours = engines.get(manifest["database"].get("vendor"), "annan"), engines[vendor]
        raise BackupError(
            f"{name} är en säkerhetskopia av en {theirs}-databas; installationen använder {ours}."
        )
    if manifest.get("installation") != installation_id():
        raise BackupError(
            f"{name} kommer från en annan installation: dess nyckel för att känna igen personer "
            "(FINSAM_IDENTITY_HASH_KEY) är inte den här installationens. Återställ med installationens "
            "egna nycklar."
        )
    theirs_keys = list(manifest.get("identity_keys") or [])
    ours_keys = set(identity_key_ids())
    if theirs_keys and theirs_keys[0] not in ours_keys:
        raise BackupError(
            f"{name} krypterades med en identitetsnyckel (FINSAM_IDENTITY_KEY) som installationen inte har; "
            "lägg till den nyckeln och försök igen."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    applied = {(app, migration) for app, migration in manifest.get("migrations") or []}
    if unknown := sorted(applied - known):
        raise BackupError(
            f"{name} kommer från en nyare version av Finsam (migreringen {unknown[0][0]}.{unknown[0][1]} "
            "finns inte här); uppgradera först."
        )
    pending = sorted(f"{app}.{migration}" for app, migration in known - applied)
    return pending, sum(1 for key in theirs_keys if key not in ours_keys)


def _check_database_file(vendor: str, database: Path, name: str) -> None:
    if vendor == "sqlite":
        try:
            with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as check:
                (result,) = check.execute("PRAGMA integrity_check").fetchone()
                check.execute("SELECT count(*) FROM django_migrations").fetchone()
        except sqlite3.Error as exc:
            raise BackupError(UNREADABLE.format(name=name)) from exc
        if result != "ok":
            raise BackupError(f"{name} är skadad: SQLite:s kontroll av databasen hittade fel.")
        return
    _run(["pg_restore", "--list", "--file", os.devnull, database], what="Kontrollen av säkerhetskopian")


def database_in_use() -> bool:
    """Whether the database holds data: a user, a förbund or an audit entry (every write leaves one)."""
    tables = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in IN_USE_TABLES:
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608 - a fixed name
                if cursor.fetchone() is not None:
                    return True
    return False


# Everything of the platform's schema, except what belongs to an extension: the tables (their sequences,
# indexes and triggers go with them), views, sequences and functions (the audit log's trigger function).
CLEAR_POSTGRESQL = """
DO $$
DECLARE item record;
BEGIN
    FOR item IN SELECT c.relname, c.relkind FROM pg_class c
                WHERE c.relnamespace = current_schema()::regnamespace
                AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
                ORDER BY c.relkind IN ('r', 'p') DESC LOOP
        EXECUTE format('DROP %s IF EXISTS %I.%I CASCADE',
            CASE item.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                              WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
            current_schema(), item.relname);
    END LOOP;
    FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
                WHERE p.pronamespace = current_schema()::regnamespace
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') LOOP
        EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', item.signature);
    END LOOP;
END $$;
"""


def _replace_database(vendor: str, database: Path, work: Path) -> None:
    connection.close()
    if vendor == "sqlite":
        # The backup API again, into the live file: page by page under SQLite's locks, so that the file is
        # either the old database or the restored one, never half of each.
        timeout = float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 20))
        with (
            closing(sqlite3.connect(database)) as source,
            closing(sqlite3.connect(_sqlite_path(), timeout=timeout)) as target,
        ):
            source.backup(target)
        return
    # pg_restore writes the dump as SQL, and psql runs it after the removal of what the database holds, all
    # in one transaction: a failure anywhere leaves the database as it was.
    script = work / "restore.sql"
    _run(["pg_restore", "--no-owner", "--no-privileges", "--file", script, database], what="pg_restore")
    clear = work / "clear.sql"
    clear.write_text(CLEAR_POSTGRESQL, encoding="utf-8")
    _run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", clear, "-f", script],
        what="Återställningen",
    )


def backup_restore(*, actor: Actor, path: Path, force: bool = False) -> Restored:
    """Replaces the database with the backup at `path`, after checking everything (the file, its checksum,
    that it is this installation's, of this engine and no newer version, that the database is unused
    unless `force`): a refusal changes nothing. The restore is audited in the restored database. The web
    server and the worker should be stopped meanwhile (docs/operations.md)."""
    vendor = _vendor()
    name = path.name
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".finsam-restore-") as tmp:
        work = Path(tmp)
        manifest, database = backup_read(path, work)
        pending, missing_keys = _check_belongs_here(manifest, name)
        _check_database_file(vendor, database, name)
        if not force and database_in_use():
            raise BackupError(
                "Databasen innehåller redan data; återställningen skulle ersätta allt. "
                "Ange --force för att ersätta den."
            )
        _replace_database(vendor, database, work)
    audit.record(
        actor=actor,
        action=AuditAction.BACKUP_RESTORE,
        details={
            "vendor": vendor,
            "created": manifest.get("created"),
            "sha256": manifest["database"]["sha256"],
            "forced": force,
        },
    )
    return Restored(manifest=manifest, pending_migrations=pending, missing_identity_keys=missing_keys)
