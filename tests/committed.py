"""For tests whose data another thread or process must see (the live server, a worker): they run in real
transactions and the database is flushed after each. The append-only triggers of the audit log and its seals
refuse the flush, so such tests lift them for it (`audit_guard(install=False)`) and put them back before the
next test."""

from __future__ import annotations

import importlib

from django.db import connection

_append_only = importlib.import_module("finsam.core.migrations.0002_audit_append_only")
_seals = importlib.import_module("finsam.core.migrations.0005_audit_chain_and_key_fingerprints")


def audit_guard(*, install: bool) -> None:
    """Drops (and, with install, re-creates) the triggers that keep the audit log and its seals
    append-only."""
    vendor = connection.vendor
    if vendor == "postgresql":
        statements = [_seals.PG_BACKWARD, _append_only.BACKWARD] + (
            [_append_only.FORWARD, _seals.PG_FORWARD] if install else []
        )
    elif vendor == "sqlite":
        statements = (_seals.SQLITE_BACKWARD + _append_only.SQLITE_BACKWARD) + (
            _append_only.SQLITE_FORWARD + _seals.SQLITE_FORWARD if install else []
        )
    else:
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
