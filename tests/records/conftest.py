import pytest
from django_tenants.utils import schema_context

from cms.records.services import period_get_or_create


@pytest.fixture
def in_a(union_a):
    """Run the test body's ORM calls in union A's schema."""
    with schema_context(union_a.schema_name):
        yield union_a


@pytest.fixture
def h1_2021(in_a):
    return period_get_or_create(kind="half", year=2021, half=1)


def import_upload_and_read(client, data: dict) -> str:
    """Upload an import through the admin, then read it as the worker does, and return the
    preview page. The reading runs here, in the test's transaction, because a worker
    cannot see its uncommitted rows; tests/records/test_import_jobs.py and
    tests/isolation/test_celery.py take the same path through the real worker."""
    import re

    from cms.records.models import ImportJob
    from cms.records.services import import_job_parse

    answer = client.post("/admin/ho-so/nhap/", data)
    assert answer.status_code == 302, answer.content.decode()[:500]
    job_id = re.fullmatch(r"/admin/ho-so/nhap/([0-9a-f]{32})/xem-truoc/", answer["Location"])[1]
    # The web process only kept the file: nothing was read yet.
    assert ImportJob.objects.get(pk=job_id).state == ImportJob.State.UPLOADED
    waiting = client.get(answer["Location"]).content.decode()
    assert "Đang đọc tệp…" in waiting
    import_job_parse(job_id=job_id)
    return client.get(answer["Location"]).content.decode()


def import_upload_through_worker(client, data: dict) -> tuple[str, str]:
    """Upload an import through the admin and wait, as the preview page does, for the
    real worker to read it. Returns the job's id and the preview page."""
    import re

    from tests.conftest import wait_for

    answer = client.post("/admin/ho-so/nhap/", data)
    assert answer.status_code == 302, answer.content.decode()[:500]
    job_id = re.fullmatch(r"/admin/ho-so/nhap/([0-9a-f]{32})/xem-truoc/", answer["Location"])[1]

    def read() -> bool:
        state = client.get(answer["Location"], headers={"accept": "application/json"}).json()
        return state["state"] not in {"uploaded", "parsing"}

    wait_for(read, timeout=30, what="the worker to read the import file")
    return job_id, client.get(answer["Location"]).content.decode()
