"""The Wagtail admin speaks Vietnamese to union staff, where Wagtail's own catalogue is silent."""

import json
import re
from collections.abc import Iterator
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext, pgettext

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def _entries() -> list[tuple[str | None, str, str]]:
    entries = []
    for block in CATALOGUE.read_text().split("\n\n"):
        fields = dict(re.findall(r'^(msgctxt|msgid|msgstr) "(.*)"$', block, re.M))
        if fields.get("msgid"):
            unquote = lambda s: s.replace('\\"', '"')  # noqa: E731
            entries.append(
                (fields.get("msgctxt"), unquote(fields["msgid"]), unquote(fields["msgstr"]))
            )
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
        for context, msgid, msgstr in entries:
            found = pgettext(context, msgid) if context else gettext(msgid)
            assert found == msgstr, (context, msgid)


def test_a_union_admin_sees_the_sidebar_and_login_in_vietnamese(admin_a, union_a):
    dashboard = admin_a.get("/admin/").content.decode()
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', dashboard, re.S)[1]
    labels = set(_strings(json.loads(props)))
    assert {"Hình ảnh", "Tệp tài liệu", "Trợ giúp", "Đăng xuất", "Báo cáo hệ thống"} <= labels
    assert not {"Images", "Documents", "Help", "Log out", "Reports"} & labels
    login = union_a.client().get("/admin/login/").content.decode()
    assert "Quên mật khẩu?" in login and "Forgotten password?" not in login
