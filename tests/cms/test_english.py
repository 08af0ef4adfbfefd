"""A union's site in English: the chrome in the reader's chosen language, English versions
of the pages a union translates, Vietnamese (with a note) where it has not, and never
another union's English."""

import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import translation
from django.utils.translation import gettext
from django_tenants.utils import schema_context
from wagtail.models import Locale, Page

from cms.models import NewsArticlePage
from cms.roles import EDITOR, RECORDS_OFFICER

ARTICLE = "/tin-tuc/tin-canh-gioi/"
EN_ARTICLE = "/en" + ARTICLE
ENGLISH_TITLE = "Sentinel news of union A"
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
NOTE = "This page is not yet available in English"
ROOT = Path(__file__).resolve().parents[2]
# The site's own templates (block templates included) and the error pages; Wagtail's admin
# overrides under platform/templates/wagtailadmin keep Wagtail's English msgids.
SITE_TEMPLATES = [
    *(ROOT / "cms" / "templates" / "cms").rglob("*.html"),
    *(ROOT / "platform" / "templates").glob("*.html"),
]


def _translate(union, *, title: str = ENGLISH_TITLE) -> Page:
    """The sentinel's English version, published (its parents become aliases)."""
    with schema_context(union.schema_name):
        english = union.sentinel().copy_for_translation(
            Locale.objects.get(language_code="en"), copy_parents=True
        )
        english.title = title
        english.save_revision().publish()
        return english


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_every_union_schema_and_the_template_have_english(union_a, union_b):
    from django.conf import settings

    for schema in (settings.TEMPLATE_SCHEMA_NAME, union_a.schema_name, union_b.schema_name):
        with schema_context(schema):
            assert set(Locale.objects.values_list("language_code", flat=True)) == {"vi", "en"}


def test_vietnamese_is_the_default_whatever_the_browser_asks(union_a):
    html = _html(union_a.client().get(ARTICLE, **ENGLISH_BROWSER))
    assert '<html lang="vi">' in html
    assert "Chuyển đến nội dung chính" in html and "Skip to main content" not in html
    # The switcher offers English at the page's address under /en/.
    assert f'<a href="{EN_ARTICLE}" hreflang="en" lang="en">English</a>' in html


def test_an_english_version_is_served_under_en_with_the_english_chrome(union_a):
    english = _translate(union_a)
    with schema_context(union_a.schema_name):
        assert english.url == EN_ARTICLE
    html = _html(union_a.client().get(EN_ARTICLE))
    assert '<html lang="en">' in html
    assert f"<h1>{ENGLISH_TITLE}</h1>" in html
    assert "Skip to main content" in html and "Readers' comments" in html
    assert "Chuyển đến nội dung chính" not in html and "Ý kiến bạn đọc" not in html
    assert NOTE not in html
    # Back to Vietnamese from the switcher; both versions named to search engines.
    assert f'<a href="{ARTICLE}" hreflang="vi" lang="vi">Tiếng Việt</a>' in html
    host = f"http://{union_a.host}"
    for language, url in (("vi", ARTICLE), ("en", EN_ARTICLE), ("x-default", ARTICLE)):
        assert f'<link rel="alternate" hreflang="{language}" href="{host}{url}">' in html
    vietnamese = _html(union_a.client().get(ARTICLE))
    assert f'<link rel="alternate" hreflang="en" href="{host}{EN_ARTICLE}">' in vietnamese
    assert ENGLISH_TITLE not in vietnamese


def test_a_page_without_english_is_shown_in_vietnamese_with_the_english_chrome(union_a):
    _translate(union_a)  # the news index above it is only Wagtail's alias in English
    html = _html(union_a.client().get("/en/tin-tuc/"))
    assert NOTE in html and '<main id="noi-dung" lang="vi">' in html
    assert "Follow by RSS" in html and "Theo dõi qua RSS" not in html
    # The Vietnamese page is the one to index, and its links keep the reader in English.
    assert f'<link rel="canonical" href="http://{union_a.host}/tin-tuc/">' in html
    assert 'hreflang="x-default"' not in html
    assert f'href="{EN_ARTICLE}"' in html
    # A union that has translated nothing: its home page, likewise.
    home = _html(union_a.client().get("/en/"))
    assert NOTE in home and "Latest news" in home
    missing = union_a.client().get("/en/khong-co-trang-nay/")
    assert missing.status_code == 404 and "Page not found" in missing.content.decode()


