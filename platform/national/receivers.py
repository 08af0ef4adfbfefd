"""How the national layer hears of what happens below it, and what it does about it.

The layers below never import this one: they send signals (`tenants.signals`,
`cms.records.signals`, Wagtail's page signals) and the receivers here keep the
national records. Work that may follow the change (figures, the news feed) is queued
for Celery after commit; records that must commit with the change (the audit, the
national totals, a report's submission) are written in the sender's transaction.
"""

from pathlib import Path

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_tenants.utils import schema_context
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from cms.records.models import Report
from cms.records.signals import records_changed, report_submitted
from lhh.national import news_feed, rollups, services, tasks
from lhh.web.schema_scope import in_public_schema
from tenants.models import Union, UnionMerge
from tenants.signals import (
    union_deleting,
    union_merged,
    union_provinces_changed,
    union_restored,
    union_status_changed,
)


@receiver(records_changed, dispatch_uid="national_rollup_refresh")
def _records_changed(sender, schema_name: str, period_ids: list[int], **kwargs) -> None:
    # The task carries the schema it is queued from; queue it from the union's own.
    with schema_context(schema_name):
        tasks.rollup_refresh.delay(period_ids)


@receiver(report_submitted, dispatch_uid="national_report_submission")
def _report_submitted(sender, report: Report, **kwargs) -> None:
    services.report_submission_record(report=report)


def _queue_news_feed_refresh(**kwargs) -> None:
    if not in_public_schema():
        transaction.on_commit(tasks.news_feed_refresh.delay)


page_published.connect(_queue_news_feed_refresh, dispatch_uid="national_news_feed_published")
page_unpublished.connect(_queue_news_feed_refresh, dispatch_uid="national_news_feed_unpublished")
# A page made private (or public again) without a new publication: the feed holds public
# news only, so it is refreshed too.
for _signal in (post_save, post_delete):
    _signal.connect(
        _queue_news_feed_refresh,
        sender=PageViewRestriction,
        dispatch_uid=f"national_news_feed_restriction_{_signal is post_save}",
    )


@receiver(union_status_changed, dispatch_uid="national_audit_status")
def _union_status_changed(
    sender,
    union: Union,
    previous: str,
    actor: str,
    reason: str,
    copy_activated: bool = False,
    **kwargs,
) -> None:
    if copy_activated:
        action = "copy_activated"
    elif union.review_pending and union.status == Union.Status.ARCHIVED:
        action = "copy_archived"
    else:
        action = union.status
    services.audit_entry_add(
        union=union,
        actor=actor,
        action=action,
        detail=f"{Union.Status(previous).label} → {union.get_status_display()}"
        + (f". Lý do: {reason}" if reason else ""),
    )
    if copy_activated:
        # Counted from now on: its figures and news join the national ones, in the worker.
        schema_name = union.schema_name

        def queue() -> None:
            with schema_context(schema_name):
                tasks.rollup_refresh.delay()
                tasks.news_feed_refresh.delay()

        transaction.on_commit(queue)


@receiver(union_deleting, dispatch_uid="national_union_deleting")
def _union_deleting(sender, union: Union, actor: str, archive: Path, **kwargs) -> None:
    services.audit_entry_add(
        union=union,
        actor=actor,
        action="deleted",
        detail=f"Đã xoá Liên hiệp Hội; bản sao lưu: {archive.name}",
    )
    # Its rollups would go by cascade; the national totals must lose them too.
    rollups.union_rollups_forget(union)


@receiver(union_restored, dispatch_uid="national_union_restored")
def _union_restored(
    sender, union: Union, actor: str, archive: Path, source_schema: str, **kwargs
) -> None:
    services.audit_entry_add(
        union=union,
        actor=actor,
        action="restored",
        detail=f"Khôi phục từ {archive.name}"
        + (f" (lược đồ gốc: {source_schema})" if union.schema_name != source_schema else ""),
    )
    if union.review_pending:
        return  # a copy beside its original stays out of the national figures and feed
    # Rebuild what public derives from the schema.
    with schema_context(union.schema_name):
        rollups.rollup_refresh()
        news_feed.news_feed_refresh()


@receiver(union_provinces_changed, dispatch_uid="national_audit_provinces")
def _union_provinces_changed(
    sender, union: Union, before: str, after: str, actor: str, **kwargs
) -> None:
    services.audit_entry_add(
        union=union,
        actor=actor,
        action="provinces",
        detail=f"Tỉnh hiện hành / tỉnh cũ: {before} → {after}",
    )
    # The union now counts in other provinces' totals.
    transaction.on_commit(tasks.rollup_totals_rebuild.delay)


@receiver(union_merged, dispatch_uid="national_union_merged")
def _union_merged(sender, merge_id: int, **kwargs) -> None:
    """Sent after a merger's switch committed: move the statistics and the news feed now,
    in the worker that merged (both are quick next to the merge itself)."""
    from lhh.national.models import NewsFeedItem

    merge = UnionMerge.objects.select_related("absorbed", "absorbing").filter(pk=merge_id).first()
    if merge is None:  # removed since (a test's or a benchmark's clean-up)
        return
    rollups.union_merged_statistics(
        absorbed=merge.absorbed, absorbing=merge.absorbing, merge_date=merge.merge_date
    )
    NewsFeedItem.objects.filter(union=merge.absorbed).delete()
    with schema_context(merge.absorbing.schema_name):
        news_feed.news_feed_refresh()
