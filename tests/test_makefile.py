"""The Makefile's everyday targets: `make help` tells how to choose another port, and `make demo` and
`make serve` listen where BIND says."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"FINSAM_BIND", "MAKEFLAGS", "MAKELEVEL"}}
    command = [shutil.which("make") or "make", "--no-print-directory", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    return result.stdout


def test_make_help_says_how_to_choose_another_port() -> None:
    assert "make serve BIND=127.0.0.1:8080" in make("help")


def test_make_demo_and_serve_listen_where_bind_says() -> None:
    demo = make("-n", "demo", "BIND=127.0.0.1:8123")
    assert "FINSAM_BIND=127.0.0.1:8123" in demo  # the address `finsam demo` prints
    assert "finsam serve --bind 127.0.0.1:8123" in demo
    assert "finsam serve --bind 127.0.0.1:8123" in make("-n", "serve", "BIND=127.0.0.1:8123")
    assert "finsam serve --bind 127.0.0.1:8000" in make("-n", "serve")
