"""`finsam send-reminders`: the daily reminder run of the annual cycle. Idempotent: a reminder already
sent (or being sent by another run) is not sent again. With --enqueue the run is queued for `finsam worker`
instead (what the daily timer does)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsam.core.access import SYSTEM
from finsam.governance import services, tasks


class Command(BaseCommand):
    help = "Skicka årscykelns påminnelser före och efter varje sista dag (kör dagligen)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            help="Kör som om det vore den dagen (ÅÅÅÅ-MM-DD), till exempel för att ta igen en missad dag.",
        )
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
            self.stdout.write(f"Påminnelserna ligger i kön åt finsam worker (uppgift {queued.id}).\n")
            return
        run = services.reminders_send(actor=SYSTEM, day=day)
        self.stdout.write(
            f"Påminnelser: {run.sent} skickade, {run.already} redan skickade, {run.failed} misslyckade.\n"
        )
        if run.failed:
            raise CommandError(
                f"{run.failed} påminnelser kunde inte skickas; de försöks igen vid nästa körning"
            )
