"""A new API token is shown once, from the server: never in a cookie, never twice."""

import re

from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory
from django_tenants.utils import schema_context

from api.models import ApiToken


def _cookie_messages(client) -> str:
    """Everything the signed (readable) messages cookie carries, decoded."""
    morsel = client.cookies.get("messages")
    if morsel is None or not morsel.value:
        return ""
    storage = CookieStorage(RequestFactory().get("/"))
    return " ".join(str(message) for message in storage._decode(morsel.value) or [])


def test_a_new_token_is_shown_once_and_never_travels_in_a_cookie(union_a, admin_a):
    created = admin_a.post("/admin/api-tokens/new/", {"name": "Máy chủ báo cáo", "scope": "read"})
    assert created.status_code == 302
    with schema_context(union_a.schema_name):
        token = ApiToken.objects.get(name="Máy chủ báo cáo")
    raw_cookie = created.cookies.get("messages")
    shown = admin_a.get(created["Location"])
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    key = re.search(r'<code id="api-token-key">([^<]+)</code>', shown.content.decode()).group(1)
    assert key.startswith(token.prefix)
    # Not in the cookie the browser was given, nor in any cookie since.
    assert raw_cookie is None or key not in raw_cookie.value
    assert key not in _cookie_messages(admin_a)
    # And the page does not show it again.
    again = admin_a.get(created["Location"])
    assert key not in again.content.decode()


def test_the_one_time_page_shows_nothing_to_another_user_or_union(union_a, union_b, admin_a):
    created = admin_a.post("/admin/api-tokens/new/", {"name": "Khóa riêng", "scope": "read"})
    with schema_context(union_b.schema_name):
        from django.contrib.auth import get_user_model

        other = union_b.client()
        other.force_login(get_user_model().objects.get(username="admin"))
    page = other.get(created["Location"])
    assert 'id="api-token-key"' not in page.content.decode()
