"""The national rollups: each union's figures per period, kept in public.

`union_metrics` computes a union's figures for one period from its own schema (the
ground truth); `rollup_refresh` writes them into `national.Rollup`. Records changes
refresh the periods they touched after commit, through Celery, and a nightly
reconcile refreshes everything, so the table never drifts from the records.

`RollupTotal` holds the same figures summed per scope (every union, a current
province, a province old or new), so the dashboard reads a few hundred rows rather
than every union's. `rollup_refresh` adds its own changes to them in its transaction;
`rollup_totals_rebuild` recomputes them all from `Rollup`, nightly and whenever a
union moves in or out of a scope.
"""

import datetime as dt

from django.db import connection, transaction
from django.db.models import QuerySet, Sum
from django_tenants.utils import schema_context

from cms.models import NewsArticlePage, VisitDay
from cms.records.models import Predecessor, ReportingPeriod
from cms.records.selectors import period_figures
from lhh.national.models import Rollup, RollupTotal
from lhh.web.schema_scope import current_schema
from tenants.models import Union, UnionFormerProvince

# Statuses of a union not yet made: neither its figures nor the union count anywhere.
UNCOUNTED_STATUSES = (Union.Status.PENDING, Union.Status.PROVISIONING)


def unions_counted() -> QuerySet[Union]:
    """The unions the national figures count: provincial ones, once made, but not a restored
    copy awaiting national staff's decision."""
    return Union.objects.filter(kind=Union.Kind.PROVINCIAL, review_pending=False).exclude(
        status__in=UNCOUNTED_STATUSES
    )


class ScopeKey:
    """The keys of `RollupTotal.scope`: every counted union (`all`), one current province
    (`current:<id>`; regions sum those at read time, so editing a region needs no
    rebuild), or one province as the console filters it, current or former
    (`province:<id>`)."""

    ALL = "all"
    CURRENT = "current:"
    PROVINCE = "province:"

    @classmethod
    def current(cls, province_id: int) -> str:
        return f"{cls.CURRENT}{province_id}"

    @classmethod
    def province(cls, province_id: int) -> str:
        return f"{cls.PROVINCE}{province_id}"


def union_metrics(period: ReportingPeriod) -> dict[str, int]:
    """The current union's figures for `period`, flat: {"members": 23628, ...}."""
    figures = period_figures(period)
    metrics = {}
    # No count entered for the period is unknown, not zero: the console counts the unions
    # that reported members, and a zero would drag the national change down.
    if figures["members_reported"]:
        metrics["members"] = figures["members"]
    for kind, count in figures["organisations"].items():
        metrics[f"organisations.{kind}"] = count
    for kind, row in figures["activities"].items():
        for name, value in row.items():
            if value:
                metrics[f"activities.{kind}.{name}"] = value
    for name, value in figures["contests"].items():
        if value:
            metrics[f"contests.{name}"] = value
    metrics.update(_site_metrics(period))
    return metrics


def _site_metrics(period: ReportingPeriod) -> dict[str, int]:
    visits = VisitDay.objects.filter(day__range=(period.starts_on, period.ends_on)).aggregate(
        n=Sum("views", default=0)
    )["n"]
    news = NewsArticlePage.objects.live().filter(
        published_on__range=(period.starts_on, period.ends_on)
    )
    # A merged predecessor's articles count as its own before the merger (see Predecessor).
    for section_path in Predecessor.objects.filter(merged_on__gt=period.ends_on).values_list(
        "section_path", flat=True
    ):
        news = news.exclude(path__startswith=section_path)
    news = news.count()
    return {key: value for key, value in (("site.visits", visits), ("site.news", news)) if value}


Coverage = list[tuple[int, dt.date | None]]


def union_coverage(union: Union) -> Coverage:
    """(former province, covered since) of every former province the union covers."""
    return list(UnionFormerProvince.objects.filter(union=union).values_list("province_id", "since"))


