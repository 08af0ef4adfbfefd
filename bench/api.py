"""Requests per second of two API endpoints, each beside a plain DRF list over the same rows.

1. news: `GET /api/v1/news/` on the demo union's host (`thanhhoa.localhost`), anonymous,
   first page (20 articles). The demo union has 3 articles; A more (default 30) are added
   for the run, inside a transaction that is rolled back at the end.
   - api: the real stack. `UnionMiddleware` resolves the host and switches the schema,
     the view runs its throttles (anonymous, keyed by union), filters, ordering,
     pagination and sparse-field serializer.
   - plain: a `ListAPIView` over the same queryset with a plain `ModelSerializer` of the
     same fields (url, category and tags computed the same way) and DRF's own
     `PageNumberPagination` of 20: no authentication, no throttling, no filters, no
     sparse fields; the connection is pinned to the union's schema once, as in
     bench/serve.py's plain variant, and the tenant middleware replaced by a no-op.

2. statistics: `GET /api/v1/statistics/?period=2025-1&group_by=province` on the national
   host (`localhost`), with a national superuser's token, at N unions (default 1,000).
   - api: the real stack: token lookup, the national-staff permission, user throttle,
     the period parameter, and the province totals kept in `RollupTotal` (34 rows a
     metric).
   - plain: a `ListAPIView` that computes the same figures the straightforward way, from
     every counted union's rollups of that period grouped by province and metric, with
     a plain `Serializer`, no authentication, no throttling, on the public schema,
     unpaginated, as the real endpoint is.
   The endpoint reads only the public rollup table, never a union's schema, so the N
   unions are registry rows only: N `Union` rows (no schema is made for them) and their
   rollup rows (the demo union's real figures for one period, varied per union), made
   inside one transaction that is ROLLED BACK at the end. Nothing stays in the database.
   Django closes "old" connections at each request's start and end, which would close
   the connection inside such a transaction, so those two signal handlers are disconnected
   for the run, as Django's own TestCase does.

Method, as bench/serve.py: in-process through Django's WSGIHandler (no HTTP server, no
network), one request at a time; each variant warmed up, then timed over R requests per
round with the two variants taking turns request by request, so load from elsewhere on
a shared machine hits both alike; the median round is reported. DEBUG is off. Both
variants must answer 200 with the same rows (checked before timing). Queries per request
are counted with `CaptureQueriesContext`. Throttle counters live in the configured cache
(`--locmem-cache` puts them in process memory instead, to leave the cache's I/O out);
the throttle rates are raised so that no request is refused, but the throttles still run.

Run from the project root after `manage.py migrate_platform` and `manage.py
load_initial_data` (the demo union is created here if it is missing):

    .venv/bin/python bench/api.py
    .venv/bin/python bench/api.py --unions 1000 --requests 300 --rounds 3 --locmem-cache
"""

import argparse
import importlib.util
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import script_path  # bench/ off sys.path, before Django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lhh.settings.dev")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core import signals  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import close_old_connections, connection, transaction  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import path  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402
from rest_framework import generics, serializers  # noqa: E402
from rest_framework.pagination import PageNumberPagination  # noqa: E402
from rest_framework.permissions import AllowAny  # noqa: E402
from rest_framework.throttling import SimpleRateThrottle  # noqa: E402

from api.union_views import NewsViewSet  # noqa: E402
from cms.models import NewsArticlePage  # noqa: E402
from cms.records.models import ReportingPeriod  # noqa: E402
from lhh.national.models import Rollup  # noqa: E402
from lhh.national.rollups import rollup_totals_rebuild, union_metrics  # noqa: E402
from lhh.national.selectors import Scope  # noqa: E402
from tenants.models import Province, Union  # noqa: E402
from tenants.selectors import union_host  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_serve", script_path.BENCH / "serve.py")
serve = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(serve)
SCHEMA, article_path, wsgi_environ = serve.SCHEMA, serve.article_path, serve.wsgi_environ

PERIOD = ("half", 2025, 1)
NEWS_PATH = "/api/v1/news/"
STATISTICS_PATH = "/api/v1/statistics/"
STATISTICS_QUERY = "period=2025-1&group_by=province"
UNION_MIDDLEWARE = "tenants.host_routing.UnionMiddleware"


# --- The plain baselines ---------------------------------------------------------------------


class PlainNewsSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    category = serializers.CharField(source="category.name", default=None)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = NewsArticlePage
        fields = NewsViewSet.OutputSerializer.Meta.fields

    def get_url(self, article) -> str:
        return article.url

    def get_tags(self, article) -> list[str]:
        return [tag.name for tag in article.tags.all()]


class PlainPagination(PageNumberPagination):
    page_size = 20


