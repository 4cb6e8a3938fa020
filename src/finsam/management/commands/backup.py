"""`finsam backup FILE`: one consistent snapshot of the database with a manifest, without the keys
(core.recovery; docs/operations.md, "Backup and recovery"). Audited as "system"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsam.core import recovery
from finsam.core.access import SYSTEM


class Command(BaseCommand):
    help = "Säkerhetskopierar databasen till FIL (utan nycklarna, som säkerhetskopieras för sig)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="säkerhetskopians fil (finns inte redan), t.ex. finsam-2026-12-07.tar.gz"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            manifest = recovery.backup_create(actor=SYSTEM, path=path)
        except recovery.BackupError as exc:
            raise CommandError(exc.message) from exc
        size = path.stat().st_size
        self.stdout.write(
            f"Säkerhetskopian {path} är skriven ({size:,} byte, {manifest['database']['vendor']}, "
            f"{manifest['created']}). Nycklarna ingår inte: säkerhetskopiera dem för sig.".replace(",", " ")
        )
