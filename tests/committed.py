"""For tests whose data another thread or process must see (the live server, a worker): they run in real
transactions and the database is flushed after each. The audit log's append-only triggers refuse the flush,
so such tests lift them for it (`audit_guard(install=False)`) and put them back before the next test."""

from __future__ import annotations

import importlib

from django.db import connection

_append_only = importlib.import_module("finsam.core.migrations.0002_audit_append_only")


def audit_guard(*, install: bool) -> None:
    """Drops (and, with install, re-creates) the triggers that keep the audit log append-only."""
    vendor = connection.vendor
    if vendor == "postgresql":
        statements = [_append_only.BACKWARD] + ([_append_only.FORWARD] if install else [])
    elif vendor == "sqlite":
        statements = _append_only.SQLITE_BACKWARD + (_append_only.SQLITE_FORWARD if install else [])
    else:
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
