"""A union's pages on a desk and on a phone, in Debian's chromium: images fit their column."""

import io
import uuid
from collections.abc import Iterator

import pytest
from django.core.files.images import ImageFile
from django_tenants.utils import schema_context
from PIL import Image as PILImage
from wagtail.images.models import Image

from cms.models import ContestPage, NewsArticlePage, NewsIndexPage
from tests.e2e.conftest import SCREENSHOTS

WIDTHS = (1366, 390)


def _base(port: str, union) -> str:
    return f"http://{union.schema_name}.localhost:{port}"


def _photo(width: int, height: int) -> ImageFile:
    buffer = io.BytesIO()
    PILImage.linear_gradient("L").resize((width, height)).convert("RGB").save(buffer, "JPEG")
    return ImageFile(buffer, name=f"anh-{uuid.uuid4().hex[:6]}.jpg")


@pytest.fixture
def article_with_photos(demo_union, committed) -> Iterator[str]:
    """A published article with a wide lead photo and a wide photo in its body."""
    with schema_context(demo_union.schema_name):
        lead = Image.objects.create(title="Hội thảo khoa học", file=_photo(1600, 900))
        inline = Image.objects.create(title="Đại biểu tham dự", file=_photo(1800, 1000))
        index = NewsIndexPage.objects.get()
        article = index.add_child(
            instance=NewsArticlePage(
                title=f"Hội thảo có ảnh {uuid.uuid4().hex[:6]}",
                summary="Bài có ảnh rộng.",
                lead_image=lead,
                body=[
                    ("paragraph", "<p>Toàn cảnh hội thảo.</p>"),
                    ("image", {"image": inline, "alt_text": "Đại biểu", "decorative": False}),
                ],
            )
        )
        url = article.url
    yield url
    with schema_context(demo_union.schema_name):
        article.delete()
        for image in (lead, inline):
            image.file.delete(save=False)
            image.delete()


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_article_photos_are_responsive_and_fit_on_a_phone(
    site_server, demo_union, article_with_photos, browser
):
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(_base(site_server, demo_union) + article_with_photos, wait_until="load")
        page.screenshot(path=SCREENSHOTS / f"article-photos-{width}.png", full_page=True)
        assert _overflow(page) <= 0, f"horizontal overflow at {width} px"
        lead = page.locator(".lead-image picture")
        assert lead.locator("source[type='image/webp']").count() == 1
        assert "1200w" in lead.locator("source[type='image/webp']").get_attribute("srcset")
        body_img = page.locator(".body-image img")
        assert body_img.get_attribute("loading") == "lazy"
        assert body_img.get_attribute("alt") == "Đại biểu"
        box = page.locator(".lead-image img").bounding_box()
        assert box["x"] + box["width"] <= width
        context.close()


PAGES = {
    "home": "/",
    "article": "/tin-tuc/",
    "documents": "/van-ban/",
    "contest": "",  # wherever the demo put it (a section since the menus got two levels)
    "search": "/tim-kiem/?q=hoi+thi",
}


def test_main_pages_fit_a_desk_and_a_phone(site_server, demo_union, committed, browser):
    base = _base(site_server, demo_union)
    with schema_context(demo_union.schema_name):
        paths = {**PAGES, "contest": ContestPage.objects.get().url}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
        page = context.new_page()
        for name, path in paths.items():
            response = page.goto(base + path, wait_until="load")
            assert response.status == 200, (name, response.status)
            if name == "article":
                page.locator("article.card h3 a").first.click()
                page.wait_for_load_state("load")
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
            assert _overflow(page) <= 0, f"{name} overflows at {width} px"
        context.close()


def test_the_menu_folds_behind_a_button_on_a_phone(site_server, demo_union, browser):
    base = _base(site_server, demo_union)
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(base + "/", wait_until="load")
    toggle = page.locator(".menu-toggle")
    news = page.locator("#menu-chinh a", has_text="Tin tức")
    assert toggle.is_visible() and not news.is_visible()
    header_height = page.locator(".site-header").bounding_box()["height"]
    toggle.click()
    assert news.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    page.screenshot(path=SCREENSHOTS / "menu-open-390.png")
    context.close()

    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 800})
    page = context.new_page()
    page.goto(base + "/", wait_until="load")
    assert not page.locator(".menu-toggle").is_visible()
    assert page.locator("#menu-chinh a", has_text="Tin tức").is_visible()
    context.close()
    assert header_height < 200
