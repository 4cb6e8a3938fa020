"""The `finsam` command line: `demo`, `serve`, `manage …`, and the verbs of the apps.

`finsam VERB args` runs the management command VERB (with - read as _), so `finsam import-population
FILE` is `manage import_population FILE` and `finsam import-support-measure FILE` is
`manage import_support_measure FILE`. Errors print one line and exit non-zero.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
from pathlib import Path


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finsam.settings")
    import django

    django.setup()


USAGE = """Användning: finsam KOMMANDO [argument]

  demo                 skapa databasen och demodata (kan köras flera gånger)
  serve [--bind ADR]   starta webbservern (gunicorn), standard 127.0.0.1:8000
                       (--workers N, --threads N: processer och trådar per process)
  worker               kör bakgrundsarbetet ur kön (inläsningar, e-post, dagliga jobb)
  manage ARGUMENT…     Djangos manage.py
  import-registry FIL  läs in samordningsförbunden med medlemmar och styrelse (CSV/Excel)
  synth --scale S      bygg nationella syntetiska data i en tom databas (75 förbund, 20 år,
                       35 000 × S deltaganden om året; --seed N ger samma data varje gång)
  backup FIL           säkerhetskopiera databasen (utan nycklarna, som sparas för sig)
  restore FIL          återställ databasen från en säkerhetskopia (--force: ersätt data)
  subject-report PNR   registerutdrag: allt som lagras om en person (--format json)
  VERB ARGUMENT…       ett av plattformens kommandon, t.ex. import-population FIL
                       eller import-support-measure FIL (försörjningsmått per kommun och år)
"""


def control_socket(data_dir: Path, bind: str) -> Path:
    """gunicorn's control socket for one `finsam serve`: under the data directory (run/, mode 0700), named
    after the address it serves, so that two servers on one machine never share one (gunicorn's default is
    one path per user). A path too long for a Unix socket is shortened to a hash."""
    run = data_dir / "run"
    run.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = run / ("gunicorn-" + re.sub(r"[^A-Za-z0-9.]+", "-", bind).strip("-") + ".ctl")
    if len(str(path).encode()) > 100:
        digest = hashlib.sha256(f"{data_dir}|{bind}".encode()).hexdigest()[:16]
        path = Path(tempfile.gettempdir()) / f"finsam-gunicorn-{digest}.ctl"
    return path


def serve(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="finsam serve", description="Starta webbservern.")
    parser.add_argument("--bind", default=os.environ.get("FINSAM_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    _setup()
    from django.conf import settings
    from django.core.management import call_command

    from finsam.core.checks import startup_check
    from finsam.settings import env_int

    startup_check()
    workers = args.workers if args.workers is not None else env_int("FINSAM_WORKERS", 3, minimum=1)
    # Threads in each worker (gunicorn's gthread worker) let short requests pass one that waits or takes
    # long; 1, the default, is gunicorn's synchronous worker. The application spends its time on the CPU
    # rather than waiting, and the load test showed no gain from 4 threads (docs/benchmarks.md).
    threads = args.threads if args.threads is not None else env_int("FINSAM_THREADS", 1, minimum=1)
    call_command("collectstatic", interactive=False, verbosity=0)
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "finsam.wsgi:application",
        "--bind",
        args.bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        # With threads, too, each response closes its connection, as the synchronous worker's do: a
        # kept-alive connection the server closes when idle races a client's next request on it (a reset
        # connection). The reverse proxy in front opens its own connections anyway.
        "--keep-alive",
        "0",
        # The application, warmed up (finsam.wsgi.warm_up), is loaded once in the master and shared by the
        # workers it starts, instead of each worker paying its imports on its first requests.
        "--preload",
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        os.environ.get("FINSAM_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "--control-socket",
        os.environ.get("FINSAM_CONTROL_SOCKET") or str(control_socket(Path(settings.DATA_DIR), args.bind)),
    ]
    print(f"Finsam körs på http://{args.bind}/ (avsluta med Ctrl+C)", flush=True)
    os.execv(sys.executable, gunicorn)  # noqa: S606 - replaces this process with the server
    return 0  # pragma: no cover


# Verbs that are another name for a management command of a library.
# (`finsam worker` is core's `worker`: django-tasks-db's worker, which takes the queued tasks one at a time
# and stops after the task at hand on SIGTERM or Ctrl+C, with a heartbeat for the health check. Its options,
# --interval, --batch, --max-tasks …, pass through.)
ALIASES: dict[str, str] = {}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print(USAGE, file=sys.stderr)
        return 2
    if args[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    verb, rest = args[0], args[1:]
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    try:
        if verb == "serve":
            return serve(rest)
        _setup()
        from django.core.management import CommandError, call_command, execute_from_command_line, get_commands

        from finsam.core.errors import RuleViolation

        if verb == "manage":
            execute_from_command_line(["finsam manage", *rest])
            return 0
        name = ALIASES.get(verb, verb.replace("-", "_"))
        if verb.startswith("-") or name not in get_commands():
            print(f"finsam: okänt kommando {verb!r} (se finsam --help)", file=sys.stderr)
            return 2
        try:
            call_command(name, *rest)
        except (CommandError, RuleViolation) as exc:
            print(f"finsam {verb}: {exc}", file=sys.stderr)
            return 1
    except ImproperlyConfigured as exc:
        print(f"finsam: felaktig konfiguration: {exc}", file=sys.stderr)
        return 2
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"finsam: databasfel: {first_line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("finsam: avbrutet", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
