"""The move of models between apps keeps an existing database's data.

Role assignments and API tokens moved from core to accounts, import runs from followup to imports: their
tables were renamed by migrations, never copied. The test migrates the test database back to the last
migrations before the move, puts rows in the tables that moved (and the rows they point to), notes every
row of every table, migrates forward and finds each of them again, under the new table names."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.committed import audit_guard

BEFORE_THE_MOVE = [
    ("core", "0002_audit_append_only"),
    ("registry", "0002_reference_data"),
    ("interventions", "0001_initial"),
    ("finance", "0001_initial"),
    ("followup", "0002_import_run"),
    ("governance", "0001_initial"),
    ("accounts", None),
    ("imports", None),
]
RENAMED = {
    "core_roleassignment": "accounts_roleassignment",
    "core_apitoken": "accounts_apitoken",
    "followup_importrun": "imports_importrun",
    "followup_importrunerror": "imports_importrunerror",
}


def _leaves(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return executor.loader.graph.leaf_nodes()


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return sorted(n for n in names if not n.startswith(("sqlite_", "django_migrations")))


def _rows(table: str, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """Every row of the table, as column → value (only `columns`, when given: a later migration may have
    added columns to a moved table)."""
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - a table name from introspection
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if columns is not None:
        rows = [{name: row[name] for name in columns} for row in rows]
    return sorted(rows, key=repr)


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.fixture
def before_the_move(transactional_db: None, django_db_serialized_rollback: None) -> Iterator[Any]:
    """The state of the database before the move (historical models), put back to today's afterwards."""
    executor = _migrate(BEFORE_THE_MOVE)
    moved_apps = {app for app, _ in BEFORE_THE_MOVE}
    nodes = [leaf for leaf in _leaves(executor) if leaf[0] not in moved_apps]
    state = executor.loader.project_state(nodes + [(app, name) for app, name in BEFORE_THE_MOVE if name])
    try:
        yield state.apps
    finally:
        _migrate(_leaves(MigrationExecutor(connection)))
        audit_guard(install=False)  # for the flush after the test; the next test puts it back


@pytest.fixture(autouse=True)
def _database_back(django_db_blocker: Any) -> Iterator[None]:
    """After the test, the database as migrations left it: the triggers, and the rows (reference data)
    that the flush removed, for the tests that follow in the same process."""
    yield
    with django_db_blocker.unblock():
        audit_guard(install=True)
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            connection.creation.deserialize_db_from_string(contents)


def test_rows_of_moved_models_are_found_after_migrating_forward(before_the_move: Any) -> None:
    apps = before_the_move
    user = apps.get_model("auth", "User").objects.create(username="flyttad", password="!")
    association = apps.get_model("registry", "Association").objects.create(
        name="Samordningsförbundet Flytten",
        org_number="222000-4809",
        founded=date(2010, 1, 1),
        seat=apps.get_model("registry", "Municipality").objects.get(code="2480"),
    )
    apps.get_model("core", "RoleAssignment").objects.create(
        user=user, role="association_admin", association=association
    )
    apps.get_model("core", "RoleAssignment").objects.create(user=user, role="national_viewer")
    apps.get_model("core", "ApiToken").objects.create(
        user=user, key_hash="a" * 64, expires=timezone.now() + timedelta(days=1)
    )
    run = apps.get_model("followup", "ImportRun").objects.create(
        association=association, created_by=user, status="refused", rows_total=3, error_count=2
    )
    for row in (2, 3):
        apps.get_model("followup", "ImportRunError").objects.create(
            run=run, row=row, column="personnummer", message="Ogiltigt personnummer."
        )
    before = {RENAMED.get(table, table): _rows(table) for table in _tables()}
    assert all(before[new] for new in RENAMED.values())

    _migrate(_leaves(MigrationExecutor(connection)))

    tables = _tables()
    for old in RENAMED:
        assert old not in tables
    for table, rows in before.items():
        if table == "django_content_type":
            continue  # the moved models' content types change app (checked below)
        assert _rows(table, list(rows[0]) if rows else None) == rows, table

    from finsam.accounts.models import ApiToken, RoleAssignment
    from finsam.imports.models import ImportRun

    assert set(RoleAssignment.objects.values_list("role", "association__name")) == {
        ("association_admin", "Samordningsförbundet Flytten"),
        ("national_viewer", None),
    }
    assert ApiToken.objects.get().user.username == "flyttad"
    moved_run = ImportRun.objects.get()
    assert (moved_run.status, list(moved_run.errors.values_list("row", flat=True))) == ("refused", [2, 3])


def test_the_content_types_of_moved_models_follow_them(before_the_move: Any) -> None:
    content_types = before_the_move.get_model("contenttypes", "ContentType")
    old = {
        (ct.app_label, ct.model): ct.pk
        for ct in content_types.objects.filter(model__in=["roleassignment", "importrun"])
    }
    _migrate(_leaves(MigrationExecutor(connection)))

    from django.contrib.contenttypes.models import ContentType

    moved = {(ct.app_label, ct.model): ct.pk for ct in ContentType.objects.filter(pk__in=old.values())}
    assert moved == {
        ("accounts", "roleassignment"): old[("core", "roleassignment")],
        ("imports", "importrun"): old[("followup", "importrun")],
    }
