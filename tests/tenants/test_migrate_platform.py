"""Upgrades across many unions: skip the current ones, migrate the rest, one failure stays one."""

import subprocess
import sys
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tenants.migration_state import code_migrations, schemas_behind
from tenants.models import Union
from tests.conftest import PROJECT_ROOT, subprocess_env


def _has_sessions_table(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f'"{schema}".django_session'])
        return cursor.fetchone()[0]


def _forget_sessions_migration(schema: str, *, drop_table: bool) -> None:
    """As if the code shipped the sessions app after this schema was made. With the table
    kept, applying it again must fail: a schema in a state its migrations did not make."""
    with connection.cursor() as cursor:
        if drop_table:
            cursor.execute(f'DROP TABLE "{schema}".django_session')
        cursor.execute(f"DELETE FROM \"{schema}\".django_migrations WHERE app = 'sessions'")


@pytest.fixture
def restored(union_pair, committed) -> Iterator[None]:
    """Committed changes to the two test unions, put right afterwards whatever happened."""
    yield
    for union in union_pair:
        with connection.cursor() as cursor:
            if _has_sessions_table(union.schema_name):
                cursor.execute(
                    f'INSERT INTO "{union.schema_name}".django_migrations (app, name, applied) '
                    "SELECT 'sessions', '0001_initial', now() WHERE NOT EXISTS (SELECT 1 FROM "
                    f"\"{union.schema_name}\".django_migrations WHERE app = 'sessions')"
                )
    call_command("migrate_platform", verbosity=0)


def test_the_behind_check_reads_every_schema_at_once(union_a, union_b, db):
    schemas = list(
        Union.objects.exclude(schema_name="public").values_list("schema_name", flat=True)
    )
    assert schemas_behind(schemas) == ([], [])
    _forget_sessions_migration(union_b.schema_name, drop_table=True)
    # One of the union apps' migrations: the newest row may be a public-only app's.
    app, name = max(code_migrations())
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{union_a.schema_name}".django_migrations WHERE app = %s AND name = %s',
            [app, name],
        )
        assert cursor.rowcount == 1
    Union.objects.create(schema_name="chuacolsd", name="Chưa có lược đồ")
    behind, missing = schemas_behind([*schemas, "chuacolsd"])
    assert sorted(behind) == sorted([union_a.schema_name, union_b.schema_name])
    assert missing == ["chuacolsd"]
    assert code_migrations(shared=True) != code_migrations()


def test_an_up_to_date_platform_is_skipped_whole(union_pair, db):
    out = StringIO()
    call_command("migrate_platform", stdout=out)
    checked = Union.objects.exclude(schema_name="public").count()
    assert "public: đã cập nhật, bỏ qua." in out.getvalue()
    assert f"{checked} lược đồ (mẫu và Liên hiệp Hội): {checked} đã cập nhật" in out.getvalue()
    assert "0 đã migrate; 0 lỗi" in out.getvalue()
    assert "Applying" not in out.getvalue()


def test_unions_missing_a_migration_get_it_in_parallel(union_pair, restored):
    union_a, union_b = union_pair
    for union in (union_a, union_b):
        _forget_sessions_migration(union.schema_name, drop_table=True)
    out = StringIO()
    call_command("migrate_platform", "--jobs", "2", stdout=out)
    assert "2 đã migrate; 0 lỗi" in out.getvalue()
    assert _has_sessions_table(union_a.schema_name) and _has_sessions_table(union_b.schema_name)
    assert schemas_behind([union_a.schema_name, union_b.schema_name]) == ([], [])


def test_a_broken_union_fails_alone_named_and_the_run_exits_non_zero(union_pair, restored):
    union_a, union_b = union_pair
    _forget_sessions_migration(union_a.schema_name, drop_table=False)  # conflicting table
    _forget_sessions_migration(union_b.schema_name, drop_table=True)
    run = subprocess.run(
        [sys.executable, "manage.py", "migrate_platform", "--jobs", "2"],
        cwd=PROJECT_ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode != 0
    assert f"Không migrate được 1 lược đồ: {union_a.schema_name}." in run.stderr
    assert "already exists" in run.stderr
    assert "1 đã migrate; 1 lỗi" in run.stdout
    # The other union was migrated all the same; the broken one is exactly as it was.
    assert _has_sessions_table(union_b.schema_name)
    assert schemas_behind([union_a.schema_name, union_b.schema_name]) == (
        [union_a.schema_name],
        [],
    )


def test_the_backend_lists_the_same_tables_as_django_tenants(union_a, db):
    """Read through pg_depend's index instead of scanning pg_class: the same list."""
    from django_tenants.postgresql_backend.introspection import DatabaseSchemaIntrospection

    stock = DatabaseSchemaIntrospection(connection)
    for schema in ("public", union_a.schema_name, "template"):
        connection.set_schema(schema)
        with connection.cursor() as cursor:
            ours = sorted(connection.introspection.get_table_list(cursor))
            assert ours == sorted(stock.get_table_list(cursor))
        assert ("django_migrations", "t", None) in [tuple(table) for table in ours]
    connection.set_schema_to_public()
