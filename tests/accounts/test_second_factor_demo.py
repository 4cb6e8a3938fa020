"""`finsam demo` gives the demo users who must give a second factor a TOTP app with the secret
FINSAM_DEMO_TOTP_SECRET, generated (and printed with the logins) when unset."""

from __future__ import annotations

import io
import stat
from binascii import hexlify
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from finsam import demo
from finsam.accounts import two_factor
from finsam.accounts.demo import USERS
from finsam.core import second_factor

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NEEDS_IT = {"arbetsgrupp", "umea-chef", "umea-deltagare", "skelleftea-deltagare"}
USERS_ONLY = [step for step in demo.STEPS if step.run in (demo.registry_step, demo.users_step)] + [
    step for step in demo.STEPS if step.run is demo.second_factor_step
]


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    settings.DEMO_PASSWORD = "ett-demolösenord"
    settings.DEMO_TOTP_SECRET = ""
    return tmp_path


def build() -> Any:
    return demo.build(out=io.StringIO(), password="ett-demolösenord", show_progress=False, steps=USERS_ONLY)


def test_the_demo_users_who_need_it_share_the_secret_of_finsam_demo_totp_secret(
    data_dir: Path, settings: Any
) -> None:
    settings.DEMO_TOTP_SECRET = SECRET
    ctx = build()

    devices = TOTPDevice.objects.filter(confirmed=True).select_related("user")
    assert {d.user.username for d in devices} == NEEDS_IT
    assert {spec.username for spec in USERS if spec.role in second_factor.REQUIRED_ROLES} == NEEDS_IT
    assert {d.key for d in devices} == {hexlify(__import__("base64").b32decode(SECRET)).decode()}
    assert two_factor.secret_of(devices[0]).replace(" ", "") == SECRET
    assert not (data_dir / "demo_totp_secret").exists()
    # A second run changes nothing; a new secret is applied.
    build()
    assert TOTPDevice.objects.count() == 4
    settings.DEMO_TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    build()
    assert {d.key for d in TOTPDevice.objects.all()} == {"3132333435363738393031323334353637383930"}
    assert ctx.users["umea-chef"].pk in set(TOTPDevice.objects.values_list("user_id", flat=True))


def test_an_unset_secret_is_generated_once_kept_private_and_printed_with_the_logins(data_dir: Path) -> None:
    secret, generated = demo.demo_totp_secret()
    path = data_dir / "demo_totp_secret"
    assert generated and path.read_text(encoding="utf-8").strip() == secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(secret) == 32 and set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert demo.demo_totp_secret() == (secret, True)


def test_the_demo_command_prints_the_generated_secret_and_not_a_given_one(
    data_dir: Path, settings: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(demo, "STEPS", USERS_ONLY)
    out = io.StringIO()
    call_command("demo", "--no-progress", stdout=out)
    secret = (data_dir / "demo_totp_secret").read_text(encoding="utf-8").strip()
    assert secret in out.getvalue()
    assert "arbetsgrupp, umea-chef, umea-deltagare, skelleftea-deltagare" in out.getvalue()

    settings.DEMO_TOTP_SECRET = SECRET
    out = io.StringIO()
    call_command("demo", "--no-progress", stdout=out)
    assert SECRET not in out.getvalue() and "FINSAM_DEMO_TOTP_SECRET" in out.getvalue()
