"""A real Celery worker is SIGKILLed in the middle of applying an import: its rows were
written but not committed. Nothing of the import is visible, and the reconciliation marks
the job failed in Vietnamese instead of leaving it "running" forever."""

import datetime as dt

from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from cms.records import services
from cms.records.models import Activity, ImportJob
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
