"""A reader and an editor of a union site, in Debian's chromium."""

import re

from tests.e2e.conftest import SCREENSHOTS


def _base(port: str, union) -> str:
    return f"http://{union.schema_name}.localhost:{port}"


def _solve_captcha(page) -> None:
    label = page.locator("label[for='id_captcha_answer']").inner_text()
    a, b = map(int, re.search(r"(\d) \+ (\d)", label).groups())
    page.fill("#id_captcha_answer", str(a + b))


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
    _solve_captcha(page)
    page.screenshot(path=SCREENSHOTS / "contact.png", full_page=True)
    page.click("button[type=submit]")
    assert "Cảm ơn" in page.content()
