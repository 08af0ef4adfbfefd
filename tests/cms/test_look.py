"""The union's look: theme presets, galleries and videos in articles, starter news sections,
the demo's pictures."""

import io
import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.images import ImageFile
from django.test import override_settings
from django_tenants.utils import schema_context
from PIL import Image as PILImage
from wagtail.embeds.finders import get_finders
from wagtail.embeds.models import Embed
from wagtail.images.models import Image

from cms.models import (
    HomePage,
    NewsArticlePage,
    NewsCategory,
    NewsIndexPage,
    UnionSiteSettings,
)
from cms.services import STARTER_NEWS_CATEGORIES, news_sections_ensure
from tenants.services import union_create


def _photo(colour: str = "#336699") -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (900, 600), colour).save(buffer, "JPEG")
    return ImageFile(buffer, name=f"anh-{uuid.uuid4().hex[:6]}.jpg")


def _settings_set(union, **values) -> None:
    with schema_context(union.schema_name):
        site_settings = UnionSiteSettings.objects.get()
        for key, value in values.items():
            setattr(site_settings, key, value)
        site_settings.save()


# -- Theme presets


def test_a_preset_and_an_own_colour_reach_every_page(union_a):
    home = union_a.client().get("/").content.decode()
    assert '<body class="theme-xanh-khoa-hoc">' in home  # the default preset, no own colour

    _settings_set(union_a, theme="luc-bao", primary_colour="")
    home = union_a.client().get("/").content.decode()
    assert '<body class="theme-luc-bao">' in home
    assert "--primary:" not in home.split("<body", 1)[1].split(">", 1)[0]

    # An own colour is set on <body>, over the preset's, on every page.
    _settings_set(union_a, theme="do-truyen-thong", primary_colour="#7a1714")
    for path in ("/", "/tin-tuc/", "/tin-tuc/tin-canh-gioi/"):
        body = union_a.client().get(path).content.decode()
        assert '<body class="theme-do-truyen-thong" style="--primary: #7a1714">' in body, path
    _settings_set(union_a, theme="xanh-khoa-hoc", primary_colour="")


def test_every_preset_has_its_palette_in_the_stylesheet():
    from pathlib import Path

    from cms.themes import THEMES

    css = (Path(__file__).resolve().parents[2] / "cms/static/cms/site.css").read_text()
    for theme in THEMES:
        assert f"body.theme-{theme.key} {{ --primary: {theme.primary};" in css


def test_the_settings_form_offers_the_presets_and_refuses_an_unknown_one(union_a, admin_a):
    with schema_context(union_a.schema_name):
        site_settings = UnionSiteSettings.objects.get()
        url = f"/admin/settings/cms/unionsitesettings/{site_settings.site_id}/"
    page = admin_a.get(url).content.decode()
    for label in ("Xanh khoa học", "Đỏ truyền thống", "Lục bảo"):
        assert label in page
    with schema_context(union_a.schema_name):
        site_settings.theme = "khong-co"
        with pytest.raises(Exception) as refused:
            site_settings.full_clean()
    assert "theme" in str(refused.value)


def test_the_logo_is_the_favicon_and_a_site_without_one_gets_the_platforms(union_a):
    home = union_a.client().get("/").content.decode()
    assert 'href="/static/cms/favicon.svg"' in home
    with schema_context(union_a.schema_name):
        logo = Image.objects.create(title="Biểu trưng A", file=_photo("#aa0000"))
    _settings_set(union_a, logo=logo)
    try:
        home = union_a.client().get("/").content.decode()
        assert '<link rel="icon" href="/media/uniona/images/' in home
        assert "favicon.svg" not in home
    finally:
        _settings_set(union_a, logo=None)
        with schema_context(union_a.schema_name):
            logo.delete()


# -- Galleries and videos in articles


