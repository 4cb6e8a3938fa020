"""Start-up checks of the keys (docs/security.md, "Keys"): the platform refuses to run with keys that
cannot read the data it holds. Registered as Django system checks under the tag KEYS, and run by
`startup_check` where a command or the web server starts (Django runs no system checks under gunicorn
or through `call_command`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from finsam.core import keys

KEYS = "finsam_keys"


@checks.register(KEYS)
def audit_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if keys.mismatch("audit", [settings.AUDIT_KEY]):
        return [
            checks.Error(
                "FINSAM_AUDIT_KEY är inte nyckeln som granskningsloggen är förseglad med: kedjan kan inte "
                "kontrolleras eller förlängas. Återställ nyckeln från säkerhetskopian.",
                id="finsam.E002",
            )
        ]
    return []


def startup_check() -> None:
    """Raises ImproperlyConfigured, naming each problem, when a key does not fit the stored data."""
    errors = [message for message in checks.run_checks(tags=[KEYS]) if message.level >= checks.ERROR]
    if errors:
        raise ImproperlyConfigured(" ".join(f"[{m.id}] {m.msg}" for m in errors))