def test_a_vietnamese_address_under_en_leads_to_the_english_version(union_a):
    with schema_context(union_a.schema_name):
        english = _translate(union_a)
        english.slug = "sentinel-news"
        english.save_revision().publish()
    response = union_a.client().get(EN_ARTICLE)
    assert response.status_code == 302
    assert response["Location"] == "/en/tin-tuc/sentinel-news/"


def test_the_menu_in_english_names_the_translated_pages(union_a):
    with schema_context(union_a.schema_name):
        news = Page.objects.get(slug="tin-tuc", locale__language_code="vi").specific
        news.show_in_menus = True
        news.save_revision().publish()
        english_news = news.copy_for_translation(
            Locale.objects.get(language_code="en"), copy_parents=True
        )
        english_news.title = "News"
        english_news.slug = "news"
        english_news.save_revision().publish()
    html = _html(union_a.client().get("/en/"))
    assert '<a href="/en/news/">News</a>' in html
    vietnamese = _html(union_a.client().get("/"))
    assert '<a href="/tin-tuc/">Tin tức</a>' in vietnamese and "/en/news/" not in vietnamese


def test_vietnamese_lists_and_search_never_repeat_the_english_copies(union_a):
    _translate(union_a, title=union_a.sentinel_title)  # an English copy not yet retitled
    home = _html(union_a.client().get("/"))
    assert home.count(f">{union_a.sentinel_title}</a>") == 1
    results = _html(union_a.client().get("/tim-kiem/", {"q": "canh giới"}))
    assert results.count(f">{union_a.sentinel_title}</a>") == 2  # the article and its copy
    assert "/en/tin-tuc/" not in results.replace(EN_ARTICLE, "")  # no alias of the index


def test_a_comment_posted_from_an_english_page_is_answered_in_english(union_a):
    from tests.captcha import solved_captcha

    _translate(union_a)
    client = union_a.client()
    action = re.search(r'action="(/en/y-kien-ban-doc/\d+/)"', _html(client.get(EN_ARTICLE)))[1]
    response = client.post(
        action,
        {
            "name": "Jane Reader",
            "email": "jane@example.org",
            "body": "A comment in English.",
            "consent": "on",
            **solved_captcha(client),
        },
    )
    assert response["Location"] == EN_ARTICLE + "#y-kien-ban-doc"
    assert "Thank you! Your comment will appear" in _html(client.get(EN_ARTICLE))


def test_search_speaks_the_language_of_its_address(union_a):
    html = _html(union_a.client().get("/en/tim-kiem/", {"q": "canh giới"}))
    assert "<h1>Search</h1>" in html and union_a.sentinel_title in html
    assert '<a href="/tim-kiem/?q=canh+gi%E1%BB%9Bi" hreflang="vi"' in html


def test_a_cached_page_is_never_served_in_the_other_language(union_a):
    client = union_a.client()
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    english = client.get("/en/")
    assert english["X-Page-Cache"] == "miss"
    assert "Skip to main content" in _html(english)
    # An English browser on the Vietnamese address shares the Vietnamese page.
    vietnamese = client.get("/", **ENGLISH_BROWSER)
    assert vietnamese["X-Page-Cache"] == "hit"
    assert "Skip to main content" not in _html(vietnamese)
    # And the other way round: a cached English page stays English only.
    assert client.get(ARTICLE)["X-Page-Cache"] == "miss"
    english_article = client.get(EN_ARTICLE)
    assert english_article["X-Page-Cache"] == "miss"
    assert client.get(EN_ARTICLE)["X-Page-Cache"] == "hit"
    assert "Chuyển đến nội dung chính" in _html(client.get(ARTICLE))


def test_an_editor_makes_the_english_version_of_a_page_in_the_admin(union_a):
    with schema_context(union_a.schema_name):
        editor = get_user_model().objects.create_user("bien-tap-dich", password="dich-2025")
        editor.groups.add(Group.objects.get(name=EDITOR))
        article = union_a.sentinel()
        index_id = article.get_parent().pk
        client = union_a.client()
        client.force_login(editor)
    address = f"/admin/ban-tieng-anh/{article.pk}/"
    assert address in _html(client.get(f"/admin/pages/{article.pk}/edit/"))
    assert "Tạo bản tiếng Anh để dịch" in _html(client.get(address))
    response = client.post(address)
    with schema_context(union_a.schema_name):
        draft = Page.objects.get(locale__language_code="en", alias_of__isnull=True)
        assert draft.translation_key == article.translation_key
        assert draft.title == union_a.sentinel_title and not draft.live
        # Its parents stand in as aliases until they are translated in turn.
        assert draft.get_parent().alias_of_id == index_id
    assert response["Location"] == f"/admin/pages/{draft.pk}/edit/"
    # Asked again, the same draft opens.
    assert client.get(address)["Location"] == f"/admin/pages/{draft.pk}/edit/"
    # The alias of the news index becomes a draft of its own when it is translated.
    index_address = f"/admin/ban-tieng-anh/{index_id}/"
    assert client.post(index_address).status_code == 302
    with schema_context(union_a.schema_name):
        index = Page.objects.get(pk=draft.get_parent().pk)
        assert index.alias_of_id is None and not index.live
        assert index.get_children().get().pk == draft.pk


