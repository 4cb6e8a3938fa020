"""`finsam demo`: migrate the database and create the demo data (idempotent), then list the logins."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from finsam import demo
from finsam.core.access import SYSTEM
from finsam.core.checks import startup_check
from finsam.core.errors import RuleViolation
from finsam.registry import selectors as registry_selectors


class Command(BaseCommand):
    help = "Skapar databasen och demodata (Västerbottens tre samordningsförbund). Kan köras flera gånger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-progress", action="store_true", help="visa inga förloppsindikatorer (för loggar)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # An existing database with keys that cannot read it (a data directory started empty): stop here,
        # before anything is written with new keys.
        startup_check()
        self.stdout.write("Databasen migreras …")
        call_command("migrate", interactive=False, verbosity=0)
        password, generated = demo.demo_password()
        try:
            ctx = demo.build(
                out=self.stdout, password=password, show_progress=False if options["no_progress"] else None
            )
        except RuleViolation as exc:
            raise CommandError(f"demodata bryter mot en regel: {exc}") from exc

        summary = (
            registry_selectors.association_list(user=SYSTEM)
            .filter(pk__in=[a.pk for a in ctx.associations.values()])
            .annotate(
                member_count=Count("members", distinct=True), seat_count=Count("board_seats", distinct=True)
            )
            .order_by("name")
        )
        self.stdout.write("\nDemodata klar:")
        for association in summary:
            self.stdout.write(
                f"  {association.name}: {association.member_count} medlemmar, "
                f"{association.seat_count} styrelseplatser"
            )
        self.stdout.write("")
        rows = demo.logins(ctx)
        width = max(len(username) for username, _, _ in rows) + 2
        role_width = max(len(role) for _, role, _ in rows) + 2
        self.stdout.write("Demoinloggningar:")
        for username, role, where in rows:
            self.stdout.write(f"  {username:<{width}}{role:<{role_width}}{where}")
        if generated:
            self.stdout.write(f"\nLösenord för alla demoanvändare: {password}")
            self.stdout.write(f"(sparat i {demo.password_path()}; sätt FINSAM_DEMO_PASSWORD för ett eget)")
        else:
            self.stdout.write("\nLösenord för alla demoanvändare: värdet av FINSAM_DEMO_PASSWORD")
        secret, secret_generated = demo.demo_totp_secret()
        required = ", ".join(username for username, role in demo.second_factor_logins())
        self.stdout.write(f"\nTvåstegsverifiering (TOTP) krävs för: {required}")
        if secret_generated:
            self.stdout.write(f"Deras TOTP-nyckel (base32), att läsa in i en app: {secret}")
            self.stdout.write(
                f"(sparad i {demo.totp_secret_path()}; sätt FINSAM_DEMO_TOTP_SECRET för en egen)"
            )
        else:
            self.stdout.write("Deras TOTP-nyckel (base32): värdet av FINSAM_DEMO_TOTP_SECRET")
        bind = os.environ.get("FINSAM_BIND", "127.0.0.1:8000")
        self.stdout.write(f"Webbservern startas med `finsam serve`: http://{bind}/")
