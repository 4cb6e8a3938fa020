"""`finsam import-population FILE`: SCB's population per municipality and year, from a CSV export.

All or nothing: every row is checked first; if one cannot be used, the rows in error are listed (one
line each, with the line number) and nothing is stored. The accepted formats are described in
finsam.finance.population_csv and docs/finance.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.finance import population_csv, services
from finsam.registry import selectors as registry_selectors

if TYPE_CHECKING:
    pass

MAX_FILE_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = "Läser in SCB:s folkmängd per kommun och år från en CSV-fil (allt eller inget)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV-fil exporterad från SCB:s statistikdatabas")
        parser.add_argument(
            "--progress",
            action="store_true",
            help="visa förloppsindikator även när utdata inte är en terminal",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{path.name}: filen är större än 50 MB; det är ingen befolkningstabell.")
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise CommandError(f"{path}: filen finns inte.") from exc
        except IsADirectoryError as exc:
            raise CommandError(f"{path}: är en katalog, inte en fil.") from exc
        except PermissionError as exc:
            raise CommandError(f"{path}: filen kan inte läsas (behörighet saknas).") from exc
        try:
            parsed = population_csv.parse(
                data, known_codes=registry_selectors.municipalities().values_list("code", flat=True)
            )
        except population_csv.PopulationFileError as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        if parsed.errors:
            for error in parsed.errors:
                self.stderr.write(f"{path.name}: {error}")
            more = " (visar de första)" if len(parsed.errors) >= population_csv.MAX_ERRORS else ""
            raise CommandError(
                f"{path.name}: ingenting har lästs in; {len(parsed.errors)} rader har fel{more}."
            )
        disable = False if options["progress"] else not getattr(self.stdout, "isatty", lambda: False)()
        figures = [
            services.PopulationFigure(
                code=f.code, year=f.year, population=f.population, population_16_64=f.population_16_64
            )
            for f in parsed.figures
        ]

        def progress(batches: Any) -> Any:
            return tqdm(batches, desc="Folkmängd", unit="omgång", leave=False, disable=disable)

        try:
            counts = services.population_import(actor=SYSTEM, figures=figures, progress=progress)
        except RuleViolation as exc:
            raise CommandError(f"{path.name}: {exc.message}") from exc
        years = sorted({f.year for f in figures})
        span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
        skipped = f"; {parsed.skipped} rader för riket eller län hoppades över" if parsed.skipped else ""
        with_ages = sum(1 for f in figures if f.population_16_64 is not None)
        aged = f"; folkmängden 16–64 år för {with_ages} av dem" if with_ages else ""
        self.stdout.write(
            f"{counts['rows']} värden för folkmängd per kommun och år ({span}) har lästs in, "
            f"varav {counts['changed']} nya eller ändrade{skipped}{aged}."
        )
        for note in parsed.notes[: population_csv.MAX_ERRORS]:
            self.stdout.write(f"{path.name}: {note}")
