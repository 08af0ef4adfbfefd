"""What a union's connection may see of public: the national layer's own tables, as views.

django-tenants puts `public` after a union's schema in `search_path`. PostgreSQL then
answers from public for any table the union's schema lacks: with the union's
`auth_user` missing, national staff logged in on the union's host; with its
`wagtailcore_page` missing, the union's host served the national site. The apps in both
lists (auth, Wagtail, sessions, API tokens) have a table of the same name in public.

So a union's `search_path` is `<union>, lhh_shared` instead (tenants/postgresql_backend).
`lhh_shared` holds one plain view per table that exists only in public (the registry,
the national layer): simple views are updatable in PostgreSQL (INSERT with the base
table's defaults, ON CONFLICT, RETURNING, FOR UPDATE all pass through), so code running
in a union's schema reads and writes them as before, in the same transaction. A table
of a union app missing from the union's schema is then an error, never public's rows.

Views fix their column list when made, and a view blocks dropping or retyping a column
of its table: public's migrations drop the views first and make them again after
(`pre_migrate`/`post_migrate` in public), and `migrate_platform` always makes them.
"""

from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import connection

from tenants.citus import schemas_local

SHARED_VIEWS_SCHEMA = "lhh_shared"


@cache
def public_only_tables() -> tuple[str, ...]:
    """Tables of the apps that live only in public (never in a union's schema)."""
    tables = set()
    for config in apps.get_app_configs():
        if config.name not in settings.SHARED_APPS or config.name in settings.TENANT_APPS:
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    # Database caches (the security state) keep their one table in public too.
    for config in settings.CACHES.values():
        if config["BACKEND"].endswith("db.DatabaseCache"):
            tables.add(config["LOCATION"])
    return tuple(sorted(tables))


def shared_views_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SHARED_VIEWS_SCHEMA} CASCADE")


def shared_views_refresh() -> None:
    """(Re)make one view per public-only table that public has now."""
    public = settings.PUBLIC_SCHEMA_NAME
    quote = connection.ops.quote_name
    # On Citus the views' schema stays local on the coordinator, beside the tables it shows.
    with schemas_local(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = %s",
            [public],
        )
        present = {row[0] for row in cursor.fetchall()}
        statements = [
            f"DROP SCHEMA IF EXISTS {SHARED_VIEWS_SCHEMA} CASCADE",
            f"CREATE SCHEMA {SHARED_VIEWS_SCHEMA}",
            *(
                f"CREATE VIEW {SHARED_VIEWS_SCHEMA}.{quote(table)} AS "
                f"SELECT * FROM {quote(public)}.{quote(table)}"
                for table in public_only_tables()
                if table in present
            ),
        ]
        cursor.execute("; ".join(statements))


def _in_public() -> bool:
    return connection.schema_name == settings.PUBLIC_SCHEMA_NAME


def before_migrate(sender, **kwargs) -> None:
    if _in_public():
        shared_views_drop()


def after_migrate(sender, **kwargs) -> None:
    if _in_public():
        shared_views_refresh()
