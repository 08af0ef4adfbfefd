"""A new union's staff bring in their old NukeViet site from the admin, in Debian's chromium:
first login → checklist → upload → preview → confirm → progress → report → the old
address of an article answers 301 with the live article and its pictures."""

import http.client
import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from tenants.services import union_create
from tests.e2e.conftest import SCREENSHOTS
from tests.nukeviet.conftest import DUMP, UPLOADS

ARTICLE_25 = (
    "/hoat-dong-lien-hiep-hoi/ky-niem-20-nam-thanh-lap-lien-hiep-cac-hoi-khoa-hoc-va-ky-thuat-"
    "tinh-hai-duong-2001-2021-25.html"
)


def test_staff_import_their_old_site_and_old_links_keep_working(
    site_server, committed, celery_worker, page, fresh_subdomain
):
    name = fresh_subdomain
    union_create(schema_name=name, name="Liên hiệp Hội Hải Dương (thử)", use_warm_pool=False)
    with schema_context(name):
        get_user_model().objects.create_superuser("quantri", "quantri@example.vn", "Hai-Duong-2025")
    site = f"http://{name}.localhost:{site_server}"
    try:
        page.goto(site + "/admin/login/")
        page.fill("#id_username", "quantri")
        page.fill("#id_password", "Hai-Duong-2025")
        with page.expect_navigation():
            page.click("button[type=submit]")
        # The first-login wizard, then the checklist on the admin home offers the import.
        page.goto(site + "/admin/")
        page.wait_for_url(site + "/admin/bat-dau/")
        page.fill("#id_site_name", "Liên hiệp Hội Hải Dương")
        page.fill("#id_intro", "Trang thông tin của Liên hiệp Hội tỉnh Hải Dương.")
        with page.expect_navigation():
            page.click("text=Lưu và tiếp tục")
        with page.expect_navigation():
            page.click("text=Nhập từ trang NukeViet cũ (bài, văn bản, ảnh; giữ địa chỉ cũ)")
        assert "Mỗi tệp tối đa" in page.content()
        page.set_input_files("#id_dump", str(DUMP))
        page.set_input_files("#id_uploads", str(UPLOADS))
        page.screenshot(path=SCREENSHOTS / "nukeviet-upload.png", full_page=True)
        with page.expect_navigation():
            page.click("text=Tải lên và xem trước")

        # Preview, read in the worker: counts, problems, the newest articles rendered.
        page.wait_for_selector("#preview-counts", timeout=60_000)
        counts = page.inner_text("#preview-counts")
        assert "Bài tin (Tin Tức)\t27" in counts and "Văn bản (Văn bản)\t8" in counts
        assert "không còn tồn tại" in page.inner_text("#preview-problems")
        assert page.locator(".preview-article").count() == 3
        page.screenshot(path=SCREENSHOTS / "nukeviet-preview.png", full_page=True)
        with page.expect_navigation():
            page.click("text=Xác nhận nhập")
        page.wait_for_selector("#import-report", timeout=120_000)
        report = page.inner_text("#import-report")
        assert "bài tin: 27 mới" in report and "văn bản: 8 mới" in report
        page.screenshot(path=SCREENSHOTS / "nukeviet-report.png", full_page=True)

        # The old address of article 25 answers 301, then the live article with its pictures.
        # (Chromium resolves *.localhost itself; Playwright's request client does not.)
        conn = http.client.HTTPConnection("127.0.0.1", int(site_server), timeout=10)
        conn.request("GET", ARTICLE_25, headers={"Host": f"{name}.localhost:{site_server}"})
        answer = conn.getresponse()
        assert answer.status == 301
        assert answer.getheader("Location").startswith("/tin-tuc/ky-niem-20-nam")
        conn.close()
        page.goto(site + ARTICLE_25)
        assert page.url != site + ARTICLE_25
        assert "Kỷ niệm 20 năm thành lập" in page.inner_text("h1")
        images = page.locator("main img, article img")
        assert images.count() >= 2
        page.wait_for_load_state("networkidle")
        assert page.evaluate(
            "Array.from(document.images).filter(i => i.src.includes('/media/')).every("
            "i => i.complete && i.naturalWidth > 0)"
        )
        page.screenshot(path=SCREENSHOTS / "nukeviet-article.png", full_page=True)
        page.goto(site + "/van-ban/")
        assert "45/QĐ-LHH" in page.content()
    finally:
        shutil.rmtree(Path(settings.MEDIA_ROOT) / name, ignore_errors=True)
