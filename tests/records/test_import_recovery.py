"""A real Celery worker is SIGKILLed in the middle of applying an import: its rows were
written but not committed. Nothing of the import is visible, and the reconciliation marks
the job failed in Vietnamese instead of leaving it "running" forever."""

import datetime as dt

from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from cms.records import services
from cms.records.models import Activity, ImportJob
from tests.conftest import wait_for
from tests.records.test_import_jobs import FIVE_ROWS


def test_a_worker_killed_mid_import_leaves_nothing_and_the_job_ends_failed(
    union_pair, committed, test_broker_emptied, paused_worker
):
    union_a, _ = union_pair
    worker = paused_worker("import_apply")
    with schema_context(union_a.schema_name):
        period = services.period_get_or_create(kind="year", year=2018)
        job = ImportJob.objects.create(
            content=FIVE_ROWS,
            filename="hoat-dong.csv",
            kind="activities",
            period=period,
            state=ImportJob.State.PREVIEWED,
        )
        services.import_job_confirm(job_id=job.pk)  # queued on commit
    try:
        worker.wait_paused(timeout=90)
        with schema_context(union_a.schema_name):
            assert not Activity.objects.filter(period=period).exists()  # not committed

        worker.kill()
        with schema_context(union_a.schema_name):
            job.refresh_from_db()
            assert job.state == ImportJob.State.QUEUED
            assert not Activity.objects.filter(period=period).exists()
            # The dead worker's transaction is gone: its row is free, and the job is stale.
            assert services.import_jobs_reconcile(stale_after=dt.timedelta(0)) == 1
            job.refresh_from_db()
            assert job.state == ImportJob.State.FAILED
            admin = union_a.client()
            admin.force_login(get_user_model().objects.get(username="admin"))
        progress = admin.get(
            f"/admin/ho-so/nhap/{job.pk.hex}/", headers={"accept": "application/json"}
        ).json()
        assert progress["state"] == "failed"
        assert "Máy xử lý đã dừng giữa chừng" in progress["message"]
    finally:
        with schema_context(union_a.schema_name):
            Activity.objects.filter(period=period).delete()
            ImportJob.objects.filter(period=period).delete()
            period.delete()


def test_a_worker_killed_while_reading_an_upload_is_not_fed_the_file_again(
    union_pair, committed, test_broker_emptied, paused_worker
):
    from celery.contrib.testing.worker import start_worker

    from cms.records.tasks import records_import_parse
    from lhh.celery import app

    union_a, _ = union_pair
    worker = paused_worker("import_parse")
    with schema_context(union_a.schema_name):
        period = services.period_get_or_create(kind="year", year=2016)
        job = services.import_job_upload(
            content=FIVE_ROWS, filename="hoat-dong.csv", kind="activities", period=period
        )  # the reading is queued on commit; the paused worker takes it
    try:
        worker.wait_paused(timeout=90)
        worker.kill()
        with schema_context(union_a.schema_name):
            job.refresh_from_db()
            assert job.state == ImportJob.State.PARSING and job.preview == {}
            # The broker hands the message on (acks_late): a healthy worker takes it.
            records_import_parse.delay(str(job.pk))
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):

            def ended() -> bool:
                with schema_context(union_a.schema_name):
                    return ImportJob.objects.get(pk=job.pk).state == ImportJob.State.FAILED

            wait_for(ended, timeout=30, what="the second worker to end the reading")
        with schema_context(union_a.schema_name):
            job.refresh_from_db()
            assert "đã dừng khi đang đọc tệp" in job.message and bytes(job.content) == b""
            assert not Activity.objects.filter(period=period).exists()
            admin = union_a.client()
            admin.force_login(get_user_model().objects.get(username="admin"))
        page = admin.get(f"/admin/ho-so/nhap/{job.pk.hex}/xem-truoc/").content.decode()
        assert "data-import-failed" in page and "tải lên lại" in page and "Ghi " not in page
    finally:
        with schema_context(union_a.schema_name):
            ImportJob.objects.filter(period=period).delete()
            period.delete()
