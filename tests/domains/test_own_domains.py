"""A union's own domain: added in its admin, proved by DNS TXT or a file on the old site,
routed only once proved, and never to another union (issue 15, "Own domains")."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django_tenants.utils import schema_context

from tenants import domains
from tenants.models import Domain, DomainClaim
from tenants.selectors import union_for_host
from tests.conftest import login_with_second_step

DOMAIN_A = "lienhiephoi-a.test"
FILE = domains.FILE_PATH


@pytest.fixture(autouse=True)
def _own_domains_allowed(settings) -> None:
    # Production lists the hosts it serves (or "*", deploy/README.md); so do the tests.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test"]


def _claim(union, domain: str = DOMAIN_A) -> DomainClaim:
    return domains.domain_claim_add(union=union, domain=domain, requested_by="admin")


def _verify(union, claim: DomainClaim, method: str = "dns") -> DomainClaim:
    return domains.domain_claim_verify(union=union, claim_id=claim.pk, method=method)


def _message(excinfo) -> str:
    return " ".join(excinfo.value.messages)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "khong co dau cham",
        "a..vn",
        "-hoi.vn",
        "hoi-.vn",
        "hoi.123",
        "x" * 64 + ".vn",
        "hoi_a.vn",
    ],
)
def test_a_malformed_name_is_refused_in_vietnamese(union_a, value):
    with pytest.raises(ValidationError) as excinfo:
        _claim(union_a.union, value)
    assert "không phải là một tên miền hợp lệ" in _message(excinfo)
    assert not DomainClaim.objects.filter(union=union_a.union).exists()


def test_the_name_is_kept_as_routing_sees_it(union_a):
    claim = _claim(union_a.union, " HTTPS://Hội-Khoa-Học.VN./gioi-thieu/ ")
    assert claim.domain == "xn--hi-khoa-hc-gx3e1e.vn"
    assert claim.state == DomainClaim.State.PENDING and claim.token.startswith("lienhiephoi-")


@pytest.mark.parametrize("value", ["localhost", "unionb.localhost", "moi.unionb.localhost"])
def test_the_platforms_own_names_are_refused(union_a, value):
    with pytest.raises(ValidationError) as excinfo:
        _claim(union_a.union, value)
    assert "tên miền của nền tảng" in _message(excinfo)


def test_a_pending_name_never_routes_and_a_missing_proof_says_why(union_a, proofs):
    zone, old_site = proofs
    claim = _claim(union_a.union)
    assert union_for_host(DOMAIN_A) is None
    assert Client(HTTP_HOST=DOMAIN_A).get("/tin-tuc/tin-canh-gioi/").status_code == 404

    with pytest.raises(ValidationError) as excinfo:
        _verify(union_a.union, claim, "dns")
    assert f"Chưa thấy bản ghi TXT “_lienhiephoi.{DOMAIN_A}”" in _message(excinfo)
    zone.txt(DOMAIN_A, "lienhiephoi-khong-phai-ma-nay")
    with pytest.raises(ValidationError) as excinfo:
        _verify(union_a.union, claim, "dns")
    assert "không chứa mã xác minh" in _message(excinfo)

    zone.site(DOMAIN_A)
    with pytest.raises(ValidationError) as excinfo:
        _verify(union_a.union, claim, "file")
    assert "trả về mã 404" in _message(excinfo)
    assert old_site.requests == [(f"{DOMAIN_A}:{old_site.port}", FILE)]

    claim.refresh_from_db()
    assert claim.state == DomainClaim.State.PENDING and "mã 404" in claim.check_error
    assert not Domain.objects.filter(domain=DOMAIN_A).exists()
    assert Client(HTTP_HOST=DOMAIN_A).get("/tin-tuc/tin-canh-gioi/").status_code == 404


def test_a_txt_record_proves_the_name_and_it_serves_the_union(union_a, union_b, proofs):
    zone, _ = proofs
    claim = _claim(union_a.union)
    # Other TXT values beside it (SPF, another service's proof) do not matter.
    zone.txt(DOMAIN_A, "v=spf1 -all", claim.token)
    claim = _verify(union_a.union, claim, "dns")
    assert claim.state == DomainClaim.State.VERIFIED and claim.method == "dns"
    assert (f"_lienhiephoi.{DOMAIN_A}", "TXT") in zone.asked
    domain = Domain.objects.get(domain=DOMAIN_A)
    assert domain.tenant_id == union_a.union.pk and not domain.is_primary

    page = Client(HTTP_HOST=DOMAIN_A).get("/tin-tuc/tin-canh-gioi/")
    assert page.status_code == 200
    assert union_a.sentinel_title in page.content.decode()
    assert union_b.sentinel_title not in page.content.decode()

    domains.domain_claim_remove(union=union_a.union, claim_id=claim.pk)
    assert not Domain.objects.filter(domain=DOMAIN_A).exists()
    assert Client(HTTP_HOST=DOMAIN_A).get("/tin-tuc/tin-canh-gioi/").status_code == 404
    # The union's platform subdomain is untouched.
    assert union_a.client().get("/tin-tuc/tin-canh-gioi/").status_code == 200


def test_a_file_on_the_old_site_proves_the_name(union_a, proofs):
    zone, old_site = proofs
    claim = _claim(union_a.union)
    zone.site(DOMAIN_A)
    # Old sites often move every address once (to "www", to a new path) before answering.
    old_site.routes[FILE] = (301, {"Location": "/moi" + FILE}, b"")
    old_site.routes["/moi" + FILE] = (
        200,
        {"Content-Type": "text/plain"},
        f"{claim.token}\n".encode(),
    )
    claim = _verify(union_a.union, claim, "file")
    assert claim.state == DomainClaim.State.VERIFIED and claim.method == "file"
    assert old_site.requests == [
        (f"{DOMAIN_A}:{old_site.port}", FILE),
        (f"{DOMAIN_A}:{old_site.port}", "/moi" + FILE),
    ]
    assert union_for_host(DOMAIN_A).pk == union_a.union.pk


def test_the_file_is_never_fetched_from_a_private_address(union_a, proofs):
    zone, old_site = proofs
    claim = _claim(union_a.union)
    # The name itself points inside the platform's network (127.0.0.2 is not allowed).
    zone.site(DOMAIN_A, "127.0.0.2")
    with pytest.raises(ValidationError) as excinfo:
        _verify(union_a.union, claim, "file")
    assert "không tải tệp xác minh từ địa chỉ nội bộ" in _message(excinfo)
    assert old_site.requests == []

    # A public-looking start that redirects inside: refused before any connection there.
    zone.site(DOMAIN_A)
    zone.site("noi-bo.test", "127.0.0.2")
    old_site.routes[FILE] = (302, {"Location": f"http://noi-bo.test:{old_site.port}/bi-mat"}, b"")
    with pytest.raises(ValidationError) as excinfo:
        _verify(union_a.union, claim, "file")
    assert "“noi-bo.test” không trỏ tới một địa chỉ công cộng" in _message(excinfo)
    assert [path for _host, path in old_site.requests] == [FILE]


def test_a_file_too_large_a_redirect_loop_and_a_wrong_token_are_refused(union_a, proofs):
    zone, old_site = proofs
    claim = _claim(union_a.union)
    zone.site(DOMAIN_A)
    old_site.routes[FILE] = (200, {}, claim.token.encode() + b" " * domains.FILE_MAX_BYTES)
    with pytest.raises(ValidationError) as excinfo:
        _verify(union_a.union, claim, "file")
    assert "quá lớn" in _message(excinfo)

    old_site.routes[FILE] = (302, {"Location": FILE}, b"")
    with pytest.raises(ValidationError) as excinfo:
        _verify(union_a.union, claim, "file")
    assert "chuyển hướng quá 3 lần" in _message(excinfo)

    old_site.routes[FILE] = (200, {}, b"lienhiephoi-cua-nguoi-khac")
    with pytest.raises(ValidationError) as excinfo:
        _verify(union_a.union, claim, "file")
    assert "không chứa đúng mã xác minh" in _message(excinfo)
    assert not Domain.objects.filter(domain=DOMAIN_A).exists()


def test_a_silent_dns_server_is_a_clear_message_within_the_deadline(union_a, settings):
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))  # receives the query, never answers
        settings.OWN_DOMAIN_RESOLVER = f"127.0.0.1:{silent.getsockname()[1]}"
        settings.OWN_DOMAIN_CHECK_SECONDS = 1
        claim = _claim(union_a.union)
        with pytest.raises(ValidationError) as excinfo:
            _verify(union_a.union, claim, "dns")
    assert "không trả lời kịp" in _message(excinfo)


# --- Isolation: one union never claims, proves or is served another's name ------------------


def test_a_union_cannot_claim_or_prove_a_name_another_union_holds(union_a, union_b, proofs):
    zone, _ = proofs
    claim_a = _claim(union_a.union)
    # B asks for the same name while A has not proved it yet: allowed, or a squatter
    # could block the real owner; but only a proof can make it route.
    claim_b = _claim(union_b.union)
    zone.txt(DOMAIN_A, claim_a.token)
    with pytest.raises(ValidationError) as excinfo:
        _verify(union_b.union, claim_b, "dns")  # A's record is not B's proof
    assert "không chứa mã xác minh" in _message(excinfo)
    _verify(union_a.union, claim_a, "dns")

    # Even B's own token beside A's proves nothing once A holds the name.
    zone.txt(DOMAIN_A, claim_a.token, claim_b.token)
    with pytest.raises(ValidationError) as excinfo:
        _verify(union_b.union, claim_b, "dns")
    assert "đã được một Liên hiệp Hội khác sử dụng" in _message(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        _claim(union_b.union, DOMAIN_A.upper())
    assert "đã được một Liên hiệp Hội khác sử dụng" in _message(excinfo)
    # B acting on A's claim by its id: not found.
    with pytest.raises(DomainClaim.DoesNotExist):
        domains.domain_claim_verify(union=union_b.union, claim_id=claim_a.pk, method="dns")
    with pytest.raises(DomainClaim.DoesNotExist):
        domains.domain_claim_remove(union=union_b.union, claim_id=claim_a.pk)

    assert Domain.objects.get(domain=DOMAIN_A).tenant_id == union_a.union.pk
    page = Client(HTTP_HOST=DOMAIN_A).get("/tin-tuc/tin-canh-gioi/")
    assert union_a.sentinel_title in page.content.decode()
    assert union_b.sentinel_title not in page.content.decode()
    # A's name opens nothing of B's: B's admin, signed in on B's host, is not signed in there.
    with schema_context(union_b.schema_name):
        admin_b = union_b.client()
        admin_b.force_login(get_user_model().objects.get(username="admin"))
    admin_b.defaults["HTTP_HOST"] = DOMAIN_A
    assert admin_b.get("/admin/").status_code == 302


# --- The admin screen ---------------------------------------------------------------------------


def test_a_union_admin_adds_and_proves_a_name_in_the_admin(admin_a, union_a, proofs):
    zone, _ = proofs
    page = admin_a.get("/admin/ten-mien-rieng/")
    assert page.status_code == 200 and "Tên miền riêng" in page.content.decode()
    assert "/admin/ten-mien-rieng/" in admin_a.get("/admin/").content.decode()

    bad = admin_a.post("/admin/ten-mien-rieng/", {"domain": "localhost"})
    assert bad.status_code == 400 and "tên miền của nền tảng" in bad.content.decode()
    added = admin_a.post("/admin/ten-mien-rieng/", {"domain": DOMAIN_A}, follow=True)
    claim = DomainClaim.objects.get(union=union_a.union, domain=DOMAIN_A)
    body = added.content.decode()
    assert f"_lienhiephoi.{DOMAIN_A}" in body and claim.token in body and "Chờ xác minh" in body

    refused = admin_a.post(
        f"/admin/ten-mien-rieng/{claim.pk}/xac-minh/", {"method": "dns"}, follow=True
    )
    assert (
        "Chưa xác minh được" in refused.content.decode()
        and "Chưa thấy bản ghi TXT" in refused.content.decode()
    )
    zone.txt(DOMAIN_A, claim.token)
    proved = admin_a.post(
        f"/admin/ten-mien-rieng/{claim.pk}/xac-minh/", {"method": "dns"}, follow=True
    )
    assert f"Đã xác minh {DOMAIN_A}" in proved.content.decode()
    assert Domain.objects.filter(domain=DOMAIN_A, tenant=union_a.union).exists()

    removed = admin_a.post(f"/admin/ten-mien-rieng/{claim.pk}/xoa/", follow=True)
    assert f"Đã xoá tên miền {DOMAIN_A}" in removed.content.decode()
    assert not Domain.objects.filter(domain=DOMAIN_A).exists()


def test_another_unions_admin_and_staff_without_the_role_reach_nothing(admin_a, union_a, union_b):
    claim_b = _claim(union_b.union, "lienhiephoi-b.test")
    for url in (
        f"/admin/ten-mien-rieng/{claim_b.pk}/xac-minh/",
        f"/admin/ten-mien-rieng/{claim_b.pk}/xoa/",
    ):
        assert admin_a.post(url, {"method": "dns"}).status_code == 404
    assert DomainClaim.objects.filter(pk=claim_b.pk).exists()
    assert "lienhiephoi-b.test" not in admin_a.get("/admin/ten-mien-rieng/").content.decode()

    from cms.roles import EDITOR

    with schema_context(union_a.schema_name):
        from django.contrib.auth.models import Group

        editor = get_user_model().objects.create_user(
            "bientap-tenmien", password="x", is_staff=True
        )
        editor.groups.add(Group.objects.get(name=EDITOR))
        client = union_a.client()
        client.force_login(editor)
    # Wagtail turns the refusal into a way back to the dashboard, with its notice.
    for response in (
        client.get("/admin/ten-mien-rieng/"),
        client.post("/admin/ten-mien-rieng/", {"domain": "lienhiephoi-x.test"}),
    ):
        assert response.status_code == 302 and response["Location"] == "/admin/"
    assert "/admin/ten-mien-rieng/" not in client.get("/admin/").content.decode()
    assert not DomainClaim.objects.filter(domain="lienhiephoi-x.test").exists()


def test_national_staff_see_each_unions_domains_and_their_state(db, union_a, union_b, proofs):
    zone, _ = proofs
    pending = _claim(union_b.union, "lienhiephoi-b.test")
    proved = _claim(union_a.union)
    zone.txt(DOMAIN_A, proved.token)
    _verify(union_a.union, proved, "dns")
    staff = get_user_model().objects.create_superuser("vusta-tenmien", "tm@example.vn", "x")
    national = login_with_second_step(Client(HTTP_HOST="localhost"), staff)
    body = national.get("/admin/toan-quoc/lien-hiep-hoi/").content.decode()
    assert f'data-domain="{DOMAIN_A}" data-state="verified"' in body
    assert f'data-domain="{pending.domain}" data-state="pending"' in body
    assert "(chờ xác minh)" in body and "(đã xác minh)" in body
    # The national host has no union's domain screen.
    assert national.get("/admin/ten-mien-rieng/").status_code == 404


def test_the_routing_cache_sees_a_proof_and_a_removal_at_once(
    union_pair, committed, proofs, settings
):
    """Committed, with the host cache on (it is off inside a transaction): the very next
    lookup after the proof routes the name, and after the removal routes it no more."""
    zone, _ = proofs
    union_a = union_pair[0].union
    host = "lienhiephoi-cache.test"
    claim = _claim(union_a, host)
    try:
        assert union_for_host(host) is None
        assert union_for_host(union_pair[0].host).pk == union_a.pk  # now remembered
        zone.txt(host, claim.token)
        _verify(union_a, claim, "dns")
        assert union_for_host(host).pk == union_a.pk
        assert union_for_host(host).pk == union_a.pk  # from the cache
        domains.domain_claim_remove(union=union_a, claim_id=claim.pk)
        assert union_for_host(host) is None
    finally:
        DomainClaim.objects.filter(pk=claim.pk).delete()
        Domain.objects.filter(domain=host).delete()


@pytest.fixture
def tls_old_site(old_site_server, tmp_path, monkeypatch):
    """The old site's HTTPS side: a certificate for DOMAIN_A that the platform trusts
    (SSL_CERT_FILE, read by Python's default context), serving the same routes."""
    import http.server
    import ssl
    import subprocess
    import threading

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "1", "-subj", f"/CN={DOMAIN_A}",
            "-addext", f"subjectAltName=DNS:{DOMAIN_A}",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, headers, body = old_site_server.routes.get(self.path, (404, {}, b""))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], cert
    finally:
        server.shutdown()
        server.server_close()


