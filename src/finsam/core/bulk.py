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

from collections.abc import Sequence

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
