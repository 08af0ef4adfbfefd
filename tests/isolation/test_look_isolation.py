"""One union's look (preset, own colour, logo, hero, pictures, galleries) never shows on
another union's site, and its pictures are not served on another union's host."""

import io
import re
import uuid

from django.core.files.images import ImageFile
from django_tenants.utils import schema_context
from PIL import Image as PILImage
from wagtail.images.models import Image

from cms.models import NewsArticlePage, NewsIndexPage, UnionSiteSettings


def _photo(colour: str) -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 500), colour).save(buffer, "JPEG")
    return ImageFile(buffer, name=f"anh-{uuid.uuid4().hex[:6]}.jpg")


def _media_urls(html: str, schema_name: str) -> set[str]:
    return set(re.findall(rf"/media/{schema_name}/([^\"' ),]+)", html))


def test_a_unions_theme_logo_and_pictures_stay_on_its_own_site(union_a, union_b):
    b_home_before = union_b.client().get("/").content.decode()
    with schema_context(union_a.schema_name):
        logo, hero, lead, shot = (
            Image.objects.create(title=f"Ảnh của A {n}", file=_photo(colour))
            for n, colour in enumerate(("#aa0000", "#00aa00", "#0000aa", "#aaaa00"))
        )
        site_settings = UnionSiteSettings.objects.get()
        site_settings.theme, site_settings.primary_colour = "luc-bao", "#084c39"
        site_settings.logo, site_settings.hero_image = logo, hero
        site_settings.save()
        article = NewsIndexPage.objects.get().add_child(
            instance=NewsArticlePage(
                title="Bài có bộ ảnh của A",
                slug="bo-anh-cua-a",
                is_featured=True,
                lead_image=lead,
                body=[("gallery", {"title": "", "photos": [{"image": shot, "caption": "A"}]})],
            )
        )
    try:
        on_a = union_a.client().get("/").content.decode()
        assert '<body class="theme-luc-bao" style="--primary: #084c39">' in on_a
        a_article = union_a.client().get("/tin-tuc/bo-anh-cua-a/").content.decode()
        a_media = _media_urls(on_a, "uniona") | _media_urls(a_article, "uniona")
        assert len(a_media) >= 4  # logo (favicon and header), hero, lead, gallery

        for path in ("/", "/tin-tuc/", "/tin-tuc/tin-canh-gioi/", "/tim-kiem/?q=anh"):
            on_b = union_b.client().get(path).content.decode()
            assert '<body class="theme-xanh-khoa-hoc">' in on_b, path
            assert "#084c39" not in on_b and "theme-luc-bao" not in on_b, path
            assert "/media/uniona/" not in on_b and "Ảnh của A" not in on_b, path
        assert "bo-anh-cua-a" not in union_b.client().get("/").content.decode()
        assert union_b.client().get("/tin-tuc/bo-anh-cua-a/").status_code == 404
        # B's home is as it was: A's change emptied only A's page cache.
        assert union_b.client().get("/").content.decode() == b_home_before

        # A's pictures, asked for on B's host (as they are, or moved into B's folder).
        for url in a_media:
            full = f"/media/uniona/{url}"
            assert union_a.client().get(full).status_code == 200, full
            assert union_b.client().get(full).status_code == 404, full
            assert union_b.client().get(f"/media/unionb/{url}").status_code == 404, full
    finally:
        with schema_context(union_a.schema_name):
            article.delete()
            site_settings.theme, site_settings.primary_colour = "xanh-khoa-hoc", ""
            site_settings.logo = site_settings.hero_image = None
            site_settings.save()
            for image in (logo, hero, lead, shot):
                image.file.delete(save=False)
                image.delete()
