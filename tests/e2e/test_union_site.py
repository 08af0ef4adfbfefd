"""A reader and an editor of a union site, in Debian's chromium."""

import uuid

from tests.captcha import solve_captcha_in_browser
from tests.e2e.conftest import SCREENSHOTS


def _base(port: str, union) -> str:
    return f"http://{union.schema_name}.localhost:{port}"


def test_reader_pages_render_in_vietnamese(site_server, demo_union, committed, page):
    base = _base(site_server, demo_union)
    page.goto(base + "/")
    assert page.locator(".brand").inner_text() == demo_union.name
    page.screenshot(path=SCREENSHOTS / "home.png", full_page=True)

    page.click("text=Ban Thường vụ sơ kết công tác 6 tháng đầu năm 2021")
    assert "23.628 hội viên" in page.content()
    page.screenshot(path=SCREENSHOTS / "article.png", full_page=True)

    page.goto(base + "/van-ban/")
    assert page.locator("table.documents tbody tr").count() == 3
    page.select_option("select[name=loai]", "bao-cao")
    page.click("text=Lọc")
    rows = page.locator("table.documents tbody tr")
    assert rows.count() == 1 and "156/BC-LHH" in rows.inner_text()
    page.screenshot(path=SCREENSHOTS / "documents.png", full_page=True)

    page.goto(base + "/lien-he/")
    page.get_by_label("Họ và tên").fill("Trần Thị Bình")
    page.get_by_label("Thư điện tử").fill("binh@example.vn")
    page.get_by_label("Nội dung").fill("Xin thông tin về Hội thi Sáng tạo Kỹ thuật.")
    solve_captcha_in_browser(page)
    page.screenshot(path=SCREENSHOTS / "contact.png", full_page=True)
    page.click("button[type=submit]")
    assert "Cảm ơn" in page.content()


def test_a_comment_appears_after_an_editor_approves_it(site_server, demo_union, committed, page):
    base = _base(site_server, demo_union)
    marker = f"Ý kiến kiểm thử {uuid.uuid4().hex[:8]}"
    page.goto(base + "/tin-tuc/")
    page.click("text=Ban Thường vụ sơ kết công tác 6 tháng đầu năm 2021")
    article_url = page.url
    page.fill("#id_name", "Lê Văn Cường")
    page.fill("#id_email", "cuong@example.vn")
    page.fill("#id_body", marker)
    page.check("#id_consent")
    solve_captcha_in_browser(page)
    page.click("text=Gửi ý kiến")
    assert "sau khi Ban Biên tập duyệt" in page.content()
    assert marker not in page.locator("#y-kien-ban-doc").inner_text()

    # Wagtail's admin scripts must be up before typing, or they reset the form.
    page.goto(base + "/admin/login/", wait_until="networkidle")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "lienhiephoi2025")
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(base + "/admin/snippets/cms/readercomment/?status=pending")
    page.screenshot(path=SCREENSHOTS / "moderation-queue.png", full_page=True)
    page.locator("tr", has_text=marker).locator("[data-moderate=approve]").click()
    with page.expect_navigation():
        page.click("text=Duyệt và đăng ý kiến")

    page.goto(article_url)
    assert marker in page.locator("#y-kien-ban-doc").inner_text()
    page.screenshot(path=SCREENSHOTS / "comment-published.png", full_page=True)
