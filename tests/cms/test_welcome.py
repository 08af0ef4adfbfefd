"""The first-login wizard of a new union's admin, and the checklist it leads to."""

import io
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Site

from cms.models import HomePage, UnionSiteSettings
from cms.records.models import MemberOrganisation
from cms.selectors import welcome_checklist
from tenants import backups
from tenants.services import union_create


@pytest.fixture
def fresh(db) -> Client:
    """A union just created, its admin signed in for the first time."""
    union_create(schema_name="lcmoi", name="Liên hiệp Hội Mới", use_warm_pool=False)
    with schema_context("lcmoi"):
        user = get_user_model().objects.create_superuser("quantri", "qt@lcmoi.example.vn", "x")
        client = Client(HTTP_HOST="lcmoi.localhost")
        client.force_login(user)
    yield client
    shutil.rmtree(backups.media_folder("lcmoi"), ignore_errors=True)


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 20), "#c00000").save(buffer, "PNG")
    return SimpleUploadedFile("bieu-trung.png", buffer.getvalue(), content_type="image/png")


GOOD = {
    "site_name": "Liên hiệp Hội tỉnh Mới",
    "theme": "do-truyen-thong",
    "primary_colour": "#c00000",
    "intro": "Liên hiệp Hội được thành lập năm 1990.\n\nTập hợp 40 hội thành viên.",
}


def _saved_nothing() -> None:
    with schema_context("lcmoi"):
        assert Site.objects.get().site_name == "Liên hiệp Hội Mới"
        assert HomePage.objects.get().intro == ""
        settings = UnionSiteSettings.objects.get()
        assert settings.welcome_done_at is None and settings.logo_id is None
        assert not get_image_model().objects.exists()


def test_the_first_admin_visit_goes_to_the_wizard_then_to_the_checklist(fresh, union_a):
    first = fresh.get("/admin/")
    assert (first.status_code, first.url) == (302, "/admin/bat-dau/")
    page = fresh.get("/admin/bat-dau/").content.decode()
    assert "Tên trang thông tin" in page and "Lời giới thiệu" in page
    # The three look presets, each with its swatch.
    for label in ("Xanh khoa học", "Đỏ truyền thống", "Lục bảo"):
        assert label in page
    assert page.count('name="theme"') == 3

    done = fresh.post("/admin/bat-dau/", {**GOOD, "logo": _png()})
    assert (done.status_code, done.url) == (302, "/admin/")
    with schema_context("lcmoi"):
        assert Site.objects.get().site_name == "Liên hiệp Hội tỉnh Mới"
        home = HomePage.objects.get()
        assert home.title == "Liên hiệp Hội tỉnh Mới" and home.live
        assert home.intro == (
            "<p>Liên hiệp Hội được thành lập năm 1990.</p><p>Tập hợp 40 hội thành viên.</p>"
        )
        settings = UnionSiteSettings.objects.get()
        assert settings.primary_colour == "#c00000" and settings.welcome_done_at
        assert settings.theme == "do-truyen-thong"
        assert settings.logo.file.name.startswith("original_images/")
    assert (backups.media_folder("lcmoi") / settings.logo.file.name).exists()

    dashboard = fresh.get("/admin/")
    assert dashboard.status_code == 200
    body = dashboard.content.decode()
    assert "Các bước tiếp theo (còn 5)" in body
    assert 'href="/admin/nhap-nukeviet/"' in body
    assert "<s>Tải biểu trưng và chọn màu chủ đạo</s>" in body
    assert 'href="/admin/records/memberorganisation/"' in body
    # Every step's link opens (the invitation one was a 404).
    with schema_context("lcmoi"):
        steps = welcome_checklist(site_settings=UnionSiteSettings.objects.get())
    for step in steps:
        assert fresh.get(step["url"]).status_code == 200, step

    # Ticked from this union's data only: A's organisations do not count here.
    with schema_context(union_a.schema_name):
        MemberOrganisation.objects.create(name="Hội của A", kind="association")
    assert "Các bước tiếp theo (còn 5)" in fresh.get("/admin/").content.decode()
    with schema_context("lcmoi"):
        MemberOrganisation.objects.create(name="Hội Tin học", kind="association")
    body = fresh.get("/admin/").content.decode()
    assert "Các bước tiếp theo (còn 4)" in body
    assert "<s>Thêm các tổ chức thành viên</s>" in body

    site = Client(HTTP_HOST="lcmoi.localhost").get("/").content.decode()
    assert "Liên hiệp Hội tỉnh Mới" in site and "Tập hợp 40 hội thành viên." in site
    # A's site and settings are untouched.
    with schema_context(union_a.schema_name):
        assert Site.objects.get().site_name == union_a.union.name
        assert UnionSiteSettings.objects.get().primary_colour != "#c00000"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"primary_colour": "đỏ"}, "primary_colour", "Màu phải có dạng #RRGGBB"),
        ({"primary_colour": "#12345"}, "primary_colour", "Màu phải có dạng #RRGGBB"),
        ({"theme": "tim-mong-mo"}, "theme", "Mẫu giao diện này không có"),
        ({"theme": ""}, "theme", "Cần chọn một mẫu giao diện."),
        (
            {"logo": SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>")},
            "logo",
            "không phải là ảnh hợp lệ",
        ),
        ({"logo": SimpleUploadedFile("logo.svg", b"<svg/>")}, "logo", "Định dạng ảnh không"),
        ({"site_name": "  "}, "site_name", "Cần nhập tên trang thông tin."),
        ({"intro": ""}, "intro", "Cần viết vài dòng giới thiệu"),
    ],
)
def test_bad_answers_are_refused_in_vietnamese_and_nothing_is_saved(fresh, change, field, message):
    response = fresh.post("/admin/bat-dau/", {**GOOD, "logo": _png(), **change})
    assert response.status_code == 400
    assert f'data-field-error="{field}"' in response.content.decode()
    assert message in response.content.decode()
    _saved_nothing()
    assert fresh.get("/admin/").url == "/admin/bat-dau/"  # still to do


def test_only_the_unions_own_admins_reach_the_wizard(fresh, union_a, admin_a):
    with schema_context("lcmoi"):
        editor = get_user_model().objects.create_user("bientap", "bt@lcmoi.example.vn", "x")
        from django.contrib.auth.models import Permission

        editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
        client = Client(HTTP_HOST="lcmoi.localhost")
        client.force_login(editor)
    # Without the settings permission: no wizard, no redirect.
    assert client.get("/admin/").status_code == 200
    assert client.post("/admin/bat-dau/", GOOD).status_code == 302  # Wagtail: permission denied
    _saved_nothing()
    # A's admin session is not valid on the new union's host.
    cookie = admin_a.cookies
    stranger = Client(HTTP_HOST="lcmoi.localhost")
    stranger.cookies = cookie
    assert stranger.post("/admin/bat-dau/", GOOD).url.startswith("/admin/login/")
    _saved_nothing()
    # On the national host the wizard does not exist: a union-only admin address is a 404
    # there (cms/admin_scope.py).
    assert Client(HTTP_HOST="localhost").get("/admin/bat-dau/").status_code == 404
