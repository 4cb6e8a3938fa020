"""Shared by the benchmarks: a throw-away test database, timing, and the report in docs/benchmarks.md.

A benchmark never touches a real database: it runs on the test settings, so it uses SQLite in memory,
or the test copy of FINSAM_TEST_DATABASE_URL (test_<name>) on PostgreSQL, created and dropped here.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Figures recorded by `make bench` (the scripts in `bench/`, see `bench/README.md`). Each compares what
the application does with the floor: the same result from one hand-written SQL query. The ratio is
application time divided by floor time; it is the figure to watch, since absolute times depend on the
machine. Each section is rewritten by its own script, per database.
"""


@contextmanager
def test_database(*, keep: bool = False, name: str | None = None) -> Iterator[str]:
    """Set up Django on the test settings, create the test database (migrated), drop it afterwards.

    With `keep`, a test database left by an earlier run is reused (migrated) and kept at the end, so that
    data that take an hour to build (`finsam synth --scale 10`) are built once; on SQLite in memory it is
    always new. `name` names the test database on PostgreSQL (by default `test_` and the configured
    database's name), so that kept databases of different data do not meet. Yields a description of
    the database such as "SQLite 3.40.1" or "PostgreSQL 15.4".
    """
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.db import connection

    if name is not None and connection.vendor == "postgresql":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=keep)
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW server_version")
                version = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
            else:
                cursor.execute("select sqlite_version()")
                version = f"SQLite {cursor.fetchone()[0]}"
        yield version
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keep)


@dataclass(frozen=True)
class Timing:
    median_ms: float
    best_ms: float
    runs: int


def measure(fn: Callable[[], object], *, seconds: float = 2.0, min_runs: int = 20, warmup: int = 3) -> Timing:
    """Run `fn` repeatedly for about `seconds` (at least `min_runs` times) after a warm-up."""
    for _ in range(warmup):
        fn()
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    while len(samples) < min_runs or time.perf_counter() < deadline:
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return Timing(statistics.median(samples), min(samples), len(samples))


def environment(database: str) -> str:
    import django

    return (
        f"{date.today():%Y-%m-%d}, {database}, Python {platform.python_version()}, "  # noqa: DTZ011
        f"Django {django.get_version()}"
    )


def write_section(key: str, markdown: str) -> None:
    """Replace the section `key` of docs/benchmarks.md (between its markers), or append it."""
    begin, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else HEADER
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")


def members_of(association: Any, municipalities: Sequence[Any]) -> list[Any]:
    """The members of a benchmark förbund (unsaved): FK, AF, the region of the first municipality and the
    municipalities, all joining when the förbund was founded."""
    from finsam.registry.models import Member, PartyKind

    joined = association.founded
    return [
        Member(association=association, kind=PartyKind.FK, joined=joined),
        Member(association=association, kind=PartyKind.AF, joined=joined),
        Member(
            association=association, kind=PartyKind.REGION, region=municipalities[0].region, joined=joined
        ),
        *(
            Member(association=association, kind=PartyKind.MUNICIPALITY, municipality=m, joined=joined)
            for m in municipalities
        ),
    ]


# --- signing in as users do: the password and, where the role needs it, the second factor ------------

# A throw-away user's app in a throw-away database.
BENCH_TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # noqa: S105


def api_token(user: Any, password: str) -> str:
    """An API token for `user` as POST /api/v1/auth/token gives it: with a code from the user's TOTP app
    where the role needs a second factor (the app set up here with BENCH_TOTP_SECRET, its time steps
    forgotten so that each call may use the current code)."""
    from base64 import b32decode

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from finsam.accounts import two_factor
    from finsam.accounts.services import token_create
    from finsam.core import second_factor
    from finsam.core.access import SYSTEM

    otp = None
    if second_factor.required_for(user):
        device = two_factor.totp_set_secret(actor=SYSTEM, user=user, secret=BENCH_TOTP_SECRET)
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        otp = f"{totp(b32decode(BENCH_TOTP_SECRET)):06d}"
    return token_create(username=user.get_username(), password=password, otp=otp)


def signed_in_client(user: Any) -> Any:
    """A test client signed in as `user` with both factors given (the session marked as the second-factor
    page marks it)."""
    from django.test import Client

    from finsam.core import second_factor

    client = Client()
    client.force_login(user)
    session = client.session
    session[second_factor.SESSION_KEY] = second_factor.TOTP
    session.save()
    return client
