"""An import is written once, however often it is confirmed or its task delivered, and a
job whose worker was lost ends failed in Vietnamese instead of "running" forever."""

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from cms.records import services
from cms.records.models import Activity, ImportJob, ReportingPeriod
from tests.conftest import wait_for
from tests.records.conftest import import_upload_through_worker

FIVE_ROWS = (
    "Loại hoạt động,Tên hoạt động,Lượt người tham dự\n"
    + "".join(f'"Lớp tập huấn, đào tạo",Lớp nhập một lần {n},30\n' for n in range(5))
).encode()


@pytest.fixture
def period_2019(union_pair, committed) -> Iterator[ReportingPeriod]:
    """A period of union A's, committed, emptied after the test."""
    union_a, _ = union_pair
    with schema_context(union_a.schema_name):
        period = services.period_get_or_create(kind="year", year=2019)
    yield period
    with schema_context(union_a.schema_name):
        Activity.objects.filter(period=period).delete()
        ImportJob.objects.filter(period=period).delete()
        period.delete()


def _admin(union) -> object:
    with schema_context(union.schema_name):
        client = union.client()
        client.force_login(get_user_model().objects.get(username="admin"))
    return client


def _previewed(client, period: ReportingPeriod) -> str:
    job_id, preview = import_upload_through_worker(
        client,
        {
            "kind": "activities",
            "period": period.pk,
            "file": SimpleUploadedFile("hoat-dong.csv", FIVE_ROWS),
        },
    )
    assert "Ghi 5 dòng vào hồ sơ" in preview
    return job_id


def _job(period: ReportingPeriod, state: str = ImportJob.State.PREVIEWED) -> ImportJob:
    return ImportJob.objects.create(
        content=FIVE_ROWS, filename="hoat-dong.csv", kind="activities", period=period, state=state
    )


def test_confirming_an_import_twice_writes_it_once(union_pair, period_2019, celery_worker):
    union_a, _ = union_pair
    admin = _admin(union_a)
    job_id = _previewed(admin, period_2019)
    for _ in range(2):
        assert admin.post(f"/admin/ho-so/nhap/{job_id}/xac-nhan/").status_code == 302

    def state() -> dict:
        return admin.get(
            f"/admin/ho-so/nhap/{job_id}/", headers={"accept": "application/json"}
        ).json()

    wait_for(lambda: state()["state"] == "done", timeout=30, what="the worker")
    assert state() == {"done": 5, "total": 5, "state": "done", "message": "Đã nhập 5 dòng."}
    # A confirmation after the end changes nothing either.
    admin.post(f"/admin/ho-so/nhap/{job_id}/xac-nhan/")
    with schema_context(union_a.schema_name):
        assert Activity.objects.filter(period=period_2019).count() == 5
        assert bytes(ImportJob.objects.get(pk=job_id).content) == b""  # the file is not kept


def test_concurrent_confirmations_and_deliveries_write_once(union_pair, period_2019):
    union_a, _ = union_pair
    with schema_context(union_a.schema_name):
        # Queued as a confirmation would leave it, without a worker to take it here.
        job = _job(period_2019, ImportJob.State.QUEUED)
    barrier = threading.Barrier(4)
    results: list[object] = []

    def deliver() -> None:
        try:
            with schema_context(union_a.schema_name):
                barrier.wait(timeout=10)
                results.append(services.import_job_apply(job_id=job.pk).state)
        except Exception as error:  # surfaced by the assertion below
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [ImportJob.State.DONE] * 4, results
    with schema_context(union_a.schema_name):
        assert Activity.objects.filter(period=period_2019).count() == 5
        # A confirmation arriving now finds the job done and queues nothing.
        assert services.import_job_confirm(job_id=job.pk).state == ImportJob.State.DONE


def test_a_job_lost_by_its_worker_is_marked_failed_in_vietnamese(union_pair, period_2019):
    union_a, union_b = union_pair
    with schema_context(union_a.schema_name):
        job = _job(period_2019)
        hour_ago = timezone.now() - dt.timedelta(hours=1)
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.QUEUED, changed_at=hour_ago
        )
    # Union B's reconciliation does not see A's job.
    with schema_context(union_b.schema_name):
        assert services.import_jobs_reconcile() == 0
    with schema_context(union_a.schema_name):
        assert services.import_jobs_reconcile() == 1
        job.refresh_from_db()
        assert job.state == ImportJob.State.FAILED
        assert "Máy xử lý đã dừng giữa chừng" in job.message
        # A late delivery of its task writes nothing.
        assert services.import_job_apply(job_id=job.pk).state == ImportJob.State.FAILED
        assert not Activity.objects.filter(period=period_2019).exists()
    page = _admin(union_a).get(
        f"/admin/ho-so/nhap/{job.pk.hex}/", headers={"accept": "application/json"}
    )
    assert page.json()["state"] == "failed" and "nhập lại" in page.json()["message"]


def test_a_bomb_is_read_and_refused_by_the_worker_and_the_worker_carries_on(
    union_pair, period_2019, celery_worker
):
    from tests.records.test_import import _xlsx_bomb

    union_a, _ = union_pair
    admin = _admin(union_a)
    job_id, page = import_upload_through_worker(
        admin,
        {
            "kind": "activities",
            "period": period_2019.pk,
            "file": SimpleUploadedFile("hoat-dong.xlsx", _xlsx_bomb(600)),
        },
    )
    assert "quá lớn khi giải nén" in page and "Ghi " not in page
    with schema_context(union_a.schema_name):
        job = ImportJob.objects.get(pk=job_id)
        assert job.state == ImportJob.State.FAILED and bytes(job.content) == b""
    # The same worker reads the next file at once.
    assert _previewed(admin, period_2019)


def test_a_reading_lost_with_its_worker_ends_failed_and_is_not_read_again(union_pair, period_2019):
    union_a, union_b = union_pair
    with schema_context(union_a.schema_name):
        # Delivered again after a worker died reading it: not read a second time.
        lost = _job(period_2019, ImportJob.State.PARSING)
        assert services.import_job_parse(job_id=lost.pk).state == ImportJob.State.FAILED
        lost.refresh_from_db()
        assert "đã dừng khi đang đọc tệp" in lost.message and bytes(lost.content) == b""
        # Uploaded but never read (no worker took it): the reconcile ends it.
        waiting = _job(period_2019, ImportJob.State.UPLOADED)
        ImportJob.objects.filter(pk=waiting.pk).update(
            changed_at=timezone.now() - dt.timedelta(hours=1)
        )
    with schema_context(union_b.schema_name):
        assert services.import_jobs_reconcile() == 0
    with schema_context(union_a.schema_name):
        assert services.import_jobs_reconcile() == 1
        waiting.refresh_from_db()
        assert waiting.state == ImportJob.State.FAILED and "tải lên lại" in waiting.message
        # A late delivery finds it ended and reads nothing.
        assert services.import_job_parse(job_id=waiting.pk).state == ImportJob.State.FAILED
    page = _admin(union_a).get(f"/admin/ho-so/nhap/{waiting.pk.hex}/xem-truoc/").content.decode()
    assert "đã dừng khi đang đọc tệp" in page and "data-import-failed" in page
