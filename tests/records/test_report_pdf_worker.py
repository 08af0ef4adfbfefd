"""The union admin's PDF: printed by LibreOffice in the worker, fetched from its progress page."""

import io

from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context
from pypdf import PdfReader

from cms.records import services
from cms.records.models import Report, ReportingPeriod
from tests.conftest import wait_for


def test_the_pdf_is_printed_in_the_worker_and_only_its_union_can_fetch_it(
    union_pair, committed, celery_worker
):
    union_a, union_b = union_pair
    with schema_context(union_a.schema_name):
        period = services.period_get_or_create(kind="half", year=2034, half=1)
        report = services.report_get_or_create(period=period)
        client = union_a.client()
        client.force_login(get_user_model().objects.get(username="admin"))
    try:
        response = client.get(f"/admin/ho-so/bao-cao/{report.pk}/pdf/")
        assert response.status_code == 302
        progress_url = response["Location"]
        assert "Đang dựng tệp PDF" in client.get(progress_url).content.decode()
        wait_for(
            lambda: (
                client.get(progress_url, HTTP_ACCEPT="application/json").json()["state"] == "done"
            ),
            timeout=90,
            what="the PDF",
        )
        pdf = client.get(progress_url, {"tai-ve": "1"})
        assert pdf["Content-Type"] == "application/pdf"
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Sơ kết công tác 6 tháng đầu năm 2034" in text
        # The same job asked for on B's host (B's staff, a report of B's with that id) is
        # not there: jobs are kept per union.
        with schema_context(union_b.schema_name):
            other = union_b.client()
            other.force_login(get_user_model().objects.get(username="admin"))
        foreign = other.get(progress_url, {"tai-ve": "1"})
        assert foreign.get("Content-Type") != "application/pdf"
    finally:
        with schema_context(union_a.schema_name):
            Report.objects.filter(period__year=2034).delete()
            ReportingPeriod.objects.filter(year=2034).delete()
