"""Prometheus metrics per union, labelled by schema name.

Schema names are bounded by the number of unions (plus "public" for the national site
and "unrouted" for hosts that match no union), so the label cannot explode.

gunicorn and Celery's prefork pool run several processes: with PROMETHEUS_MULTIPROC_DIR
set, each process writes its samples there and a scrape adds them up.
"""

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    multiprocess,
    start_http_server,
)
from tenant_schemas_celery.app import get_schema_name_from_task

UNROUTED = "unrouted"

HTTP_REQUESTS = Counter(
    "lhh_http_requests_total",
    "Requests served, by union schema, method and status class.",
    ["schema", "method", "status"],
)
HTTP_ERRORS = Counter(
    "lhh_http_errors_total",
    "Requests answered with a server error (5xx), by union schema.",
    ["schema"],
)
HTTP_LATENCY = Histogram(
    "lhh_http_request_duration_seconds",
    "Time from the first middleware to the response, by union schema.",
    ["schema"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
CELERY_TASKS = Counter(
    "lhh_celery_tasks_total",
    "Celery tasks finished, by the union schema they ran in, task name and final state.",
    ["schema", "task", "state"],
)

_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def registry() -> CollectorRegistry:
    """The registry a scrape reads: every process's samples in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        combined = CollectorRegistry()
        multiprocess.MultiProcessCollector(combined)
        return combined
    return REGISTRY


def multiproc_dir_reset() -> None:
    """Empty the samples folder when a server starts: files of a previous run's
    processes would otherwise be added to this run's counts."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return
    shutil.rmtree(folder, ignore_errors=True)
    Path(folder).mkdir(parents=True, exist_ok=True)


class RequestMetricsMiddleware:
    """Outermost middleware: counts and times every request, cached pages included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        # Set by UnionMiddleware once the host names a union, before it may refuse it.
        schema = getattr(request, "union_schema", UNROUTED)
        method = request.method if request.method in _METHODS else "other"
        HTTP_REQUESTS.labels(schema, method, f"{response.status_code // 100}xx").inc()
        if response.status_code >= 500:
            HTTP_ERRORS.labels(schema).inc()
        HTTP_LATENCY.labels(schema).observe(time.perf_counter() - started)
        return response


def task_count(sender=None, task=None, task_id=None, args=None, kwargs=None, state=None, **_):
    """task_postrun receiver. The schema comes from the message, not the connection:
    tenant-schemas-celery's own postrun receiver may already have switched back."""
    schema = get_schema_name_from_task(task, kwargs or {}) or "public"
    CELERY_TASKS.labels(schema, task.name, state or "UNKNOWN").inc()


def worker_metrics_serve(**_: object) -> None:
    """worker_ready receiver: the worker's main process serves its pool's samples on
    WORKER_METRICS_PORT, bound to WORKER_METRICS_ADDR, for a scraper on the private
    network only (the worker has no public face)."""
    from django.conf import settings

    if settings.WORKER_METRICS_PORT:
        start_http_server(
            settings.WORKER_METRICS_PORT, addr=settings.WORKER_METRICS_ADDR, registry=registry()
        )
