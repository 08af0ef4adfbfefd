"""/healthz, /readyz, /metrics and /internal/domains, answered before tenant routing and
on any Host."""

import hmac
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from lhh.ops.health import readiness
from lhh.ops.metrics import registry
from tenants.selectors import own_domains_routed


def _healthz(request: HttpRequest) -> HttpResponse:
    # Liveness only: the process answers. No database, so a database outage does not
    # make an orchestrator restart every web process at once.
    return JsonResponse({"status": "ok"})


def _readyz(request: HttpRequest) -> HttpResponse:
    checks = readiness()
    ready = all(outcome == "ok" for outcome in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def _token_offered(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    offered = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(offered.encode(), f"Bearer {token}".encode())


def _metrics(request: HttpRequest) -> HttpResponse:
    # Only a scraper holding METRICS_TOKEN reads the metrics; without a token set they
    # are off. Public nginx server blocks also refuse /metrics, so a union host never
    # reaches this view even with the token.
    if not _token_offered(request):
        return HttpResponse(status=404)
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)


def _own_domains(request: HttpRequest) -> HttpResponse:
    # The names deploy/acme/certificates asks certificates for: unions' own domains that
    # route (proved). Same private-network token as /metrics, refused by public nginx too.
    if not _token_offered(request):
        return HttpResponse(status=404)
    return JsonResponse({"domains": own_domains_routed()})


_ENDPOINTS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": _healthz,
    "/readyz": _readyz,
    "/metrics": _metrics,
    "/internal/domains": _own_domains,
}


class OpsEndpointsMiddleware:
    """First in MIDDLEWARE: no Host check, no tenant, no SSL redirect for the probes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        endpoint = _ENDPOINTS.get(request.path_info)
        if endpoint is None or request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        response = endpoint(request)
        response["Cache-Control"] = "no-store"
        return response
