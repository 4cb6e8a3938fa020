"""The demo data of DESIGN §5: the three samordningsförbund of Västerbotten, their members, charters,
boards, directors and member representatives, and one login per role.

Everything is written through the apps' services with the system actor, so the audit log shows
"system" and every rule holds for the demo as it would for a user. Each step is idempotent: it looks
for what an earlier run created and only adds what is missing, so `finsam demo` can run again
(after an upgrade that adds a step, say) without duplicating or failing.

Each app writes its part in its own `demo.py` as a step: a function of the `DemoContext` (core.demo),
which carries the system actor, the associations by key, the demo users by username and a progress
helper for long loops. This module sits above the apps and puts their steps in the order of their
dependencies (the registry first, then users, interventions, budgets, governance, participants); no
app imports it.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from django.conf import settings

from finsam.accounts import two_factor
from finsam.accounts.demo import USERS, users_step
from finsam.core import second_factor
from finsam.core.demo import DemoContext, Step, Writer
from finsam.finance.demo import finance_step
from finsam.followup.demo import participants_step
from finsam.governance.demo import governance_step
from finsam.interventions.demo import interventions_step
from finsam.national.allocation.demo import allocation_step
from finsam.national.conferences.demo import conferences_step
from finsam.national.council.demo import council_step
from finsam.national.handbook.demo import handbook_step
from finsam.national.helpdesk.demo import helpdesk_step
from finsam.registry.demo import ASSOCIATIONS, registry_step

__all__ = [
    "STEPS",
    "DemoContext",
    "Step",
    "build",
    "demo_password",
    "demo_totp_secret",
    "logins",
    "password_path",
    "registry_step",
    "totp_secret_path",
    "users_step",
]

PASSWORD_FILE_NAME = "demo_password"  # noqa: S105 - a file name, not a password
TOTP_SECRET_FILE_NAME = "demo_totp_secret"  # noqa: S105 - a file name, not a secret


def second_factor_step(ctx: DemoContext) -> None:
    """The demo users who must give a second factor get a TOTP app with the demo's secret
    (FINSAM_DEMO_TOTP_SECRET, else generated and kept beside the password), so that one code serves them
    all."""
    secret, _generated = demo_totp_secret()
    for spec in USERS:
        if spec.role in second_factor.REQUIRED_ROLES and spec.username in ctx.users:
            two_factor.totp_set_secret(actor=ctx.actor, user=ctx.users[spec.username], secret=secret)


STEPS: list[Step] = [
    Step("Förbund, medlemmar, förbundsordningar, styrelser", registry_step),
    Step("Användare och roller", users_step),
    Step("Tvåstegsverifiering för demoanvändarna", second_factor_step),
    Step("Insatser", interventions_step),
    Step("Folkmängd, budgetar, utfall och eget kapital", finance_step),
    Step("Möten, medlemssamråd, protokoll och årscykel", governance_step),
    Step("Frågor till arbetsgruppen och publicerade frågor och svar", helpdesk_step),
    Step("Deltagare", participants_step),
    Step("Statlig fördelning till förbunden", allocation_step),
    Step("Nationella rådet, arbetsgruppen och rådets rekommendationer", council_step),
    Step("Konferenser och anmälningar", conferences_step),
    # After the council: the handbook links to the council's recommendations.
    Step("Handbok för finansiell samordning", handbook_step),
]


# --- running it ---------------------------------------------------------------------------------


def password_path() -> Path:
    return Path(settings.DATA_DIR) / PASSWORD_FILE_NAME


def demo_password() -> tuple[str, bool]:
    """(password, generated): FINSAM_DEMO_PASSWORD if set, else one generated on the first run and kept
    in the data directory (mode 0600) so that later runs print the same."""
    if settings.DEMO_PASSWORD:
        return settings.DEMO_PASSWORD, False
    path = password_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(12) + "\n")
    return path.read_text(encoding="utf-8").strip(), True


def totp_secret_path() -> Path:
    return Path(settings.DATA_DIR) / TOTP_SECRET_FILE_NAME


def demo_totp_secret() -> tuple[str, bool]:
    """(base32 secret, generated): FINSAM_DEMO_TOTP_SECRET if set, else one generated on the first run (160
    bits) and kept in the data directory (mode 0600), so that later runs print the same."""
    if settings.DEMO_TOTP_SECRET:
        return settings.DEMO_TOTP_SECRET, False
    path = totp_secret_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(base64.b32encode(secrets.token_bytes(20)).decode("ascii") + "\n")
    return path.read_text(encoding="utf-8").strip(), True


def build(
    *, out: Writer, password: str, show_progress: bool | None = None, steps: list[Step] | None = None
) -> DemoContext:
    ctx = DemoContext(password=password, out=out, show_progress=show_progress)
    todo = STEPS if steps is None else steps
    for number, step in enumerate(todo, start=1):
        out.write(f"[{number}/{len(todo)}] {step.title}\n")
        step.run(ctx)
    return ctx


def logins(ctx: DemoContext) -> list[tuple[str, str, str]]:
    """(username, role label, association name or "nationell") for the final listing."""
    names = {
        spec.key: ctx.associations[spec.key].name for spec in ASSOCIATIONS if spec.key in ctx.associations
    }
    return [
        (
            spec.username,
            str(spec.role.label),
            names.get(spec.association, "") if spec.association else "nationell",
        )
        for spec in USERS
    ]


def second_factor_logins() -> list[tuple[str, str]]:
    """(username, role) of the demo users who must give a second factor."""
    return [(spec.username, str(spec.role)) for spec in USERS if spec.role in second_factor.REQUIRED_ROLES]