def union_scopes(
    union: Union, ends_on: dt.date | None = None, coverage: Coverage | None = None
) -> list[str]:
    """The totals (`ScopeKey`) a union's figures for a period ending on `ends_on` count in,
    sorted so that concurrent refreshes lock the shared rows in one order. A former
    province counts the union's figures only from the day it covers it (a merger's
    date: before it, the absorbed union's own figures stand for the province)."""
    if (
        union.kind != Union.Kind.PROVINCIAL
        or union.status in UNCOUNTED_STATUSES
        or union.review_pending
    ):
        return []
    scopes = {ScopeKey.ALL}
    if union.province_id:
        scopes |= {ScopeKey.current(union.province_id), ScopeKey.province(union.province_id)}
    for province_id, since in union_coverage(union) if coverage is None else coverage:
        if since is None or ends_on is None or since <= ends_on:
            scopes.add(ScopeKey.province(province_id))
    return sorted(scopes)


def _totals_add(
    scopes: list[str], period: tuple, before: dict[str, int], after: dict[str, int]
) -> None:
    """Add one union's change in one period (`before` → `after`) to its scopes' totals."""
    changes: list[tuple] = []
    for metric in sorted(before.keys() | after.keys()):
        value = after.get(metric, 0) - before.get(metric, 0)
        unions = (metric in after) - (metric in before)
        if value or unions:
            changes.extend((scope, *period, metric, value, unions) for scope in scopes)
    if not changes:
        return
    table = RollupTotal._meta.db_table
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(changes))
    with connection.cursor() as cursor:
        # An increment, not a read-modify-write: concurrent refreshes of other unions
        # add to the same rows without losing each other's changes.
        cursor.execute(
            f"""INSERT INTO {table} (scope, period_kind, year, half, metric, value, unions)
            VALUES {rows}
            ON CONFLICT (scope, period_kind, year, half, metric) DO UPDATE
            SET value = {table}.value + EXCLUDED.value, unions = {table}.unions + EXCLUDED.unions
            RETURNING id, unions""",
            [field for change in sorted(changes) for field in change],
        )
        emptied = [pk for pk, unions in cursor.fetchall() if unions <= 0]
    if emptied:
        RollupTotal.objects.filter(pk__in=emptied).delete()


def _periods_with_years(period_ids: list[int] | None) -> list[ReportingPeriod]:
    """The periods to refresh (all when None), and the year of each: a half-year's records
    count in its year too, which the union may never have recorded as a period."""
    recorded = ReportingPeriod.objects.all()
    if period_ids is not None:
        recorded = recorded.filter(pk__in=period_ids)
    periods = {(p.kind, p.year, p.half): p for p in recorded}
    for _kind, year, _half in list(periods):
        periods.setdefault(
            ("year", year, None), ReportingPeriod(kind=ReportingPeriod.Kind.YEAR, year=year)
        )
    return sorted(periods.values(), key=lambda p: (p.year, p.half or 3))


@transaction.atomic
def rollup_refresh(period_ids: list[int] | None = None) -> int:
    """Recompute the current union's rollups for these periods (all when None), and add
    the change to the national totals in the same transaction."""
    # Locked: two refreshes of one union would each add the same change to the totals.
    union = Union.objects.select_for_update().get(schema_name=current_schema())
    coverage = union_coverage(union)
    periods = _periods_with_years(period_ids)
    written = 0
    for period in periods:
        metrics = union_metrics(period)
        key = {"union": union, "period_kind": period.kind, "year": period.year, "half": period.half}
        before = dict(Rollup.objects.filter(**key).values_list("metric", "value"))
        scopes = union_scopes(union, period.ends_on, coverage)
        _totals_add(scopes, (period.kind, period.year, period.half), before, metrics)
        Rollup.objects.filter(**key).exclude(metric__in=metrics).delete()
        Rollup.objects.bulk_create(
            [Rollup(metric=metric, value=value, **key) for metric, value in metrics.items()],
            update_conflicts=True,
            unique_fields=["union", "period_kind", "year", "half", "metric"],
            update_fields=["value", "computed_at"],
        )
        written += len(metrics)
    if period_ids is None:
        # Periods deleted from the records leave no rollup behind.
        kept = {(p.kind, p.year, p.half) for p in periods}
        for kind, year, half in (
            Rollup.objects.filter(union=union).values_list("period_kind", "year", "half").distinct()
        ):
            if (kind, year, half) not in kept:
                gone = Rollup.objects.filter(union=union, period_kind=kind, year=year, half=half)
                before = dict(gone.values_list("metric", "value"))
                scopes = union_scopes(union, _period_ends_on(kind, year, half), coverage)
                _totals_add(scopes, (kind, year, half), before, {})
                gone.delete()
    return written


