"""Tasks run in the schema they were queued from, on a real worker and broker."""

from django.core import mail
from django.db import connection
from django_tenants.utils import schema_context

from cms.models import ReaderComment
from cms.services import comment_submit
from cms.tasks import comment_notify_moderators
from lhh.national.rollups import rollup_totals_rebuild
from tests.conftest import wait_for
from tests.records.conftest import import_upload_through_worker


def _submit_in(union, body: str) -> ReaderComment:
    with schema_context(union.schema_name):
        comment = comment_submit(
            article=union.sentinel(), name="Bạn đọc", email="bandoc@example.vn", body=body
        )
    return comment


def test_a_task_runs_in_the_union_it_was_queued_from(union_pair, committed, celery_worker):
    union_a, union_b = union_pair
    mail.outbox.clear()
    comment_a = _submit_in(union_a, "Ý kiến gửi tới A")
    comment_b = _submit_in(union_b, "Ý kiến gửi tới B")
    try:
        # comment_submit queued one notification per union, after commit, via the broker.
        wait_for(lambda: len(mail.outbox) >= 2, timeout=10, what="the worker")
        by_union = {m.subject.split("]")[0].lstrip("["): m for m in mail.outbox}
        assert "Ý kiến gửi tới A" in by_union["uniona"].body
        assert "Ý kiến gửi tới B" not in by_union["uniona"].body
        assert by_union["uniona"].to == ["admin@uniona.example.vn"]
        assert "Ý kiến gửi tới B" in by_union["unionb"].body
        assert by_union["unionb"].to == ["admin@unionb.example.vn"]
    finally:
        for union, comment in ((union_a, comment_a), (union_b, comment_b)):
            with schema_context(union.schema_name):
                ReaderComment.objects.filter(pk=comment.pk).delete()


def test_a_union_task_queued_without_a_schema_refuses_to_run(db):
    assert connection.schema_name == "public"
    result = comment_notify_moderators.apply(args=[1])
    assert result.failed()
    assert "queued without one" in str(result.result)


def test_the_beat_fan_out_flushes_each_unions_counter_in_its_own_schema(
    union_pair, committed, celery_worker
):
    from django.utils import timezone

    from cms.models import VisitDay
    from tenants.tasks import union_fan_out

    union_a, union_b = union_pair
    for _ in range(2):
        union_a.client().get("/")
    with schema_context(union_b.schema_name):
        b_rows_before = list(VisitDay.objects.values_list("day", "views"))
    try:
        union_fan_out.delay("cms.tasks.visits_flush")

        def flushed() -> bool:
            with schema_context(union_a.schema_name):
                return VisitDay.objects.filter(day=timezone.localdate(), views__gte=2).exists()

        wait_for(flushed, timeout=10, what="the worker")
        with schema_context(union_b.schema_name):
            assert list(VisitDay.objects.values_list("day", "views")) == b_rows_before
    finally:
        with schema_context(union_a.schema_name):
            VisitDay.objects.all().delete()


def test_an_import_applies_in_the_background_with_progress_in_its_own_union(
    union_pair, committed, celery_worker
):
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cms.records.models import MemberCount, MemberOrganisation, ReportingPeriod
    from cms.records.services import period_get_or_create
    from lhh.national.models import Rollup

    union_a, union_b = union_pair
    with schema_context(union_a.schema_name):
        period = period_get_or_create(kind="year", year=2024)
        admin = union_a.client()
        admin.force_login(get_user_model().objects.get(username="admin"))
    rows = "Tên tổ chức,Loại,Số hội viên\n" + "".join(
        f"Hội nền {n},Hội thành viên,{100 + n}\n" for n in range(1200)
    )
    try:
        # The worker reads the file for the preview, in A's schema.
        job_id, preview = import_upload_through_worker(
            admin,
            {
                "kind": "organisations",
                "period": period.pk,
                "file": SimpleUploadedFile("to-chuc.csv", rows.encode()),
            },
        )
        assert "Ghi 1200 dòng vào hồ sơ" in preview
        assert f"/admin/ho-so/nhap/{job_id}/xac-nhan/" in preview
        # B's staff cannot reach A's preview, nor confirm it.
        with schema_context(union_b.schema_name):
            admin_b = union_b.client()
            admin_b.force_login(get_user_model().objects.get(username="admin"))
        assert admin_b.get(f"/admin/ho-so/nhap/{job_id}/xem-truoc/").status_code == 404
        assert admin_b.post(f"/admin/ho-so/nhap/{job_id}/xac-nhan/").status_code == 404
        progress_page = admin.post(f"/admin/ho-so/nhap/{job_id}/xac-nhan/", follow=True)
        assert "<progress" in progress_page.content.decode()

        def state() -> dict:
            return admin.get(
                f"/admin/ho-so/nhap/{job_id}/", headers={"accept": "application/json"}
            ).json()

        wait_for(lambda: state()["state"] in {"done", "failed"}, timeout=30, what="the worker")
        assert state() == {
            "done": 1200,
            "total": 1200,
            "state": "done",
            "message": "Đã nhập 1200 dòng.",
        }
        with schema_context(union_a.schema_name):
            assert MemberCount.objects.filter(period=period).count() == 1200
        with schema_context(union_b.schema_name):
            assert not MemberOrganisation.objects.filter(name__startswith="Hội nền").exists()
    finally:
        with schema_context(union_a.schema_name):
            MemberCount.objects.filter(period=period).delete()
            MemberOrganisation.objects.filter(name__startswith="Hội nền").delete()
            ReportingPeriod.objects.filter(pk=period.pk).delete()
        Rollup.objects.filter(union=union_a.union, year=2024).delete()
        rollup_totals_rebuild()


