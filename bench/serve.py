"""Serving cost of tenancy: one news article page, served two ways in one process.

- union: the real stack. `tenants.host_routing.UnionMiddleware` resolves the host
  (`thanhhoa.localhost`) to its union and switches the schema on every request.
- plain: the same article, same code, same database, with the connection pinned
  once to the union's schema and the tenant middleware replaced by a no-op -- what a
  single-site Wagtail does per request. The difference is the per-request cost of
  tenancy.

Method: in-process, through Django's WSGI handler (no HTTP server, no network), one
request at a time with no cookies (like a first visit from wrk). Each variant is
warmed up, then timed over R requests per round; the two variants take turns
request by request, so load from elsewhere on a shared machine hits both alike, and
the median round is reported. DEBUG is off so Django's query log does not slow
either side. Uncached: no page cache in front.

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
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from urllib.parse import unquote

import script_path  # noqa: F401  (bench/ off sys.path, before Django)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lhh.settings.dev")
# Connections kept between requests with their health check, as in production (the dev
# server's default is 0): the routing version rides on that check instead of a query.
os.environ.setdefault("CONN_MAX_AGE", "60")

import django

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils.html import escape  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from cms.models import NewsArticlePage  # noqa: E402
from lhh.demo.seed import demo_unions_load  # noqa: E402
from tenants.models import Union  # noqa: E402
from tenants.selectors import union_host  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SCHEMA = "thanhhoa"
GOAL_RATIO = 1.0
GOAL_QUERIES = 5
GOAL_CACHED_RATIO = 3.0


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


def article_path() -> tuple[str, str]:
    """The URL path and title of the demo union's newest live article, via the ORM."""
    if not Union.objects.filter(schema_name=SCHEMA).exists():
        print(f"creating the demo unions ({SCHEMA} is missing)...", flush=True)
        demo_unions_load()
    with schema_context(SCHEMA):
        article = NewsArticlePage.objects.live().public().order_by("-published_on").first()
        if article is None:
            raise SystemExit(f"no live news article in schema {SCHEMA!r}")
        _site_id, _root_url, path = article.get_url_parts()
    return path, article.title


def wsgi_environ(host: str, path: str) -> dict:
    # WSGI carries the path percent-decoded, as UTF-8 bytes read as latin-1 (PEP 3333);
    # article slugs may be Vietnamese, so the URL from Wagtail is quoted.
    path_info = unquote(path).encode("utf-8").decode("latin-1")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
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


@dataclass
class Statement:
    sql: str
    seen_by_django: bool
    origin: str


_SITE_PACKAGES = os.sep + "site-packages" + os.sep
# Frames that only carry a query along; the origin is the first frame outside them.
_PLUMBING = ("django/db/", "django/utils/", "psycopg/", "bench/serve.py", "/contextlib.py")


def _origin(frame: FrameType | None) -> str:
    """Which code, and which template line if any, made the current query."""
    code = template = ""
    while frame is not None:
        filename = frame.f_code.co_filename
        in_template = "django/template/" in filename
        if in_template and not code:
            # Reached the template engine first: the template itself made the query.
            code = "template"
        if not code and not any(p in filename for p in _PLUMBING):
            short_name = filename.split(_SITE_PACKAGES)[-1].replace(str(PROJECT_ROOT) + "/", "")
            code = f"{short_name}:{frame.f_lineno} {frame.f_code.co_name}"
        node = frame.f_locals.get("self") if in_template else None
        if not template and node is not None and hasattr(node, "token"):
            origin = getattr(node, "origin", None)
            if origin is not None and node.token is not None:
                template = f"{origin.template_name}:{node.token.lineno}"
        if code and template:
            break
        frame = frame.f_back
    return code + (f" [{template}]" if template else "")


@contextmanager
def driver_statements() -> Iterator[list[Statement]]:
    """Every statement psycopg executes, flagged when it bypassed Django's cursor wrapper."""
    sent: list[Statement] = []
    in_django = [False]
    original = psycopg.Cursor.execute

    def django_wrapper(
        execute: Callable, sql: str, params: object, many: bool, context: dict
    ) -> object:
        in_django[0] = True
        try:
            return execute(sql, params, many, context)
        finally:
            in_django[0] = False

    def execute(
        self: psycopg.Cursor, query: object, params: object = None, *args: object, **kwargs: object
    ) -> object:
        sql = query if isinstance(query, str) else repr(query)
        for value in params or ():
            sql = sql.replace("%s", repr(value), 1)
        sent.append(Statement(sql, in_django[0], _origin(sys._getframe(1))))
        return original(self, query, params, *args, **kwargs)

    psycopg.Cursor.execute = execute
    try:
        with connection.execute_wrapper(django_wrapper):
            yield sent
    finally:
        psycopg.Cursor.execute = original


PAGE_CACHE = "cms.page_cache.PageCacheMiddleware"
VARIANTS = ("plain", "union", "cached")


def build_handler(variant: str) -> WSGIHandler:
    """A WSGI handler with the variant's middleware; it is loaded at construction.

    `cached` is the real stack; `union` is it without the page cache; `plain` is
    that with the tenant middleware replaced by the pinned schema.
    """
    if variant == "cached":
        return WSGIHandler()
    middleware = [m for m in settings.MIDDLEWARE if m != PAGE_CACHE]
    if variant == "plain":
        pinned = f"{__name__}.PinnedUnionMiddleware"
        middleware = [
            pinned if m == "tenants.host_routing.UnionMiddleware" else m for m in middleware
        ]
    with override_settings(MIDDLEWARE=middleware):
        return WSGIHandler()


