"""Uploads: size limits with Vietnamese errors, no SVG images, nothing stored on failure."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image


def _png(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#0b5394").save(buffer, "PNG")
    return buffer.getvalue()


def test_an_oversized_document_gets_a_vietnamese_error_and_is_not_stored(
    admin_a, union_a, settings
):
    settings.MAX_UPLOAD_BYTES = 1024
    response = admin_a.post(
        "/admin/documents/add/",
        {"title": "Báo cáo quá lớn", "file": SimpleUploadedFile("bao-cao.pdf", b"x" * 4096)},
    )
    assert response.status_code == 200
    assert "Tệp quá lớn (4,0" in response.content.decode()
    with schema_context(union_a.schema_name):
        assert not Document.objects.filter(title="Báo cáo quá lớn").exists()


def test_an_oversized_image_gets_a_vietnamese_error(admin_a, union_a, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 100
    response = admin_a.post(
        "/admin/images/add/",
        {"title": "Ảnh quá lớn", "file": SimpleUploadedFile("anh.png", _png((400, 300)))},
    )
    assert response.status_code == 200
    assert "Tệp quá lớn" in response.content.decode()
    with schema_context(union_a.schema_name):
        assert not Image.objects.filter(title="Ảnh quá lớn").exists()


def test_svg_is_refused_as_an_image(admin_a, union_a):
    svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"
    response = admin_a.post(
        "/admin/images/add/", {"title": "Ảnh SVG", "file": SimpleUploadedFile("anh.svg", svg)}
    )
    assert "Định dạng ảnh không được hỗ trợ" in response.content.decode()
    with schema_context(union_a.schema_name):
        assert not Image.objects.filter(title="Ảnh SVG").exists()


def test_a_document_is_stored_in_its_unions_folder(admin_a, union_a):
    response = admin_a.post(
        "/admin/documents/add/",
        {
            "title": "Kế hoạch 2026",
            "file": SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 ke hoach"),
        },
    )
    assert response.status_code == 302
    with schema_context(union_a.schema_name):
        document = Document.objects.get(title="Kế hoạch 2026")
        assert document.file.name.startswith("documents/")
        assert f"/{union_a.schema_name}/" in document.file.path
        document.file.delete(save=False)


def test_multiple_upload_takes_an_image_and_its_title_can_be_edited(admin_a, union_a):
    assert admin_a.get("/admin/images/multiple/add/").status_code == 200
    response = admin_a.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("hoi-nghi.png", _png((64, 48)))},
    )
    assert response.status_code == 200, response.content[:500]
    data = response.json()
    assert data["success"], data
    with schema_context(union_a.schema_name):
        image = Image.objects.get(id=data["image_id"])
    response = admin_a.post(
        f"/admin/images/multiple/{image.id}/",
        {f"image-{image.id}-title": "Hội nghị tổng kết", f"image-{image.id}-tags": ""},
    )
    assert response.status_code == 200 and response.json()["success"], response.content[:500]
    with schema_context(union_a.schema_name):
        image.refresh_from_db()
        assert image.title == "Hội nghị tổng kết"
        image.file.delete(save=False)
        image.delete()


def test_multiple_upload_refuses_an_oversized_image_in_vietnamese(admin_a, union_a, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 100
    response = admin_a.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("qua-lon.png", _png((400, 300)))},
    )
    data = response.json()
    assert not data["success"] and "Tệp quá lớn" in data["error_message"]
    with schema_context(union_a.schema_name):
        assert not Image.objects.filter(title="qua-lon.png").exists()
