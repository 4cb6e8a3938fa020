"""How long a participant import on SQLite holds the database's one write lock, and how long an edit made
beside it waits (docs/import.md, "Beside the work of others").

The import is what `finsam import-participants` does (bench_import.py's file, 20 000 rows by default) on
the test database's file; meanwhile a thread with a connection of its own registers an anonymous
participant every 50 ms, as a coordinator's page would, and records how long each of its transactions took.
The lock is held by the import's write transaction, timed by the bulk service itself.

    python bench/bench_import_lock.py [--rows N]      (SQLite only)
"""

from __future__ import annotations

import argparse
import logging
import re
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from _common import environment, test_database, write_section
from bench_import import _n, write_file


class _Held(logging.Handler):
    """Catches the bulk service's own timing of its write transaction."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seconds: float | None = None

    def emit(self, record: logging.LogRecord) -> None:
        found = re.search(r"transaction of ([0-9.]+) s", record.getMessage())
        if found:
            self.seconds = float(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows in the file (default 20 000)")
    args = parser.parse_args()
    with test_database() as database, tempfile.TemporaryDirectory() as tmp:
        from django.db import connection
        from tests.factories import make_association, make_intervention

        from finsam.core.access import SYSTEM
        from finsam.followup import services
        from finsam.imports import importing

        if connection.vendor != "sqlite":
            raise SystemExit("bench_import_lock.py measures SQLite's write lock: run it without a PG URL")
        association = make_association("Samordningsförbundet Bench")
        intervention = make_intervention(association, name="Bench-insatsen", start=date(2021, 1, 1))
        beside = make_intervention(association, name="Bredvid-insatsen", start=date(2021, 1, 1))
        path = Path(tmp) / "deltagare.csv"
        write_file(path, args.rows, intervention.name)

        held = _Held()
        logger = logging.getLogger("finsam.followup.services")
        logger.addHandler(held)
        logger.setLevel(logging.DEBUG)
        stop = threading.Event()
        waits: list[float] = []
        errors: list[str] = []

        def edit_beside() -> None:
            try:
                while not stop.is_set():
                    began = time.perf_counter()
                    services.participant_register(
                        actor=SYSTEM,
                        association=association,
                        intervention=beside,
                        registration="anonymous",
                        sex="woman",
                        start_year=2024,
                    )
                    waits.append(time.perf_counter() - began)
                    time.sleep(0.05)
            except Exception as exc:
                errors.append(type(exc).__name__ + ": " + str(exc))
            finally:
                connection.close()

        thread = threading.Thread(target=edit_beside)
        thread.start()
        try:
            source = importing.ImportFile(path)
            context = importing.context_for(actor=SYSTEM, association=association)
            started = time.perf_counter()
            loaded = importing.load(source, actor=SYSTEM, context=context)
            total = time.perf_counter() - started
        finally:
            stop.set()
            thread.join()
        assert loaded.counts is not None and loaded.counts["participants"] == args.rows, loaded.errors[:3]
        assert held.seconds is not None
        longest = max(waits)
        print(
            f"{args.rows} rows: import {total:.1f} s, write lock held {held.seconds:.2f} s; "
            f"{len(waits)} edits beside it, longest {longest:.2f} s, errors {len(errors)}"
        )
        lines = [
            f"## Participant import beside edits, {database}, {_n(args.rows)} rows",
            "",
            f"`bench/bench_import_lock.py --rows {args.rows}`, recorded {environment(database)}. The "
            "file of `bench_import.py`, imported as `finsam import-participants` does, while a thread with "
            "its own connection registers a participant every 50 ms. The import prepares every row (checks, "
            "keyed hash, encryption) outside the write transaction and then writes them all in one; the "
            "write lock of the database is held for that transaction only.",
            "",
            "| rows | import, s | write lock held, s | edits beside | longest edit, s | errors |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {_n(args.rows)} | {total:.1f} | {held.seconds:.2f} | {len(waits)} | {longest:.2f} "
            f"| {len(errors)} |",
        ]
        key = "import-lock-sqlite" + ("" if args.rows == 20_000 else f"-{args.rows}")
        write_section(key, "\n".join(lines))


if __name__ == "__main__":
    main()