class PlainList(generics.ListAPIView):
    """DRF's list and nothing else: no authentication, throttling or filters."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    filter_backends: list = []


class PlainNewsList(PlainList):
    serializer_class = PlainNewsSerializer
    pagination_class = PlainPagination

    def get_queryset(self):
        # The very rows the API lists, from its own method: only the serving differs.
        return NewsViewSet().records()


class PlainTotalSerializer(serializers.Serializer):
    province = serializers.CharField(source="union__province__name", allow_null=True)
    metric = serializers.CharField()
    total = serializers.IntegerField()


class PlainStatisticsList(PlainList):
    serializer_class = PlainTotalSerializer
    pagination_class = None

    def get_queryset(self):
        kind, year, half = PERIOD
        return (
            Rollup.objects.filter(
                period_kind=kind, year=year, half=half, union__in=Scope().unions()
            )
            .values("union__province__name", "metric")
            .annotate(total=Sum("value"))
            .order_by("union__province__name", "metric")
        )


urlpatterns = [
    path("api/v1/news/", PlainNewsList.as_view()),
    path("api/v1/statistics/", PlainStatisticsList.as_view()),
]


class PinnedSchemaMiddleware:
    """The plain baseline: the schema is chosen once, when the handler is built."""

    schema_name = "public"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.union = Union.objects.get(schema_name=self.schema_name)
        connection.set_tenant(self.union)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.tenant = self.union
        request.urlconf = __name__
        return self.get_response(request)


class PinnedUnion(PinnedSchemaMiddleware):
    schema_name = SCHEMA


class PinnedPublic(PinnedSchemaMiddleware):
    pass


def build_handler(pinned: type[PinnedSchemaMiddleware] | None) -> WSGIHandler:
    if pinned is None:
        return WSGIHandler()
    middleware = [
        f"{__name__}.{pinned.__name__}" if m == UNION_MIDDLEWARE else m for m in settings.MIDDLEWARE
    ]
    with override_settings(MIDDLEWARE=middleware):
        return WSGIHandler()


# --- Requests ------------------------------------------------------------------------------


def get(handler: WSGIHandler, host: str, path: str, query: str, token: str | None) -> bytes:
    environ = wsgi_environ(host, path)
    environ["QUERY_STRING"] = query
    environ["HTTP_ACCEPT"] = "application/json"
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    status_line: list[str] = []

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        status_line.append(status)

    result = handler(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()
    if not status_line[0].startswith("200"):
        raise RuntimeError(f"{host}{path}?{query} answered {status_line[0]}: {body[:300]!r}")
    return body


def queries(call: Callable[[], bytes]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def race(calls: dict[str, Callable[[], bytes]], warmup: int, requests: int, rounds: int) -> dict:
    """Requests per second of each call, interleaved request by request; median round."""
    for _ in range(warmup):
        for call in calls.values():
            call()
    per_round: dict[str, list[float]] = {name: [] for name in calls}
    order = list(calls)
    for _ in range(rounds):
        spent = dict.fromkeys(calls, 0.0)
        for i in range(requests):
            for name in order if i % 2 == 0 else reversed(order):
                start = time.perf_counter()
                calls[name]()
                spent[name] += time.perf_counter() - start
        for name in calls:
            per_round[name].append(requests / spent[name])
    return {name: (statistics.median(v), v) for name, v in per_round.items()}


def report(title: str, results: dict, counted: dict[str, int]) -> None:
    print(f"\n{title}")
    print(f"{'variant':<8}{'req/s':>9}{'ms/req':>9}{'queries':>9}   rounds")
    for name, (rps, rounds) in results.items():
        shown = " ".join(f"{v:.0f}" for v in rounds)
        print(f"{name:<8}{rps:>9.1f}{1000 / rps:>9.2f}{counted[name]:>9}   {shown}")
    ratio = results["api"][0] / results["plain"][0]
    print(
        f"ratio api/plain: {ratio:.2f}x; the API's extra time per request: "
        f"{1000 / results['api'][0] - 1000 / results['plain'][0]:.2f} ms"
    )


# --- The two measurements ------------------------------------------------------------------


@contextmanager
def rolled_back() -> Iterator[None]:
    """One transaction, rolled back at the end, that the requests of the run share.

    Django closes "old" connections when a request starts and ends; inside a transaction
    that would close it, so those handlers are off meanwhile, as in Django's TestCase.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        connection.set_schema_to_public()


def _fill_news(count: int) -> None:
    """`count` more live articles beside the demo union's own, like its newest one."""
    with schema_context(SCHEMA):
        model = NewsArticlePage.objects.live().order_by("-published_on").first()
        parent = model.get_parent()
        for n in range(count):
            parent.add_child(
                instance=NewsArticlePage(
                    title=f"{model.title} ({n + 1})",
                    slug=f"bench-api-{n + 1}",
                    summary=model.summary,
                    author=model.author,
                    category=model.category,
                    published_on=model.published_on,
                )
            )


