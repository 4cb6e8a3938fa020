"""The participant import (`finsam import-participants`, docs/import.md) against the floor: the same rows
loaded with one PostgreSQL `COPY` (on SQLite, which has no COPY: one `executemany` in one transaction)
into a table with the file's columns, typed.

The application side is what the command does with its progress bars: count the rows, then one reading
of the file (`importing.load`) in which each row is parsed and checked (R-CONSENT and R-FOLLOWUP rules,
keyed hash, duplicates in the file and, in batches, in the database) and streamed to the bulk service,
which checks it again, encrypts the identity and writes participants, consents, participations and income
sources in one transaction (COPY on PostgreSQL, as they come; on SQLite all prepared first, then one
`executemany` per table and batch in one short transaction). The floor does none of the
checking and writes one table instead of four; the ratio says what all of that costs per row.

    python bench/bench_import.py [--rows N]      (default 200 000; FINSAM_TEST_DATABASE_URL for PostgreSQL)

The section of the report is `import-<database>` for 200 000 rows and `import-<database>-<rows>` for
another number (the cost curve: 20 000 and 2 000 000, the latter on PostgreSQL only, on request).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from _common import environment, test_database, write_section

FLOOR_TABLE = """
CREATE TABLE bench_import_floor (
    intervention varchar(200), registration varchar(40), identity_number varchar(20),
    consent_given_on date, consent_form_version varchar(40), sex varchar(10), start date,
    education_level varchar(40), employment_before varchar(40), income_before varchar(200),
    exit date, exit_reason varchar(40), employment_after varchar(40), income_after varchar(200)
)
"""


def _n(value: float) -> str:
    """1 234 567: thousands separated by a space, as in the rest of the report."""
    return f"{value:,.0f}".replace(",", " ")


def identity_number(birth: date, serial: int) -> str:
    from stdnum import luhn

    body = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}-{serial:03d}{luhn.calc_check_digit(body)}"


def write_file(path: Path, rows: int, intervention: str) -> dict[str, int]:
    """A file like a förbund's: 60 % with personnummer, 40 % anonymous, a third of them exited."""
    from finsam.imports.importing import HEADERS

    rng = random.Random(20260101)
    # Born 1956–1999: 21 to 68 years old at a start in 2021–2024, within the interventions' ages (16–69).
    people = iter(
        (date(1956, 1, 1) + timedelta(days=day), serial)
        for serial in range(0, 1000, 7)
        for day in rng.sample(range(16_000), 16_000)
    )
    sources = [
        "sickness_benefit:75|salary:25",
        "social_assistance:100",
        "activity_compensation:100",
        "none:100",
    ]
    mix = {"identified": 0, "anonymous": 0, "exited": 0}
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS)
        for _ in range(rows):
            start = date(2021, 1, 4) + timedelta(days=rng.randrange(1200))
            identified = rng.random() < 0.6
            exited = rng.random() < 0.33
            mix["identified" if identified else "anonymous"] += 1
            mix["exited"] += exited
            birth, serial = next(people)
            writer.writerow(
                [
                    intervention,
                    "identified" if identified else "anonymous",
                    identity_number(birth, serial) if identified else "",
                    start.isoformat() if identified else "",
                    "FK 9443 v3" if identified else "",
                    "" if identified else rng.choice(["woman", "man"]),
                    start.isoformat(),
                    rng.choice(["primary", "upper_secondary", "post_secondary", "unknown"]),
                    rng.choice(["none", "seeking_work", "studies"]),
                    rng.choice(sources),
                    (start + timedelta(days=60 + rng.randrange(200))).isoformat() if exited else "",
                    rng.choice(["work", "studies", "completed"]) if exited else "",
                    "work" if exited else "",
                    "salary:100" if exited else "",
                ]
            )
    return mix


def _database_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far, when the server runs on this machine
    (read from /proc); None elsewhere."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def through_application(path: Path, association: Any) -> dict[str, float]:
    from finsam.core.access import SYSTEM
    from finsam.imports import importing

    database_before, own_before = _database_cpu(), _own_cpu()
    started = time.perf_counter()
    source = importing.ImportFile(path)
    total = source.count()
    counted = time.perf_counter()
    context = importing.context_for(actor=SYSTEM, association=association)
    loaded = importing.load(source, actor=SYSTEM, context=context)
    written = time.perf_counter()
    assert not loaded.errors, loaded.errors[:5]
    assert loaded.counts is not None and loaded.counts["participants"] == loaded.rows == total
    database_after, own_after = _database_cpu(), _own_cpu()
    database = (
        database_after - database_before
        if database_after is not None and database_before is not None
        else 0.0
    )
    return {
        "count": counted - started,
        "load": written - counted,
        "total": written - started,
        "cpu": own_after - own_before,
        "database_cpu": database,
    }


