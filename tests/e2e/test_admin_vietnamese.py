"""A union's admin in Debian's chromium shows no English on its main screens.

The text a person sees (and the placeholders of empty fields) of every screen of the
sidebar and of the page explorer, editor and search is collected in the browser, after
Wagtail's scripts have drawn the page. A word is English when Wagtail's or Django's own
English strings use it and no Vietnamese translation of theirs (nor ours) keeps it.
"""

import json
import re
from functools import cache
from pathlib import Path

import django
import wagtail
from django_tenants.utils import schema_context

from cms.models import HomePage, NewsArticlePage
from cms.roles import EDITOR
from tests.cms.test_roles import _menu
from tests.conftest import PROJECT_ROOT
from tests.e2e.conftest import SCREENSHOTS

# Proper nouns and the names of things staff type as they are.
ALLOWED = {"wagtail", "api", "email", "url", "seo", "html", "rss", "csv", "pdf", "docx", "zalo"}
_WORD = re.compile(r"[A-Za-z][A-Za-z']+")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
_VIETNAMESE_LETTER = re.compile(r"[À-ỹĐđ]")
# Addresses, command options, time zones ("Asia/Ho_Chi_Minh") and model names
# ("cms.homepage") read the same in every language.
_NOT_WORDS = re.compile(
    r"https?://\S+|--[\w=-]+|\b[A-Z][A-Za-z]+/[A-Za-z_/+-]+|\b[a-z_]+\.[a-z_]+\b"
)


def _po_strings(path: Path, field: str) -> list[str]:
    return re.findall(rf'^{field}(?:\[\d\])? "(.*)"$', path.read_text(errors="replace"), re.M)


@cache
def _english_words() -> frozenset[str]:
    """Words of Wagtail's and Django's English strings that Vietnamese never keeps as they are."""
    sources = [Path(wagtail.__file__).parent, Path(django.__file__).parent]
    english: set[str] = set()
    vietnamese: set[str] = set()
    for source in sources:
        for po in source.rglob("locale/en/LC_MESSAGES/*.po"):
            for text in _po_strings(po, "msgid") + _po_strings(po, "msgid_plural"):
                text = _PLACEHOLDER.sub("", text)
                english |= {w.lower() for w in _WORD.findall(text)}
        for po in source.rglob("locale/vi/LC_MESSAGES/*.po"):
            for text in _po_strings(po, "msgstr"):
                vietnamese |= {w.lower() for w in _WORD.findall(text)}
    for po in (PROJECT_ROOT / "locale" / "vi").rglob("*.po"):
        vietnamese |= {w.lower() for w in _WORD.findall(" ".join(_po_strings(po, "msgstr")))}
    # Vietnamese syllables without a mark are ASCII too: "tin", "ban", "con", "do".
    return frozenset(english - vietnamese - ALLOWED)


def english_in(lines: list[str]) -> list[str]:
    words = _english_words()
    return [
        line
        for line in lines
        if any(word.lower() in words for word in _WORD.findall(_NOT_WORDS.sub("", line)))
        # A line of our own Vietnamese content (a title, a name) may hold a loan word.
        and not (_VIETNAMESE_LETTER.search(line) and len(_WORD.findall(line)) < 3)
    ]


_VISIBLE_TEXT = """() => {
  // A closed list shows its chosen option only; innerText would give every option.
  const hidden = new Set();
  for (const option of document.querySelectorAll("select option:not(:checked)")) {
    hidden.add(option.textContent.trim());
  }
  const lines = document.body.innerText.split("\\n").filter(line => !hidden.has(line.trim()));
  for (const field of document.querySelectorAll("input[placeholder], textarea[placeholder]")) {
    if (field.offsetParent !== null) lines.push(field.placeholder);
  }
  return lines.map(line => line.trim()).filter(Boolean);
}"""


def _screens(page, base: str, union) -> list[str]:
    from django.contrib.auth.models import Group
    from wagtail.models import Workflow

    with schema_context(union.schema_name):
        home_id = HomePage.objects.get(locale__language_code="vi").id
        article = NewsArticlePage.objects.live().filter(locale__language_code="vi").first()
        index_id = article.get_parent().id
        workflow_id = Workflow.objects.filter(active=True).first().id
        group_id = Group.objects.get(name=EDITOR).id
    page.goto(base + "/admin/", wait_until="networkidle")
    props = page.locator("#wagtail-sidebar-props").text_content()
    menu = [url for url in _menu(json.loads(props), {}).values() if url.startswith("/admin/")]
    screens = [
        "/admin/",
        f"/admin/pages/{home_id}/",
        f"/admin/pages/{article.id}/edit/",
        f"/admin/pages/add/cms/newsarticlepage/{index_id}/",
        f"/admin/pages/{article.id}/history/",
        "/admin/pages/search/?q=khoa+h%E1%BB%8Dc",
        "/admin/images/multiple/add/",
        "/admin/documents/multiple/add/",
        f"/admin/workflows/edit/{workflow_id}/",
        f"/admin/groups/edit/{group_id}/",
        *menu,
    ]
    return list(dict.fromkeys(url for url in screens if url != "/admin/logout/"))


def _seen_text(page) -> list[str]:
    """The screen's text, and that of each of its tabs (the page editor's) in turn."""
    lines = page.evaluate(_VISIBLE_TEXT)
    tabs = page.locator("[role=tab]")
    for index in range(tabs.count()):
        if tabs.nth(index).is_visible():
            tabs.nth(index).click()
            lines += page.evaluate(_VISIBLE_TEXT)
    return lines


def test_the_main_admin_screens_show_no_english(site_server, demo_union, committed, page):
    from tests.e2e.test_site_admin import _base, _login

    base = _base(site_server, demo_union)
    _login(page, base)
    found: dict[str, list[str]] = {}
    screens = _screens(page, base, demo_union)
    assert len(screens) > 20
    for url in screens:
        response = page.goto(base + url, wait_until="networkidle")
        assert response.status == 200, url
        english = english_in(_seen_text(page))
        if english:
            found[url] = sorted(set(english))
    # What a save says, and the editor it returns to.
    try:
        page.goto(base + screens[3], wait_until="networkidle")
        page.fill("#id_title", "Bài thử tiếng Việt của quản trị")
        with page.expect_navigation():
            page.locator("button.action-save").first.click()
        page.wait_for_load_state("networkidle")
        english = english_in(_seen_text(page))
        if english:
            found["(lưu bản nháp)"] = sorted(set(english))
    finally:
        with schema_context(demo_union.schema_name):
            NewsArticlePage.objects.filter(title="Bài thử tiếng Việt của quản trị").delete()
    # The list, to work from: tests/e2e/screenshots/ is kept out of git.
    report = json.dumps(found, ensure_ascii=False, indent=1)
    (SCREENSHOTS / "admin-english.json").write_text(report)
    assert found == {}, report


def test_the_check_finds_english():
    """The detector itself: Wagtail's English is caught, Vietnamese and names are not."""
    assert english_in(["Just now", "Add child page", "Showing 1-20 of 35"]) == [
        "Just now",
        "Add child page",
        "Showing 1-20 of 35",
    ]
    assert english_in(["Vừa xong", "Thêm trang con", "Tin tức", "admin", "Wagtail"]) == []
