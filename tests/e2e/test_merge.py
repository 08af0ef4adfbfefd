"""National staff merge Hải Dương's union into Hải Phòng's in Debian's chromium: preview,
confirm, progress; then the old host redirects and the console shows both histories."""

from django.contrib.auth import get_user_model

from tests.e2e.conftest import SCREENSHOTS, national_sign_in
from tests.merging.conftest import pair  # noqa: F401  (the fixture)


def test_merge_from_the_console(site_server, pair, celery_worker, page):  # noqa: F811
    absorbed, absorbing = pair.absorbed, pair.absorbing
    users = get_user_model().objects
    if not users.filter(username="vusta-e2e").exists():
        users.create_superuser("vusta-e2e", "vusta-e2e@example.vn", "toan-quoc-2025")
    base = f"http://localhost:{site_server}"
    national_sign_in(page, base, "vusta-e2e", "toan-quoc-2025")

    page.goto(base + "/admin/toan-quoc/lien-hiep-hoi/")
    page.click("text=Sáp nhập Liên hiệp Hội")
    page.select_option("select[name=absorbed]", absorbed.schema_name)
    page.select_option("select[name=absorbing]", absorbing.schema_name)
    with page.expect_navigation():
        page.click("button:has-text('Xem trước')")
    assert "Bài tin" in page.locator("#merge-counts").inner_text()
    conflicts = page.locator("#merge-conflicts")
    assert "Hội Y học" in conflicts.inner_text()
    page.select_option(
        "select[aria-label^='Cách xử lý: Tổ chức “Hội Y học”']", "keep"
    )  # staff change a proposed resolution
    page.screenshot(path=SCREENSHOTS / "merge-preview.png", full_page=True)
    with page.expect_navigation():
        page.click("button:has-text('Xác nhận sáp nhập')")
    assert "/admin/toan-quoc/sap-nhap/" in page.url
    page.wait_for_selector("#merge-state[data-state=done]", timeout=120_000)
    page.screenshot(path=SCREENSHOTS / "merge-done.png", full_page=True)

    # The old host answers 301, page by page, to the absorbing site.
    page.goto(f"http://{absorbed.schema_name}.localhost:{site_server}/tin-tuc/hoi-thao/")
    assert page.url == (
        f"http://{absorbing.schema_name}.localhost:{site_server}/"
        f"{absorbed.schema_name}/tin-tuc/hoi-thao/"
    )
    assert "Hội thảo khoa học Hải Dương" in page.content()

    # Both histories in the console.
    page.goto(base + f"/admin/toan-quoc/lien-hiep-hoi/{absorbing.schema_name}/")
    assert f"Tiếp nhận {absorbed.name}" in page.locator("#merge-history").inner_text()
    page.goto(base + f"/admin/toan-quoc/lien-hiep-hoi/{absorbed.schema_name}/")
    assert f"Sáp nhập vào {absorbing.name}" in page.locator("#merge-history").inner_text()
