"""`finsam import-participants FILE --association ID`: participants with one participation each, from a
CSV or Excel file (columns in docs/import.md), all or nothing.

Every row is checked first; if one is in error, the errors are listed on standard error (row, column,
message; `--report FILE.csv` writes all of them) and nothing is stored. Progress bars go to standard
error when it is a terminal (or with --progress).
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
            total = source.count()
            context = importing.context_for(actor=SYSTEM, association=association)
            with tqdm(total=total, desc="Kontrollerar", unit="rad", leave=False, disable=disable) as bar:
                rows, errors = importing.validate(
                    source, context=context, progress=lambda done: bar.update(done - bar.n)
                )
        except importing.ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc.message}") from exc
        if errors:
            self._report(path, errors, options.get("report"))
            raise CommandError(
                f"{path.name}: ingenting har lästs in; {len(errors)} fel på "
                f"{len({e.row for e in errors})} av {rows} rader."
            )
        try:
            with tqdm(total=rows, desc="Sparar", unit="rad", leave=False, disable=disable) as bar:
                counts = importing.write(
                    source, actor=SYSTEM, context=context, progress=lambda done: bar.update(done - bar.n)
                )
        except (importing.ImportFileError, RuleViolation) as exc:
            raise CommandError(f"{path.name}: ingenting har lästs in; {exc.message}") from exc
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
