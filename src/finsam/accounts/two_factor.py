"""The second factor: a TOTP app (django-otp's TOTPDevice) and one-time recovery codes (its StaticDevice).

Who must give one, and how a session records that it did, is core.second_factor. Here: setting up the app
(a new secret, confirmed by a first code), checking a code given at sign-in or to the API's token
endpoint, and the recovery codes (shown once; each works once; new ones after the password is confirmed).

A wrong code changes nothing but the device's failure count: django-otp then refuses every code for 1, 2,
4, 8 … seconds after each failure in a row (OTP_TOTP_THROTTLE_FACTOR, OTP_STATIC_THROTTLE_FACTOR), whatever
the password sign-ins meanwhile, and a code of a time step already used is refused (TOTPDevice.last_t).
"""

from __future__ import annotations

import re
import secrets
from base64 import b32decode, b32encode
from binascii import hexlify, unhexlify
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from finsam.accounts.audit_actions import AuditAction
from finsam.core import audit, second_factor
from finsam.core.errors import RuleViolation

RECOVERY_CODE_COUNT = 10
# Letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10
DEVICE_NAME = "Finsam"

TOTP_PATTERN = re.compile(r"^[0-9]{6}$")


# --- reads ---------------------------------------------------------------------------------------------


def totp_device(*, user: Any) -> TOTPDevice | None:
    """The user's confirmed TOTP app, or None."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()


def has_totp(*, user: Any) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def recovery_codes_left(*, user: Any) -> int:
    return StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count()


def secret_of(device: TOTPDevice) -> str:
    """The secret as the apps take it typed in: base32, in groups of four."""
    text = b32encode(unhexlify(device.key)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def recovery_code_shown(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _normalised(code: str | None) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


# --- setting up the app ------------------------------------------------------------------------------


@transaction.atomic
def totp_pending_device(*, user: Any) -> TOTPDevice:
    """The app being set up: an unconfirmed device with a new secret, kept until it is confirmed (so that
    the page shows the same secret when loaded again). None is made for a user who already has an app."""
    if has_totp(user=user):
        raise RuleViolation("R-OTP", _("Tvåstegsverifiering är redan inställd för kontot."), "otp")
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_confirm(*, request: HttpRequest, code: str) -> list[str]:
    """The first code from the app: right, and the app is set up, this session has given its second factor
    and the user gets their recovery codes (returned, to be shown once). Wrong: RuleViolation, nothing
    changes but the device's failure count (kept: the refusal is raised after the transaction)."""
    user: Any = request.user
    with transaction.atomic():
        if has_totp(user=user):
            raise RuleViolation("R-OTP", _("Tvåstegsverifiering är redan inställd för kontot."), "otp")
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user_id=user.pk, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise RuleViolation("R-OTP", _("Ladda sidan igen och läs in den nya koden i appen."), "otp")
        refusal = _check_totp(device, _normalised(code))
        if refusal is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
            audit.record(actor=user, action=AuditAction.SECOND_FACTOR_SETUP, target=user)
            codes = recovery_codes_create(actor=user)
    if refusal is not None:
        raise refusal
    _given(request, device, second_factor.TOTP)
    return codes


# --- recovery codes -------------------------------------------------------------------------------------


