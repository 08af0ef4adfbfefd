"""A union's own domains: asked for in its admin, proved, then routed.

A union admin adds a name (`domain_claim_add`); the platform gives it a token. The
union proves it controls the name one of two ways (`domain_claim_verify`):

- **DNS**: a TXT record `_lienhiephoi.<domain>` holding the token, read with dnspython
  from the resolver in OWN_DOMAIN_RESOLVER (the machine's own when empty);
- **a file on the site the name serves today**: `http://<domain>/.well-known/
  lienhiephoi-verify.txt` holding the token. The name is resolved with the same
  resolver, every address must be public (or in OWN_DOMAIN_ALLOWED_NETWORKS), and the
  connection goes to the address that was checked, so a second answer of the DNS cannot
  turn the fetch towards the platform's private network; redirects (at most three)
  are checked the same way; the body is capped and the whole check has one deadline.

Only then does a `Domain` row route the name to the union. Its insert raises the
routing version (the trigger of migration tenants 0006), so every process sees the
name at once, like any other domain change (tenants.routing).

The check runs in the request, not in Celery: it is bounded by OWN_DOMAIN_CHECK_SECONDS
(a few seconds, one DNS query or at most four small HTTP requests), asked for by a
union admin's click, and its answer is what the admin waits for: "proved" or the reason
why not. A queued task would make the admin reload a page for the same answer and
a slow worker queue would delay it behind backups and imports.
"""

import http.client
import ipaddress
import re
import secrets
import socket
import ssl
import threading
import time
from urllib.parse import urljoin, urlsplit

import dns.exception
import dns.resolver
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from tenants.models import Domain, DomainClaim, Union

