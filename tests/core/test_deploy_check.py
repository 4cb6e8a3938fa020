"""`manage.py check --deploy` is clean under the production settings of the operations guide: TLS through
the proxy (secure cookies, HTTPS redirect, HSTS), real mail, named hosts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# As docs/operations.md configures a production server (keys given, not generated).
PRODUCTION = {
    "FINSAM_DATABASE_URL": "postgres://finsam:secret@db.example.org:5432/finsam",
    "FINSAM_SECRET_KEY": "production-secret-key-" + "s" * 40,
    "FINSAM_IDENTITY_KEY": "production-identity-key-" + "i" * 40,
    "FINSAM_IDENTITY_HASH_KEY": "production-identity-hash-key-" + "h" * 40,
    "FINSAM_ALLOWED_HOSTS": "finsam.example.org",
    "FINSAM_CSRF_TRUSTED_ORIGINS": "https://finsam.example.org",
    "FINSAM_SECURE_COOKIES": "true",
    "FINSAM_BEHIND_TLS_PROXY": "true",
    "FINSAM_TRUST_X_FORWARDED_FOR": "true",
    "FINSAM_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "FINSAM_EMAIL_HOST": "smtp.example.org",
}


def _check(tmp_path: Path, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Nothing of the test run's own environment (the browser tests allow async-unsafe calls, for one).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINSAM_", "DJANGO_"))}
    env |= PRODUCTION | extra | {"FINSAM_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT / "src")}
    env["DJANGO_SETTINGS_MODULE"] = "finsam.settings"
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )


def test_the_deploy_check_is_clean_under_production_settings(tmp_path: Path) -> None:
    result = _check(tmp_path, {})
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_finds_a_site_served_without_tls(tmp_path: Path) -> None:
    """The same check fails when the settings lack what TLS needs: the test above can fail."""
    result = _check(tmp_path, {"FINSAM_BEHIND_TLS_PROXY": "false", "FINSAM_SECURE_COOKIES": "false"})
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr
