"""Fairness between unions through the production recipe's nginx (issue 14): a union
that already has NGINX_UNION_CONNECTIONS_MAX requests in flight gets 503 with
Retry-After from nginx itself, while another union's request is served.

The requests that fill the union's share are posts whose body never finishes: nginx
holds each one (it reads the whole body before passing it on) and counts it against the
union's Host for as long as the connection stays open. No timing is measured.
"""

import socket
import ssl
from collections.abc import Iterator

import pytest

from tests.conftest import wait_for
from tests.deploy.conftest import Stack, run_stack

LIMIT = 2
BUSY_TEXT = "quá nhiều truy cập cùng lúc"


@pytest.fixture(scope="module")
def limited_stack(union_pair, tmp_path_factory) -> Iterator[Stack]:
    # More workers than the limit, as the recipe sizes them (deploy/gunicorn.conf.py).
    with run_stack(
        tmp_path_factory.mktemp("fairness"),
        workers=3,
        nginx={"NGINX_UNION_CONNECTIONS_MAX": str(LIMIT)},
        API_RATE_ANON="100000/minute",
        API_RATE_USER="100000/minute",
    ) as running:
        yield running


def _held_post(stack: Stack, host: str, source: str) -> ssl.SSLSocket:
    """A request to `host` that stays in flight: its body is promised, never sent whole."""
    raw = socket.create_connection(
        ("127.0.0.1", stack.https_port), timeout=30, source_address=(source, 0)
    )
    sock = stack._tls.wrap_socket(raw, server_hostname="localhost")
    sock.sendall(
        (
            "POST / HTTP/1.1\r\n"
            f"Host: {host}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 100000\r\n"
            "\r\n"
            "a=1"
        ).encode()
    )
    return sock


def test_a_union_over_its_share_gets_503_from_nginx_while_another_is_served(
    limited_stack, union_pair
):
    union_a, union_b = union_pair
    stack = limited_stack
    assert stack.get(union_a.host, "/").status == 200
    held = [_held_post(stack, union_a.host, f"127.0.5.{n + 1}") for n in range(LIMIT)]
    try:
        # Counted per Host, whichever client asks: a third address is refused too.
        wait_for(
            lambda: stack.get(union_a.host, "/", source="127.0.5.9").status == 503,
            timeout=30,
            what="union A at its limit",
        )
        page = stack.get(union_a.host, "/tin-tuc/", source="127.0.5.9")
        assert page.status == 503
        assert page.headers["retry-after"] == "5"
        assert page.headers["content-type"].startswith("text/html")
        assert BUSY_TEXT in page.text
        api = stack.get(union_a.host, "/api/v1/news/", source="127.0.5.9")
        assert api.status == 503
        assert api.headers["retry-after"] == "5"
        assert api.json()["error"]["code"] == "union_busy"
        assert BUSY_TEXT in api.json()["error"]["message"]

        # Meanwhile union B and the national site are served, with nothing of A.
        page_b = stack.get(union_b.host, "/tin-tuc/")
        assert page_b.status == 200
        assert union_b.sentinel_title in page_b.text
        assert union_a.sentinel_title not in page_b.text
        api_b = stack.get(union_b.host, "/api/v1/news/")
        assert api_b.status == 200
        assert union_a.sentinel_title not in api_b.text
        assert stack.get("localhost", "/").status == 200
        # Static files are nginx's own and cost no worker: not limited.
        css = next((stack.static_root / "wagtailadmin" / "css").glob("core.*css"))
        static = "/static/" + css.relative_to(stack.static_root).as_posix()
        assert stack.get(union_a.host, static, source="127.0.5.9").status == 200
    finally:
        for sock in held:
            sock.close()
    # The refusal pages are reachable only as nginx's answer, not asked for.
    assert stack.get(union_a.host, "/_lhh_busy/page.html").status == 404
    # The share comes back once A's requests end.
    wait_for(lambda: stack.get(union_a.host, "/").status == 200, timeout=30, what="A served again")
