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


def test_each_role_opens_its_whole_menu_over_http(site_server, demo_union, committed):
    """Log in as each role on the platform's server and open every entry the menu offers."""
    import json
    import re

    import requests
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cms.roles import ROLES
    from tests.cms.test_roles import _menu

    # Python's resolver knows no *.localhost: connect to loopback and name the union's host.
    base = f"http://127.0.0.1:{site_server}"
    host = f"{demo_union.schema_name}.localhost:{site_server}"
    users = get_user_model().objects
    for role in ROLES:
        username = f"http-{role.name.split()[0].lower()}"
        with schema_context(demo_union.schema_name):
            users.filter(username=username).delete()
            user = users.create_user(username, password="mat-khau-http-2025")
            user.groups.add(Group.objects.get(name=role.name))
        try:
            session = requests.Session()
            session.headers["Host"] = host
            session.get(f"{base}/admin/login/", timeout=30)
            response = session.post(
                f"{base}/admin/login/",
                data={
                    "username": username,
                    "password": "mat-khau-http-2025",
                    "csrfmiddlewaretoken": session.cookies["csrftoken"],
                },
                headers={"Referer": f"http://{host}/admin/login/"},
                timeout=30,
            )
            assert response.url == f"{base}/admin/", (role.name, response.url)
            props = re.search(
                r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', response.text, re.S
            )[1]
            menu = _menu(json.loads(props), {})
            assert menu, role.name
            for label, url in menu.items():
                if url.startswith("/") and url != "/admin/logout/":
                    page = session.get(base + url, timeout=60)
                    assert page.status_code == 200 and page.url != f"{base}/admin/", (
                        role.name,
                        label,
                        url,
                        page.url,
                    )
        finally:
            with schema_context(demo_union.schema_name):
                users.filter(username=username).delete()
