from django.dispatch import receiver
from django_tenants.utils import schema_context

from cms.records.events import records_changed
from lhh.celery import app
from lhh.national import rollups


@app.task
def rollup_refresh(period_ids: list[int] | None = None) -> int:
    """Recompute this union's rollups (a UnionTask: it runs in the union's schema)."""
    return rollups.rollup_refresh(period_ids)


@receiver(records_changed, dispatch_uid="national_rollup_refresh")
def _records_changed(sender, schema_name: str, period_ids: list[int], **kwargs) -> None:
    # The task carries the schema it is queued from; queue it from the union's own.
    with schema_context(schema_name):
        rollup_refresh.delay(period_ids)
