"""The Wagtail admin speaks Vietnamese to union staff, where Wagtail's own catalogue is silent."""

import json
import re
from collections.abc import Iterator
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext
from django_tenants.utils import schema_context
from wagtail.users.models import UserProfile

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def _entries() -> list[dict[str, str]]:
    """The catalogue's entries, each on single lines: msgctxt, msgid, msgid_plural, msgstr."""
    entries = []
    for block in CATALOGUE.read_text().split("\n\n"):
        fields = re.findall(r'^(msgctxt|msgid|msgid_plural|msgstr)(?:\[0\])? "(.*)"$', block, re.M)
        entry = {name: value.replace('\\"', '"') for name, value in fields}
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _strings(item)


def test_the_compiled_catalogue_holds_every_entry_of_its_source():
    """A `.po` edited without `compilemessages` would leave its new strings in English."""
    entries = _entries()
    assert len(entries) > 200
    with translation.override("vi"):
        for entry in entries:
            if "msgid_plural" in entry:
                found = ngettext(entry["msgid"], entry["msgid_plural"], 2)
            elif "msgctxt" in entry:
                found = pgettext(entry["msgctxt"], entry["msgid"])
            else:
                found = gettext(entry["msgid"])
            assert found == entry["msgstr"], entry["msgid"]


ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def _sidebar_labels(client) -> set[str]:
    dashboard = client.get("/admin/", **ENGLISH_BROWSER).content.decode()
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', dashboard, re.S)[1]
    return set(_strings(json.loads(props)))


def test_a_union_admin_sees_vietnamese_even_from_an_english_browser(admin_a, union_a):
    labels = _sidebar_labels(admin_a)
    assert {"Hình ảnh", "Tệp tài liệu", "Trợ giúp", "Đăng xuất", "Báo cáo hệ thống"} <= labels
    assert not {"Images", "Documents", "Help", "Log out", "Reports"} & labels
    assert not any(label.startswith("What's new") for label in labels)
    login = union_a.client().get("/admin/login/", **ENGLISH_BROWSER).content.decode()
    assert "Quên mật khẩu?" in login and "Forgotten password?" not in login


def test_english_is_the_staff_members_own_choice(admin_a, union_a, union_b):
    with schema_context(union_a.schema_name):
        profile = UserProfile.get_for_user(get_user_model().objects.get(username="admin"))
        profile.preferred_language = "en"
        profile.save(update_fields=["preferred_language"])
    assert {"Images", "Documents", "Log out"} <= _sidebar_labels(admin_a)
    # B's administrator (the same username, B's own table) keeps Vietnamese.
    with schema_context(union_b.schema_name):
        admin_b = union_b.client()
        admin_b.force_login(get_user_model().objects.get(username="admin"))
    assert {"Hình ảnh", "Đăng xuất"} <= _sidebar_labels(admin_b)


def test_avatars_are_served_by_the_platform_not_gravatar(admin_a):
    dashboard = admin_a.get("/admin/").content.decode()
    assert "gravatar" not in dashboard
    assert "default-user-avatar" in dashboard


def test_the_admin_home_carries_the_unions_name(admin_a, union_a, union_b):
    html = admin_a.get("/admin/").content.decode()
    heading = re.search(r'<h1 class="w-h1[^"]*">\s*(.*?)\s*</h1>', html, re.S).group(1)
    assert heading == union_a.union.name
    assert union_b.union.name not in html
