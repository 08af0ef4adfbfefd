"""Vietnamese titles become readable addresses, on the server and in the admin's forms."""

import json
import re

from django_tenants.utils import schema_context
from wagtail.models import Page

from cms.models import NewsArticlePage, NewsCategory
from lhh.web.slugs import SLUG_FORMATTERS, slug_from_text

TITLE = "Hội thảo khoa học về chuyển đổi số"


def test_slug_from_text_transliterates_every_vietnamese_letter():
    assert slug_from_text(TITLE) == "hoi-thao-khoa-hoc-ve-chuyen-doi-so"
    assert slug_from_text("ĐẠI HỘI ĐẠI BIỂU lần thứ VI") == "dai-hoi-dai-bieu-lan-thu-vi"


def _apply_formatters(text: str) -> str:
    """What the admin's script does with the formatters, then its own ASCII filter."""
    for pattern, replacement in SLUG_FORMATTERS:
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"[^-\w\s]", "", text.lower(), flags=re.ASCII)
    return re.sub(r"[-\s]+", "-", text)


def test_the_admin_formatters_leave_only_ascii_letters():
    assert _apply_formatters(TITLE) == "hoi-thao-khoa-hoc-ve-chuyen-doi-so"
    # A title typed in decomposed form (vowel + combining marks) reads the same.
    import unicodedata

    assert _apply_formatters(unicodedata.normalize("NFD", "Đổi mới")) == "doi-moi"


def test_the_page_editor_gives_its_slug_input_the_formatters(admin_a, union_a):
    with schema_context(union_a.schema_name):
        index = Page.objects.get(slug="tin-tuc")
    html = admin_a.get(f"/admin/pages/add/cms/newsarticlepage/{index.id}/").content.decode()
    match = re.search(r'<input[^>]*name="slug"[^>]*>', html)
    assert match and "data-w-slug-formatters-value" in match.group()
    raw = re.search(r'data-w-slug-formatters-value="([^"]*)"', match.group()).group(1)
    formatters = json.loads(raw.replace("&quot;", '"'))
    assert any("ộ" in pattern for (pattern, _flags), _replacement in formatters)


def test_pages_without_a_slug_get_a_transliterated_unique_one(union_a):
    with schema_context(union_a.schema_name):
        index = Page.objects.get(slug="tin-tuc")
        first = index.add_child(instance=NewsArticlePage(title=TITLE))
        second = index.add_child(instance=NewsArticlePage(title=TITLE))
    assert first.slug == "hoi-thao-khoa-hoc-ve-chuyen-doi-so"
    assert second.slug == "hoi-thao-khoa-hoc-ve-chuyen-doi-so-2"


def test_a_news_category_gets_its_address_from_its_name(union_a):
    with schema_context(union_a.schema_name):
        category = NewsCategory(name="Đổi mới sáng tạo")
        category.full_clean()
    assert category.slug == "doi-moi-sang-tao"
