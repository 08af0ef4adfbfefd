"""Serving cost of tenancy: one news article page, served two ways in one process.

- union: the real stack. `tenants.middleware.UnionMiddleware` resolves the host
  (`thanhhoa.localhost`) to its union and switches the schema on every request.
- plain: the same article, same code, same database, with the connection pinned
  once to the union's schema and the tenant middleware replaced by a no-op -- what a
  single-site Wagtail does per request. The difference is the per-request cost of
  tenancy.

Method: in-process, through Django's WSGI handler (no HTTP server, no network), one
request at a time with no cookies (like a first visit from wrk). Each variant is
warmed up, then timed over R requests; rounds alternate union/plain so drift on a
shared machine hits both, and the median round is reported. DEBUG is off so
Django's query log does not slow either side. Uncached: no page cache in front.

Queries per page are counted two ways on one extra request of each variant:
Django's `CaptureQueriesContext` (what `assertNumQueries` sees) and every statement
the PostgreSQL driver sent, which also catches the connection health check and any
`SET search_path` issued below Django's cursor wrapper.

Run from the project root after `manage.py migrate_platform` and
`manage.py load_initial_data` (the demo union is created here if it is missing):

    .venv/bin/python bench/serve.py
    .venv/bin/python bench/serve.py --requests 1000 --rounds 5 --quiet
"""

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lhh.settings.dev")

import django

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from cms.demo import demo_unions_load  # noqa: E402
from cms.models import NewsArticlePage  # noqa: E402
from tenants.models import Union  # noqa: E402
from tenants.selectors import union_host  # noqa: E402

SCHEMA = "thanhhoa"
GOAL_RATIO = 0.95
GOAL_QUERIES = 5


class PinnedUnionMiddleware:
    """The plain baseline: the schema is chosen once, when the handler is built."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.union = Union.objects.get(schema_name=SCHEMA)
        connection.set_tenant(self.union)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # An attribute, as UnionMiddleware leaves it; no query, no schema switch.
        request.tenant = self.union
        return self.get_response(request)


def article_path() -> str:
    """The URL path of the newest live article of the demo union, found via the ORM."""
    if not Union.objects.filter(schema_name=SCHEMA).exists():
        print(f"creating the demo unions ({SCHEMA} is missing)...", flush=True)
        demo_unions_load()
    with schema_context(SCHEMA):
        article = NewsArticlePage.objects.live().public().order_by("-published_on").first()
        if article is None:
            raise SystemExit(f"no live news article in schema {SCHEMA!r}")
        _site_id, _root_url, path = article.get_url_parts()
    return path


def wsgi_environ(host: str, path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "HTTP_ACCEPT": "text/html",
        "HTTP_ACCEPT_LANGUAGE": "vi",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def get(handler: WSGIHandler, host: str, path: str) -> tuple[str, bytes]:
    status_line: list[str] = []

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        status_line.append(status)

    result = handler(wsgi_environ(host, path), start_response)
    try:
        body = b"".join(result)
    finally:
        # Closing fires request_finished, as a WSGI server does.
        result.close()
    return status_line[0], body


@contextmanager
def driver_statements() -> Iterator[list[str]]:
    """Every statement psycopg executes, below Django's cursor wrapper."""
    sent: list[str] = []
    original = psycopg.Cursor.execute

    def execute(self: psycopg.Cursor, query: object, *args: object, **kwargs: object) -> object:
        sent.append(query if isinstance(query, str) else repr(query))
        return original(self, query, *args, **kwargs)

    psycopg.Cursor.execute = execute
    try:
        yield sent
    finally:
        psycopg.Cursor.execute = original


def build_handler(variant: str) -> WSGIHandler:
    """A WSGI handler with the variant's middleware; it is loaded at construction."""
    if variant == "union":
        return WSGIHandler()
    pinned = f"{__name__}.PinnedUnionMiddleware"
    middleware = [
        pinned if m == "tenants.middleware.UnionMiddleware" else m for m in settings.MIDDLEWARE
    ]
    with override_settings(MIDDLEWARE=middleware):
        return WSGIHandler()


