"""A union's use as the national directory shows it: last login and storage used."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max

from lhh.national.models import UnionHealth
from lhh.web.schema_scope import current_schema
from tenants.models import Union


def union_health_refresh() -> UnionHealth:
    """Measure the current union (in its own schema) and store the result in public."""
    union = Union.objects.get(schema_name=current_schema())
    last_login = get_user_model().objects.aggregate(last=Max("last_login"))["last"]
    media = Path(settings.MEDIA_ROOT) / union.schema_name
    storage = (
        sum(f.stat().st_size for f in media.rglob("*") if f.is_file()) if media.is_dir() else 0
    )
    health, _ = UnionHealth.objects.update_or_create(
        union=union, defaults={"last_login_at": last_login, "storage_bytes": storage}
    )
    return health
