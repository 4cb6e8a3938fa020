"""`finsam audit seal` and `finsam audit verify`: the audit chain (core.audit_chain, docs/security.md).

`seal` seals the committed entries not yet in the chain (the worker does it at every heartbeat);
`verify` walks the chain and names every entry changed, removed or inserted behind the application's
back, and exits non-zero when it finds one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsam.core import audit_chain
from finsam.core.checks import startup_check


class Command(BaseCommand):
    help = "Försegla granskningsloggen (seal) eller kontrollera förseglingen (verify)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["seal", "verify"], help="seal eller verify")

    def handle(self, *args: Any, **options: Any) -> None:
        startup_check()
        if options["action"] == "seal":
            count = audit_chain.seal()
            self.stdout.write(f"{count} loggposter förseglade.")
            return
        problems = audit_chain.verify()
        waiting = audit_chain.unsealed_count()
        for problem in problems:
            self.stdout.write(str(problem))
        if problems:
            raise CommandError(f"granskningsloggen stämmer inte med förseglingen: {len(problems)} fel")
        self.stdout.write(
            "Granskningsloggen stämmer med förseglingen."
            + (f" {waiting} nya poster väntar på försegling." if waiting else "")
        )
