"""Host → union → schema, before anything else touches the database."""

from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.models import Union
from tenants.selectors import union_for_host


def _page(template: str, status: int, **context: object) -> HttpResponse:
    # Nothing of the previous request's union stays selected behind a refusal.
    connection.set_schema_to_public()
    return HttpResponse(
        render_to_string(f"tenants/{template}", context),
        status=status,
        content_type="text/html; charset=utf-8",
    )


class UnionMiddleware(TenantMainMiddleware):
    """Serves a request only in a union whose schema is ready.

    An unknown host, the template or a union still being made is a plain 404;
    an archived union is 410; a suspended one shows a notice; a union whose schema
    is missing is 503 -- never the national site or another union's rows.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        # The registry lookup runs on whatever search_path the connection has: its
        # table exists only in public (TenantSyncRouter), so it always resolves there.
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return _page("not_found.html", 404)
        union = union_for_host(hostname)
        if union is None or not union.is_routable:
            return _page("not_found.html", 404)
        if union.status == Union.Status.ARCHIVED:
            return _page("archived.html", 410, union=union)
        if not union.schema_ready:
            return _page("unavailable.html", 503, union=union)
        if union.status == Union.Status.SUSPENDED:
            return _page("suspended.html", 503, union=union)
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