def through_floor(path: Path) -> float:
    """Best of three loads into an emptied table."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_TABLE)
    best = float("inf")
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM bench_import_floor")
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                copy_sql = "COPY bench_import_floor FROM STDIN (FORMAT csv, HEADER true, DELIMITER ';')"
                with path.open("rb") as data, cursor.cursor.copy(copy_sql) as copy:
                    while chunk := data.read(1 << 20):
                        copy.write(chunk)
            else:
                with path.open(encoding="utf-8", newline="") as data:
                    reader = csv.reader(data, delimiter=";")
                    next(reader)
                    placeholders = ", ".join(["%s"] * 14)
                    cursor.executemany(
                        f"INSERT INTO bench_import_floor VALUES ({placeholders})",  # noqa: S608 - no input
                        ([value or None for value in cells] for cells in reader),
                    )
        best = min(best, time.perf_counter() - started)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM bench_import_floor")
            loaded = cursor.fetchone()[0]
    return best if loaded else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=None, help="rows in the file (default 200 000)")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="without --rows: 200 000 rows × this",
    )
    args = parser.parse_args()
    if args.rows is None:
        args.rows = round(200_000 * args.scale)
    with test_database() as database, tempfile.TemporaryDirectory() as tmp:
        from django.db import connection
        from tests.factories import make_association, make_intervention

        from finsam.followup.models import Participant, Participation

        association = make_association("Samordningsförbundet Bench")
        intervention = make_intervention(association, name="Bench-insatsen", start=date(2021, 1, 1))
        path = Path(tmp) / "deltagare.csv"
        mix = write_file(path, args.rows, intervention.name)
        size_mb = path.stat().st_size / (1024 * 1024)
        from django.conf import settings

        # The benchmark measures the import, not the limit: a file of 2 000 000 rows (230 MB) is over the
        # default FINSAM_IMPORT_MAX_BYTES, which an installation raises for such a file.
        settings.IMPORT_MAX_BYTES = max(settings.IMPORT_MAX_BYTES, path.stat().st_size + 1024 * 1024)

        load_before = os.getloadavg()[0]
        app = through_application(path, association)
        load_after = os.getloadavg()[0]
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assert Participant.objects.count() == args.rows == Participation.objects.count()
        floor = through_floor(path)
        ratio = app["total"] / floor
        rate = args.rows / app["total"]
        floor_name = "one `COPY … FROM STDIN`" if connection.vendor == "postgresql" else "one `executemany`"
        print(
            f"{args.rows} rows ({size_mb:.1f} MB): import {app['total']:.1f} s ({rate:,.0f} rows/s, "
            f"{1e6 / rate:.0f} µs/row; count {app['count']:.1f} s, load {app['load']:.1f} s), "
            f"floor {floor:.2f} s, ratio {ratio:.0f}, peak RSS {peak_mb:.0f} MB, "
            f"CPU {app['cpu']:.1f} s + database {app['database_cpu']:.1f} s, "
            f"load average {load_before:.1f} → {load_after:.1f}"
        )
        lines = [
            f"## Participant import, {database}, {_n(args.rows)} rows",
            "",
            f"`bench/bench_import.py --rows {args.rows}`, recorded {environment(database)}. A CSV file "
            f"of {_n(args.rows)} rows ({size_mb:.1f} MB): {_n(mix['identified'])} with personnummer and "
            f"consent, {_n(mix['anonymous'])} anonymous, {_n(mix['exited'])} exited, all in one "
            "intervention. The import is what `finsam import-participants` does with its progress bars: "
            "count the rows, then one reading of the file in which every row is parsed and checked (rules, "
            "keyed hash, duplicates in the file and in the database) and streamed to the bulk service, "
            "which checks it again, encrypts the identity and writes four tables in one transaction "
            "(`COPY` on PostgreSQL, as they come; on SQLite all prepared first, then one `executemany` per "
            "table and batch in one short transaction). "
            f"The floor is {floor_name} of the same file into one table with the "
            "file's columns, typed, best of three. Peak RSS is the whole benchmark process's (Django, the "
            "test database connection and the import), read after the import. The load average is the "
            "machine's (one minute) before and after the import. CPU is the seconds of processor time the "
            "import took in this process (on SQLite the database's work is in it) and, on PostgreSQL, in the "
            "connection's server process (read from /proc when the server runs on the same machine): "
            "µs of CPU per row is the figure that does not depend on what else the machine was doing.",
            "",
            "| rows | count, s | load, s | import, s | rows/s | µs/row | CPU, s | database CPU, s "
            "| µs of CPU/row | floor, s | ratio | peak RSS, MB | load average |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
            f"| {_n(args.rows)} | {app['count']:.1f} | {app['load']:.1f} | {app['total']:.1f} | {_n(rate)} "
            f"| {1e6 / rate:.0f} | {app['cpu']:.1f} | {app['database_cpu']:.1f} "
            f"| {1e6 * (app['cpu'] + app['database_cpu']) / args.rows:.0f} | {floor:.2f} | {ratio:.0f} "
            f"| {peak_mb:.0f} | {load_before:.1f} → {load_after:.1f} |",
        ]
        key = "import-" + ("postgresql" if connection.vendor == "postgresql" else "sqlite")
        if args.rows != 200_000:
            key += f"-{args.rows}"
        write_section(key, "\n".join(lines))


if __name__ == "__main__":
    main()
