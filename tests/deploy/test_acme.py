"""Certificates for a union's own domain, for real: the production recipe's nginx serves
the ACME HTTP-01 challenge of a verified domain only, Debian's certbot gets the
certificate from Pebble (Let's Encrypt's ACME test server, a Debian package) through
that nginx, and deploy/acme/certificates writes the server block and reloads nginx."""

import json
import os
import socket
import ssl
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port, wait_for
from tests.deploy.conftest import CUSTOM_DOMAIN, ROOT, _run
from tests.domains.conftest import Zone, zone_serving

PENDING_DOMAIN = "lienhiephoi-cho.test"
SCRIPT = ROOT / "deploy" / "acme" / "certificates"
SENTINEL_PATH = "/tin-tuc/tin-canh-gioi/"


@pytest.fixture(scope="module")
def dns_zone() -> Iterator[tuple[Zone, int]]:
    """The names' DNS, for Pebble's validation and for the platform's TXT check."""
    with zone_serving() as serving:
        yield serving


@pytest.fixture(scope="module")
def pebble(dns_zone, stack, tmp_path_factory) -> Iterator[dict[str, str]]:
    """Pebble on loopback, validating HTTP-01 on the stack's nginx (its plain HTTP port)
    and resolving names with the test's DNS server."""
    zone, dns_port = dns_zone
    work = tmp_path_factory.mktemp("pebble")
    cert, key = work / "cert.pem", work / "key.pem"
    _run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "1", "-subj", "/CN=pebble", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ]
    )  # fmt: skip
    port, management = free_port(), free_port()
    (work / "config.json").write_text(
        json.dumps(
            {
                "pebble": {
                    "listenAddress": f"127.0.0.1:{port}",
                    "managementListenAddress": f"127.0.0.1:{management}",
                    "certificate": str(cert),
                    "privateKey": str(key),
                    "httpPort": stack.http_port,
                    "tlsPort": free_port(),
                    "ocspResponderURL": "",
                    "externalAccountBindingRequired": False,
                }
            }
        )
    )
    log = (work / "pebble.log").open("w")
    process = subprocess.Popen(
        ["pebble", "-config", str(work / "config.json"), "-dnsserver", f"127.0.0.1:{dns_port}"],
        # No random pauses before validating, no random nonce rejections: a quick, steady run.
        env={**os.environ, "PEBBLE_VA_NOSLEEP": "1", "PEBBLE_WFE_NONCEREJECT": "0"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    tls = ssl.create_default_context(cafile=str(cert))

    def answers() -> bool:
        try:
            urllib.request.urlopen(f"https://127.0.0.1:{port}/dir", context=tls, timeout=2)
            return True
        except OSError:
            return False

    try:
        wait_for(answers, timeout=30, what="pebble")
        with urllib.request.urlopen(
            f"https://127.0.0.1:{management}/roots/0", context=tls, timeout=5
        ) as response:
            (work / "issuer-root.pem").write_bytes(response.read())
        yield {
            "directory": f"https://127.0.0.1:{port}/dir",
            "ca_bundle": str(cert),
            "issuer_root": str(work / "issuer-root.pem"),
            "work": str(work),
        }
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _certificates(stack, pebble, *, certbot: str = "certbot") -> subprocess.CompletedProcess:
    """deploy/acme/certificates as the timer runs it, with the system's python3."""
    work = Path(pebble["work"])
    nginx = " ".join(stack.nginx_cmd)
    return subprocess.run(
        ["/usr/bin/python3", str(SCRIPT)],
        env={
            "PATH": os.environ["PATH"],
            "LHH_DOMAINS_URL": f"http://127.0.0.1:{stack.gunicorn_port}/internal/domains",
            "METRICS_TOKEN": stack.metrics_token,
            "CERTBOT": certbot,
            "ACME_EMAIL": "hotro@lienhiephoi.test",
            "ACME_SERVER": pebble["directory"],
            # certbot (python3-requests) trusts Pebble's API through this bundle.
            "REQUESTS_CA_BUNDLE": pebble["ca_bundle"],
            "NGINX_ACME_ROOT": str(stack.acme_root),
            "NGINX_CONF_DIR": str(stack.nginx_conf_dir),
            "NGINX_HTTPS_LISTEN": f"127.0.0.1:{stack.https_port}",
            "CERTBOT_CONFIG_DIR": str(work / "letsencrypt"),
            "CERTBOT_WORK_DIR": str(work / "certbot-work"),
            "CERTBOT_LOGS_DIR": str(work / "certbot-logs"),
            "NGINX_TEST": f"{nginx} -t",
            "NGINX_RELOAD": f"{nginx} -s reload",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )


def _served_certificate(stack, server_name: str, cafile: str) -> dict:
    """The certificate nginx presents for `server_name` (SNI), verified against `cafile`
    for that name."""
    context = ssl.create_default_context(cafile=cafile)
    with socket.create_connection(("127.0.0.1", stack.https_port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=server_name) as conn:
            return conn.getpeercert()


def _served_der(stack, server_name: str) -> bytes:
    """The certificate nginx presents for `server_name`, unverified, as bytes."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", stack.https_port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=server_name) as conn:
            return conn.getpeercert(binary_form=True)


def _settled(predicate) -> bool:
    # After a reload the old worker may still accept a connection or two while the new
    # ones start: the answer counts once several connections in a row agree.
    return all(predicate() for _ in range(5))


def _verifies(stack, server_name: str, cafile: str) -> bool:
    try:
        _served_certificate(stack, server_name, cafile)
        return True
    except ssl.SSLCertVerificationError:
        return False


def _get_over_tls(stack, server_name: str, cafile: str, path: str) -> str:
    context = ssl.create_default_context(cafile=cafile)
    with socket.create_connection(("127.0.0.1", stack.https_port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=server_name) as conn:
            conn.sendall(
                f"GET {path} HTTP/1.1\r\nHost: {server_name}\r\nConnection: close\r\n\r\n".encode()
            )
            chunks = []
            while chunk := conn.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def verified_and_pending(stack, union_pair, committed, dns_zone, settings) -> Iterator[None]:
    """Union A proves CUSTOM_DOMAIN by its TXT record (the real check, against the test's
    DNS server); union B only asked for PENDING_DOMAIN. Both names point at this machine."""
    from tenants import domains
    from tenants.models import Domain, DomainClaim

    zone, dns_port = dns_zone
    settings.OWN_DOMAIN_RESOLVER = f"127.0.0.1:{dns_port}"
    union_a, union_b = union_pair
    claims = []
    try:
        claim = domains.domain_claim_add(
            union=union_a.union, domain=CUSTOM_DOMAIN, requested_by="t"
        )
        claims.append(claim)
        claims.append(
            domains.domain_claim_add(union=union_b.union, domain=PENDING_DOMAIN, requested_by="t")
        )
        zone.txt(CUSTOM_DOMAIN, claim.token)
        zone.site(CUSTOM_DOMAIN)
        zone.site(PENDING_DOMAIN)
        domains.domain_claim_verify(union=union_a.union, claim_id=claim.pk, method="dns")
        yield
    finally:
        DomainClaim.objects.filter(pk__in=[c.pk for c in claims]).delete()
        Domain.objects.filter(domain__in=[CUSTOM_DOMAIN, PENDING_DOMAIN]).delete()
        zone.records.clear()
        # The session's nginx serves the other deploy tests: no certificate of ours stays.
        written = [
            path
            for path in (stack.nginx_conf_dir / "domains").glob("*.conf")
            if path.read_text().startswith("# Written by deploy/acme/certificates")
        ]
        for path in written:
            path.unlink()
        if written:
            _run([*stack.nginx_cmd, "-s", "reload"])
            wait_for(
                lambda: _settled(
                    lambda: _served_der(stack, CUSTOM_DOMAIN) == _served_der(stack, "localhost")
                ),
                timeout=15,
                what="nginx reloaded without the own domain's server block",
            )


def test_the_platform_lists_only_verified_domains_to_the_private_network(
    stack, verified_and_pending
):
    def listed(token: str | None) -> tuple[int, str]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{stack.gunicorn_port}/internal/domains",
            headers={"Authorization": f"Bearer {token}"} if token else {},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""

    status, body = listed(stack.metrics_token)
    assert status == 200 and json.loads(body) == {"domains": [CUSTOM_DOMAIN]}
    assert listed(None)[0] == 404 and listed("doan-bua")[0] == 404
    # Never through the public server blocks, token or not.
    through_nginx = stack.get(
        CUSTOM_DOMAIN,
        "/internal/domains",
        headers={"Authorization": f"Bearer {stack.metrics_token}"},
    )
    assert through_nginx.status == 404 and CUSTOM_DOMAIN not in through_nginx.text


def test_a_verified_domain_gets_its_certificate_from_acme_and_nginx_serves_it(
    stack, pebble, verified_and_pending, union_pair
):
    union_a, union_b = union_pair
    done = _certificates(stack, pebble)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        f"{CUSTOM_DOMAIN}: server block written" in done.stdout and "nginx reloaded" in done.stdout
    )
    block = stack.nginx_conf_dir / "domains" / f"{CUSTOM_DOMAIN}.conf"
    assert f"server_name {CUSTOM_DOMAIN};" in block.read_text()
    assert not (stack.nginx_conf_dir / "domains" / f"{PENDING_DOMAIN}.conf").exists()

    # Pebble's validation came through nginx's plain HTTP port, on the domain's Host.
    access = (stack.nginx_conf_dir.parent / "access.log").read_text()
    assert "GET /.well-known/acme-challenge/" in access

    # nginx now presents the issued certificate for the name, chained to Pebble's root
    # (once the reload's new workers took over).
    wait_for(
        lambda: _verifies(stack, CUSTOM_DOMAIN, pebble["issuer_root"]), timeout=15, what="reload"
    )
    served = _served_certificate(stack, CUSTOM_DOMAIN, pebble["issuer_root"])
    assert ("DNS", CUSTOM_DOMAIN) in served["subjectAltName"]
    page = _get_over_tls(stack, CUSTOM_DOMAIN, pebble["issuer_root"], SENTINEL_PATH)
    assert page.startswith("HTTP/1.1 200") and union_a.sentinel_title in page
    assert union_b.sentinel_title not in page
    # The pending name still gets the platform's default certificate, not a certificate of its own.
    assert not _verifies(stack, PENDING_DOMAIN, pebble["issuer_root"])

    # A second run renews nothing (not due) and leaves nginx alone.
    again = _certificates(stack, pebble)
    assert again.returncode == 0 and "nginx reloaded" not in again.stdout, again.stdout
    # A renewal (forced here; certbot renews within 30 days of expiry) reaches nginx too.
    first = _served_der(stack, CUSTOM_DOMAIN)
    renewed = _certificates(stack, pebble, certbot="certbot --force-renewal")
    assert renewed.returncode == 0, renewed.stdout + renewed.stderr
    assert f"{CUSTOM_DOMAIN}: certificate issued" in renewed.stdout
    assert "nginx reloaded" in renewed.stdout and "server block written" not in renewed.stdout
    wait_for(
        lambda: _settled(lambda: _served_der(stack, CUSTOM_DOMAIN) != first),
        timeout=15,
        what="the renewed certificate",
    )
    assert _verifies(stack, CUSTOM_DOMAIN, pebble["issuer_root"])

    # The union removes its domain: the next run takes the server block and webroot away.
    from tenants import domains
    from tenants.models import DomainClaim

    claim = DomainClaim.objects.get(domain=CUSTOM_DOMAIN, union=union_a.union)
    domains.domain_claim_remove(union=union_a.union, claim_id=claim.pk)
    gone = _certificates(stack, pebble)
    assert gone.returncode == 0 and "no longer verified" in gone.stdout, gone.stdout
    assert not block.exists() and not (stack.acme_root / CUSTOM_DOMAIN).exists()
    # The platform's own certificate again, on every connection once the reload settled.
    wait_for(
        lambda: _settled(
            lambda: _served_der(stack, CUSTOM_DOMAIN) == _served_der(stack, "localhost")
        ),
        timeout=15,
        what="reload",
    )
    assert not _verifies(stack, CUSTOM_DOMAIN, pebble["issuer_root"])


def test_the_challenge_is_served_for_a_verified_domain_only(stack, pebble, verified_and_pending):
    # The folder exists once the script ran for the verified name (it makes none for others).
    done = _certificates(stack, pebble)
    assert done.returncode == 0, done.stdout + done.stderr
    challenge = stack.acme_root / CUSTOM_DOMAIN / ".well-known" / "acme-challenge"
    challenge.mkdir(parents=True, exist_ok=True)
    (challenge / "thu-thach").write_text("ma-thu-thach")
    served = stack.get_plain(CUSTOM_DOMAIN, "/.well-known/acme-challenge/thu-thach")
    assert served.status == 200 and served.text == "ma-thu-thach"
    assert not (stack.acme_root / PENDING_DOMAIN).exists()
    for host in (PENDING_DOMAIN, "localhost", "khac.localhost"):
        refused = stack.get_plain(host, "/.well-known/acme-challenge/thu-thach")
        assert refused.status == 404, host
    # A Host crafted to climb out of its folder finds nothing either.
    assert stack.get_plain("..", "/.well-known/acme-challenge/thu-thach").status in (400, 404)
