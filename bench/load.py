"""The HTTP load test: locust against `finsam serve` and `finsam worker` on PostgreSQL with national data.

    python bench/load.py --users 20                       # 20 users, 1–3 s between requests, 2 minutes
    python bench/load.py --users 200 --spawn-rate 2       # DESIGN §7's few hundred at once
    python bench/load.py --users 20 --wait 0              # no waiting: the saturated throughput

What it does, in order:
1. the database (`--database-url`, PostgreSQL): created when missing, and filled by
   `finsam synth --scale 1 --seed 1` when it holds no förbund (about ten minutes; reused afterwards);
2. one account per virtual user with a real role in a förbund (`bench/load_accounts.py`: through the
   services, and only in a database without other accounts);
3. `finsam serve` and `finsam worker` on 127.0.0.1 on a free port, with `--data-dir` as FINSAM_DATA_DIR
   (keep the same data dir with the same database: the keys of the identities are there);
4. locust, headless, for `--run-time`, with `bench/locustfile.py`; then both are stopped;
5. p50, p95, p99, requests and errors per endpoint, the throughput and the load average, printed as a
   Markdown table and, with `--record KEY`, written to docs/benchmarks.md (section `load-KEY`).

Traffic stays on 127.0.0.1. The server's log and locust's CSV files are left in the data dir.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/finsam_load"


def main() -> int:
    parser = argparse.ArgumentParser(description="HTTP load test with locust (see the module's text).")
    database = os.environ.get("FINSAM_LOAD_DATABASE_URL", DEFAULT_DATABASE)
    parser.add_argument("--database-url", default=database)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "load")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="users started per second")
    parser.add_argument("--wait", default="1-3", help='seconds between requests: "1-3", or "0" (none)')
    parser.add_argument("--run-time", default="2m", help="locust's --run-time (e.g. 90s, 2m)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (serve's default)")
    parser.add_argument(
        "--reset-stats", action="store_true", help="count from when every user has started (after sign-in)"
    )
    parser.add_argument("--record", metavar="KEY", help="write the table to docs/benchmarks.md (load-KEY)")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("the load test runs on PostgreSQL")

    data_dir = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "FINSAM_DATABASE_URL": args.database_url, "FINSAM_DATA_DIR": str(data_dir)}
    for name in ("FINSAM_TESTING", "FINSAM_DEBUG", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)

    ensure_database(args.database_url)
    if not has_forbund(args.database_url):
        print("Building national data: finsam synth --scale 1 --seed 1 …", flush=True)
        run([str(BIN / "finsam"), "synth", "--scale", "1", "--seed", "1", "--no-progress"], env)
    # A database built by an earlier version gets this version's migrations (a no-op when it has them).
    run([str(BIN / "finsam"), "manage", "migrate", "--no-input", "--verbosity", "0"], env)
    accounts = data_dir / "load-accounts.json"
    run(
        [
            sys.executable,
            str(HERE / "load_accounts.py"),
            "--load-test-database",
            *("--users", str(args.users), "--out", str(accounts)),
        ],
        env,
    )

    port = free_port()
    host = f"http://127.0.0.1:{port}"
    serve = [str(BIN / "finsam"), "serve", "--bind", f"127.0.0.1:{port}"]
    if args.workers is not None:
        serve += ["--workers", str(args.workers)]
    csv_prefix = data_dir / f"locust-{args.users}u-wait{args.wait}"
    with ExitStack() as stack:
        stack.enter_context(started(serve, env, data_dir / "serve.log"))
        stack.enter_context(started([str(BIN / "finsam"), "worker"], env, data_dir / "worker.log"))
        wait_for(host + "/logga-in/")
        samples = Path(f"{csv_prefix}_samples.tsv")
        samples.unlink(missing_ok=True)  # never the samples of an earlier run
        locust_env = {
            **env,
            "FINSAM_LOAD_ACCOUNTS": str(accounts),
            "FINSAM_LOAD_WAIT": args.wait,
            "FINSAM_LOAD_SAMPLES": str(samples),
        }
        command = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            args.run_time,
            "--host",
            host,
            "--csv",
            str(csv_prefix),
            "--loglevel",
            "WARNING",
        ]
        if args.reset_stats:
            command.append("--reset-stats")
        with load_average() as loads:
            # Non-zero when a request failed: the table says which.
            subprocess.run(command, env=locust_env, check=False)  # noqa: S603 - our own command line
    table = report(args, samples, loads)
    print(table)
    if args.record:
        sys.path.insert(0, str(HERE))
        from _common import write_section

        write_section(f"load-{args.record}", table)
    return 0


# --- the database ---------------------------------------------------------------------------------


def _connect(url: str, database: str | None = None) -> Any:
    import dj_database_url
    import psycopg

    s = dj_database_url.parse(url)
    return psycopg.connect(
        dbname=database or s["NAME"],
        user=s["USER"],
        password=s["PASSWORD"] or None,
        host=s["HOST"],
        port=s["PORT"] or 5432,
        autocommit=True,
    )


def ensure_database(url: str) -> None:
    import dj_database_url
    from psycopg import sql

    name = dj_database_url.parse(url)["NAME"]
    with _connect(url, "postgres") as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def has_forbund(url: str) -> bool:
    with _connect(url) as connection:
        if connection.execute("SELECT to_regclass('registry_association')").fetchone()[0] is None:
            return False
        return bool(connection.execute("SELECT EXISTS (SELECT 1 FROM registry_association)").fetchone()[0])


# --- processes --------------------------------------------------------------------------------------


def run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, env=env, check=True, cwd=ROOT)  # noqa: S603 - our own command line


@contextmanager
def started(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A process of its own session (so that gunicorn's workers stop with it), stopped on the way out."""
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            command, env=env, cwd=ROOT, stdout=out, stderr=out, start_new_session=True
        )
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


