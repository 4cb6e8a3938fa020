"""`finsam grant-role USERNAME ROLE [--association ID] [--create]`: the way to give the first national
administrator (and anyone else) a role from the command line. Audited as "system".

The operator at the server acts as the system actor, the one exception to the role rules
(accounts/rules.py): it may grant any role, also a förbund's first coordinator, which on the site only the
förbund's own director may give (docs/security.md, "Roles")."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from finsam.accounts import services
from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.core.roles import Role
from finsam.registry import selectors as registry_selectors


class Command(BaseCommand):
    help = "Ge en användare en roll (nationella roller utan förbund, övriga med --association)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--association", type=int, help="förbundets id (för förbundsroller)")
        parser.add_argument(
            "--create",
            action="store_true",
            help="skapa användaren om den saknas (lösenord sätts via återställning)",
        )
        parser.add_argument("--email", default="", help="e-postadress för en ny användare")

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model()
        user = users.objects.filter(username=options["username"]).first()
        if user is None:
            if not options["create"]:
                raise CommandError(f"Användaren {options['username']} finns inte (lägg till --create).")
            user = users.objects.create_user(username=options["username"], email=options["email"])
            user.set_unusable_password()
            user.save(update_fields=["password"])
        association = None
        if options["association"] is not None:
            try:
                association = registry_selectors.association_get(
                    user=SYSTEM, association_id=options["association"]
                )
            except Http404 as exc:
                raise CommandError(f"Förbund {options['association']} finns inte.") from exc
        try:
            services.role_grant(actor=SYSTEM, user=user, role=options["role"], association=association)
        except RuleViolation as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{user.get_username()} har rollen {options['role']}"
            + (f" i {association.name}" if association else "")
        )
