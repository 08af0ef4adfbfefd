from django.db import connection, transaction
from django.dispatch import receiver
from django_tenants.utils import get_public_schema_name, schema_context
from wagtail.signals import page_published, page_unpublished

from cms.records.events import records_changed
from lhh.celery import NationalTask, app
from lhh.national import rollups
from lhh.national import services as national_services
from lhh.national.models import NewsFeedItem
from tenants.merging import union_merged


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


@receiver(union_merged, dispatch_uid="national_union_merged")
def _union_merged(sender, merge_id: int, **kwargs) -> None:
    """Sent after the switch committed: move the statistics and the news feed now, in the
    worker that merged (both are quick next to the merge itself)."""
    from lhh.national.news_feed import news_feed_refresh as refresh
    from tenants.models import UnionMerge

    merge = UnionMerge.objects.select_related("absorbed", "absorbing").get(pk=merge_id)
    rollups.union_merged_statistics(
        absorbed=merge.absorbed, absorbing=merge.absorbing, merge_date=merge.merge_date
    )
    NewsFeedItem.objects.filter(union=merge.absorbed).delete()
    with schema_context(merge.absorbing.schema_name):
        refresh()


@app.task(base=NationalTask)
def report_reminders_send(period_kind: str, year: int, half: int | None) -> int:
    return national_services.report_reminders_send(period_kind=period_kind, year=year, half=half)


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