@contextmanager
def load_average(every: float = 5.0) -> Iterator[list[float]]:
    """The 1-minute load average, sampled while the block runs."""
    samples: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(every):
            samples.append(os.getloadavg()[0])

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        stop.set()
        thread.join()


# --- the report ---------------------------------------------------------------------------------------


SIGN_IN = {
    "GET /logga-in/",
    "POST /logga-in/ (then GET /)",
    "POST /konto/tvastegsverifiering/kod/ (then GET /)",
    "POST /api/v1/auth/token",
}


def rank(times: list[float], p: float) -> float:
    """The p-th percentile of the times (nearest rank)."""
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p * len(ordered)) - 1))]


def percentiles(times: list[float]) -> str:
    """p50, p95 and p99 (nearest rank) of the times, in ms."""
    if not times:
        return "no requests"
    return f"p50 {rank(times, 0.50):.0f} ms, p95 {rank(times, 0.95):.0f} ms, p99 {rank(times, 0.99):.0f} ms"


@dataclass(frozen=True)
class Sample:
    name: str
    ms: float
    failed: bool
    ended: float  # seconds since the epoch


EVERY_USER_SIGNED_IN = "#every user signed in"


def read_samples(path: Path) -> tuple[list[Sample], float | None]:
    """The locustfile's samples: one line per request, name, ms, failed (0/1), when it ended; and when the
    last user had signed in and held its API key (None if one never did)."""
    if not path.exists():
        return [], None
    samples = []
    everyone: float | None = None
    for line in path.read_text().splitlines():
        if line.startswith(EVERY_USER_SIGNED_IN):
            everyone = float(line.split("\t")[1])
            continue
        name, ms, failed, ended = line.split("\t")
        samples.append(Sample(name, float(ms), failed == "1", float(ended)))
    return samples, everyone


def split(samples: list[Sample]) -> tuple[list[Sample], list[Sample]]:
    """(every request, the requests once signed in): the same samples, the sign-in's left out."""
    return samples, [s for s in samples if s.name not in SIGN_IN]


def summary(samples: list[Sample]) -> str:
    errors = sum(s.failed for s in samples)
    return f"{len(samples)} requests, {errors} errors, {percentiles([s.ms for s in samples])}"


def report(args: argparse.Namespace, samples_path: Path, loads: list[float]) -> str:
    """The report, made from the samples alone (the totals, the split and the endpoints count the same
    requests; locust's CSV is a snapshot taken up to a second or two before the users stop)."""
    samples, everyone = read_samples(samples_path)
    if not samples:
        raise SystemExit(f"no samples in {samples_path}: did locust run?")
    every, signed_in = split(samples)
    at_work = [s for s in signed_in if everyone is not None and s.ended - s.ms / 1000 >= everyone]
    start = min(s.ended - s.ms / 1000 for s in every)
    all_at_work = (
        f"With every user signed in ({everyone - start:.0f} s into the run, the requests begun after it): "
        f"{summary(at_work)}. "
        if everyone is not None
        else "Not every user signed in. "
    )
    seconds = max(s.ended for s in every) - min(s.ended - s.ms / 1000 for s in every)
    by_name: dict[str, list[Sample]] = {}
    for sample in every:
        by_name.setdefault(sample.name, []).append(sample)
    wait = "no waiting" if args.wait in {"0", "0-0"} else f"{args.wait} s between requests"
    load = f"{sum(loads) / len(loads):.1f} on average, {max(loads):.1f} at most" if loads else "not sampled"
    lines = [
        f"## HTTP load: {args.users} users, {wait}",
        "",
        f"`bench/load.py --users {args.users} --wait {args.wait} --run-time {args.run_time}"
        + (" --reset-stats" if args.reset_stats else "")
        + f"`, recorded {datetime.now(STOCKHOLM).date().isoformat()}: `finsam serve` ("
        + (f"{args.workers} workers" if args.workers else "its default workers")
        + ") and `finsam worker` on PostgreSQL with `finsam synth --scale 1 --seed 1`, locust on the same "
        f"machine ({os.cpu_count()} cores). Load average (1 min) during the run: {load}. "
        f"**{len(every) / seconds:.1f} requests/s** over {seconds:.0f} s; over all: {summary(every)}. "
        "Once signed in (every request but the sign-in page, the sign-in and the API key, whose cost is "
        f"the password hash): {summary(signed_in)}. {all_at_work}Every figure is from the same requests "
        "(one sample each, written by the locustfile when the users have stopped).",
        "",
        "| endpoint | requests | errors | p50, ms | p95, ms | p99, ms | max, ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in sorted(by_name):
        times = [s.ms for s in by_name[name]]
        lines.append(
            f"| {name} | {len(times)} | {sum(s.failed for s in by_name[name])} | {rank(times, 0.5):.0f} "
            f"| {rank(times, 0.95):.0f} | {rank(times, 0.99):.0f} | {max(times):.0f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
