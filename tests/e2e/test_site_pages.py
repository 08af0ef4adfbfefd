"""A union's pages on a desk and on a phone, in Debian's chromium: images fit their column,
nothing overflows, and axe-core (from the registry, tests' lock) finds no serious or critical
accessibility violation."""

import io
import uuid
from collections.abc import Iterator

import pytest
from django.core.files.images import ImageFile
from django_tenants.utils import schema_context
from PIL import Image as PILImage
from wagtail.images.models import Image

from cms.models import ContestPage, NewsArticlePage, NewsIndexPage, OrganisationPage
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
    "organisation": "",  # under "Giới thiệu"
    "search": "/tim-kiem/?q=hoi+thi",
}


def _axe_serious(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def test_main_pages_fit_a_desk_and_a_phone(site_server, demo_union, committed, browser):
    base = _base(site_server, demo_union)
    with schema_context(demo_union.schema_name):
        paths = {
            **PAGES,
            "contest": ContestPage.objects.get().url,
            "organisation": OrganisationPage.objects.get().url,
        }
    found: dict[str, list[str]] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
        page = context.new_page()
        for name, path in paths.items():
            response = page.goto(base + path, wait_until="load")
            assert response.status == 200, (name, response.status)
            if name == "article":
                page.locator("article.card .h3 a").first.click()
                page.wait_for_load_state("load")
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
            assert _overflow(page) <= 0, f"{name} overflows at {width} px"
            if violations := _axe_serious(page):
                found[f"{name} at {width} px"] = violations
        context.close()
    assert found == {}


def test_every_theme_preset_reads_well(site_server, demo_union, committed, browser):
    """Each preset's colours keep axe-core's contrast rules on the busiest pages."""
    from cms.models import UnionSiteSettings
    from cms.themes import THEMES

    base = _base(site_server, demo_union)
    with schema_context(demo_union.schema_name):
        site_settings = UnionSiteSettings.objects.get()
        chosen = site_settings.theme
        article = NewsArticlePage.objects.live().order_by("-published_on").first().url
    found: dict[str, list[str]] = {}
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        for theme in THEMES:
            with schema_context(demo_union.schema_name):
                site_settings.theme = theme.key
                site_settings.save(update_fields=["theme"])
            for path in ("/", article, "/van-ban/"):
                # The server's page cache is its own process's: a query string of the
                # theme's asks for a page not cached under the previous theme.
                page.goto(f"{base}{path}?mau={theme.key}", wait_until="load")
                assert page.locator(f"body.theme-{theme.key}").count() == 1
                page.screenshot(path=SCREENSHOTS / f"theme-{theme.key}{path.count('/')}.png")
                if violations := _axe_serious(page):
                    found[f"{theme.key} {path}"] = violations
    finally:
        context.close()
        with schema_context(demo_union.schema_name):
            site_settings.theme = chosen
            site_settings.save(update_fields=["theme"])
    assert found == {}


def test_a_gallery_opens_each_photo_large_and_closes(site_server, demo_union, committed, browser):
    """The demo's first story carries a gallery; the site's own script shows it large."""
    with schema_context(demo_union.schema_name):
        article = NewsArticlePage.objects.live().order_by("-published_on").first()
        url = article.url
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(_base(site_server, demo_union) + url, wait_until="load")
        thumbnails = page.locator(".gallery-link")
        assert thumbnails.count() == 4
        thumbnails.nth(1).click()
        dialog = page.locator("dialog.lightbox")
        dialog.wait_for(state="visible")
        large = dialog.locator("img")
        assert large.get_attribute("src") == thumbnails.nth(1).get_attribute("href")
        assert large.get_attribute("alt") == "Trao giải cho các tác giả"
        large.evaluate("img => img.decode()")  # loaded and drawn (no eval: the page's CSP)
        assert large.bounding_box()["width"] <= width
        page.screenshot(path=SCREENSHOTS / f"gallery-open-{width}.png")
        dialog.get_by_role("button", name="Ảnh sau ›").click()
        assert large.get_attribute("src") == thumbnails.nth(2).get_attribute("href")
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden")
        assert page.url.endswith(url)  # the link's own navigation never happened
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
