"""The visitor counter: counted in the cache, flushed by a task, kept per union."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from cms.models import UnionSiteSettings, VisitDay
from cms.visit_counter import visit_stats, visits_flush


def _stats(union) -> dict[str, int]:
    with schema_context(union.schema_name):
        from django.core.cache import cache

        cache.delete("visits:stats")
        return visit_stats()


def test_a_page_view_writes_nothing_to_the_database(union_a):
    client = union_a.client()
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/tin-tuc/")
    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []


def test_views_are_counted_flushed_and_kept_per_union(union_a, union_b):
    before_a, before_b = _stats(union_a), _stats(union_b)
    for _ in range(3):
        union_a.client().get("/")
    union_a.client().get("/admin/login/")  # not a page of the site
    after_a = _stats(union_a)
    assert after_a["today"] == before_a["today"] + 3
    assert after_a["total"] == before_a["total"] + 3
    assert _stats(union_b) == before_b

    with schema_context(union_a.schema_name):
        assert visits_flush() == 3
        assert VisitDay.objects.get(day=timezone.localdate()).views >= 3
        assert visits_flush() == 0  # nothing counted twice
    assert _stats(union_a)["today"] == after_a["today"]
    with schema_context(union_b.schema_name):
        assert not VisitDay.objects.exists()


def test_totals_include_earlier_days_and_the_old_sites_count(union_a):
    today = timezone.localdate()
    with schema_context(union_a.schema_name):
        VisitDay.objects.create(day=today, views=21)
        for offset in range(1, 7):
            VisitDay.objects.create(day=today - dt.timedelta(days=offset), views=10)
        VisitDay.objects.create(day=today - dt.timedelta(days=30), views=100)
        UnionSiteSettings.objects.update(visits_before_platform=9_000)
    stats = _stats(union_a)
    assert (stats["today"], stats["week"], stats["total"]) == (21, 81, 9_181)
    body = union_a.client().get("/?xem=thong-ke").content.decode()
    assert 'data-visits="total">9.181<' in body
