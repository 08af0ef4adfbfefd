"""Real servers for the proofs of an own domain: a DNS server (dnslib) that dnspython
asks, and an HTTP server for the "old site" the proof file is fetched from."""

import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from dnslib import QTYPE, RCODE, RR, TXT, A
from dnslib.server import BaseResolver, DNSLogger, DNSServer


class Zone(BaseResolver):
    """Answers from `records`: (name, "TXT" | "A") → values; any other name is NXDOMAIN."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, str], list[str]] = {}
        self.asked: list[tuple[str, str]] = []

    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        kind = QTYPE[request.q.qtype]
        self.asked.append((name, kind))
        values = self.records.get((name, kind))
        if values is None:
            if not any(known == name for known, _ in self.records):
                reply.header.rcode = RCODE.NXDOMAIN
            return reply
        for value in values:
            rdata = TXT(value) if kind == "TXT" else A(value)
            reply.add_answer(RR(name, getattr(QTYPE, kind), rdata=rdata, ttl=60))
        return reply

    def site(self, domain: str, address: str = "127.0.0.1") -> None:
        self.records[(domain, "A")] = [address]

    def txt(self, domain: str, *values: str) -> None:
        self.records[(f"_lienhiephoi.{domain}", "TXT")] = list(values)


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def zone_serving() -> Iterator[tuple[Zone, int]]:
    """A DNS server on 127.0.0.1 answering from a new Zone: (zone, its UDP port)."""
    zone = Zone()
    port = _free_udp_port()
    quiet = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
    server = DNSServer(zone, port=port, address="127.0.0.1", logger=quiet)
    server.start_thread()
    try:
        yield zone, port
    finally:
        server.stop()


@pytest.fixture(scope="session")
def dns_zone() -> Iterator[tuple[Zone, int]]:
    with zone_serving() as serving:
        yield serving


@dataclass
class OldSite:
    """path → (status, headers, body); every request is recorded as (Host, path)."""

    port: int
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)


@pytest.fixture(scope="session")
def old_site_server() -> Iterator[OldSite]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append((self.headers.get("Host", ""), self.path))
            status, headers, body = site.routes.get(self.path, (404, {}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site = OldSite(port=server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def proofs(settings, dns_zone, old_site_server) -> Iterator[tuple[Zone, OldSite]]:
    """The platform checks proofs against the test's DNS server and old site only."""
    zone, port = dns_zone
    settings.OWN_DOMAIN_RESOLVER = f"127.0.0.1:{port}"
    settings.OWN_DOMAIN_HTTP_PORT = old_site_server.port
    # The old site is on loopback: allowed here, and here only (127.0.0.1, not 127/8).
    settings.OWN_DOMAIN_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.OWN_DOMAIN_CHECK_SECONDS = 3
    yield zone, old_site_server
    zone.records.clear()
    zone.asked.clear()
    old_site_server.routes.clear()
    old_site_server.requests.clear()
