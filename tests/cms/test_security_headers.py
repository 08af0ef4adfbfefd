"""A page from the page cache carries exactly the headers of the page rendered, over HTTP."""

import secrets
import urllib.request

import pytest

from tenants.selectors import union_host

# Set per answer by the server (Date) or telling hit from miss.
_PER_ANSWER = {"date", "server", "x-page-cache"}


def _fetch(port: str, host: str, path: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
        items = [(name.lower(), value) for name, value in response.headers.items()]
    return dict(items), sorted(item for item in items if item[0] not in _PER_ANSWER)


@pytest.mark.parametrize("path", ["/", "/tin-tuc/", "/van-ban/"])
def test_a_cache_hit_carries_exactly_the_headers_of_a_miss(site_server, demo_union, path):
    host = union_host(demo_union.schema_name)
    # A query string of its own: the first visit is a miss whatever earlier runs cached.
    path = f"{path}?lan={secrets.token_hex(4)}"
    miss, miss_headers = _fetch(site_server, host, path)
    hit, hit_headers = _fetch(site_server, host, path)
    assert (miss["x-page-cache"], hit["x-page-cache"]) == ("miss", "hit")
    assert hit_headers == miss_headers
    for name in ("x-frame-options", "x-content-type-options", "referrer-policy", "vary"):
        assert name in hit, name
    assert hit["content-language"] == "vi"
    policy = hit["content-security-policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy


def test_the_national_site_and_sign_up_carry_a_content_security_policy(site_server):
    for path in ("/", "/dang-ky/"):
        headers, _ = _fetch(site_server, "localhost", path)
        assert "default-src 'self'" in headers["content-security-policy"], path
