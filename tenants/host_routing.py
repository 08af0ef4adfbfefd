"""Host → union → schema, before anything else touches the database."""

import json
import threading

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.models import Union
from tenants.readiness import union_readiness_forget, union_ready
from tenants.selectors import union_for_host

SUSPENDED_API_MESSAGE = (
    "Liên hiệp Hội này đang tạm ngừng hoạt động; API không phục vụ trong thời gian tạm ngừng."
)
SUSPENDED_WRITE_MESSAGE = (
    "Liên hiệp Hội đang tạm ngừng hoạt động: trang quản trị chỉ cho phép xem, "
    "mọi thay đổi đều không được lưu."
)
# Signing in and out writes only the session; staff of a suspended union may still look.
_SUSPENDED_ADMIN_WRITES_ALLOWED = ("/admin/login/", "/admin/logout/")
_READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def _page(template: str, status: int, **context: object) -> HttpResponse:
    # Nothing of the previous request's union stays selected behind a refusal.
    connection.set_schema_to_public()
    return HttpResponse(
        render_to_string(f"tenants/{template}", context),
        status=status,
        content_type="text/html; charset=utf-8",
    )


UNAVAILABLE_API_MESSAGE = (
    "Trang của Liên hiệp Hội này tạm thời chưa sẵn sàng; vui lòng thử lại sau ít phút."
)


def _unavailable(request: HttpRequest, union: Union) -> HttpResponse:
    """503: the union's schema is not complete and current (tenants/readiness.py)."""
    if request.path.startswith("/api/"):
        connection.set_schema_to_public()
        body = {
            "error": {
                "code": "union_unavailable",
                "message": UNAVAILABLE_API_MESSAGE,
                "details": None,
            }
        }
        return HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=503,
            content_type="application/json; charset=utf-8",
        )
    return _page("unavailable.html", 503, union=union)


BUSY_API_MESSAGE = (
    "Trang của Liên hiệp Hội này đang có quá nhiều truy cập cùng lúc; vui lòng thử lại sau ít giây."
)
BUSY_RETRY_AFTER_SECONDS = 5

# Requests in flight per union schema in this process (threaded servers): one busy
# union cannot take every thread and starve the others.
_in_flight: dict[str, int] = {}
_in_flight_lock = threading.Lock()


def _slot_take(schema_name: str) -> bool:
    limit = settings.UNION_CONCURRENT_REQUESTS_MAX
    with _in_flight_lock:
        held = _in_flight.get(schema_name, 0)
        if limit > 0 and held >= limit:
            return False
        _in_flight[schema_name] = held + 1
    return True


def _slot_release(schema_name: str) -> None:
    with _in_flight_lock:
        held = _in_flight.get(schema_name, 0) - 1
        if held > 0:
            _in_flight[schema_name] = held
        else:
            _in_flight.pop(schema_name, None)


def _busy(request: HttpRequest, union: Union) -> HttpResponse:
    """503 with Retry-After: the union already holds its share of this process."""
    if request.path.startswith("/api/"):
        connection.set_schema_to_public()
        body = {"error": {"code": "union_busy", "message": BUSY_API_MESSAGE, "details": None}}
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=503,
            content_type="application/json; charset=utf-8",
        )
    else:
        response = _page("busy.html", 503, union=union)
    response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    return response


def _suspended_refusal(request: HttpRequest, union: Union) -> HttpResponse | None:
    """What a suspended union's host refuses; None lets a read of its admin through."""
    if request.path.startswith("/api/"):
        connection.set_schema_to_public()
        # The API's own error body ({"error": {code, message, details}}, api/exceptions.py).
        body = {
            "error": {"code": "union_suspended", "message": SUSPENDED_API_MESSAGE, "details": None}
        }
        return HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=403,
            content_type="application/json; charset=utf-8",
        )
    if not request.path.startswith("/admin/"):
        return _page("suspended.html", 503, union=union)
    if request.method in _READ_METHODS or request.path in _SUSPENDED_ADMIN_WRITES_ALLOWED:
        return None
    return _page("read_only.html", 403, union=union, message=SUSPENDED_WRITE_MESSAGE)


