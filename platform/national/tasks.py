from django.db import connection, transaction
from django.dispatch import receiver
from django_tenants.utils import get_public_schema_name, schema_context
from wagtail.signals import page_published, page_unpublished

from cms.records.events import records_changed
from lhh.celery import NationalTask, app
from lhh.national import rollups


@app.task
def rollup_refresh(period_ids: list[int] | None = None) -> int:
    """Recompute this union's rollups (a UnionTask: it runs in the union's schema)."""
    return rollups.rollup_refresh(period_ids)


@app.task(base=NationalTask)
def rollup_totals_rebuild() -> int:
    """Recompute the national totals from the per-union rollups: the nightly repair."""
    return rollups.rollup_totals_rebuild()


@receiver(records_changed, dispatch_uid="national_rollup_refresh")
def _records_changed(sender, schema_name: str, period_ids: list[int], **kwargs) -> None:
    # The task carries the schema it is queued from; queue it from the union's own.
    with schema_context(schema_name):
        rollup_refresh.delay(period_ids)


@app.task(base=NationalTask)
def national_report_build(report_id: int) -> None:
    from lhh.national.national_report import national_report_build as build

    build(report_id)


@app.task
def news_feed_refresh() -> int:
    """Copy this union's latest news into the national feed (a UnionTask)."""
    from lhh.national.news_feed import news_feed_refresh as refresh

    return refresh()


@app.task
def union_health_refresh() -> None:
    """Measure this union's last login and storage for the directory (a UnionTask)."""
    from lhh.national.health import union_health_refresh as refresh

    refresh()


def _queue_news_feed_refresh(**kwargs) -> None:
    if connection.schema_name != get_public_schema_name():
        transaction.on_commit(news_feed_refresh.delay)


page_published.connect(_queue_news_feed_refresh, dispatch_uid="national_news_feed_published")
page_unpublished.connect(_queue_news_feed_refresh, dispatch_uid="national_news_feed_unpublished")
