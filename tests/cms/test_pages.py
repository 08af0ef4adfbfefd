"""Page behaviour inside a union: slugs, preview on the union's own host."""

import io

from django.core.files.images import ImageFile
from django_tenants.utils import schema_context
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Page

from cms.models import NewsArticlePage


def test_vietnamese_titles_get_readable_ascii_slugs(union_a):
    with schema_context(union_a.schema_name):
        index = Page.objects.get(slug="tin-tuc")
        article = index.add_child(
            instance=NewsArticlePage(title="Phát động Hội thi Sáng tạo Kỹ thuật Đồng Nai")
        )
    assert article.slug == "phat-dong-hoi-thi-sang-tao-ky-thuat-dong-nai"


def test_preview_renders_rich_text_images_from_the_unions_own_media(union_a):
    buffer = io.BytesIO()
    PILImage.new("RGB", (60, 40), "#c00").save(buffer, "PNG")
    with schema_context(union_a.schema_name):
        image = Image.objects.create(
            title="Ảnh hội thảo", file=ImageFile(buffer, name="hoi-thao.png")
        )
        article = union_a.sentinel()
        article.body = [
            (
                "paragraph",
                f'<p>Ảnh:</p><embed embedtype="image" id="{image.pk}" format="fullwidth"'
                ' alt="Hội thảo"/>',
            )
        ]
        try:
            # The preview request is routed through the middleware by the site's host.
            response = article.make_preview_request()
        finally:
            image.file.delete(save=False)
            image.delete()
    body = response.content.decode()
    assert response.status_code == 200
    assert union_a.sentinel_title in body
    assert f"/media/{union_a.schema_name}/images/hoi-thao" in body


def test_featured_news_is_not_repeated_under_latest_news(union_a):
    with schema_context(union_a.schema_name):
        sentinel = union_a.sentinel()
        sentinel.is_featured = True
        sentinel.save_revision().publish()
        index = Page.objects.get(slug="tin-tuc")
        index.add_child(instance=NewsArticlePage(title="Tin thường của A"))
    html = union_a.client().get("/").content.decode()
    latest = html[html.index("<h2>Tin mới</h2>") :]
    featured = html[html.index("<h2>Tin nổi bật</h2>") : html.index("<h2>Tin mới</h2>")]
    assert union_a.sentinel_title in featured
    assert union_a.sentinel_title not in latest and "Tin thường của A" in latest


def test_home_figures_come_from_the_records_with_their_period(union_a, union_b):
    from cms.records.models import MemberCount, MemberOrganisation, ReportingPeriod

    with schema_context(union_a.schema_name):
        period = ReportingPeriod.objects.create(kind="half", year=2026, half=1)
        for name, kind, members in [
            ("Hội Tin học", "association", 12000),
            ("Hội Y học", "association", 11725),
            ("Trung tâm Tư vấn", "affiliated", 0),
        ]:
            organisation = MemberOrganisation.objects.create(name=name, kind=kind)
            MemberCount.objects.create(organisation=organisation, period=period, members=members)
    html = union_a.client().get("/").content.decode()
    assert "<strong>23.725</strong><span>hội viên</span>" in html
    assert "<strong>2</strong><span>hội thành viên</span>" in html
    assert "<strong>1</strong><span>trung tâm, viện trực thuộc</span>" in html
    assert "kỳ 6 tháng đầu năm 2026" in html
    assert "23.725" not in union_b.client().get("/").content.decode()