@pytest.fixture
def gallery_article(union_a) -> Iterator[NewsArticlePage]:
    with schema_context(union_a.schema_name):
        photos = [
            Image.objects.create(title=f"Ảnh {n}", file=_photo(colour))
            for n, colour in enumerate(("#114477", "#447711", "#771144"))
        ]
        article = NewsIndexPage.objects.get().add_child(
            instance=NewsArticlePage(
                title="Hội thi có bộ ảnh",
                slug="hoi-thi-co-bo-anh",
                body=[
                    (
                        "gallery",
                        {
                            "title": "Hình ảnh hội thi",
                            "photos": [
                                {"image": photos[0], "caption": "Khai mạc hội thi"},
                                {"image": photos[1], "caption": "Trao giải"},
                                {"image": photos[2], "caption": ""},
                            ],
                        },
                    )
                ],
            )
        )
    yield article
    with schema_context(union_a.schema_name):
        article.delete()
        for photo in photos:
            photo.file.delete(save=False)
            photo.delete()


def test_a_gallery_is_a_grid_of_linked_thumbnails_with_captions_as_alt_text(
    union_a, gallery_article
):
    html = union_a.client().get("/tin-tuc/hoi-thi-co-bo-anh/").content.decode()
    grid = html.split('<ul class="gallery-grid"', 1)[1].split("</ul>", 1)[0]
    assert grid.count('class="gallery-link"') == 3
    assert 'alt="Khai mạc hội thi"' in grid and 'alt="Trao giải"' in grid
    assert 'alt="Ảnh 2"' in grid  # no caption: the photo's title, never an empty alt
    assert 'loading="lazy"' in grid and 'type="image/webp"' in grid
    # Each thumbnail links to a large rendition of this union's own media, no outside script.
    links = [part.split('"', 1)[0] for part in grid.split('href="')[1:]]
    assert len(links) == 3 and all(link.startswith("/media/uniona/images/") for link in links)
    assert all(".webp" in link for link in links)
    assert "cdn" not in html.lower()
    assert 'data-prev="‹ Ảnh trước"' in grid
    assert "Hình ảnh hội thi" in html


