"""gunicorn + lhh.settings.production behind nginx with the shipped config: routing by
host, per-union media, static files, health probes, metrics and logs."""

import json
import re
import secrets

from tests.deploy.conftest import CUSTOM_DOMAIN

NATIONAL = "localhost"
SENTINEL_PATH = "/tin-tuc/tin-canh-gioi/"


def test_two_union_hosts_and_the_national_host_each_serve_their_own_site(stack, union_pair):
    union_a, union_b = union_pair
    page_a = stack.get(union_a.host, SENTINEL_PATH)
    page_b = stack.get(union_b.host, SENTINEL_PATH)
    assert page_a.status == 200 and page_b.status == 200
    assert union_a.sentinel_title in page_a.text and union_b.sentinel_title not in page_a.text
    assert union_b.sentinel_title in page_b.text and union_a.sentinel_title not in page_b.text

    national = stack.get(NATIONAL, "/")
    assert national.status == 200
    assert "Các Liên hiệp Hội trên hệ thống" in national.text
    # The national feed may quote a union's news, but the union's pages are not here.
    assert stack.get(NATIONAL, SENTINEL_PATH).status == 404
    assert stack.get("khongco.localhost", "/").status == 404


def test_a_custom_domain_reaches_its_union_through_the_default_server(stack, union_pair, committed):
    from tenants.models import Domain

    union_a, union_b = union_pair
    domain = Domain.objects.create(domain=CUSTOM_DOMAIN, tenant=union_a.union, is_primary=False)
    try:
        page = stack.get(CUSTOM_DOMAIN, SENTINEL_PATH)
        assert page.status == 200
        assert union_a.sentinel_title in page.text and union_b.sentinel_title not in page.text
    finally:
        domain.delete()
    assert stack.get(CUSTOM_DOMAIN, SENTINEL_PATH).status == 404


def test_plain_http_moves_to_https_and_django_sees_the_request_as_secure(stack, union_pair):
    union_a, _ = union_pair
    moved = stack.get_plain(union_a.host, SENTINEL_PATH)
    assert moved.status == 301
    assert moved.headers["location"] == f"https://{union_a.host}{SENTINEL_PATH}"
    # Through TLS, nginx's X-Forwarded-Proto keeps SECURE_SSL_REDIRECT from looping,
    # and Django's security headers reach the browser.
    page = stack.get(union_a.host, SENTINEL_PATH)
    assert page.status == 200
    assert "max-age=31536000" in page.headers["strict-transport-security"]


def _media_file(stack, schema_name: str, name: str, content: bytes) -> str:
    # Images' folder: documents go through Wagtail's view (tests/deploy/test_private_documents.py).
    folder = stack.media_root / schema_name / "original_images"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    return f"/media/{schema_name}/original_images/{name}"


def test_each_unions_media_is_served_only_on_its_own_host(stack, union_pair):
    union_a, union_b = union_pair
    content_a, content_b = secrets.token_bytes(64), secrets.token_bytes(64)
    url_a = _media_file(stack, union_a.schema_name, "bao cao A.pdf", content_a)
    url_b = _media_file(stack, union_b.schema_name, "bao-cao-b.pdf", content_b)
    quoted_a = url_a.replace(" ", "%20")

    own_a = stack.get(union_a.host, quoted_a)
    assert own_a.status == 200 and own_a.body == content_a
    assert own_a.headers["content-type"] == "application/pdf"
    assert own_a.headers["x-content-type-options"] == "nosniff"
    assert own_a.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert stack.get(union_b.host, url_b).body == content_b

    # A's file asked for on B's host, and on the national host: not found, not leaked.
    for host, url in ((union_b.host, quoted_a), (union_a.host, url_b), (NATIONAL, url_b)):
        crossed = stack.get(host, url)
        assert crossed.status == 404
        assert content_a not in crossed.body and content_b not in crossed.body
    # nginx's internal location cannot be asked for directly.
    assert stack.get(union_a.host, f"/_media/{union_a.schema_name}/original_images/").status == 404
    internal = stack.get(
        union_b.host, f"/_media/{union_a.schema_name}/original_images/bao%20cao%20A.pdf"
    )
    assert internal.status == 404 and content_a not in internal.body


