"""What the schemas have applied, against what the code ships.

A clone is only as current as the template it was cloned from; these checks stop
a stale template or spare from ever becoming a union. `schemas_behind` lets an
upgrade skip every union already current without opening a migration per schema.
"""

import hashlib
from collections.abc import Sequence
from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader


@cache
def code_migrations(*, shared: bool = False) -> frozenset[tuple[str, str]]:
    """The migrations on disk for the apps that live in a union's schema (in public's
    when `shared`)."""
    names = settings.SHARED_APPS if shared else settings.TENANT_APPS
    labels = {config.label for config in apps.get_app_configs() if config.name in names}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(key for key in loader.disk_migrations if key[0] in labels)


@cache
def code_fingerprint() -> str:
    digest = hashlib.sha256()
    for app_label, name in sorted(code_migrations()):
        digest.update(f"{app_label}.{name};".encode())
    return digest.hexdigest()


def applied_migrations(schema_name: str) -> frozenset[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f'"{schema_name}".django_migrations'])
        if not cursor.fetchone()[0]:
            return frozenset()
        cursor.execute(f'SELECT app, name FROM "{schema_name}".django_migrations')
        return frozenset(cursor.fetchall())


def template_is_current() -> bool:
    return code_migrations() <= applied_migrations(settings.TEMPLATE_SCHEMA_NAME)


# Schemas per statement: each adds its django_migrations table and index to the
# statement's locks, which must fit PostgreSQL's shared lock table.
_CHUNK = 250


def schemas_behind(
    schema_names: Sequence[str], *, shared: bool = False
) -> tuple[list[str], list[str]]:
    """Of these schemas, (those missing a migration the code ships, those that do not
    exist). A few statements for any number of schemas: at 1,000 unions, opening a
    migration executor per schema just to learn it has nothing to do takes minutes."""
    expected = sorted(f"{app}.{name}" for app, name in code_migrations(shared=shared))
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT n.nspname, c.oid IS NOT NULL FROM pg_namespace n
            LEFT JOIN pg_class c
                ON c.relnamespace = n.oid AND c.relname = 'django_migrations' AND c.relkind = 'r'
            WHERE n.nspname = ANY(%s)""",
            [list(schema_names)],
        )
        has_table = dict(cursor.fetchall())
        with_table = [name for name in schema_names if has_table.get(name)]
        applied: dict[str, int] = {}
        for start in range(0, len(with_table), _CHUNK):
            chunk = with_table[start : start + _CHUNK]
            # Counts the code's migrations each schema has applied: all of them, or behind.
            quote = connection.ops.quote_name
            branches = " UNION ALL ".join(
                f"SELECT %s, count(*) FROM {quote(name)}.django_migrations m "
                "WHERE m.app || '.' || m.name IN (SELECT key FROM code)"
                for name in chunk
            )
            cursor.execute(
                f"WITH code(key) AS (SELECT unnest(%s::text[])) {branches}", [expected, *chunk]
            )
            applied.update(cursor.fetchall())
    behind = [n for n in schema_names if n in has_table and applied.get(n, 0) < len(expected)]
    missing = [name for name in schema_names if name not in has_table]
    return behind, missing
