"""`finsam import-participants FILE --association ID`: participants with one participation each, from a
CSV or Excel file (columns in docs/import.md), all or nothing.

The file is read once: every row is checked, and the good rows are written as they come in one
transaction while no row is in error. If one is, the writing stops, the rest is still checked, the
transaction is rolled back (nothing is stored) and the errors are listed on standard error (row, column,
message; `--report FILE.csv` writes all of them). Progress bars go to standard error when it is a
terminal (or with --progress); the rows are counted for them first.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from tqdm import tqdm

from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.imports import importing
from finsam.registry import selectors as registry_selectors

SHOWN_ERRORS = 100


class Command(BaseCommand):
    help = "Läser in deltagare med ett deltagande var från en CSV- eller Excelfil (allt eller inget)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV-fil (UTF-8, semikolon eller komma) eller Excelfil (.xlsx)")
        parser.add_argument("--association", type=int, required=True, help="förbundets id")
        parser.add_argument("--report", help="skriv alla fel till den här CSV-filen")
        parser.add_argument(
            "--progress",
            action="store_true",
            help="visa förloppsindikator även när standard error inte är en terminal",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            association = registry_selectors.association_get(
                user=SYSTEM, association_id=options["association"]
            )
        except Http404 as exc:
            raise CommandError(f"det finns inget förbund med id {options['association']}.") from exc
        disable = False if options["progress"] else not sys.stderr.isatty()
        try:
            source = importing.ImportFile(path)
            total = None if disable else source.count()
            context = importing.context_for(actor=SYSTEM, association=association)
            # One reading of the file: each row checked, and written while no row is in error (one
            # transaction, rolled back if any row is); the second bar counts the rows written.
            with (
                tqdm(total=total, desc="Kontrollerar", unit="rad", leave=False, disable=disable) as checked,
                tqdm(total=total, desc="Sparar", unit="rad", leave=False, disable=disable) as written,
            ):
                loaded = importing.load(
                    source,
                    actor=SYSTEM,
                    context=context,
                    checked=lambda done: checked.update(done - checked.n),
                    written=lambda done: written.update(done - written.n),
                )
        except importing.ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc.message}") from exc
        except RuleViolation as exc:
            raise CommandError(f"{path.name}: ingenting har lästs in; {exc.message}") from exc
        if loaded.errors:
            self._report(path, loaded.errors, options.get("report"))
            if loaded.more:
                raise CommandError(
                    f"{path.name}: ingenting har lästs in; kontrollen avbröts efter {len(loaded.errors)} fel "
                    f"på de första {loaded.rows} raderna, och filen kan ha fler."
                )
            raise CommandError(
                f"{path.name}: ingenting har lästs in; {len(loaded.errors)} fel på "
                f"{len({e.row for e in loaded.errors})} av {loaded.rows} rader."
            )
        counts = loaded.counts
        assert counts is not None
        anonymous = counts["anonymous"] + counts["protected"]
        self.stdout.write(
            f"{counts['participants']} deltagare har lästs in i {association.name} "
            f"({counts['identified']} med personnummer, {anonymous} anonyma), "
            f"varav {counts['exited']} med avslutat deltagande."
        )

    def _report(self, path: Path, errors: list[importing.RowError], report: str | None) -> None:
        for error in errors[:SHOWN_ERRORS]:
            column = f", {error.column}" if error.column else ""
            self.stderr.write(f"{path.name}: rad {error.row}{column}: {error.message}")
        if report:
            try:
                with Path(report).open("w", encoding="utf-8-sig", newline="") as out:
                    importing.report_csv(errors, out)
            except OSError as exc:
                raise CommandError(f"{report}: rapporten kan inte skrivas ({exc.strerror}).") from exc
            self.stderr.write(f"{path.name}: alla {len(errors)} fel finns i {report}.")
        elif len(errors) > SHOWN_ERRORS:
            self.stderr.write(
                f"{path.name}: och {len(errors) - SHOWN_ERRORS} fel till; skriv alla med --report FIL.csv."
            )
