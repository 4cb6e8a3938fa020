"""`finsam synth --scale S --seed N`: national data for benchmarks on an empty database (see finsam.synth)."""

from __future__ import annotations

import time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from finsam import synth
from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.core.synth import YEARS
from finsam.registry import selectors as registry_selectors

MAX_SCALE = Decimal(100)


def _scale(value: str) -> float:
    try:
        scale = Decimal(value)
    except InvalidOperation as exc:
        raise CommandError(f"--scale ska vara ett tal, till exempel 0.1 eller 1 (fick {value!r})") from exc
    if not scale.is_finite() or not 0 < scale <= MAX_SCALE:
        raise CommandError(f"--scale ska vara större än 0 och högst {MAX_SCALE} (fick {value})")
    return float(scale)


class Command(BaseCommand):
    help = (
        "Bygger nationella syntetiska data på en tom databas: 75 förbund, 1 100 insatser och 20 års "
        "deltaganden (35 000 × skala om året), med budgetar och utfall. Samma frö ger samma data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", default="1", help="skala för deltagandena (1 = 35 000 om året)")
        parser.add_argument("--seed", type=int, default=1, help="slumpfrö (samma frö ger samma data)")
        parser.add_argument(
            "--last-year",
            type=int,
            default=None,
            help="det sista av de 20 åren (standard: förra året)",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="visa inga förloppsindikatorer (för loggar)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = _scale(str(options["scale"]))
        this_year = timezone.localdate().year
        last_year = options["last_year"] or this_year - 1
        if not 2004 + YEARS - 1 <= last_year < this_year:
            raise CommandError(
                f"--last-year ska vara ett avslutat år från {2004 + YEARS - 1} (fick {last_year})"
            )
        call_command("migrate", interactive=False, verbosity=0)
        if registry_selectors.association_list(user=SYSTEM).exists():
            raise CommandError(
                "databasen innehåller redan samordningsförbund; syntetiska data byggs bara i en tom databas"
            )
        started = time.monotonic()
        try:
            ctx = synth.build(
                seed=options["seed"],
                scale=scale,
                last_year=last_year,
                out=self.stdout,
                show_progress=False if options["no_progress"] else None,
            )
        except RuleViolation as exc:
            raise CommandError(f"syntetiska data bryter mot en regel: {exc}") from exc
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Klart på {seconds:.0f} s: {len(ctx.associations)} förbund, "
            f"{sum(len(a.interventions) for a in ctx.associations)} insatser, "
            f"{ctx.participations_per_year * len(ctx.years)} deltaganden {ctx.years[0]}–{ctx.years[-1]}"
        )