def bench_news(args) -> None:
    article_path()  # makes the demo union when it is missing
    host = union_host(SCHEMA)
    with rolled_back():
        _fill_news(args.articles)
        handlers = {"plain": build_handler(PinnedUnion), "api": build_handler(None)}
        calls = {
            name: (lambda h=handler: get(h, host, NEWS_PATH, "", None))
            for name, handler in handlers.items()
        }
        pages = {name: json.loads(call()) for name, call in calls.items()}
        ids = {name: [row["id"] for row in page["results"]] for name, page in pages.items()}
        if ids["api"] != ids["plain"] or not ids["api"]:
            raise RuntimeError("the two news lists differ or are empty")
        counted = {name: queries(call) for name, call in calls.items()}
        results = race(calls, args.warmup, args.requests, args.rounds)
        report(
            f"News list: http://{host}{NEWS_PATH}, first page: {len(ids['api'])} of "
            f"{pages['api']['count']} articles ({args.articles} of them added for the run "
            "and rolled back)",
            results,
            counted,
        )


def _fill_unions(count: int) -> int:
    """N registry rows and their rollups for PERIOD; the caller rolls them back."""
    kind, year, half = PERIOD
    with schema_context(SCHEMA):
        period = (
            ReportingPeriod.objects.filter(activities__isnull=False)
            .order_by("-year", "-half")
            .first()
        )
        metrics = union_metrics(period)
    provinces = list(Province.objects.filter(is_current=True).order_by("pk"))
    unions = Union.objects.bulk_create(
        Union(
            schema_name=f"bapi{n:04d}",
            name=f"Liên hiệp Hội thử {n}",
            kind=Union.Kind.PROVINCIAL,
            status=Union.Status.ACTIVE,
            province=provinces[n % len(provinces)],
        )
        for n in range(count)
    )
    rollups = [
        Rollup(
            union=union,
            period_kind=kind,
            year=year,
            half=half,
            metric=metric,
            value=value + n % 7,
        )
        for n, union in enumerate(unions)
        for metric, value in metrics.items()
    ]
    Rollup.objects.bulk_create(rollups, batch_size=5000)
    # Written around rollup_refresh, so the kept totals the endpoint reads are rebuilt.
    rollup_totals_rebuild()
    return len(rollups)


def bench_statistics(args) -> None:
    from django.contrib.auth import get_user_model

    from api.services import token_create

    with rolled_back():
        # Other unions' rollups for this period count on both sides alike.
        existing = Rollup.objects.filter(
            period_kind=PERIOD[0], year=PERIOD[1], half=PERIOD[2]
        ).count()
        rows = _fill_unions(args.unions)
        user = get_user_model().objects.create_superuser("bench-api", "b@x.vn", None)
        _token, key = token_create(user=user, name="bench", scope="read")
        handlers = {"plain": build_handler(PinnedPublic), "api": build_handler(None)}
        calls = {
            "plain": lambda: get(handlers["plain"], "localhost", STATISTICS_PATH, "", None),
            "api": lambda: get(
                handlers["api"], "localhost", STATISTICS_PATH, STATISTICS_QUERY, key
            ),
        }
        api_groups = json.loads(calls["api"]())["groups"]
        plain_rows = json.loads(calls["plain"]())
        api_total = sum(sum(group.values()) for group in api_groups.values())
        plain_total = sum(row["total"] for row in plain_rows)
        if api_total != plain_total or not plain_rows:
            raise RuntimeError(f"totals differ: api {api_total}, plain {plain_total}")
        counted = {name: queries(call) for name, call in calls.items()}
        results = race(calls, args.warmup, args.requests, args.rounds)
        report(
            f"National statistics: http://localhost{STATISTICS_PATH}?{STATISTICS_QUERY} "
            f"at {args.unions} unions ({rows} rollup rows of theirs, {existing} of others; "
            f"{len(plain_rows)} province x metric sums, total {api_total})",
            results,
            counted,
        )
    left = Union.objects.filter(schema_name__startswith="bapi").count()
    print(f"rolled back: {left} bench unions left in the database")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--unions", type=int, default=1000)
    parser.add_argument(
        "--articles", type=int, default=30, help="articles added to the demo union's news"
    )
    parser.add_argument("--requests", type=int, default=300, help="timed requests per round")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--locmem-cache", action="store_true", help="throttle counters in process memory"
    )
    args = parser.parse_args()

    # Raised, not removed: the throttles still read and write their counters.
    SimpleRateThrottle.THROTTLE_RATES = {"anon": "10000000/minute", "user": "10000000/minute"}
    caches = settings.CACHES
    if args.locmem_cache:
        locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        caches = {**settings.CACHES, "default": locmem}
    # override_settings rebuilds the cache handlers when CACHES changes.
    with override_settings(DEBUG=False, CACHES=caches):
        print(
            f"Method: in-process WSGIHandler, sequential, variants interleaved request by "
            f"request, {args.requests} requests x {args.rounds} rounds after {args.warmup} "
            f"warm-up, DEBUG=False, cache {caches['default']['BACKEND'].rsplit('.', 1)[-1]}, "
            f"{os.cpu_count()} CPUs"
        )
        bench_news(args)
        bench_statistics(args)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
