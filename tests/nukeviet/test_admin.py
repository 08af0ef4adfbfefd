"""The union admin's import pages, with the background steps run in the test's transaction."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django_tenants.utils import schema_context

from cms.nukeviet.models import NukeVietImport, NukeVietLink
from cms.nukeviet.tasks import nukeviet_apply, nukeviet_preview
from tests.nukeviet.conftest import DUMP, UPLOADS


def _files(dump=DUMP, uploads=UPLOADS) -> dict:
    files = {"dump": SimpleUploadedFile(dump.name, dump.read_bytes())}
    if uploads:
        files["uploads"] = SimpleUploadedFile(uploads.name, uploads.read_bytes())
    return files


def _text(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("&nbsp;", " ")


def test_upload_preview_confirm_and_report(admin_a, union_a):
    page = admin_a.get("/admin/nhap-nukeviet/")
    assert page.status_code == 200
    assert "Mỗi tệp tối đa <strong>2,0 GB" in _text(page)
    response = admin_a.post("/admin/nhap-nukeviet/", _files())
    assert response.status_code == 302
    pk = int(re.search(r"/admin/nhap-nukeviet/(\d+)/", response["Location"]).group(1))
    assert "<progress" in admin_a.get(response["Location"]).content.decode()
    with schema_context(union_a.schema_name):
        nukeviet_preview.run(pk)
    preview = admin_a.get(f"/admin/nhap-nukeviet/{pk}/").content.decode()
    assert "Bài tin (Tin Tức)" in preview and "<td>27</td>" in preview
    assert "liên kết tới bài cũ không còn tồn tại" in preview
    assert (
        'class="preview-article"' in preview
        and "<script" not in preview.split("preview-article")[1]
    )
    assert admin_a.get(f"/admin/nhap-nukeviet/{pk}/tien-do/").json()["status"] == "previewed"
    with schema_context(union_a.schema_name):
        assert NukeVietLink.objects.filter(kind="article").count() == 0
    admin_a.post(f"/admin/nhap-nukeviet/{pk}/xac-nhan/")
    with schema_context(union_a.schema_name):
        assert NukeVietImport.objects.get(pk=pk).status == "queued"
        nukeviet_apply.run(pk)
        assert NukeVietLink.objects.filter(kind="article").count() == 27
    report = admin_a.get(f"/admin/nhap-nukeviet/{pk}/").content.decode()
    assert "Đã nhập xong" in report and "bài tin: 27 mới" in report
    # A second confirmation starts nothing.
    admin_a.post(f"/admin/nhap-nukeviet/{pk}/xac-nhan/")
    with schema_context(union_a.schema_name):
        assert NukeVietImport.objects.get(pk=pk).status == "done"


def test_bad_files_are_refused_in_vietnamese(admin_a, union_a, tmp_path):
    wrong = tmp_path / "trang.docx"
    wrong.write_bytes(b"x")
    response = admin_a.post("/admin/nhap-nukeviet/", _files(dump=wrong, uploads=None))
    assert response.status_code == 400
    assert "Chỉ nhận tệp .sql hoặc .sql.gz." in response.content.decode()
    with override_settings(NUKEVIET_MAX_UPLOAD_BYTES=1024):
        response = admin_a.post("/admin/nhap-nukeviet/", _files())
    assert response.status_code == 400
    assert "Tệp quá lớn (70,4 KB); giới hạn là 1,0 KB." in _text(response)
    not_sql = tmp_path / "trang.sql"
    not_sql.write_text("xin chào\n")
    response = admin_a.post("/admin/nhap-nukeviet/", _files(dump=not_sql, uploads=None))
    pk = int(re.search(r"/(\d+)/", response["Location"]).group(1))
    with schema_context(union_a.schema_name):
        nukeviet_preview.run(pk)
    page = admin_a.get(f"/admin/nhap-nukeviet/{pk}/").content.decode()
    assert "Không nhập được" in page and "không phải bản sao lưu cơ sở dữ liệu" in page


def test_union_b_sees_none_of_a_s_runs_and_anonymous_is_kept_out(admin_a, union_a, union_b):
    response = admin_a.post("/admin/nhap-nukeviet/", _files(uploads=None))
    pk = int(re.search(r"/(\d+)/", response["Location"]).group(1))
    assert union_a.client().get(f"/admin/nhap-nukeviet/{pk}/").status_code == 302
    from django.contrib.auth import get_user_model

    with schema_context(union_b.schema_name):
        admin_b = union_b.client()
        admin_b.force_login(get_user_model().objects.get(username="admin"))
        assert not NukeVietImport.objects.filter(pk=pk).exists()
    assert admin_b.get(f"/admin/nhap-nukeviet/{pk}/").status_code == 404
    assert admin_b.post(f"/admin/nhap-nukeviet/{pk}/xac-nhan/").status_code == 404


def test_the_first_login_checklist_offers_the_import(admin_a):
    home = admin_a.get("/admin/").content.decode()
    assert "Nhập từ trang NukeViet cũ" in home and "/admin/nhap-nukeviet/" in home
