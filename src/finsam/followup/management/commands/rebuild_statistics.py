"""`finsam rebuild-statistics [--check]`: recompute the statistics' summary tables from the participations
and report every difference.

The summaries are kept current by every write (docs/architecture.md), so a run normally finds nothing
and exits 0. When cells differ, it says how many per summary, sets them right (unless `--check`, which
only reports) and exits 1, so that a scheduled run makes the difference seen. Audited as a system action.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from finsam.core.access import SYSTEM
from finsam.followup import services


class Command(BaseCommand):
    help = "Räkna om statistikens sammanställningar från deltagandena och rapportera skillnader."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="rapportera skillnaderna utan att rätta dem")

    def handle(self, *args: Any, **options: Any) -> None:
        fix = not options["check"]
        differences = services.statistics_rebuild(actor=SYSTEM, fix=fix)
        if not differences:
            self.stdout.write("Sammanställningarna stämmer med deltagandena.")
            return
        listed = ", ".join(f"{name}: {count}" for name, count in sorted(differences.items()))
        done = "rättade" if fix else "inte rättade (--check)"
        raise CommandError(
            f"{sum(differences.values())} celler skilde sig från deltagandena ({listed}); {done}."
        )
