"""`finsam restore FILE [--force]`: replaces the database with a backup of this installation, after
checking it whole (core.recovery; docs/operations.md, "Backup and recovery"). A refused restore changes
nothing. Audited as "system", in the restored database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsam.core import recovery
from finsam.core.access import SYSTEM


class Command(BaseCommand):
    help = "Återställer databasen från en säkerhetskopia av den här installationen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="säkerhetskopian (från finsam backup)")
        parser.add_argument(
            "--force", action="store_true", help="ersätt en databas som redan innehåller data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            restored = recovery.backup_restore(actor=SYSTEM, path=path, force=options["force"])
        except recovery.BackupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Databasen är återställd från {path} ({restored.manifest['created']}).")
        if restored.pending_migrations:
            self.stdout.write(
                f"Säkerhetskopian saknar {len(restored.pending_migrations)} migreringar av den här "
                "versionen: kör finsam manage migrate innan servern startas."
            )
        if restored.missing_identity_keys:
            self.stderr.write(
                f"Varning: {restored.missing_identity_keys} av säkerhetskopians äldre identitetsnycklar "
                "finns inte i FINSAM_IDENTITY_KEY; identiteter som ännu var krypterade med dem kan inte "
                "läsas."
            )
