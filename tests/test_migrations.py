"""Migrations keep an existing database's data: every migration, from the first, runs over rows in every
table; and the move of models between apps keeps their rows.

Role assignments and API tokens moved from core to accounts, import runs from followup to imports: their
tables were renamed by migrations, never copied. The test migrates the test database back to the last
migrations before the move, puts rows in the tables that moved (and the rows they point to), notes every
row of every table, migrates forward and finds each of them again, under the new table names.

Every migration: the database is emptied (every table dropped, as for a new installation) and the
migrations of every app are applied one at a time, in the order `migrate` applies them, each after a row
has been written into every table that exists at that step (a generic writer over the historical models
of that step), so that a migration that cannot run over existing rows (a column added without a default,
a constraint the rows break, a data migration that assumes an empty table) fails here. About 15 seconds
on either database."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ProjectState
from django.db.models import Q
from django.utils import timezone

from finsam.core import recovery
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


# --- every migration, from the first, on a database with rows in every table -----------------------


def _referenced(condition: Q) -> set[str]:
    """The fields a check constraint's condition names (`member__isnull` → `member`)."""
    names: set[str] = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= _referenced(child)
        else:
            names.add(child[0].split("__")[0])
    return names


class _RowWriter:
    """Puts one row into every empty table of the models of a migration state (the historical models), so
    that the next migration runs over rows: a value of the right type for each field (the first choice of
    a field with choices, dates increasing in the order of the fields, so that an end comes after its
    start), a row of the related table for each foreign key (made first). Where a check constraint refuses
    the row, the values of the fields it names are tried in turn (every choice, empty or not, null or not)
    until one passes."""

    def __init__(self, apps: Any) -> None:
        self.apps = apps
        self.rows: dict[str, Any] = {}
        self.tables = set(_tables())

    def fill(self) -> None:
        for model in self.apps.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                self.row_of(model, ())

    def row_of(self, model: Any, making: tuple[str, ...]) -> Any:
        label = model._meta.label_lower
        if label in self.rows:
            return self.rows[label]
        assert model._meta.db_table in self.tables, f"{label}: no table {model._meta.db_table}"
        row = model._base_manager.order_by("pk").first()
        if row is None:
            if label in making:
                return None  # a cycle: the caller's nullable key stays empty
            row = self._insert(model, (*making, label))
        self.rows[label] = row
        return row

    def _value(self, field: Any, index: int, making: tuple[str, ...]) -> Any:
        if field.is_relation:
            return self.row_of(field.related_model, making)
        if field.choices:
            return next(value for value, _label in field.flatchoices if value not in ("", None))
        internal = field.get_internal_type()
        day = date(2020, 1, 1) + timedelta(days=index)
        values: dict[str, Any] = {
            "DateField": day,
            "DateTimeField": datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
            "TimeField": time(12),
            "DurationField": timedelta(days=1),
            "BooleanField": False,
            "DecimalField": Decimal(1),
            "FloatField": 1.0,
            "JSONField": {},
            "BinaryField": b"x",
            "UUIDField": uuid.uuid4(),
            "GenericIPAddressField": "127.0.0.1",
            "FileField": "x.txt",
        }
        if internal in values:
            return values[internal]
        if "Integer" in internal or internal == "AutoField":
            return 1
        if internal == "EmailField" or "email" in field.name:
            return "x@example.org"
        if internal == "URLField":
            return "https://example.org/"
        return "x"

    def _candidates(self, field: Any, first: Any) -> list[Any]:
        if first is None and field.has_default():
            first = field.get_default()
        options = [first]
        if field.choices:
            options += [value for value, _label in field.flatchoices]
        if field.get_internal_type() == "BooleanField":
            options.append(True)
        if getattr(field, "blank", False) and not field.is_relation:
            options.append("")
        if field.null:
            options.append(None)
        else:
            options = [option for option in options if option is not None]
        return list(dict.fromkeys(options, None)) if all(_hashable(o) for o in options) else options

    def _insert(self, model: Any, making: tuple[str, ...]) -> Any:
        meta = model._meta
        values: dict[str, Any] = {}
        fields = [
            f
            for f in meta.concrete_fields
            if not f.primary_key or not f.get_internal_type().endswith("AutoField")
        ]
        for index, field in enumerate(fields):
            if field.has_default() and not field.is_relation:
                continue
            value = self._value(field, index, making)
            if value is None and not field.null:
                raise AssertionError(f"{meta.label_lower}.{field.name}: no row to point to")
            values[field.attname if field.is_relation else field.name] = (
                value.pk if field.is_relation and value is not None else value
            )
        named = set().union(
            *(_referenced(c.condition) for c in meta.constraints if isinstance(c, models.CheckConstraint))
        )
        varied = [f for f in fields if f.name in named]
        choices = [self._candidates(f, values.get(f.attname if f.is_relation else f.name)) for f in varied]
        for attempt, combination in enumerate(itertools.product(*choices)):
            trial = dict(values)
            for field, value in zip(varied, combination, strict=True):
                trial[field.attname if field.is_relation else field.name] = value
            try:
                with transaction.atomic():
                    return model._base_manager.create(**trial)
            except (IntegrityError, ValidationError):
                if attempt > 5000:
                    break
        raise AssertionError(f"{meta.label_lower}: no row passes its constraints")


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _empty_tables() -> list[str]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        empty = []
        for table in _tables():
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608 - a name from introspection
            if cursor.fetchone() is None:
                empty.append(table)
    return empty


def _drop_everything() -> None:
    """Every table (with its triggers, sequences and functions), the record of migrations included: the
    database of a new installation. (Unapplying the migrations would not do: a library's are not all
    reversible.)"""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(recovery.CLEAR_POSTGRESQL)
            return
        cursor.execute("PRAGMA foreign_keys = OFF")
        for table in connection.introspection.table_names(cursor):
            if not table.startswith("sqlite_"):
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
        cursor.execute("PRAGMA foreign_keys = ON")


@pytest.fixture
def from_zero(transactional_db: None, django_db_serialized_rollback: None) -> Iterator[MigrationExecutor]:
    """An empty database; every migration applied again afterwards (when the test stopped half-way)."""
    _drop_everything()
    try:
        yield MigrationExecutor(connection)
    finally:
        _migrate(_leaves(MigrationExecutor(connection)))
        audit_guard(install=False)  # for the flush after the test; the next test puts it back


def test_every_migration_from_the_first_runs_over_rows_in_every_table(from_zero: MigrationExecutor) -> None:
    executor = from_zero
    plan = executor.migration_plan(_leaves(executor), clean_start=True)
    assert len(plan) > 20 and not executor.loader.applied_migrations
    state = ProjectState(real_apps=executor.loader.unmigrated_apps)
    for migration, backwards in plan:
        assert not backwards
        _RowWriter(state.apps).fill()
        assert _empty_tables() == [], f"before {migration.app_label}.{migration.name}"
        state = executor.apply_migration(state, migration)

    _RowWriter(state.apps).fill()
    assert _empty_tables() == []
    assert {"followup_participant", "core_auditentry", "imports_importrun"} <= set(_tables())
