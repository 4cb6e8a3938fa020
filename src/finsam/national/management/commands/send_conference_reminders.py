"""`finsam send-conference-reminders`: the daily run of the conference reminders. Idempotent: a
registration already reminded is not reminded again. With --enqueue the run is queued for `finsam worker`
instead (what the daily timer does)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsam.core.access import SYSTEM
from finsam.national.conferences import services, tasks


class Command(BaseCommand):
    help = "Skicka påminnelser till dem som har plats på en kommande konferens (kör dagligen)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Kör som om det vore den dagen (ÅÅÅÅ-MM-DD).")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Lägg körningen i kön åt finsam worker i stället för att köra den nu.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options.get("date"):
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"ogiltigt datum {options['date']!r}: ange ÅÅÅÅ-MM-DD") from exc
        if options.get("enqueue"):
            queued = tasks.send_reminders.enqueue(day.isoformat() if day else None)
            self.stdout.write(
                f"Konferenspåminnelserna ligger i kön åt finsam worker (uppgift {queued.id}).\n"
            )
            return
        run = services.reminders_send(actor=SYSTEM, day=day)
        self.stdout.write(f"Konferenspåminnelser: {run.sent} skickade, {run.failed} misslyckade.\n")
        if run.failed:
            raise CommandError(
                f"{run.failed} påminnelser kunde inte skickas; de försöks igen vid nästa körning"
            )
