"""`finsam import-support-measure FILE`: the försörjningsmått per municipality and year (R-STATE-MODEL).

All or nothing: a wrong header refuses the file with one message; otherwise every row is checked, the rows
in error are listed (line and field named) and nothing is stored. The format is described in
finsam.finance.support_measure_csv and docs/finance.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.finance import services

MAX_FILE_BYTES = 5 * 1024 * 1024


class Command(BaseCommand):
    help = "Läser in försörjningsmått per kommun och år från en CSV-fil (allt eller inget)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV-fil med kolumnerna kommunkod;år;försörjningsmått")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(
                    f"{path.name}: filen är större än 5 MB; det är ingen tabell över försörjningsmått."
                )
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise CommandError(f"{path}: filen finns inte.") from exc
        except IsADirectoryError as exc:
            raise CommandError(f"{path}: är en katalog, inte en fil.") from exc
        except PermissionError as exc:
            raise CommandError(f"{path}: filen kan inte läsas (behörighet saknas).") from exc
        try:
            counts = services.support_measure_import(actor=SYSTEM, data=data)
        except RuleViolation as exc:
            for violation in exc.violations[1:]:
                self.stderr.write(f"{path.name}: {violation.message}")
            raise CommandError(f"{path.name}: {exc.violations[0].message}") from exc
        self.stdout.write(
            f"{counts['rows']} värden för försörjningsmått per kommun och år har lästs in, "
            f"varav {counts['changed']} nya eller ändrade."
        )