def test_a_records_change_reaches_the_national_rollups_within_seconds(
    union_pair, committed, celery_worker
):
    from cms.records import services
    from cms.records.models import MemberCount, MemberOrganisation, ReportingPeriod
    from lhh.national.models import Rollup, RollupTotal

    union_a, union_b = union_pair
    with schema_context(union_a.schema_name):
        period = services.period_get_or_create(kind="year", year=2023)
        organisation = services.organisation_save(
            organisation=MemberOrganisation(name="Hội Rollup", kind="association")
        )
    try:
        with schema_context(union_a.schema_name):
            services.member_count_set(organisation=organisation, period=period, members=777)
        rollup = Rollup.objects.filter(union=union_a.union, year=2023, metric="members")
        wait_for(lambda: rollup.filter(value=777).exists(), timeout=10, what="the worker")
        assert not Rollup.objects.filter(union=union_b.union, year=2023).exists()
        # The national total moved in the same transaction as A's own row.
        total = RollupTotal.objects.get(scope="all", year=2023, metric="members")
        assert (total.value, total.unions) == (777, 1)
    finally:
        with schema_context(union_a.schema_name):
            MemberCount.objects.filter(period=period).delete()
            organisation.delete()
            ReportingPeriod.objects.filter(pk=period.pk).delete()
        Rollup.objects.filter(union=union_a.union, year=2023).delete()
        rollup_totals_rebuild()


def test_publishing_news_reaches_the_national_feed_through_the_worker(
    union_pair, committed, celery_worker
):
    from lhh.national.models import NewsFeedItem

    union_a, union_b = union_pair
    with schema_context(union_a.schema_name):
        article = union_a.sentinel()
        article.title = "Tin canh giới của A"
        article.save_revision().publish()
    feed = NewsFeedItem.objects.filter(union=union_a.union, page_id=article.pk)
    wait_for(feed.exists, timeout=10, what="the worker")
    assert feed.get().title == "Tin canh giới của A"
    assert not NewsFeedItem.objects.filter(union=union_b.union, title__contains="của A").exists()
    try:
        with schema_context(union_a.schema_name):
            union_a.sentinel().unpublish()
        wait_for(lambda: not feed.exists(), timeout=10, what="the worker")
    finally:
        # The sentinel is committed: left unpublished, every later run would fail.
        with schema_context(union_a.schema_name):
            union_a.sentinel().save_revision().publish()


def test_an_archived_unions_tasks_are_skipped_and_its_data_kept(
    union_pair, committed, celery_worker
):
    from django.utils import timezone

    from cms.models import VisitDay
    from cms.tasks import visits_flush
    from lhh.national.models import AuditEntry
    from tenants.lifecycle import union_set_status
    from tenants.tasks import union_fan_out

    union_a, union_b = union_pair
    for union in (union_a, union_b):
        union.client().get("/")  # one counted view each, waiting in the cache
    connection.set_schema_to_public()
    union_set_status(union=union_a.union, status="archived", actor="kiểm thử")
    try:
        assert union_a.client().get("/").status_code == 410
        connection.set_schema_to_public()
        with schema_context(union_a.schema_name):
            pages_before = union_a.sentinel().title
            visits_flush.delay()  # queued straight into A's schema, not through the fan-out
        union_fan_out.delay("cms.tasks.visits_flush")

        def b_flushed() -> bool:
            with schema_context(union_b.schema_name):
                return VisitDay.objects.filter(day=timezone.localdate()).exists()

        # The solo worker takes the queue in order: A's task came first.
        wait_for(b_flushed, timeout=10, what="the worker")
        with schema_context(union_a.schema_name):
            assert not VisitDay.objects.exists()
            assert union_a.sentinel().title == pages_before  # data kept
    finally:
        union_set_status(union=union_a.union, status="active", actor="kiểm thử")
        AuditEntry.objects.filter(union=union_a.union).delete()
    # Reactivated, the same work runs again.
    with schema_context(union_a.schema_name):
        visits_flush.delay()

    def a_flushed() -> bool:
        with schema_context(union_a.schema_name):
            return VisitDay.objects.filter(day=timezone.localdate()).exists()

    try:
        wait_for(a_flushed, timeout=10, what="the worker")
    finally:
        for union in (union_a, union_b):
            with schema_context(union.schema_name):
                VisitDay.objects.all().delete()


def test_the_nightly_backup_runs_on_the_worker_one_archive_per_union(
    union_pair, committed, celery_worker, settings, tmp_path
):
    import tarfile

    from lhh.celery import app as celery_app
    from tenants.tasks import unions_backup

    settings.BACKUP_ROOT = str(tmp_path)
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"tenants.tasks.unions_backup", "tenants.tasks.platform_backup"} <= schedule
    assert schedule <= set(celery_app.tasks)
    unions_backup.delay()
    union_a, union_b = union_pair
    folders = [tmp_path / "unions" / u.schema_name for u in (union_a, union_b)]
    wait_for(lambda: all(list(f.glob("*.tar")) for f in folders), timeout=60, what="the worker")
    for union, folder in zip((union_a, union_b), folders, strict=True):
        (archive,) = folder.glob("*.tar")
        with tarfile.open(archive) as tar:
            dump = tar.extractfile("schema.sql").read().decode()
        assert union.sentinel_title in dump
        other = union_b if union is union_a else union_a
        assert other.sentinel_title not in dump