def test_active_content_in_media_is_only_ever_a_download(stack, union_pair):
    union_a, _ = union_pair
    url = _media_file(stack, union_a.schema_name, "hinh.svg", b"<svg onload='alert(1)'/>")
    answer = stack.get(union_a.host, url)
    assert answer.status == 200
    assert answer.headers["content-disposition"] == (
        "attachment; filename=\"hinh.svg\"; filename*=UTF-8''hinh.svg"
    )


def test_static_files_are_served_by_nginx(stack, union_pair):
    union_a, _ = union_pair
    collected = next((stack.static_root / "wagtailadmin" / "css").glob("core.*css"))
    url = "/static/" + collected.relative_to(stack.static_root).as_posix()
    answer = stack.get(union_a.host, url)
    assert answer.status == 200 and answer.body == collected.read_bytes()
    assert answer.headers["cache-control"] == "public" and "expires" in answer.headers
    # WhiteNoise indexes STATIC_ROOT when Django starts; a file written after that can only
    # have come from nginx.
    probe = stack.static_root / f"probe-{secrets.token_hex(4)}.txt"
    probe.write_text("nginx")
    try:
        assert stack.get(NATIONAL, f"/static/{probe.name}").body == b"nginx"
    finally:
        probe.unlink()


def test_health_probes_answer_on_any_host_before_routing(stack):
    for host in ("10.0.0.7", "khongco.localhost", NATIONAL):
        live = stack.get(host, "/healthz")
        assert live.status == 200 and live.json() == {"status": "ok"}
        ready = stack.get(host, "/readyz")
        assert ready.status == 200
        assert ready.json() == {
            "status": "ok",
            "checks": {"database": "ok", "broker": "ok", "template": "ok"},
        }
    # A load balancer probing over plain HTTP is not redirected.
    assert stack.get_plain("10.0.0.7", "/readyz").status == 200


def _sample(metrics: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    match = re.search(rf"^{name}\{{{re.escape(wanted)}\}} (\S+)$", metrics, re.M)
    return float(match.group(1)) if match else 0.0


def test_metrics_count_each_union_and_no_public_host_can_read_them(stack, union_pair):
    union_a, union_b = union_pair
    auth = {"Authorization": f"Bearer {stack.metrics_token}"}

    def scrape() -> str:
        answer = stack.get_gunicorn("/metrics", headers=auth)
        assert answer.status == 200
        return answer.text

    before = scrape()
    for _ in range(3):
        assert stack.get(union_a.host, SENTINEL_PATH).status == 200
    assert stack.get(union_b.host, "/khong-co-trang-nay/").status == 404
    after = scrape()  # the sum over both gunicorn workers (multiprocess mode)

    def grew(name: str, **labels: str) -> float:
        return _sample(after, name, **labels) - _sample(before, name, **labels)

    assert grew("lhh_http_requests_total", schema="uniona", method="GET", status="2xx") == 3
    assert grew("lhh_http_requests_total", schema="unionb", method="GET", status="4xx") == 1
    assert grew("lhh_http_requests_total", schema="unionb", method="GET", status="2xx") == 0
    assert grew("lhh_http_request_duration_seconds_count", schema="uniona") == 3

    # Through any public host the metrics are not there, token or not.
    for host in (union_a.host, NATIONAL, "10.0.0.7"):
        assert stack.get(host, "/metrics", headers=auth).status == 404
        assert stack.get(host, "/metrics").status == 404
    # On the private address, only with the token.
    assert stack.get_gunicorn("/metrics").status == 404
    assert stack.get_gunicorn("/metrics", headers={"Authorization": "Bearer sai"}).status == 404


def test_every_log_line_is_json_and_carries_the_unions_schema(stack, union_pair):
    union_a, union_b = union_pair
    missing = f"/khong-co-{secrets.token_hex(4)}/"
    stack.get(union_a.host, missing)
    stack.get(union_b.host, missing)
    lines = [line for line in stack.gunicorn_log.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line, gunicorn's own too
    assert all(
        {"time", "level", "logger", "schema", "message"} <= entry.keys() for entry in entries
    )
    by_schema = {e["schema"]: e for e in entries if e["message"] == f"Not Found: {missing}"}
    assert set(by_schema) == {"uniona", "unionb"}
    assert by_schema["uniona"]["logger"] == "django.request"
