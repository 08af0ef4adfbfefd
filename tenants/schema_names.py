"""The one rule for a union's schema name (which is also its subdomain).

django-tenants itself checks almost nothing, so every entry point (command,
seed, sign-up, API) validates through `validate_schema_name`.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

SCHEMA_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]{1,30}$")

RESERVED_SCHEMA_NAMES = frozenset(
    {
        "public",
        "template",
        "information_schema",
        "www",
        "admin",
        "api",
        "static",
        "media",
        "mail",
        "vusta",
        "national",
        "localhost",
        # Names a mail, DNS or web operator expects to own, or that read as the platform's.
        "smtp",
        "imap",
        "pop",
        "pop3",
        "ftp",
        "ns",
        "ns1",
        "ns2",
        "mx",
        "cdn",
        "assets",
        "app",
        "dev",
        "test",
        "staging",
        "status",
        "support",
        "help",
        "root",
        "postgres",
        "pgbouncer",
        "default",
        "dangky",
        "toanquoc",
        "trunguong",
        "lienhiephoi",
    }
)
# Prefixes PostgreSQL or the platform keep for themselves (`pg_*` system schemas,
# `spare*` warm-pool schemas, `template*`), even written without the underscore.
RESERVED_PREFIXES = ("pg", "spare", "template")


def validate_schema_name(name: str) -> None:
    if not SCHEMA_NAME_PATTERN.fullmatch(name or ""):
        raise ValidationError(
            "Tên miền con chỉ gồm chữ thường không dấu và chữ số, bắt đầu bằng chữ, "
            "dài từ 2 đến 31 ký tự.",
            code="invalid_schema_name",
        )
    # The pattern already rules out PostgreSQL's own `pg_*` names and the warm
    # pool's `spare_*` schemas: neither can contain an underscore here.
    if (
        name in RESERVED_SCHEMA_NAMES
        or name == settings.TEMPLATE_SCHEMA_NAME
        or name.startswith(RESERVED_PREFIXES)
    ):
        raise ValidationError(
            "Tên miền con “%(name)s” đã được hệ thống dành riêng, vui lòng chọn tên khác.",
            code="reserved_schema_name",
            params={"name": name},
        )


def schema_quoted(schema_name: str) -> str:
    """The name quoted for a DDL statement (CREATE, ALTER, DROP SCHEMA)."""
    return connection.ops.quote_name(schema_name)
