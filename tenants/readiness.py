"""Whether a union may be served: the one readiness check of routing, the API and Celery.

A union is ready when its schema exists, holds every table of the union apps, and has
applied every migration the running code ships. Anything less answers 503 (web, API)
or refuses (task).

The full check costs three catalogue queries, so each process remembers the unions it
found ready, keyed by the registry row's id and status: a status change or a union
made again under the same name is checked afresh, and a union that is behind the code
is never remembered (a process with new code checks it again; `migrate_platform` makes
it current). A table that goes missing later is caught by the connection itself
(`tenants.shared_views`: public is not on a union's search path, so the query fails
instead of reading public) and the failure makes the process forget the union
(`union_readiness_forget`).
"""

from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import connection

from tenants.migration_state import schemas_behind
from tenants.models import Union

_ready: dict[str, tuple[int, str]] = {}


@cache
def union_tables(*, shared: bool = False) -> frozenset[str]:
    """Every table the union apps keep in a union's schema (the shared apps in public's,
    when `shared`), and the migration ledger."""
    names = settings.SHARED_APPS if shared else settings.TENANT_APPS
    tables = {"django_migrations"}
    for config in apps.get_app_configs():
        if config.name not in names:
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    return frozenset(tables)


def schema_complete(schema_name: str) -> bool:
    """The schema exists, has every union table, and is not behind the code. The national
    union's schema, public, is held to the shared apps instead."""
    shared = schema_name == settings.PUBLIC_SCHEMA_NAME
    expected = sorted(union_tables(shared=shared))
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND c.relname = ANY(%s)""",
            [schema_name, expected],
        )
        if cursor.fetchone()[0] != len(expected):
            return False
    behind, missing = schemas_behind([schema_name], shared=shared)
    return not behind and not missing


def union_ready(union: Union) -> bool:
    """Whether `union` may be served or worked on now; cheap once it has been found ready."""
    stamp = (union.pk, union.status)
    if _ready.get(union.schema_name) == stamp:
        return True
    if not schema_complete(union.schema_name):
        _ready.pop(union.schema_name, None)
        return False
    _ready[union.schema_name] = stamp
    return True


def union_readiness_forget(schema_name: str) -> None:
    """A query failed in this union: check it in full before serving it again."""
    _ready.pop(schema_name, None)