def test_an_old_site_moved_to_https_proves_the_name_with_a_valid_certificate(
    union_a, proofs, tls_old_site, monkeypatch
):
    zone, old_site = proofs
    tls_port, cert = tls_old_site
    claim = _claim(union_a.union)
    zone.site(DOMAIN_A)
    https_file = f"https://{DOMAIN_A}:{tls_port}{FILE}"
    # The HTTPS side answers from the same routes: the query tells the two requests apart.
    old_site.routes[FILE] = (301, {"Location": https_file + "?tls"}, b"")
    old_site.routes[FILE + "?tls"] = (200, {}, claim.token.encode())
    # A certificate nobody vouches for is no proof.
    with pytest.raises(ValidationError) as excinfo:
        _verify(union_a.union, claim, "file")
    assert "Không tải được" in _message(excinfo)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    assert _verify(union_a.union, claim, "file").state == DomainClaim.State.VERIFIED


def test_checks_are_limited_per_union_and_minute(admin_a, union_a, proofs):
    claim = _claim(union_a.union)
    url = f"/admin/ten-mien-rieng/{claim.pk}/xac-minh/"
    for _ in range(6):
        answer = admin_a.post(url, {"method": "dns"}, follow=True).content.decode()
        assert "Chưa thấy bản ghi TXT" in answer
    zone, _ = proofs
    zone.txt(DOMAIN_A, claim.token)
    limited = admin_a.post(url, {"method": "dns"}, follow=True).content.decode()
    assert "Đã kiểm tra quá nhiều lần trong một phút" in limited
    assert zone.asked.count((f"_lienhiephoi.{DOMAIN_A}", "TXT")) == 6
    claim.refresh_from_db()
    assert claim.state == DomainClaim.State.PENDING


