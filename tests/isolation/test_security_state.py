"""One union's traffic never evicts another union's security state (rate limits).

Union B's visitors fill the page cache with hundreds of pages; union A's rate limit
on reader comments, reached before, must still hold. Over HTTP, against the platform's
server (its page cache is a small in-memory cache that culls old entries when full).
"""

import urllib.error
import urllib.request

from django_tenants.utils import schema_context


def _post(port: str, host: str, path: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=b"name=&email=&body=", headers={"Host": host}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _get(port: str, host: str, path: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_flood_of_pages_on_one_union_leaves_anothers_rate_limit_in_place(
    site_server, union_pair, committed
):
    union_a, union_b = union_pair
    with schema_context(union_a.schema_name):
        article_id = union_a.sentinel().pk
    comment = f"/y-kien-ban-doc/{article_id}/"
    statuses = [_post(site_server, union_a.host, comment) for _ in range(6)]
    assert statuses[-1] == 429, statuses
    # 600 distinct pages of B, each one a page-cache entry.
    for n in range(600):
        assert _get(site_server, union_b.host, f"/tin-tuc/?trang-lu={n}") == 200
    assert _post(site_server, union_a.host, comment) == 429
