"""`finsam purge-identities [--today YYYY-MM-DD]`: remove the participant identities whose retention
period (FINSAM_IDENTITY_RETENTION_YEARS after the last exit) has passed.

Run it daily, or queue it daily for `finsam worker` with --enqueue (what the daily timer does). It is
idempotent: a second run the same day removes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from finsam.core.access import SYSTEM
from finsam.followup import services, tasks


class Command(BaseCommand):
    help = "Ta bort personnummer för deltagare vars lagringstid efter sista avslut har gått ut."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="dagens datum (ÅÅÅÅ-MM-DD), standard: i dag")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="lägg rensningen i kön åt finsam worker i stället för att göra den nu",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(
                    f"--today ska vara ett datum ÅÅÅÅ-MM-DD, inte {options['today']!r}"
                ) from exc
        if options.get("enqueue"):
            queued = tasks.purge_identities.enqueue(today.isoformat() if options["today"] else None)
            self.stdout.write(f"Rensningen ligger i kön åt finsam worker (uppgift {queued.id}).")
            return
        removed = services.participant_identities_purge(actor=SYSTEM, today=today)
        self.stdout.write(
            f"Tog bort {removed} personnummer "
            f"(lagringstid {settings.IDENTITY_RETENTION_YEARS} år efter sista avslut)."
        )
