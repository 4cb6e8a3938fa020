"""`finsam rotate-identity-keys`: re-encrypt every stored participant identity and scanned consent form
with the first key of FINSAM_IDENTITY_KEY. Put the new key first (`new,old`), run this, then drop the old
key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from finsam.core.access import SYSTEM
from finsam.followup import services
from finsam.followup.identity import IdentityKeyError


class Command(BaseCommand):
    help = "Kryptera om deltagarnas personnummer med den första nyckeln i FINSAM_IDENTITY_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rotated = services.identity_keys_rotate(actor=SYSTEM)
        except IdentityKeyError as exc:
            raise CommandError(
                "ett sparat personnummer eller en inskannad blankett kan inte dekrypteras med någon av "
                "nycklarna i FINSAM_IDENTITY_KEY; inget har ändrats"
            ) from exc
        self.stdout.write(f"Krypterade om {rotated} personnummer.")