def _period_ends_on(kind: str, year: int, half: int | None) -> dt.date:
    return ReportingPeriod(kind=kind, year=year, half=half).ends_on


@transaction.atomic
def union_rollups_forget(union: Union, *, ending_from: dt.date | None = None) -> None:
    """Take a union's figures out of the totals and drop its rollups: before it is deleted
    (its rows would go by cascade, leaving the totals counting them), or, with
    `ending_from`, those of the periods a merger hands to the absorbing union."""
    union = Union.objects.select_for_update().get(pk=union.pk)
    rows = Rollup.objects.filter(union=union)
    periods: dict[tuple, dict[str, int]] = {}
    for kind, year, half, metric, value in rows.values_list(
        "period_kind", "year", "half", "metric", "value"
    ):
        if ending_from is None or _period_ends_on(kind, year, half) >= ending_from:
            periods.setdefault((kind, year, half), {})[metric] = value
    coverage = union_coverage(union)
    for period, before in periods.items():
        _totals_add(union_scopes(union, _period_ends_on(*period), coverage), period, before, {})
        kind, year, half = period
        rows.filter(period_kind=kind, year=year, half=half).delete()


def union_merged_statistics(*, absorbed: Union, absorbing: Union, merge_date: dt.date) -> None:
    """After a merger: periods ending before `merge_date` keep each union's own figures
    (the absorbing union's records leave the moved rows out of them, see
    `cms.records.models.Predecessor`); later periods are the absorbing union's alone."""
    union_rollups_forget(absorbed, ending_from=merge_date)
    with schema_context(absorbing.schema_name):
        rollup_refresh()
    # The absorbing union now covers the absorbed one's former provinces from the merger:
    # its figures already counted move into those provinces' totals.
    rollup_totals_rebuild()


_REBUILD_SQL = """
INSERT INTO {totals} (scope, period_kind, year, half, metric, value, unions)
SELECT s.scope, r.period_kind, r.year, r.half, r.metric, SUM(r.value), COUNT(*)
FROM {rollup} r
JOIN {union} u ON u.id = r.union_id
CROSS JOIN LATERAL (
    SELECT %(all)s AS scope
    UNION SELECT %(current)s || u.province_id WHERE u.province_id IS NOT NULL
    UNION SELECT %(province)s || u.province_id WHERE u.province_id IS NOT NULL
    -- covered in the period: `ReportingPeriod.ends_on` in SQL (30 June, else 31 December)
    UNION SELECT %(province)s || c.province_id FROM {coverage} c
    WHERE c.union_id = u.id AND (c.since IS NULL OR c.since <= make_date(
        r.year, CASE WHEN r.half = 1 THEN 6 ELSE 12 END, CASE WHEN r.half = 1 THEN 30 ELSE 31 END
    ))
) s
WHERE u.kind = %(kind)s AND u.status <> ALL(%(uncounted)s) AND NOT u.review_pending
GROUP BY 1, 2, 3, 4, 5
"""


@transaction.atomic
def rollup_totals_rebuild() -> int:
    """Recompute every total from the per-union rows (`union_scopes` in SQL). Returns rows."""
    totals = RollupTotal._meta.db_table
    with connection.cursor() as cursor:
        # Refreshes wait until the rebuilt rows are committed, then add to them; the
        # rebuild sees only committed rollups, so nothing is counted twice or lost.
        cursor.execute(f"LOCK TABLE {totals} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {totals}")
        cursor.execute(
            _REBUILD_SQL.format(
                totals=totals,
                rollup=Rollup._meta.db_table,
                union=Union._meta.db_table,
                coverage=UnionFormerProvince._meta.db_table,
            ),
            {
                "all": ScopeKey.ALL,
                "current": ScopeKey.CURRENT,
                "province": ScopeKey.PROVINCE,
                "kind": Union.Kind.PROVINCIAL.value,
                "uncounted": [status.value for status in UNCOUNTED_STATUSES],
            },
        )
        return cursor.rowcount
