"""A union whose schema is half-made, damaged or behind the code never reaches public.

PostgreSQL skips a table missing from the first schema of `search_path` and takes the
next one's. Each test here takes one kind of table away from a throwaway union's
schema (renames it) and tries, over real HTTP against the platform's server and on a
real Celery worker, to read, log in or write through it: nothing of public may come
back, the site answers 503, and the task refuses.
"""

import http.cookiejar
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from lhh.national.models import UnionHealth
from tenants.models import Union
from tenants.services import union_create
from tests.conftest import wait_for

NATIONAL_LOGIN = "vusta-readiness"
NATIONAL_PASSWORD = "mat-khau-trung-uong-2025"
UNION_LOGIN = ("admin", "mat-khau-lien-hiep-2025")

# One of each kind a union reads or writes: its users, its pages, its site, its
# sessions, its records, its API tokens, and Django's migration ledger.
TABLES = [
    "auth_user",
    "wagtailcore_page",
    "wagtailcore_site",
    "django_session",
    "records_activity",
    "api_apitoken",
]


def _get(port: str, host: str, path: str, data: bytes | None = None, headers=None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, headers={"Host": host, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


@pytest.fixture
def national_admin(committed) -> Iterator[None]:
    """A national staff login in public, with a recent last login."""
    user = get_user_model().objects.filter(username=NATIONAL_LOGIN).first()
    if user is None:
        user = get_user_model().objects.create_superuser(
            NATIONAL_LOGIN, "vusta@example.vn", NATIONAL_PASSWORD
        )
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    yield
    get_user_model().objects.filter(username=NATIONAL_LOGIN).delete()


@pytest.fixture
def throwaway_union(fresh_subdomain) -> Union:
    return union_create(schema_name=fresh_subdomain, name="Liên hiệp Hội Hỏng", use_warm_pool=False)


# What only the national site (public's pages) or its staff's data can show.
PUBLIC_MARKERS = (
    "Tin từ các Liên hiệp Hội",
    "Hệ thống trang thông tin điện tử dùng chung",
    NATIONAL_LOGIN,
)


def _shows_public(body: str) -> bool:
    return any(marker in body for marker in PUBLIC_MARKERS)


def _rename(schema: str, table: str, new: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{schema}"."{table}" RENAME TO "{new}"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _login(
    port: str, host: str, username: str = NATIONAL_LOGIN, password: str = NATIONAL_PASSWORD
) -> tuple[int, str, str]:
    """Try the national staff login on a union's admin: (status, body, Set-Cookie)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPCookieProcessor(jar))

    def open_(path: str, data: bytes | None = None):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            data=data,
            headers={"Host": host, "Referer": f"http://{host}{path}"},
        )
        try:
            response = opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        return response.status, response.read().decode(errors="replace"), response.headers

    status, body, _ = open_("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if token is None:
        return status, body, ""
    form = (
        f"csrfmiddlewaretoken={token.group(1)}&username={username}&password={password}"
    ).encode()
    status, body, headers = open_("/admin/login/", form)
    return status, body, ", ".join(headers.get_all("Set-Cookie") or [])


def _token(user_model_manager_user, scope: str = "write") -> str:
    from api.services import token_create

    return token_create(user=user_model_manager_user, name="thử", scope=scope)[1]


def _touch(port: str, host: str, table: str, tokens: dict[str, str]) -> list[tuple[int, str]]:
    """Requests that need `table`: a page, a login, the API with a token."""
    if table in {"auth_user", "django_session"}:
        # National staff's login (auth_user); the union's own, which writes a session.
        status, body, cookies = (
            _login(port, host) if table == "auth_user" else _login(port, host, *UNION_LOGIN)
        )
        assert "sessionid" not in cookies, "a login went through"
        return [(status, body)]
    if table == "records_activity":
        bearer = {"Authorization": f"Bearer {tokens['union']}"}
        return [_get(port, host, "/api/v1/activities/", headers=bearer)]
    if table == "api_apitoken":
        # National staff's token, presented on the union's host.
        bearer = {"Authorization": f"Bearer {tokens['national']}"}
        return [_get(port, host, "/api/v1/activities/", headers=bearer)]
    return [_get(port, host, "/"), _get(port, host, "/tin-tuc/")]


@pytest.mark.parametrize("table", TABLES)
def test_a_missing_table_never_serves_public(
    table, union_pair, throwaway_union, national_admin, site_server, celery_worker
):
    port, schema = site_server, throwaway_union.schema_name
    host = f"{schema}.localhost"
    tokens = {"national": _token(get_user_model().objects.get(username=NATIONAL_LOGIN))}
    with schema_context(schema):
        staff = get_user_model().objects.create_superuser(UNION_LOGIN[0], "a@x.vn", UNION_LOGIN[1])
        tokens["union"] = _token(staff)
    # Seen once complete: whatever the server remembers of it says "ready".
    assert _get(port, host, "/")[0] == 200
    _rename(schema, table, f"{table}_hong")
    try:
        for status, body in _touch(port, host, table, tokens):
            assert not _shows_public(body)
            assert status >= 500, (status, body[:300])
        # Once it has failed, the union is known not ready: a clear 503 on every path.
        status, body = _get(port, host, "/")
        assert status == 503 and "Liên hiệp Hội Hỏng" in body
        status, body = _get(port, host, "/api/v1/news/")
        assert status == 503 and json.loads(body)["error"]["code"] == "union_unavailable"
        status, body, cookies = _login(port, host)
        assert status == 503 and "sessionid" not in cookies

        from lhh.national.tasks import union_health_refresh

        # The worker takes tasks in turn: once a healthy union's has run, the broken
        # union's (queued first) has been taken and refused.
        healthy = union_pair[0]
        UnionHealth.objects.filter(union__in=[throwaway_union, healthy.union]).delete()
        with schema_context(schema):
            union_health_refresh.delay()
        with schema_context(healthy.schema_name):
            union_health_refresh.delay()
        wait_for(
            UnionHealth.objects.filter(union=healthy.union).exists,
            timeout=30,
            what="the worker to take both tasks",
        )
        assert not UnionHealth.objects.filter(union=throwaway_union).exists()
    finally:
        _rename(schema, f"{table}_hong", table)


def test_a_union_behind_the_codes_migrations_answers_503(throwaway_union, site_server):
    port, schema = site_server, throwaway_union.schema_name
    host = f"{schema}.localhost"
    with connection.cursor() as cursor:
        # The newest migration of a union app: the code now ships one it lacks.
        cursor.execute(
            f'DELETE FROM "{schema}".django_migrations WHERE id = (SELECT max(id) '
            f"FROM \"{schema}\".django_migrations WHERE app = 'cms')"
        )
    status, body = _get(port, host, "/")
    assert status == 503
    assert "Liên hiệp Hội Hỏng" in body
    status, body = _get(port, host, "/api/v1/news/")
    assert status == 503
    assert json.loads(body)["error"]["code"] == "union_unavailable"