TXT_PREFIX = "_lienhiephoi"
FILE_PATH = "/.well-known/lienhiephoi-verify.txt"
# A token file is one line; anything longer is not one.
FILE_MAX_BYTES = 1024
REDIRECTS_MAX = 3

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def domain_normalise(value: str) -> str:
    """The name as routing sees it (lower case, ASCII, no scheme, path or final dot),
    or a Vietnamese reason why it is not a domain a union can own."""
    name = value.strip().lower()
    name = re.sub(r"^[a-z]+://", "", name).split("/", 1)[0].rstrip(".")
    try:
        # Vietnamese names (hộikhoahọc.vn) are routed by their ASCII (xn--) form.
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        name = ""
    platform = settings.PLATFORM_DOMAIN.lower()
    if name == platform or name.endswith(f".{platform}"):
        raise ValidationError(
            "“%(name)s” là tên miền của nền tảng; chỉ thêm được tên miền riêng của Liên hiệp Hội.",
            code="domain_platform",
            params={"name": name},
        )
    labels = name.split(".")
    if (
        not name
        or len(name) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValidationError(
            "“%(value)s” không phải là một tên miền hợp lệ (ví dụ đúng: lienhiephoithanhhoa.vn).",
            code="domain_invalid",
            params={"value": value.strip()[:100]},
        )
    return name


def _token_new() -> str:
    return f"lienhiephoi-{secrets.token_hex(16)}"


def _held_elsewhere(name: str) -> ValidationError:
    return ValidationError(
        "Tên miền “%(name)s” đã được một Liên hiệp Hội khác sử dụng trên nền tảng.",
        code="domain_taken",
        params={"name": name},
    )


def domain_claim_add(*, union: Union, domain: str, requested_by: str) -> DomainClaim:
    """A pending claim of `domain` for `union`, with its token. Routes nothing yet."""
    name = domain_normalise(domain)
    if Domain.objects.filter(domain=name).exclude(tenant=union).exists():
        raise _held_elsewhere(name)
    if Domain.objects.filter(domain=name, tenant=union).exists() or (
        DomainClaim.objects.filter(union=union, domain=name).exists()
    ):
        raise ValidationError(
            "Tên miền “%(name)s” đã có trong danh sách của Liên hiệp Hội.",
            code="domain_listed",
            params={"name": name},
        )
    if DomainClaim.objects.filter(union=union).count() >= settings.OWN_DOMAINS_MAX:
        raise ValidationError(
            "Mỗi Liên hiệp Hội có tối đa %(max)s tên miền riêng; hãy xoá tên miền không dùng nữa.",
            code="domain_too_many",
            params={"max": settings.OWN_DOMAINS_MAX},
        )
    try:
        with transaction.atomic():
            return DomainClaim.objects.create(
                union=union, domain=name, token=_token_new(), requested_by=requested_by
            )
    except IntegrityError as exc:  # the same name added twice at once
        raise ValidationError(
            "Tên miền “%(name)s” đã có trong danh sách của Liên hiệp Hội.",
            code="domain_listed",
            params={"name": name},
        ) from exc


def domain_claim_verify(*, union: Union, claim_id: int, method: str) -> DomainClaim:
    """Check the proof now; proved, the name routes to `union` from this commit on.

    Not proved: the reason is kept on the claim (`check_error`) and raised.
    """
    claim = DomainClaim.objects.get(pk=claim_id, union=union)
    if claim.state == DomainClaim.State.VERIFIED:
        return claim
    if method not in DomainClaim.Method.values:
        raise ValidationError("Cách xác minh không hợp lệ.", code="method_invalid")
    # No transaction is held open while the network answers.
    if method == DomainClaim.Method.DNS:
        failure = _dns_proof_failure(claim.domain, claim.token)
    else:
        failure = _file_proof_failure(claim.domain, claim.token)
    now = timezone.now()
    if failure is not None:
        claim.checked_at, claim.check_error = now, failure
        claim.save(update_fields=["checked_at", "check_error"])
        raise ValidationError(failure, code="proof_missing")
    try:
        with transaction.atomic():
            claim = DomainClaim.objects.select_for_update().get(pk=claim_id, union=union)
            if Domain.objects.filter(domain=claim.domain).exclude(tenant=union).exists():
                raise _held_elsewhere(claim.domain)
            Domain.objects.get_or_create(
                domain=claim.domain, defaults={"tenant": union, "is_primary": False}
            )
            claim.state, claim.method = DomainClaim.State.VERIFIED, method
            claim.checked_at = claim.verified_at = now
            claim.check_error = ""
            claim.save(
                update_fields=["state", "method", "checked_at", "verified_at", "check_error"]
            )
    except IntegrityError as exc:  # another union's proof of the same name committed first
        raise _held_elsewhere(claim.domain) from exc
    return claim


def domain_claim_remove(*, union: Union, claim_id: int) -> None:
    """Forget the claim; a verified name stops routing to the union in the same commit."""
    with transaction.atomic():
        claim = DomainClaim.objects.select_for_update().get(pk=claim_id, union=union)
        if claim.state == DomainClaim.State.VERIFIED:
            # Never the union's platform subdomain: that one has no claim.
            Domain.objects.filter(domain=claim.domain, tenant=union).delete()
        claim.delete()


def own_domains_restore(*, union: Union) -> None:
    """After a union's restore (tenants.backups): its verified own domains route again,
    in the restore's transaction. A name another union proved meanwhile stays theirs;
    the restored claim then waits for a new proof."""
    for claim in DomainClaim.objects.filter(union=union, state=DomainClaim.State.VERIFIED):
        if Domain.objects.filter(domain=claim.domain).exists():
            claim.state, claim.check_error = DomainClaim.State.PENDING, ""
            claim.save(update_fields=["state", "check_error"])
        else:
            Domain.objects.create(domain=claim.domain, tenant=union, is_primary=False)


def domain_claims(union: Union) -> QuerySet[DomainClaim]:
    return DomainClaim.objects.filter(union=union).order_by("domain")


# --- The proofs: None when proved, else the reason in Vietnamese --------------------------


def _resolver(deadline: float) -> dns.resolver.Resolver:
    configured = settings.OWN_DOMAIN_RESOLVER
    if not configured:
        resolver = dns.resolver.Resolver()
    else:
        resolver = dns.resolver.Resolver(configure=False)
        address, _, port = configured.partition(":")
        resolver.nameservers = [address]
        if port:
            resolver.port = int(port)
    resolver.lifetime = max(0.1, deadline - time.monotonic())
    return resolver


def _dns_proof_failure(domain: str, token: str) -> str | None:
    name = f"{TXT_PREFIX}.{domain}"
    deadline = time.monotonic() + settings.OWN_DOMAIN_CHECK_SECONDS
    try:
        answer = _resolver(deadline).resolve(name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return f"Chưa thấy bản ghi TXT “{name}”. Bản ghi mới có thể cần vài phút để có hiệu lực."
    except (dns.exception.Timeout, dns.resolver.NoNameservers):
        return "Máy chủ DNS của tên miền không trả lời kịp; hãy thử lại sau ít phút."
    except dns.exception.DNSException:
        return f"Không đọc được bản ghi TXT “{name}”; hãy kiểm tra lại cấu hình DNS."
    values = {b"".join(record.strings).decode("utf-8", "replace").strip() for record in answer}
    if token in values:
        return None
    return f"Bản ghi TXT “{name}” có nhưng không chứa mã xác minh của Liên hiệp Hội."


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    allowed = [ipaddress.ip_network(net) for net in settings.OWN_DOMAIN_ALLOWED_NETWORKS]
    return ip.is_global or any(ip in net for net in allowed)


def _public_address(host: str, deadline: float) -> str | None:
    """The first address of `host`, if every address it has may be fetched from."""
    resolver = _resolver(deadline)
    addresses: list[str] = []
    for kind in ("A", "AAAA"):
        try:
            addresses += [record.address for record in resolver.resolve(host, kind)]
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            continue
    if not addresses or not all(_address_allowed(address) for address in addresses):
        return None
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address already checked, whatever the name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same, over TLS: the certificate must be valid for the name asked for."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


class _Cutoff:
    """Shuts the connection down when the check's deadline passes. A socket timeout bounds
    each read only: an old site sending one byte just before each read would time out
    could hold the admin's request for minutes."""

    def __init__(self, conn: http.client.HTTPConnection, seconds: float) -> None:
        self.fired = False
        self._conn = conn
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    def _cut(self) -> None:
        self.fired = True
        sock = self._conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes the read blocked on it
            except OSError:
                pass

    def __enter__(self) -> "_Cutoff":
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()


def _file_proof_failure(domain: str, token: str) -> str | None:
    deadline = time.monotonic() + settings.OWN_DOMAIN_CHECK_SECONDS
    url = f"http://{domain}{FILE_PATH}"
    where = f"http://{domain}{FILE_PATH}"
    for _hop in range(REDIRECTS_MAX + 1):
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            return f"Địa chỉ {where} chuyển hướng tới một địa chỉ không hợp lệ."
        try:
            address = _public_address(host, deadline)
        except dns.exception.DNSException:
            return f"Không tìm được địa chỉ của “{host}” (DNS); hãy thử lại sau ít phút."
        if address is None:
            return (
                f"“{host}” không trỏ tới một địa chỉ công cộng trên Internet; "
                "nền tảng không tải tệp xác minh từ địa chỉ nội bộ."
            )
        default_port = settings.OWN_DOMAIN_HTTP_PORT if parts.scheme == "http" else 443
        connection_class = (
            _PinnedHTTPConnection if parts.scheme == "http" else _PinnedHTTPSConnection
        )
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return f"Trang {where} không trả lời kịp; hãy thử lại sau ít phút."
        conn = connection_class(host, parts.port or default_port, address, remaining)
        with _Cutoff(conn, remaining) as cutoff:
            try:
                conn.request(
                    "GET",
                    (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                    headers={
                        "User-Agent": "LienHiepHoi-Cloud-domain-check",
                        "Accept": "text/plain",
                    },
                )
                response = conn.getresponse()
                if response.status in (301, 302, 303, 307, 308):
                    url = urljoin(url, response.getheader("Location", ""))
                    continue
                if response.status != 200:
                    return f"Trang {where} trả về mã {response.status}: chưa có tệp xác minh."
                body = response.read(FILE_MAX_BYTES + 1)
            except (OSError, http.client.HTTPException):
                if cutoff.fired:
                    return f"Trang {where} không trả lời kịp; hãy thử lại sau ít phút."
                return f"Không tải được {where}: trang cũ không trả lời hoặc trả lời sai giao thức."
            finally:
                conn.close()
        if cutoff.fired:  # what was read is cut short
            return f"Trang {where} không trả lời kịp; hãy thử lại sau ít phút."
        if len(body) > FILE_MAX_BYTES:
            return f"Tệp {where} quá lớn: tệp xác minh chỉ chứa đúng mã xác minh."
        if body.decode("utf-8", "replace").strip() == token:
            return None
        return f"Tệp {where} có nhưng không chứa đúng mã xác minh của Liên hiệp Hội."
    return f"Địa chỉ {where} chuyển hướng quá {REDIRECTS_MAX} lần."
