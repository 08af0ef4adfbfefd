"""How the national layer hears of changes in the unions below it.

A union's records and pages change in its own schema; the national figures and
news feed are refreshed by Celery tasks queued here, after the change committed.
"""

from django.db import connection, transaction
from django.dispatch import receiver
from django_tenants.utils import get_public_schema_name, schema_context
from wagtail.signals import page_published, page_unpublished

from cms.records.signals import records_changed
from lhh.national.tasks import news_feed_refresh, rollup_refresh
from tenants.merging import union_merged


@receiver(records_changed, dispatch_uid="national_rollup_refresh")
def _records_changed(sender, schema_name: str, period_ids: list[int], **kwargs) -> None:
    # The task carries the schema it is queued from; queue it from the union's own.
    with schema_context(schema_name):
        rollup_refresh.delay(period_ids)


def _queue_news_feed_refresh(**kwargs) -> None:
    if connection.schema_name != get_public_schema_name():
        transaction.on_commit(news_feed_refresh.delay)


@receiver(union_merged, dispatch_uid="national_union_merged")
def _union_merged(sender, merge_id: int, **kwargs) -> None:
    """Sent after a merger's switch committed: move the statistics and the news feed now,
    in the worker that merged (both are quick next to the merge itself)."""
    from lhh.national import rollups
    from lhh.national.models import NewsFeedItem
    from lhh.national.news_feed import news_feed_refresh as refresh
    from tenants.models import UnionMerge

    merge = UnionMerge.objects.select_related("absorbed", "absorbing").filter(pk=merge_id).first()
    if merge is None:  # removed since (a test's or a benchmark's clean-up)
        return
    rollups.union_merged_statistics(
        absorbed=merge.absorbed, absorbing=merge.absorbing, merge_date=merge.merge_date
    )
    NewsFeedItem.objects.filter(union=merge.absorbed).delete()
    with schema_context(merge.absorbing.schema_name):
        refresh()


page_published.connect(_queue_news_feed_refresh, dispatch_uid="national_news_feed_published")
page_unpublished.connect(_queue_news_feed_refresh, dispatch_uid="national_news_feed_unpublished")