class _OEmbedProvider(BaseHTTPRequestHandler):
    """A video site's oEmbed endpoint, on this machine."""

    asked: list[str] = []

    def do_GET(self):
        url = parse_qs(urlsplit(self.path).query)["url"][0]
        type(self).asked.append(url)
        video = url.rsplit("=", 1)[-1]
        body = json.dumps(
            {
                "type": "video",
                "version": "1.0",
                "title": "Lễ trao giải",
                "provider_name": "Video thử",
                "width": 640,
                "height": 360,
                "html": f'<iframe src="https://video.example/embed/{video}" width="640" '
                'height="360" title="Lễ trao giải" allowfullscreen></iframe>',
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def oembed_provider() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _OEmbedProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    finders = [
        {
            "class": "wagtail.embeds.finders.oembed",
            "providers": [
                {
                    "endpoint": f"http://127.0.0.1:{server.server_port}/oembed",
                    "urls": [r"^https://video\.example/watch\?v=.+$"],
                }
            ],
        }
    ]
    _OEmbedProvider.asked.clear()
    get_finders.cache_clear()
    try:
        with override_settings(WAGTAILEMBEDS_FINDERS=finders):
            yield server
    finally:
        get_finders.cache_clear()
        server.shutdown()
        server.server_close()


def test_a_video_by_its_address_is_asked_once_then_served_from_the_unions_schema(
    union_a, union_b, oembed_provider
):
    url = "https://video.example/watch?v=trao-giai-2026"
    with schema_context(union_a.schema_name):
        article = NewsIndexPage.objects.get().add_child(
            instance=NewsArticlePage(
                title="Video lễ trao giải", slug="video-le-trao-giai", body=[("embed", url)]
            )
        )
    try:
        html = union_a.client().get("/tin-tuc/video-le-trao-giai/").content.decode()
        box = html.split('<div class="video-embed">', 1)[1].split("</div>", 1)[0]
        assert 'src="https://video.example/embed/trao-giai-2026"' in box
        assert 'title="Lễ trao giải"' in box
        assert _OEmbedProvider.asked == [url]

        # The provider gone: the page still shows the player, stored in A's schema only.
        oembed_provider.shutdown()
        again = union_a.client().get("/tin-tuc/video-le-trao-giai/?lan=2").content.decode()
        assert 'src="https://video.example/embed/trao-giai-2026"' in again
        assert _OEmbedProvider.asked == [url]
        with schema_context(union_a.schema_name):
            assert Embed.objects.filter(url=url).count() == 1
        with schema_context(union_b.schema_name):
            assert not Embed.objects.filter(url=url).exists()
    finally:
        with schema_context(union_a.schema_name):
            article.delete()
            Embed.objects.filter(url=url).delete()


def test_a_video_whose_address_finds_no_player_shows_a_plain_link(union_a):
    url = "https://khong-ho-tro.example/video/1"
    with schema_context(union_a.schema_name):
        article = NewsIndexPage.objects.get().add_child(
            instance=NewsArticlePage(title="Video lạ", slug="video-la", body=[("embed", url)])
        )
    try:
        html = union_a.client().get("/tin-tuc/video-la/").content.decode()
        assert f'<a href="{url}" rel="noopener">{url}</a>' in html
        assert '<div class="video-embed">' not in html
    finally:
        with schema_context(union_a.schema_name):
            article.delete()


# -- A new union's news sections


def test_a_new_union_starts_with_its_news_page_and_sections(db):
    union_create(schema_name="lcmuc", name="Liên hiệp Hội Chuyên mục", use_warm_pool=False)
    with schema_context("lcmuc"):
        index = NewsIndexPage.objects.get()
        assert (index.title, index.slug, index.show_in_menus, index.live) == (
            "Tin tức",
            "tin-tuc",
            True,
            True,
        )
        assert index.get_parent().specific_class is HomePage
        assert list(NewsCategory.objects.values_list("name", "slug")) == list(
            STARTER_NEWS_CATEGORIES
        )
        # A second call (a retried set-up) makes nothing twice.
        assert news_sections_ensure() == index
        assert NewsCategory.objects.count() == len(STARTER_NEWS_CATEGORIES)
    from django.test import Client

    page = Client(HTTP_HOST="lcmuc.localhost").get("/tin-tuc/").content.decode()
    assert "Tư vấn, phản biện" in page and "Phổ biến kiến thức" in page


# -- The demo's pictures


def test_the_demo_union_is_photo_led_from_the_first_visit(demo_union, db):
    from django.test import Client

    with schema_context(demo_union.schema_name):
        site_settings = UnionSiteSettings.objects.get()
        assert site_settings.theme == "do-truyen-thong"
        assert site_settings.logo and site_settings.hero_image
        articles = list(NewsArticlePage.objects.live())
        assert articles and all(article.lead_image_id for article in articles)
        first = NewsArticlePage.objects.live().order_by("-published_on").first()
        galleries = [block for block in first.body if block.block_type == "gallery"]
        assert len(galleries) == 1 and len(galleries[0].value["photos"]) == 4
        with PILImage.open(first.lead_image.file) as picture:
            assert picture.size == (1200, 750)
            # A drawn scene, not a flat placeholder: many colours.
            assert len(picture.convert("RGB").getcolors(maxcolors=1 << 20)) > 500
    home = Client(HTTP_HOST=f"{demo_union.schema_name}.localhost").get("/").content.decode()
    assert '<body class="theme-do-truyen-thong">' in home
    assert home.count('class="lead-story"') == 2
    assert 'rel="icon" href="/media/thanhhoa/images/' in home


def test_a_gallerys_queries_do_not_grow_with_its_photos(union_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with schema_context(union_a.schema_name):
        photos = [Image.objects.create(title=f"Ảnh {n}", file=_photo()) for n in range(6)]
        index = NewsIndexPage.objects.get()
        articles = {
            count: index.add_child(
                instance=NewsArticlePage(
                    title=f"Bộ {count} ảnh",
                    slug=f"bo-{count}-anh",
                    body=[
                        (
                            "gallery",
                            {
                                "title": "",
                                "photos": [{"image": p, "caption": ""} for p in photos[:count]],
                            },
                        )
                    ],
                )
            )
            for count in (2, 6)
        }
    try:
        queries = {}
        for count in (2, 6):
            path = f"/tin-tuc/bo-{count}-anh/"
            client = union_a.client()
            assert client.get(path).status_code == 200  # renditions made and cached
            # Another query string: past the page cache, the view itself runs again.
            with CaptureQueriesContext(connection) as captured:
                html = client.get(f"{path}?lan=2").content.decode()
            assert html.count('class="gallery-link"') == count
            queries[count] = len(captured)
        assert queries[6] == queries[2], queries
    finally:
        with schema_context(union_a.schema_name):
            for article in articles.values():
                article.delete()
            for photo in photos:
                photo.file.delete(save=False)
                photo.delete()