def timed_round(
    handlers: dict[str, WSGIHandler], host: str, path: str, requests: int
) -> dict[str, float]:
    """Requests per second of each variant over `requests` GETs each, interleaved.

    The variants take turns request by request (the first alternating too), so a
    burst of load from elsewhere on the machine slows both alike. Taking turns is
    faithful to each: UnionMiddleware resets the schema on every request anyway, and
    a union request leaves the connection on the same schema the plain one pins.
    """
    spent = dict.fromkeys(handlers, 0.0)
    order = list(handlers)
    for i in range(requests):
        for variant in order if i % 2 == 0 else reversed(order):
            start = time.perf_counter()
            status, _body = get(handlers[variant], host, path)
            spent[variant] += time.perf_counter() - start
            if not status.startswith("200"):
                raise RuntimeError(f"{variant}: {host}{path} answered {status}")
    return {variant: requests / seconds for variant, seconds in spent.items()}


def count_queries(
    handler: WSGIHandler, host: str, path: str, title: str
) -> tuple[list[str], list[Statement]]:
    with CaptureQueriesContext(connection) as captured, driver_statements() as sent:
        status, body = get(handler, host, path)
    # A 200 from the wrong schema (say, the national site) would be a fast lie.
    if not status.startswith("200") or escape(title).encode() not in body:
        raise RuntimeError(f"{host}{path} answered {status} without the article's title")
    return [q["sql"] for q in captured.captured_queries], sent


def short(sql: str, width: int = 120) -> str:
    """The statement without its column list: `SELECT … FROM table WHERE …`."""
    sql = " ".join(sql.split())
    if sql.startswith("SELECT "):
        depth = 0
        for i in range(len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[i], 0)
            if depth == 0 and sql.startswith(" FROM ", i):
                sql = "SELECT … " + sql[i + 1 :]
                break
    return sql if len(sql) <= width else sql[: width - 1] + "…"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--requests", type=int, default=300, help="timed requests per variant per round"
    )
    parser.add_argument("--warmup", type=int, default=50, help="untimed requests per variant")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of interleaved requests")
    parser.add_argument("--quiet", action="store_true", help="do not list the queries")
    args = parser.parse_args()

    path, title = article_path()
    host = union_host(SCHEMA)
    results: dict[str, list[float]] = {variant: [] for variant in VARIANTS}

    # DEBUG off for the whole run: with it on, every query is also logged in memory
    # and templates run in debug mode -- neither happens in production.
    with override_settings(DEBUG=False):
        handlers = {variant: build_handler(variant) for variant in VARIANTS}
        # Warm-up also fills the per-process caches (templates, Wagtail's site root
        # paths, the ContentType cache of the plain side) as a running server has them.
        for _ in range(args.warmup):
            for handler in handlers.values():
                get(handler, host, path)
        queries = {
            variant: count_queries(handler, host, path, title)
            for variant, handler in handlers.items()
        }

        for _ in range(args.rounds):
            for variant, value in timed_round(handlers, host, path, args.requests).items():
                results[variant].append(value)

    rps = {variant: statistics.median(values) for variant, values in results.items()}
    ratio = rps["union"] / rps["plain"]
    print(f"\nPage: http://{host}{path}")
    print(
        f"Method: in-process WSGIHandler, sequential, variants interleaved request by "
        f"request, {args.requests} requests x {args.rounds} rounds per variant after "
        f"{args.warmup} warm-up, DEBUG=False, "
        f"plain and union uncached, cached = union with its page cache, {os.cpu_count()} "
        "CPUs, load average "
        f"{os.getloadavg()[0]:.2f} at the end"
    )
    print(f"{'variant':<8}{'req/s':>9}{'rounds':>30}{'queries':>9}{'driver stmts':>14}")
    for variant in VARIANTS:
        rounds = " ".join(f"{v:.0f}" for v in results[variant])
        django_q, sent = queries[variant]
        print(f"{variant:<8}{rps[variant]:>9.1f}{rounds:>30}{len(django_q):>9}{len(sent):>14}")
    paired = [u / p for u, p in zip(results["union"], results["plain"], strict=True)]
    print(f"ratio union/plain: {ratio:.2f}x (per round: {' '.join(f'{r:.2f}' for r in paired)})")
    overhead_ms = 1000 / rps["union"] - 1000 / rps["plain"]
    print(
        f"time per page: plain {1000 / rps['plain']:.2f} ms, union "
        f"{1000 / rps['union']:.2f} ms, tenancy overhead {overhead_ms:.2f} ms"
    )
    union_q = len(queries["union"][0])
    cached_ratio = rps["cached"] / rps["plain"]
    print(f"ratio cached/plain: {cached_ratio:.2f}x")
    print(f"goal union/plain >= {GOAL_RATIO}: {'met' if ratio >= GOAL_RATIO else 'NOT met'}")
    print(
        f"goal cached/plain >= {GOAL_CACHED_RATIO}: "
        f"{'met' if cached_ratio >= GOAL_CACHED_RATIO else 'NOT met'}"
    )
    print(
        f"goal <= {GOAL_QUERIES} queries per page (union): "
        f"{'met' if union_q <= GOAL_QUERIES else 'NOT met'} ({union_q})"
    )
    if not args.quiet:
        for variant in VARIANTS:
            django_q, sent = queries[variant]
            print(
                f"\n{variant}: {len(django_q)} queries seen by Django, "
                f"{len(sent)} statements sent by the driver "
                "(* = below Django's cursor wrapper)"
            )
            for i, statement in enumerate(sent, 1):
                flag = " " if statement.seen_by_django else "*"
                print(f"  {i:>2}{flag} {short(statement.sql)}\n       from {statement.origin}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
