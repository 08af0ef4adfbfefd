"""The visitor counter (thống kê truy cập): online now, today, last 7 days, total.

A page view never writes to the database: it increments counters in the
tenant-keyed cache, and a periodic task (`cms.tasks.visits_flush`) moves them
into `VisitDay` rows. The figures shown are cached for a minute.
"""

import datetime as dt
import hashlib
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from cms.models import UnionSiteSettings, VisitDay
from lhh.web.ratelimit import client_address

ONLINE_WINDOW_SECONDS = 300
STATS_SECONDS = 60
_PENDING_DAYS_KEPT = 3
_STATS_KEY = "visits:stats"
_NOT_PAGES = ("/admin/", "/media/", "/documents/", "/static/", "/y-kien-ban-doc/")


def _pending_key(day: dt.date) -> str:
    return f"visits:pending:{day.isoformat()}"


def _incr(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def visit_record(request: HttpRequest) -> None:
    """Count one page view of the current union, and its visitor as online."""
    _incr(_pending_key(timezone.localdate()), _PENDING_DAYS_KEPT * 86400)
    bucket = int(time.time()) // ONLINE_WINDOW_SECONDS
    fingerprint = f"{client_address(request)}|{request.headers.get('user-agent', '')}"
    visitor = hashlib.sha256(fingerprint.encode()).hexdigest()[:16]
    if cache.add(f"visits:seen:{bucket}:{visitor}", 1, timeout=2 * ONLINE_WINDOW_SECONDS):
        _incr(f"visits:online:{bucket}", 2 * ONLINE_WINDOW_SECONDS)


def visits_flush() -> int:
    """Move the cached page views of the current union into VisitDay. Returns how many."""
    moved = 0
    today = timezone.localdate()
    for offset in range(_PENDING_DAYS_KEPT):
        day = today - dt.timedelta(days=offset)
        key = _pending_key(day)
        pending = cache.get(key) or 0
        if not pending:
            continue
        with transaction.atomic():
            VisitDay.objects.get_or_create(day=day)
            VisitDay.objects.filter(day=day).update(views=F("views") + pending)
        # Views counted while we wrote stay in the counter for the next flush.
        cache.decr(key, pending)
        moved += pending
    if moved:
        cache.delete(_STATS_KEY)
    return moved


def visit_stats() -> dict[str, int]:
    """Online now, today, the last 7 days and the total, including views not flushed yet."""
    stats = cache.get(_STATS_KEY)
    if stats is not None:
        return stats
    today = timezone.localdate()
    week_start = today - dt.timedelta(days=6)
    sums = VisitDay.objects.aggregate(
        total=Sum("views", default=0),
        today=Sum("views", filter=Q(day=today), default=0),
        week=Sum("views", filter=Q(day__gte=week_start), default=0),
    )
    pending_today = cache.get(_pending_key(today)) or 0
    pending_earlier = sum(
        cache.get(_pending_key(today - dt.timedelta(days=offset))) or 0
        for offset in range(1, _PENDING_DAYS_KEPT)
    )
    baseline = (
        UnionSiteSettings.objects.values_list("visits_before_platform", flat=True).first() or 0
    )
    bucket = int(time.time()) // ONLINE_WINDOW_SECONDS
    stats = {
        "online": max(
            cache.get(f"visits:online:{bucket}") or 0,
            cache.get(f"visits:online:{bucket - 1}") or 0,
            1,  # the visitor reading it
        ),
        "today": sums["today"] + pending_today,
        "week": sums["week"] + pending_today + pending_earlier,
        "total": sums["total"] + pending_today + pending_earlier + baseline,
    }
    cache.set(_STATS_KEY, stats, STATS_SECONDS)
    return stats


class VisitCounterMiddleware:
    """Counts page views of union sites, cached pages included, without a database write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.method == "GET"
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
            and not request.path.startswith(_NOT_PAGES)
            and connection.schema_name != get_public_schema_name()
        ):
            visit_record(request)
        return response