def test_an_old_site_that_answers_drop_by_drop_is_cut_at_the_deadline(union_a, proofs, settings):
    """Each byte comes before a read would time out; the whole check still ends at its
    deadline (1 s here), long before the file (and its right token) would be complete."""
    import socket
    import threading
    import time

    zone, _ = proofs
    claim = _claim(union_a.union)
    zone.site(DOMAIN_A)
    listener = socket.create_server(("127.0.0.1", 0))
    settings.OWN_DOMAIN_HTTP_PORT = listener.getsockname()[1]
    settings.OWN_DOMAIN_CHECK_SECONDS = 1

    def drip() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(4096)
            answer = b"HTTP/1.0 200 OK\r\nX-Cham: " + b"." * 30 + b"\r\n\r\n" + claim.token.encode()
            try:
                for index in range(len(answer)):
                    conn.sendall(answer[index : index + 1])
                    if index > 20:
                        time.sleep(0.2)
            except OSError:
                pass  # the platform hung up

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    try:
        with pytest.raises(ValidationError) as excinfo:
            _verify(union_a.union, claim, "file")
    finally:
        thread.join(timeout=30)
        listener.close()
    assert "không trả lời kịp" in _message(excinfo)
    assert not Domain.objects.filter(domain=DOMAIN_A).exists()


def test_with_every_host_allowed_the_registry_is_the_list(settings, union_a):
    """deploy/README.md offers ALLOWED_HOSTS=* for self-service domains: a host that is no
    union's is then still a 404, before any view (a login form, a reset mail) sees it."""
    settings.ALLOWED_HOSTS = ["*"]
    stranger = Client(HTTP_HOST="ke-gian.test")
    assert stranger.get("/admin/login/").status_code == 404
    assert stranger.post("/admin/login/", {"username": "admin", "password": "x"}).status_code == 404
    assert union_a.client().get("/tin-tuc/tin-canh-gioi/").status_code == 200
