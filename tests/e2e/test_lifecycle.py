"""A new union's first admin login (wizard → checklist) and its read-only admin when
suspended, in Debian's chromium."""

import io
import shutil
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context
from PIL import Image

from lhh.national.models import AuditEntry
from tenants import backups
from tenants.lifecycle import union_set_status
from tenants.models import Union
from tenants.services import union_create
from tests.e2e.conftest import SCREENSHOTS

PASSWORD = "mat-khau-kiem-thu-2025"


@pytest.fixture
def new_union(site_server, committed) -> Iterator[Union]:
    union = union_create(schema_name="lcweb", name="Liên hiệp Hội Trình duyệt", use_warm_pool=False)
    with schema_context("lcweb"):
        get_user_model().objects.create_superuser("quantri", "qt@lcweb.example.vn", PASSWORD)
    yield union
    Union.objects.filter(pk=union.pk).delete()
    AuditEntry.objects.filter(schema_name="lcweb").delete()
    with connection.cursor() as cursor:
        cursor.execute('DROP SCHEMA IF EXISTS "lcweb" CASCADE')
    shutil.rmtree(backups.media_folder("lcweb"), ignore_errors=True)


def test_first_login_wizard_then_read_only_when_suspended(site_server, new_union, page, tmp_path):
    base = f"http://lcweb.localhost:{site_server}"
    logo = tmp_path / "bieu-trung.png"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), "#1a7f37").save(buffer, "PNG")
    logo.write_bytes(buffer.getvalue())

    page.goto(base + "/admin/login/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/admin/bat-dau/")
    page.fill("#id_site_name", "Liên hiệp Hội tỉnh Trình duyệt")
    page.set_input_files("#id_logo", str(logo))
    page.fill("#id_intro", "Liên hiệp Hội tập hợp trí thức khoa học và công nghệ của tỉnh.")
    page.screenshot(path=SCREENSHOTS / "welcome-wizard.png", full_page=True)
    page.click("text=Lưu và tiếp tục")
    page.wait_for_url(base + "/admin/")
    checklist = page.locator("[data-welcome-checklist]")
    assert "Các bước tiếp theo (còn 5)" in checklist.inner_text()
    page.screenshot(path=SCREENSHOTS / "welcome-checklist.png", full_page=True)
    page.goto(base + "/")
    assert "Liên hiệp Hội tỉnh Trình duyệt" in page.content()

    union_set_status(union=new_union, status="suspended", actor="kiểm thử")
    page.goto(base + "/admin/pages/")
    banner = page.locator("[data-union-read-only]")
    assert banner.is_visible() and "chỉ cho phép xem" in banner.inner_text()
    page.screenshot(path=SCREENSHOTS / "suspended-admin.png", full_page=True)
    page.goto(base + "/admin/bat-dau/")
    page.screenshot(path=SCREENSHOTS / "suspended-wizard.png", full_page=True)
    page.fill("#id_site_name", "Đổi khi tạm ngừng")
    page.set_input_files("#id_logo", str(logo))
    page.click("text=Lưu và tiếp tục")
    assert "mọi thay đổi đều không được lưu" in page.content()
    with schema_context("lcweb"):
        from wagtail.models import Site

        assert Site.objects.get().site_name == "Liên hiệp Hội tỉnh Trình duyệt"
