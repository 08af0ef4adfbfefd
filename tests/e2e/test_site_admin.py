"""A union's staff in the admin, in Debian's chromium: what Wagtail's scripts do with Vietnamese."""

from django_tenants.utils import schema_context
from playwright.sync_api import expect

from cms.models import HomePage

TITLE = "Hội thảo khoa học về chuyển đổi số"


def _base(port: str, union) -> str:
    return f"http://{union.schema_name}.localhost:{port}"


def _login(page, base: str) -> None:
    # Wagtail's admin scripts must be up before typing, or they reset the form.
    page.goto(base + "/admin/login/", wait_until="networkidle")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "lienhiephoi2025")
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_the_slug_follows_a_vietnamese_title_as_it_is_typed(
    site_server, demo_union, committed, page
):
    base = _base(site_server, demo_union)
    with schema_context(demo_union.schema_name):
        home_id = HomePage.objects.get().id
    _login(page, base)
    page.goto(f"{base}/admin/pages/add/cms/standardpage/{home_id}/", wait_until="networkidle")
    page.locator("#id_title").press_sequentially(TITLE)
    page.locator("#id_title").blur()
    # The title is copied to the slug after a short debounce.
    expect(page.locator("#id_slug")).to_have_value("hoi-thao-khoa-hoc-ve-chuyen-doi-so")

    page.goto(f"{base}/admin/snippets/cms/newscategory/add/", wait_until="networkidle")
    page.locator("#id_name").press_sequentially("Đổi mới sáng tạo")
    page.locator("#id_name").blur()
    expect(page.locator("#id_slug")).to_have_value("doi-moi-sang-tao")
