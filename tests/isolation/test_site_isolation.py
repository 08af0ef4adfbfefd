"""Each test tries to reach union A's data from union B's host, and must fail."""

from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django_tenants.utils import schema_context

SENTINEL_PATH = "/tin-tuc/tin-canh-gioi/"


def test_a_page_is_served_only_by_its_own_union(union_a, union_b):
    body_on_b = union_b.client().get(SENTINEL_PATH).content.decode()
    assert union_b.sentinel_title in body_on_b
    assert union_a.sentinel_title not in body_on_b


def test_search_finds_only_the_current_unions_pages(union_a, union_b):
    from wagtail.models import Page

    with schema_context(union_b.schema_name):
        titles = [page.title for page in Page.objects.live().search("canh giới")]
    assert union_b.sentinel_title in titles
    assert union_a.sentinel_title not in titles


def test_cache_entries_are_keyed_by_union(union_a, union_b):
    with schema_context(union_a.schema_name):
        cache.set("wagtail_site_root_paths", "A's root paths")
    with schema_context(union_b.schema_name):
        assert cache.get("wagtail_site_root_paths") is None
    with schema_context(union_a.schema_name):
        assert cache.get("wagtail_site_root_paths") == "A's root paths"
        cache.delete("wagtail_site_root_paths")


def test_page_links_never_carry_another_unions_host(union_a, union_b):
    union_a.client().get("/")  # fills A's Wagtail URL caches first
    body_on_b = union_b.client().get("/tin-tuc/").content.decode()
    assert union_a.host not in body_on_b
    assert SENTINEL_PATH in body_on_b


def test_media_is_stored_per_union_and_served_only_on_its_own_host(union_a, union_b):
    with schema_context(union_a.schema_name):
        name = default_storage.save("kiem-thu/bien-ban.txt", ContentFile(b"chi cua A"))
        url = default_storage.url(name)
    try:
        assert url.startswith(f"/media/{union_a.schema_name}/")
        assert (Path(settings.MEDIA_ROOT) / union_a.schema_name / name).is_file()
        on_a = union_a.client().get(url)
        assert on_a.status_code == 200 and b"".join(on_a.streaming_content) == b"chi cua A"
        assert on_a["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert union_b.client().get(url).status_code == 404
        traversal = url.replace(
            f"/media/{union_a.schema_name}/",
            f"/media/{union_b.schema_name}/../{union_a.schema_name}/",
        )
        assert union_b.client().get(traversal).status_code == 404
    finally:
        with schema_context(union_a.schema_name):
            default_storage.delete(name)


def test_uploaded_svg_and_html_are_downloads_never_documents(union_a):
    with schema_context(union_a.schema_name):
        svg = default_storage.save("kiem-thu/anh.svg", ContentFile(b"<svg onload='alert(1)'/>"))
        url = default_storage.url(svg)
    try:
        response = union_a.client().get(url)
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    finally:
        with schema_context(union_a.schema_name):
            default_storage.delete(svg)


def test_a_login_on_one_union_is_worthless_on_another(union_a, union_b):
    # Both unions have a user "admin" with the same password and likely the same id.
    client = union_a.client()
    login = client.post("/admin/login/", {"username": "admin", "password": union_a.editor_password})
    assert login.status_code == 302
    assert client.get("/admin/").status_code == 200
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["domain"] == ""  # host-only

    on_b = union_b.client()
    on_b.cookies[settings.SESSION_COOKIE_NAME] = session_cookie.value
    response = on_b.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    national = union_b.client()
    national.defaults["HTTP_HOST"] = "localhost"
    national.cookies[settings.SESSION_COOKIE_NAME] = session_cookie.value
    assert national.get("/admin/").status_code == 302


def test_union_staff_cannot_log_in_to_the_national_admin(union_a):
    client = union_a.client()
    client.defaults["HTTP_HOST"] = "localhost"
    response = client.post(
        "/admin/login/", {"username": "admin", "password": union_a.editor_password}
    )
    assert response.status_code == 200  # the form again, with an error
    assert connection.schema_name == "public"
    assert client.get("/admin/").status_code == 302


def test_an_editor_of_a_sees_none_of_bs_documents_images_or_form_submissions(union_a, union_b):
    from django.contrib.auth import get_user_model
    from wagtail.contrib.forms.models import FormSubmission
    from wagtail.documents.models import Document

    from cms.models import ContactFormField, ContactPage, HomePage

    with schema_context(union_b.schema_name):
        Document.objects.create(title="Hồ sơ mật của B", file=ContentFile(b"B", name="b.pdf"))
        contact = HomePage.objects.get().add_child(
            instance=ContactPage(title="Liên hệ B", slug="lien-he")
        )
        ContactFormField.objects.create(page=contact, label="Nội dung", field_type="multiline")
        FormSubmission.objects.create(page=contact, form_data={"noi_dung": "Thư riêng gửi B"})
        b_contact_id = contact.pk
    with schema_context(union_b.schema_name):
        owner = union_b.client()
        owner.force_login(get_user_model().objects.get(username="admin"))
    with schema_context(union_a.schema_name):
        editor = union_a.client()
        editor.force_login(get_user_model().objects.get(username="admin"))
    # The same requests on B's own admin do show B's records.
    assert "Hồ sơ mật của B" in owner.get("/admin/documents/?q=mật").content.decode()
    assert "Liên hệ B" in owner.get("/admin/forms/").content.decode()
    on_b = owner.get(f"/admin/forms/submissions/{b_contact_id}/").content.decode()
    assert "Thư riêng gửi B" in on_b
    documents = editor.get("/admin/documents/?q=mật").content.decode()
    assert "Hồ sơ mật của B" not in documents
    assert editor.get("/admin/forms/").status_code == 200
    assert "Liên hệ B" not in editor.get("/admin/forms/").content.decode()
    # B's page id means nothing in A's admin: it is not there, or it is one of A's own pages.
    submissions = editor.get(f"/admin/forms/submissions/{b_contact_id}/")
    assert "Thư riêng gửi B" not in submissions.content.decode()
    with schema_context(union_b.schema_name):
        for document in Document.objects.filter(title="Hồ sơ mật của B"):
            document.file.delete(save=False)


def test_form_submissions_stay_with_a_unions_admin_after_the_national_admin_looked(
    union_a, admin_a
):
    """Wagtail caches the form page types per process; their ids differ between public and
    a union, so the national admin's first look used to lock a union out of its own forms."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from cms.models import ContactFormField, ContactPage, HomePage
    from tests.conftest import login_with_second_step

    staff = get_user_model().objects.create_superuser("vusta-forms", "f@example.vn", "x")
    login_with_second_step(Client(HTTP_HOST="localhost"), staff).get("/admin/forms/")
    with schema_context(union_a.schema_name):
        page = HomePage.objects.get().add_child(
            instance=ContactPage(title="Liên hệ A", slug="lien-he-a")
        )
        ContactFormField.objects.create(page=page, label="Nội dung", field_type="multiline")
    assert "Liên hệ A" in admin_a.get("/admin/forms/").content.decode()
    assert admin_a.get(f"/admin/forms/submissions/{page.pk}/").status_code == 200