@transaction.atomic
def recovery_codes_create(*, actor: Any) -> list[str]:
    """New recovery codes for the actor; the old ones stop working. Returned once, never shown again."""
    device, _created = StaticDevice.objects.get_or_create(
        user_id=actor.pk, name=DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    device.throttle_reset(commit=False)
    device.confirmed = True
    device.save()
    audit.record(
        actor=actor,
        action=AuditAction.RECOVERY_CODES_CREATE,
        target=actor,
        details={"count": RECOVERY_CODE_COUNT},
    )
    return [recovery_code_shown(code) for code in codes]


# --- checking a code ---------------------------------------------------------------------------------


def _throttled_message(device: Any) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until = (data or {}).get("locked_until")
    if until is None:
        return _("För många felaktiga koder i rad. Vänta en stund och försök igen.")
    return _("För många felaktiga koder i rad. Vänta till %(time)s och försök igen.") % {
        "time": time_format(timezone.localtime(until), "H:i:s")
    }


def _throttled(device: Any) -> RuleViolation | None:
    """The refusal of any code while the device waits out its failures in a row, or None."""
    message = _throttled_message(device)
    return None if message is None else RuleViolation("R-OTP", message, "otp")


@contextmanager
def _locked_device(model: type[Device], *, user: Any, missing: RuleViolation) -> Iterator[Any]:
    """The user's confirmed device of the kind, locked until the block ends, in a transaction: two tries at
    once are then checked one after the other and both counted, so the throttling holds. `missing` is
    raised when the user has none."""
    with transaction.atomic():
        device = (
            model.objects.select_for_update().filter(user_id=user.pk, confirmed=True).order_by("pk").first()
        )
        if device is None:
            raise missing
        yield device


def _check_totp(device: TOTPDevice, code: str) -> RuleViolation | None:
    """None for a right code (the device then remembers its time step); the refusal otherwise, to be raised
    once the device's failure count is saved."""
    refusal = _throttled(device)
    if refusal is not None:
        return refusal
    if TOTP_PATTERN.match(code) and device.verify_token(code):
        return None
    if not TOTP_PATTERN.match(code):
        device.throttle_increment()
    return RuleViolation(
        "R-OTP",
        _(
            "Koden stämmer inte eller har redan använts. Ange den sexsiffriga kod som appen visar nu "
            "(en ny kod kommer var 30:e sekund)."
        ),
        "otp",
    )


def verify(*, user: Any, code: str | None) -> str:
    """Checks a second factor given with the password: a code from the app, or a recovery code (which is
    then used up, and the use audited). Returns how ("totp" or "recovery"). RuleViolation: none given
    (R-OTP-REQUIRED), no app set up (R-OTP-SETUP), or wrong, reused or throttled (R-OTP)."""
    given = _normalised(code)
    if not given:
        raise RuleViolation(
            "R-OTP-REQUIRED",
            _("Ange koden från din app för tvåstegsverifiering, eller en reservkod."),
            "otp",
        )
    not_set_up = RuleViolation(
        "R-OTP-SETUP",
        _("Tvåstegsverifiering är inte inställd för kontot. Logga in på webbplatsen och ställ in den."),
        "otp",
    )
    with _locked_device(TOTPDevice, user=user, missing=not_set_up) as device:
        refusal = _check_totp(device, given) if TOTP_PATTERN.match(given) else None
    if TOTP_PATTERN.match(given):
        if refusal is not None:
            raise refusal
        return second_factor.TOTP
    _use_recovery_code(user=user, code=given)
    return second_factor.RECOVERY


def _use_recovery_code(*, user: Any, code: str) -> None:
    wrong = RuleViolation(
        "R-OTP",
        _("Reservkoden stämmer inte eller har redan använts. Varje reservkod fungerar en gång."),
        "otp",
    )
    with _locked_device(StaticDevice, user=user, missing=wrong) as device:
        throttled = _throttled(device)
        if throttled is not None:
            raise throttled
        if len(code) == RECOVERY_LENGTH:
            used = device.verify_token(code)  # counts a failure itself
        else:
            used = False
            device.throttle_increment()  # not even the shape of a code: a failure all the same
        if used:
            audit.record(
                actor=user,
                action=AuditAction.RECOVERY_CODE_USE,
                target=user,
                details={"left": device.token_set.count()},
            )
    if not used:
        raise wrong


def sign_in_verify(*, request: HttpRequest, code: str | None) -> str:
    """The second step of a sign-in on the web: the code is checked (see `verify`) and the session marked
    as having given its second factor."""
    how = verify(user=request.user, code=code)
    device = totp_device(user=request.user) if how == second_factor.TOTP else None
    _given(request, device, how)
    return how


def _given(request: HttpRequest, device: Any | None, how: str) -> None:
    second_factor.mark(request, how)
    if device is not None:
        otp_login(request, device)


@transaction.atomic
def totp_set_secret(*, actor: Any, user: Any, secret: str) -> TOTPDevice:
    """Gives the user a TOTP app with a known base32 secret (the demo's FINSAM_DEMO_TOTP_SECRET), set up at
    once; a device with another secret gets this one. Audited when something changed."""
    key = hexlify(b32decode(secret + "=" * (-len(secret) % 8))).decode("ascii")
    device = TOTPDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=True).first()
    if device is not None and device.key == key:
        return device
    TOTPDevice.objects.filter(user_id=user.pk).delete()
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True)
    audit.record(actor=actor, action=AuditAction.SECOND_FACTOR_SETUP, target=user)
    return device
