"""`finsam import-registry FILE [--styrelse FILE]`: the registry of every förbund from a CSV or Excel file
(docs/registry-import.md), all or nothing.

The file is checked first, cell by cell; then the förbund are written through the registry's services in
one transaction. If one row is refused, the rows in error are listed on standard error (sheet, row, column,
message; `--report FILE.csv` writes all of them), nothing is stored and the exit status is 1.
`--kontrollera` checks everything, the registry's rules included, and stores nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from finsam.core.access import SYSTEM
from finsam.core.tabular import ImportFileError, RowError, report_csv
from finsam.registry import onboarding, services

SHOWN_ERRORS = 100


class Command(BaseCommand):
    help = (
        "Läser in samordningsförbunden med medlemmar och styrelse från en CSV- eller Excelfil "
        "(allt eller inget)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            help="CSV-fil (UTF-8, semikolon eller komma) eller Excelfil (.xlsx) med bladen Förbund och "
            "Styrelse",
        )
        parser.add_argument(
            "--styrelse", help="CSV-fil med styrelseplatserna (bredvid en CSV-fil med förbunden)"
        )
        parser.add_argument(
            "--kontrollera",
            "--dry-run",
            dest="dry_run",
            action="store_true",
            help="kontrollera filen mot registrets regler utan att spara något",
        )
        parser.add_argument("--report", help="skriv alla fel till den här CSV-filen")
        parser.add_argument(
            "--progress",
            action="store_true",
            help="visa förloppsindikator även när standard error inte är en terminal",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        board = Path(options["styrelse"]) if options.get("styrelse") else None
        disable = False if options["progress"] else not sys.stderr.isatty()
        try:
            result = onboarding.read(path, board=board)
        except ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc.message}") from exc
        if result.errors:
            self._report(path, result.errors, options.get("report"))
            raise CommandError(
                f"{path.name}: ingenting har lästs in; {len(result.errors)} fel på "
                f"{len({(e.sheet, e.row) for e in result.errors})} rader."
            )
        try:
            with tqdm(
                total=len(result.associations), desc="Förbund", unit="förbund", leave=False, disable=disable
            ) as bar:
                summary = services.registry_import(
                    actor=SYSTEM,
                    associations=result.associations,
                    dry_run=options["dry_run"],
                    progress=lambda done: bar.update(done - bar.n),
                )
        except services.RegistryImportRefused as exc:
            errors = onboarding.as_report(exc.errors)
            self._report(path, errors, options.get("report"))
            raise CommandError(
                f"{path.name}: ingenting har lästs in; {len(errors)} fel på "
                f"{len({(e.sheet, e.row) for e in errors})} rader."
            ) from exc
        verb = "skulle skapas" if summary.dry_run else "har skapats"
        if summary.created:
            self.stdout.write(
                f"{len(summary.created)} förbund {verb} med {summary.members} medlemskap, "
                f"{summary.seats} styrelseplatser och {summary.people} personer; "
                f"{len(summary.unchanged)} fanns redan och är oförändrade."
            )
        else:
            self.stdout.write(
                f"Inga nya förbund; alla {len(summary.unchanged)} i filen fanns redan och är oförändrade."
            )
        for name, missing in summary.warnings.items():
            self.stdout.write(f"Varning (R-MEMBERS): {name} saknar {', '.join(missing)} som medlem i dag.")
        if summary.dry_run:
            self.stdout.write("Kontrollen är klar; ingenting har sparats.")

    def _report(self, path: Path, errors: list[RowError], report: str | None) -> None:
        for error in errors[:SHOWN_ERRORS]:
            column = f", {error.column}" if error.column else ""
            self.stderr.write(f"{path.name}: {error.sheet} rad {error.row}{column}: {error.message}")
        if report:
            try:
                with Path(report).open("w", encoding="utf-8-sig", newline="") as out:
                    report_csv(errors, out)
            except OSError as exc:
                raise CommandError(f"{report}: rapporten kan inte skrivas ({exc.strerror}).") from exc
            self.stderr.write(f"{path.name}: alla {len(errors)} fel finns i {report}.")
        elif len(errors) > SHOWN_ERRORS:
            self.stderr.write(
                f"{path.name}: och {len(errors) - SHOWN_ERRORS} fel till; skriv alla med --report FIL.csv."
            )