def _banner_insert(response: HttpResponse, union: Union) -> HttpResponse:
    """Put the read-only notice at the top of every admin page of a suspended union.

    Done on the response, not in Wagtail's templates, so every admin page (pages,
    snippets, records, settings) carries it without overriding Wagtail's skeleton.
    """
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return response
    content = response.content.decode(response.charset or "utf-8")
    marker = content.find('id="main"')
    start = content.find(">", marker) + 1 if marker != -1 else 0
    if start == 0:
        return response
    banner = render_to_string("tenants/read_only_banner.html", {"union": union})
    response.content = content[:start] + banner + content[start:]
    if response.has_header("Content-Length"):  # set by CommonMiddleware, inside this one
        response["Content-Length"] = str(len(response.content))
    return response


def _merged_redirect(request: HttpRequest, union: Union) -> HttpResponse:
    """Every address of a merged union's hosts: 301 to the same content on the absorbing
    union's site, or to its home for a path that has no counterpart there."""
    from django.http import HttpResponsePermanentRedirect

    from tenants.merging import merged_redirect_path

    connection.set_schema_to_public()
    host, path = merged_redirect_path(union_id=union.pk, path=request.path)
    if host is None:
        return _page("not_found.html", 404)
    port = request.get_port()
    netloc = host if port in ("80", "443") else f"{host}:{port}"
    query = request.META.get("QUERY_STRING", "")
    location = f"{request.scheme}://{netloc}{path}" + (f"?{query}" if query else "")
    return HttpResponsePermanentRedirect(location)


class UnionMiddleware(TenantMainMiddleware):
    """Serves a request only in a union whose schema is ready.

    An unknown host, the template or a union still being made is a plain 404;
    an archived union is 410; a suspended one shows a notice on its site, answers
    403 on its API and keeps its admin read-only for its staff; a union whose
    schema is not complete and current is 503 (tenants/readiness.py) -- never the
    national site or another union's rows.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        # The registry lookup runs on whatever search_path the connection has: its
        # table exists only in public (TenantSyncRouter), so it always resolves there.
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return _page("not_found.html", 404)
        try:
            union = union_for_host(hostname)
        except DatabaseError:
            # Selected by the previous request, a union's search path sees the registry
            # through views (tenants/shared_views.py), briefly absent while public
            # migrates: ask public itself.
            connection.set_schema_to_public()
            union = union_for_host(hostname)
        if union is not None:
            # Metrics count a refusal (410, 503) under the union refused, not as unrouted.
            request.union_schema = union.schema_name
        if union is None or not union.is_routable:
            return _page("not_found.html", 404)
        # A merged union keeps redirecting once national staff archive it too.
        if union.merged_into_id is not None:
            return _merged_redirect(request, union)
        if union.status == Union.Status.ARCHIVED:
            return _page("archived.html", 410, union=union)
        if not union_ready(union):
            return _unavailable(request, union)
        if union.status == Union.Status.SUSPENDED:
            refusal = _suspended_refusal(request, union)
            if refusal is not None:
                return refusal
        if not _slot_take(union.schema_name):
            return _busy(request, union)
        # Released in process_response, which runs for every request let through here
        # (an exception below becomes a response before it leaves this middleware).
        request.union_slot = union.schema_name
        union.domain_url = hostname
        request.tenant = union
        if connection.schema_name == union.schema_name:
            # Same schema as this connection's last request: switching again would
            # only re-issue SET search_path and empty the ContentType cache.
            connection.tenant = union
        else:
            connection.set_tenant(union)
        self.setup_url_routing(request)
        return None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        slot = getattr(request, "union_slot", None)
        if slot is not None:
            _slot_release(slot)
            request.union_slot = None
        union = getattr(request, "tenant", None)
        if isinstance(union, Union) and response.status_code >= 500:
            # A table gone since the union was found ready fails its query (public is
            # not on the path): check the union in full before serving it again.
            union_readiness_forget(union.schema_name)
        if isinstance(union, Union) and union.status == Union.Status.SUSPENDED:
            return _banner_insert(response, union)
        return response
