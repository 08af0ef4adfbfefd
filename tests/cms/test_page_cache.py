"""The per-union page cache: hits skip the page's queries, any edit empties it, and
no union ever gets another's cached page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

ARTICLE = "/tin-tuc/tin-canh-gioi/"


def test_a_second_anonymous_visit_is_served_from_the_cache(union_a):
    client = union_a.client()
    assert client.get("/tin-tuc/")["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/tin-tuc/")
    assert response["X-Page-Cache"] == "hit"
    assert union_a.sentinel_title in response.content.decode()
    # Only the host lookup remains.
    assert [q["sql"] for q in queries.captured_queries if "tenants_union" not in q["sql"]] in (
        [],
        ['SET search_path = "public"'],
    )


def test_publishing_a_change_empties_the_cache(union_a):
    client = union_a.client()
    client.get(ARTICLE)
    assert client.get(ARTICLE)["X-Page-Cache"] == "hit"
    with schema_context(union_a.schema_name):
        article = union_a.sentinel()
        article.title = "Tin canh giới của A, bản sửa"
        article.save_revision().publish()
    response = client.get(ARTICLE)
    assert response["X-Page-Cache"] == "miss"
    assert "Tin canh giới của A, bản sửa" in response.content.decode()


def test_one_unions_cached_page_is_never_served_to_another(union_a, union_b):
    assert union_a.client().get(ARTICLE).status_code == 200
    assert union_a.client().get(ARTICLE)["X-Page-Cache"] == "hit"
    on_b = union_b.client().get(ARTICLE)
    assert on_b["X-Page-Cache"] == "miss"
    assert union_b.sentinel_title in on_b.content.decode()
    assert union_a.sentinel_title not in on_b.content.decode()


def test_a_change_in_one_union_leaves_anothers_cache_alone(union_a, union_b):
    union_b.client().get(ARTICLE)
    with schema_context(union_a.schema_name):
        union_a.sentinel().save_revision().publish()
    assert union_b.client().get(ARTICLE)["X-Page-Cache"] == "hit"


def test_signed_in_editors_and_forms_are_never_cached(union_a):
    from django.contrib.auth import get_user_model

    with schema_context(union_a.schema_name):
        editor = union_a.client()
        editor.force_login(get_user_model().objects.get(username="admin"))
    editor.get(ARTICLE)
    assert "X-Page-Cache" not in editor.get(ARTICLE)
    # A page whose form carries a CSRF token varies by visitor.
    response = union_a.client().get("/admin/login/")
    assert "X-Page-Cache" not in response


def test_api_answers_and_requests_with_credentials_never_come_from_the_page_cache(union_a):
    client = union_a.client()
    client.get("/api/v1/news/")
    assert "X-Page-Cache" not in client.get("/api/v1/news/")
    client.get(ARTICLE, HTTP_AUTHORIZATION="Bearer x")
    assert "X-Page-Cache" not in client.get(ARTICLE, HTTP_AUTHORIZATION="Bearer x")


def test_renditions_made_while_rendering_keep_the_page_cached(union_a):
    """The first view of a page with a new picture makes its renditions: derived files, not
    content, so the page just stored is served on the next visit instead of re-rendered."""
    import io
    import uuid

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images.models import Image

    from cms.models import UnionSiteSettings

    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 300), "#0c6b50").save(buffer, "PNG")
    with schema_context(union_a.schema_name):
        logo = Image.objects.create(
            title="Biểu trưng", file=ImageFile(buffer, name=f"logo-{uuid.uuid4().hex[:6]}.png")
        )
        site_settings = UnionSiteSettings.objects.get()
        site_settings.logo = logo
        site_settings.save()
    try:
        client = union_a.client()
        first = client.get(ARTICLE)
        assert first["X-Page-Cache"] == "miss"
        with schema_context(union_a.schema_name):
            assert logo.renditions.exists()  # made by that first render
        assert client.get(ARTICLE)["X-Page-Cache"] == "hit"
    finally:
        with schema_context(union_a.schema_name):
            site_settings.logo = None
            site_settings.save()
            logo.file.delete(save=False)
            logo.delete()
