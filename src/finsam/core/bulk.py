"""Inserting many rows of one model at once, for imports.

On PostgreSQL the rows go in with `COPY … FROM STDIN` (psycopg's copy protocol) after their primary keys
are drawn from the table's sequence in one query, so that the objects come back with their ids like
`bulk_create` returns them and later rows can refer to them. Elsewhere (SQLite) it is `bulk_create`.

Why: `bulk_create` spends most of its time building the INSERT statement in Python (compiling every value
of every object); COPY streams the values. The objects are still model instances, built as usual, so
the model's defaults and `pre_save` (auto_now_add …) apply exactly as with `bulk_create`. Signals are not
sent, as with `bulk_create`. The database's constraints apply to both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def insert_many[M: models.Model](model: type[M], objects: Sequence[M]) -> Sequence[M]:
    """Insert `objects` (new instances of `model`, without primary keys); return them with their keys."""
    if not objects:
        return objects
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objects)
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = list(meta.concrete_fields)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objects)],
        )
        for obj, (key,) in zip(objects, cursor.fetchall(), strict=True):
            setattr(obj, pk.attname, key)
        columns = ", ".join(quote(str(field.column)) for field in fields)
        statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
            for obj in objects:
                copy.write_row(
                    [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
                )
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]], *, ids: bool = False
) -> list[int]:
    """Insert plain rows (tuples of database values in the order of `columns`, without the primary key)
    into `model`'s table, without building model instances: for the imports, where building and
    compiling an instance per row cost more than the database's own work. Nothing of the model's Python
    side applies (defaults, `pre_save`, signals): the caller gives every column that has no database
    default. Dates and datetimes as `date`/`datetime` objects (aware datetimes when USE_TZ).

    With `ids`, the new rows' primary keys in the order of `rows`: on PostgreSQL drawn from the table's
    sequence in one query (`nextval` over `generate_series`) and then written with the rows by `COPY`; on
    SQLite, inside a transaction (which holds the write lock), the next keys after the largest given,
    written with the rows by one `executemany`; outside one, the row id of each insert. Without `ids`,
    `COPY` on PostgreSQL and `executemany` on SQLite. The database's constraints apply; their errors come
    as Django's (IntegrityError …)."""
    if not rows:
        return []
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        keys: list[int] = []
        with connection.cursor() as cursor:
            names: list[str] = list(columns)
            if ids:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, pk.column, len(rows)],
                )
                keys = [key for (key,) in cursor.fetchall()]
                names = [str(pk.column), *names]
            statement = f"COPY {table} ({', '.join(quote(name) for name in names)}) FROM STDIN"
            with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
                write = copy.write_row
                if ids:
                    for key, row in zip(keys, rows, strict=True):
                        write((key, *row))
                else:
                    for row in rows:
                        write(row)
        return keys
    # SQLite: dates go through the adapters Django registers with sqlite3; datetimes are stored as Django
    # stores them (naive UTC text), converted here for the DateTimeField columns only.
    field_of = {field.column: field for field in meta.concrete_fields}
    moments = [
        index for index, name in enumerate(columns) if isinstance(field_of[name], models.DateTimeField)
    ]
    if moments:
        adapt = connection.ops.adapt_datetimefield_value
        rows = [
            tuple(adapt(value) if index in moments else value for index, value in enumerate(row))
            for row in rows
        ]
    statement = (
        f"INSERT INTO {table} ({', '.join(quote(name) for name in columns)}) "  # noqa: S608 - names only
        f"VALUES ({', '.join('?' * len(columns))})"
    )
    raw = connection.connection
    assert raw is not None
    with connection.wrap_database_errors:
        plain = sqlite3.Cursor(raw)  # qmark parameters: none of the conversions of Django's own cursor
        try:
            if not ids:
                plain.executemany(statement, rows)
                return []
            if connection.in_atomic_block:
                # In a transaction, which on SQLite holds the database's write lock from its start (BEGIN
                # IMMEDIATE, settings.py): no one else inserts meanwhile, so the keys are the next ones after
                # the largest ever given (AUTOINCREMENT keeps it in sqlite_sequence), written with the rows
                # in one executemany instead of one execution per row.
                plain.execute(
                    f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0), "  # noqa: S608
                    f"coalesce((SELECT max({quote(str(pk.column))}) FROM {table}), 0))",
                    [meta.db_table],
                )
                (last,) = plain.fetchone()
                keys = list(range(last + 1, last + 1 + len(rows)))
                listed = ", ".join(quote(name) for name in (str(pk.column), *columns))
                marks = ", ".join("?" * (len(columns) + 1))
                with_keys = f"INSERT INTO {table} ({listed}) VALUES ({marks})"  # noqa: S608 - names only
                plain.executemany(with_keys, [(key, *row) for key, row in zip(keys, rows, strict=True)])
                return keys
            keys = []
            for row in rows:
                plain.execute(statement, row)
                assert plain.lastrowid is not None
                keys.append(plain.lastrowid)
            return keys
        finally:
            plain.close()
