"""What the template schema has applied, against what the code ships.

A clone is only as current as the template it was cloned from; these checks stop
a stale template or spare from ever becoming a union.
"""

import hashlib
from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader


@cache
def code_migrations() -> frozenset[tuple[str, str]]:
    """The migrations on disk for the apps that live in a union's schema."""
    labels = {
        config.label for config in apps.get_app_configs() if config.name in settings.TENANT_APPS
    }
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
