"""One union's concurrent requests beyond its share of a process are refused (503,
Retry-After) while another union is still served (issue 14: fairness)."""

import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.conftest import PROJECT_ROOT, free_port, subprocess_env, wait_for

CAP = 2


def _get(port: int, host: str, path: str = "/") -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
    except OSError:
        return 0, {}, ""


def _held_request(port: int, host: str) -> socket.socket:
    """A POST whose body never finishes: the server holds it in the CSRF check, which
    reads the form, until the socket closes."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(
        (
            "POST / HTTP/1.1\r\n"
            f"Host: {host}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 100000\r\n"
            "Cookie: csrftoken=abcdefghijklmnopqrstuvwxyzABCDEF\r\n"
            "\r\n"
            "a=1"
        ).encode()
    )
    return sock


@pytest.fixture(scope="module")
def capped_server(union_pair) -> Iterator[int]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
        cwd=PROJECT_ROOT,
        env=subprocess_env(UNION_CONCURRENT_REQUESTS_MAX=str(CAP)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: _get(port, "localhost", "/healthz")[0] == 200, timeout=90, what="server")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_union_beyond_its_share_is_refused_while_another_is_served(union_pair, capped_server):
    union_a, union_b = union_pair
    port = capped_server
    assert _get(port, union_a.host)[0] == 200
    held = [_held_request(port, union_a.host) for _ in range(CAP)]
    try:
        # Both held requests have reached the union's middleware: A is now at its cap.
        wait_for(lambda: _get(port, union_a.host)[0] == 503, timeout=30, what="A at its cap")
        status, headers, body = _get(port, union_a.host)
        assert status == 503
        assert headers.get("Retry-After") == "5"
        assert "quá nhiều truy cập" in body
        api_status, _, api_body = _get(port, union_a.host, "/api/v1/")
        assert api_status == 503 and "union_busy" in api_body
        # B is served meanwhile, and shows nothing of A.
        status_b, _, body_b = _get(port, union_b.host)
        assert status_b == 200
        assert union_a.sentinel_title not in body_b
    finally:
        for sock in held:
            sock.close()
    # Slots come back once A's requests end.
    wait_for(lambda: _get(port, union_a.host)[0] == 200, timeout=30, what="A served again")
