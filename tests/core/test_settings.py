"""Settings are read strictly: a bad value stops the start with a message naming the variable."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from finsam.settings import env_base32, env_bool, env_int, env_list, env_secret

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("raw", ["maybe", "2", "ja", "tru"])
def test_env_bool_refuses_a_value_that_is_not_a_truth_value(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("FINSAM_SOMETHING", raw)

    with pytest.raises(ImproperlyConfigured, match="FINSAM_SOMETHING"):
        env_bool("FINSAM_SOMETHING", False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("TRUE", True), (" yes ", True), ("on", True), ("0", False), ("off", False)],
)
def test_env_bool_reads_the_usual_spellings(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv("FINSAM_SOMETHING", raw)

    assert env_bool("FINSAM_SOMETHING", not expected) is expected


def test_env_bool_falls_back_to_the_default_when_unset_or_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FINSAM_SOMETHING", raising=False)
    assert env_bool("FINSAM_SOMETHING", True) is True
    monkeypatch.setenv("FINSAM_SOMETHING", "  ")
    assert env_bool("FINSAM_SOMETHING", False) is False


@pytest.mark.parametrize("raw", ["ten", "1.5", "8h"])
def test_env_int_refuses_a_value_that_is_not_an_integer(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("FINSAM_SESSION_SECONDS", raw)

    with pytest.raises(ImproperlyConfigured, match="FINSAM_SESSION_SECONDS"):
        env_int("FINSAM_SESSION_SECONDS", 3600)


def test_env_int_refuses_a_value_below_the_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINSAM_SESSION_SECONDS", "10")

    with pytest.raises(ImproperlyConfigured, match="FINSAM_SESSION_SECONDS must be at least 300"):
        env_int("FINSAM_SESSION_SECONDS", 3600, minimum=300)


def test_env_int_reads_an_integer_or_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINSAM_SESSION_SECONDS", " 900 ")
    assert env_int("FINSAM_SESSION_SECONDS", 3600, minimum=300) == 900
    monkeypatch.delenv("FINSAM_SESSION_SECONDS")
    assert env_int("FINSAM_SESSION_SECONDS", 3600, minimum=300) == 3600


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINSAM_ALLOWED_HOSTS", " finsam.example.org, ,localhost ")

    assert env_list("FINSAM_ALLOWED_HOSTS", []) == ["finsam.example.org", "localhost"]


def test_env_secret_prefers_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FINSAM_X_KEY", "from-the-environment")
    monkeypatch.setenv("FINSAM_X_KEY_FILE", str(tmp_path / "unused"))

    assert env_secret("FINSAM_X_KEY", data_dir=tmp_path, filename="x_key") == "from-the-environment"
    assert not (tmp_path / "x_key").exists()


def test_env_secret_reads_the_file_named_by_name_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret_file = tmp_path / "mounted-secret"
    secret_file.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.delenv("FINSAM_X_KEY", raising=False)
    monkeypatch.setenv("FINSAM_X_KEY_FILE", str(secret_file))

    assert env_secret("FINSAM_X_KEY", data_dir=tmp_path / "var", filename="x_key") == "from-a-file"
    assert not (tmp_path / "var").exists()


def test_env_secret_refuses_an_unreadable_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FINSAM_X_KEY", raising=False)
    monkeypatch.setenv("FINSAM_X_KEY_FILE", str(tmp_path / "missing"))

    with pytest.raises(ImproperlyConfigured, match="FINSAM_X_KEY_FILE"):
        env_secret("FINSAM_X_KEY", data_dir=tmp_path, filename="x_key")


def test_env_secret_generates_a_private_key_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FINSAM_X_KEY", raising=False)
    monkeypatch.delenv("FINSAM_X_KEY_FILE", raising=False)

    first = env_secret("FINSAM_X_KEY", data_dir=tmp_path / "var", filename="x_key")

    assert len(first) >= 50
    assert stat.S_IMODE((tmp_path / "var" / "x_key").stat().st_mode) == 0o600
    assert env_secret("FINSAM_X_KEY", data_dir=tmp_path / "var", filename="x_key") == first


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("FINSAM_DEBUG", "perhaps"),
        ("FINSAM_SESSION_SECONDS", "a day"),
        ("FINSAM_DATABASE_URL", "nosuchdb://x"),
        ("FINSAM_SQLITE_BUSY_TIMEOUT", "0"),
        ("FINSAM_DEMO_TOTP_SECRET", "not base32 at all!"),
    ],
)
def test_the_settings_refuse_to_load_with_a_bad_value(tmp_path: Path, name: str, raw: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINSAM_")}
    env |= {"FINSAM_DATA_DIR": str(tmp_path), name: raw, "PYTHONPATH": str(ROOT / "src")}

    result = subprocess.run(
        [sys.executable, "-c", "import finsam.settings"], env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


def test_sqlite_waits_for_anothers_write_lock_as_long_as_the_busy_timeout_says(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINSAM_")}
    env |= {"FINSAM_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT / "src")}
    show = "import finsam.settings as s; print(s.DATABASES['default']['OPTIONS']['timeout'])"

    def timeout(**extra: str) -> str:
        result = subprocess.run(  # noqa: S603 - this interpreter, a fixed program
            [sys.executable, "-c", show], env=env | extra, capture_output=True, text=True, check=True
        )
        return result.stdout.strip()

    assert timeout() == "20"
    assert timeout(FINSAM_SQLITE_BUSY_TIMEOUT="45") == "45"


@pytest.mark.parametrize(
    "raw",
    [
        "JBSWY3DPEHPK3PX",  # 15 characters: under 80 bits
        "JBSWY3DPEHPK3PX1",  # 1 is not a base32 digit
        "JBSWY3DPEHPK3PXP0000",  # nor is 0
        "JBSWY3DPEHPK3PXPA",  # 17 characters: no whole number of bytes
        "JBSWY3DP-EHPK3PXP",
    ],
)
def test_env_base32_refuses_what_is_not_a_base32_secret(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("FINSAM_DEMO_TOTP_SECRET", raw)

    with pytest.raises(ImproperlyConfigured, match="FINSAM_DEMO_TOTP_SECRET"):
        env_base32("FINSAM_DEMO_TOTP_SECRET")


def test_env_base32_reads_a_secret_as_the_apps_show_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINSAM_DEMO_TOTP_SECRET", " jbsw y3dp ehpk 3pxp ")
    assert env_base32("FINSAM_DEMO_TOTP_SECRET") == "JBSWY3DPEHPK3PXP"
    monkeypatch.setenv("FINSAM_DEMO_TOTP_SECRET", "")
    assert env_base32("FINSAM_DEMO_TOTP_SECRET") == ""