def timed_round(handler: WSGIHandler, host: str, path: str, requests: int) -> float:
    """Requests per second over `requests` sequential GETs."""
    start = time.perf_counter()
    for _ in range(requests):
        status, _body = get(handler, host, path)
        if not status.startswith("200"):
            raise RuntimeError(f"{host}{path} answered {status}")
    return requests / (time.perf_counter() - start)


def count_queries(handler: WSGIHandler, host: str, path: str) -> tuple[list[str], list[str]]:
    with driver_statements() as sent, CaptureQueriesContext(connection) as captured:
        status, _body = get(handler, host, path)
    if not status.startswith("200"):
        raise RuntimeError(f"{host}{path} answered {status}")
    return [q["sql"] for q in captured.captured_queries], sent


def short(sql: str, width: int = 150) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= width else sql[: width - 1] + "…"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="timed requests per round")
    parser.add_argument("--warmup", type=int, default=50, help="untimed requests per variant")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per variant")
    parser.add_argument("--quiet", action="store_true", help="do not list the queries")
    args = parser.parse_args()

    path = article_path()
    host = union_host(SCHEMA)
    results: dict[str, list[float]] = {"union": [], "plain": []}
    queries: dict[str, tuple[list[str], list[str]]] = {}

    # DEBUG off for the whole run: with it on, every query is also logged in memory
    # and templates run in debug mode -- neither happens in production.
    with override_settings(DEBUG=False):
        # Handlers are built in this order so the plain one pins the schema last, and
        # the union one switches schemas per request anyway.
        handlers = {"union": build_handler("union"), "plain": None}
        for _ in range(args.warmup):
            get(handlers["union"], host, path)
        queries["union"] = count_queries(handlers["union"], host, path)

        handlers["plain"] = build_handler("plain")
        for _ in range(args.warmup):
            get(handlers["plain"], host, path)
        queries["plain"] = count_queries(handlers["plain"], host, path)

        for _ in range(args.rounds):
            for variant in ("union", "plain"):
                if variant == "plain":
                    # UnionMiddleware left the connection on the union's schema object;
                    # pin it again so the plain side starts as its middleware left it.
                    connection.set_tenant(Union.objects.get(schema_name=SCHEMA))
                results[variant].append(
                    timed_round(handlers[variant], host, path, args.requests)
                )

    rps = {variant: statistics.median(values) for variant, values in results.items()}
    ratio = rps["union"] / rps["plain"]
    print(f"\nPage: http://{host}{path}")
    print(f"Method: in-process WSGIHandler, sequential, {args.requests} requests x "
          f"{args.rounds} rounds per variant after {args.warmup} warm-up, DEBUG=False, "
          f"no cache in front, {os.cpu_count()} CPUs")
    print(f"{'variant':<8}{'req/s':>9}{'rounds':>30}{'queries':>9}{'driver stmts':>14}")
    for variant in ("plain", "union"):
        rounds = " ".join(f"{v:.0f}" for v in results[variant])
        django_q, sent = queries[variant]
        print(f"{variant:<8}{rps[variant]:>9.1f}{rounds:>30}{len(django_q):>9}{len(sent):>14}")
    print(f"ratio union/plain: {ratio:.2f}x")
    union_q = len(queries["union"][0])
    print(f"goal union/plain >= {GOAL_RATIO}: {'met' if ratio >= GOAL_RATIO else 'NOT met'}")
    print(f"goal <= {GOAL_QUERIES} queries per page (union): "
          f"{'met' if union_q <= GOAL_QUERIES else 'NOT met'} ({union_q})")
    if not args.quiet:
        for variant in ("union", "plain"):
            django_q, sent = queries[variant]
            print(f"\n{variant}: {len(django_q)} queries seen by Django, "
                  f"{len(sent)} statements sent by the driver")
            for i, sql in enumerate(sent, 1):
                print(f"  {i:>2}. {short(sql)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
