"""Two `finsam serve` on one machine, for the same user, each with gunicorn's control socket of its own
(gunicorn's default is one path per user: the second server took the first one's)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from finsam.cli import control_socket

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
    except urllib.error.HTTPError:
        return True  # an answer (the empty database has no tables: 503)
    except OSError:
        return False
    return True


def test_the_control_socket_is_named_after_the_address_under_the_data_directory() -> None:
    tmp_path = Path(tempfile.mkdtemp(prefix="finsam-"))  # short: a Unix socket's path has at most 107 bytes
    try:
        first, second = control_socket(tmp_path, "127.0.0.1:8000"), control_socket(tmp_path, "127.0.0.1:8001")
        assert first != second
        assert first.parent == second.parent == tmp_path / "run"
        assert (tmp_path / "run").stat().st_mode & 0o777 == 0o700
        assert control_socket(tmp_path, "127.0.0.1:8000") == first
    finally:
        shutil.rmtree(tmp_path)


def _logs(tmp_path: Path) -> list[str]:
    return [log.read_text() for log in tmp_path.glob("serve-*.log")]


def test_two_servers_on_one_machine_have_a_control_socket_each(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINSAM_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env |= {
        "FINSAM_DATA_DIR": str(tmp_path / "var"),
        "FINSAM_LOG_LEVEL": "WARNING",
        "HOME": str(tmp_path),  # gunicorn's default control socket would be the same for both
        "XDG_RUNTIME_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT / "src"),
    }
    servers: list[subprocess.Popen[bytes]] = []
    sockets = []
    try:
        # One after the other, as a second instance is started beside a running one.
        for port in (_free_port(), _free_port()):
            bind = f"127.0.0.1:{port}"
            with (tmp_path / f"serve-{port}.log").open("wb") as log:
                command = [sys.executable, "-m", "finsam", "serve", "--bind", bind, "--workers", "1"]
                servers.append(
                    subprocess.Popen(command, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
                )
            sockets.append(control_socket(tmp_path / "var", bind))
            deadline = time.monotonic() + 90
            while not (_answers(port) and sockets[-1].is_socket()):
                assert servers[-1].poll() is None, _logs(tmp_path)
                assert time.monotonic() < deadline, _logs(tmp_path)
                time.sleep(0.2)
        assert all(server.poll() is None for server in servers), _logs(tmp_path)
        assert sockets[0] != sockets[1] and all(path.is_socket() for path in sockets)
        assert not (tmp_path / ".gunicorn" / "gunicorn.ctl").exists()
        assert not (tmp_path / "gunicorn.ctl").exists()
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