def test_only_those_who_may_edit_a_page_make_its_english_version(union_a):
    with schema_context(union_a.schema_name):
        reader = get_user_model().objects.create_user("chi-doc", password="chi-doc-2025")
        reader.groups.add(Group.objects.get(name=RECORDS_OFFICER))
        article_id = union_a.sentinel().pk
        client = union_a.client()
        client.force_login(reader)
    assert client.post(f"/admin/ban-tieng-anh/{article_id}/").status_code in (302, 403)
    with schema_context(union_a.schema_name):
        assert not Page.objects.filter(locale__language_code="en").exists()


def test_one_unions_english_never_shows_on_another(union_a, union_b):
    _translate(union_a)
    on_b = _html(union_b.client().get(EN_ARTICLE))
    assert ENGLISH_TITLE not in on_b
    # B has no English version: its own Vietnamese sentinel, with the note.
    assert union_b.sentinel_title in on_b and NOTE in on_b
    assert 'hreflang="x-default"' not in _html(union_b.client().get(ARTICLE))
    with schema_context(union_b.schema_name):
        assert not Page.objects.filter(locale__language_code="en").exists()


def test_the_sitemap_lists_the_english_pages_written(union_a, union_b):
    _translate(union_a)
    sitemap = _html(union_a.client().get("/sitemap.xml"))
    host = f"http://{union_a.host}"
    assert f"<loc>{host}{EN_ARTICLE}</loc>" in sitemap
    assert f"<loc>{host}{ARTICLE}</loc>" in sitemap
    # Not the aliases standing in for the parents (/en/, /en/tin-tuc/).
    assert f"<loc>{host}/en/tin-tuc/</loc>" not in sitemap
    assert "/en/" not in _html(union_b.client().get("/sitemap.xml"))


def test_an_english_version_is_no_second_article_for_the_nation_or_the_api(union_a):
    """The national feed, the national count of articles and the API list each article once."""
    import datetime as dt

    from cms.records.services import period_get_or_create
    from lhh.national.models import NewsFeedItem
    from lhh.national.news_feed import news_feed_refresh
    from lhh.national.rollups import union_metrics

    _translate(union_a)
    with schema_context(union_a.schema_name):
        article = union_a.sentinel()
        year = article.published_on.year
        period = period_get_or_create(
            kind="half", year=year, half=1 if article.published_on < dt.date(year, 7, 1) else 2
        )
        assert NewsArticlePage.objects.live().count() == 2  # the sentinel and its English
        assert union_metrics(period)["site.news"] == 1
        news_feed_refresh()
    titles = list(NewsFeedItem.objects.filter(union=union_a.union).values_list("title", flat=True))
    assert union_a.sentinel_title in titles and ENGLISH_TITLE not in titles
    listed = [item["title"] for item in union_a.client().get("/api/v1/news/").json()["results"]]
    assert union_a.sentinel_title in listed and ENGLISH_TITLE not in listed


def _template_msgids() -> set[str]:
    msgids = set()
    for template in SITE_TEMPLATES:
        text = template.read_text()
        msgids |= set(re.findall(r'{% trans(?:late)? "(.*?)" %}', text))
        for body in re.findall(r"{% blocktranslate[^%]*%}(.*?){% endblocktranslate %}", text, re.S):
            msgids.add(re.sub(r"{{ (\w+) }}", r"%(\1)s", body))
    return msgids


def test_every_string_of_the_sites_chrome_has_its_english(union_a):
    """A string wrapped for translation but missing from the (compiled) English catalogue
    would show in Vietnamese on an English page."""
    msgids = _template_msgids()
    assert len(msgids) > 90
    with translation.override("en"):
        untranslated = {msgid for msgid in msgids if gettext(msgid) == msgid}
    assert untranslated == set()
