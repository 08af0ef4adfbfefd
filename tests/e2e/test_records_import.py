"""A records import in Debian's chromium: the worker reads the file while the preview page
waits, then the page shows the rows to confirm, and the import runs with its progress."""

from django_tenants.utils import schema_context
from playwright.sync_api import expect

from cms.records import services
from cms.records.models import Activity, ImportJob, ReportingPeriod
from cms.records.tasks import records_import_parse
from lhh.national.models import Rollup
from lhh.national.rollups import rollup_totals_rebuild

ROWS = (
    "Loại hoạt động,Tên hoạt động,Lượt người tham dự\n"
    + "".join(f'"Lớp tập huấn, đào tạo",Lớp thử trên trình duyệt {n},25\n' for n in range(7))
).encode()


def test_the_preview_waits_for_the_worker_then_the_import_runs(
    site_server, demo_union, committed, celery_worker, page, tmp_path
):
    base = f"http://{demo_union.schema_name}.localhost:{site_server}"
    with schema_context(demo_union.schema_name):
        period = services.period_get_or_create(kind="year", year=2017)
    upload = tmp_path / "hoat-dong.csv"
    upload.write_bytes(ROWS)
    try:
        page.goto(base + "/admin/login/", wait_until="networkidle")
        page.fill("#id_username", "admin")
        page.fill("#id_password", "lienhiephoi2025")
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(base + "/admin/ho-so/nhap/", wait_until="networkidle")
        page.select_option("#id_kind", "activities")
        page.select_option("#id_period", str(period.pk))
        page.set_input_files("#id_file", str(upload))
        with page.expect_navigation():
            page.click("text=Kiểm tra tệp")
        assert page.url.endswith("/xem-truoc/")
        # The page reloads itself once the worker has read the file.
        confirm = page.locator("button", has_text="Ghi 7 dòng vào hồ sơ")
        expect(confirm).to_be_visible(timeout=30_000)
        expect(page.locator("[data-import-preview]")).to_contain_text("Lớp thử trên trình duyệt 0")
        with page.expect_navigation():
            confirm.click()
        expect(page.locator("#import-status")).to_have_text("Đã nhập 7 dòng.", timeout=30_000)
        with schema_context(demo_union.schema_name):
            assert Activity.objects.filter(period=period).count() == 7

        # The waiting page itself: a file kept but not yet handed to the worker.
        with schema_context(demo_union.schema_name):
            job = ImportJob.objects.create(
                content=ROWS, filename="lan-hai.csv", kind="activities", period=period
            )
        page.goto(f"{base}/admin/ho-so/nhap/{job.pk.hex}/xem-truoc/", wait_until="networkidle")
        expect(page.locator("#import-reading")).to_contain_text("Đang đọc tệp")
        with schema_context(demo_union.schema_name):
            records_import_parse.delay(str(job.pk))
        expect(confirm).to_be_visible(timeout=30_000)
    finally:
        with schema_context(demo_union.schema_name):
            Activity.objects.filter(period=period).delete()
            ImportJob.objects.filter(period=period).delete()
            ReportingPeriod.objects.filter(pk=period.pk).delete()
        # The import's figures reached the national tables through the worker.
        Rollup.objects.filter(union=demo_union, year=2017).delete()
        rollup_totals_rebuild()
