"""The national rollups: each union's figures per period, kept in public.

`union_metrics` computes a union's figures for one period from its own schema (the
ground truth); `rollup_refresh` writes them into `national.Rollup`. Records changes
refresh the periods they touched after commit, through Celery, and a nightly
reconcile refreshes everything, so the table never drifts from the records.
"""

from django.db import connection, transaction

from cms.records.models import ReportingPeriod
from cms.records.selectors import period_figures
from lhh.national.models import Rollup
from tenants.models import Union


def union_metrics(period: ReportingPeriod) -> dict[str, int]:
    """The current union's figures for `period`, flat: {"members": 23628, ...}."""
    figures = period_figures(period)
    metrics = {"members": figures["members"]}
    for kind, count in figures["organisations"].items():
        metrics[f"organisations.{kind}"] = count
    for kind, row in figures["activities"].items():
        for name, value in row.items():
            if value:
                metrics[f"activities.{kind}.{name}"] = value
    metrics.update(_site_metrics(period))
    return metrics


def _site_metrics(period: ReportingPeriod) -> dict[str, int]:
    from django.db.models import Sum

    from cms.models import NewsArticlePage, VisitDay

    visits = VisitDay.objects.filter(day__range=(period.starts_on, period.ends_on)).aggregate(
        n=Sum("views", default=0)
    )["n"]
    news = (
        NewsArticlePage.objects.live()
        .filter(published_on__range=(period.starts_on, period.ends_on))
        .count()
    )
    return {key: value for key, value in (("site.visits", visits), ("site.news", news)) if value}


@transaction.atomic
def rollup_refresh(period_ids: list[int] | None = None) -> int:
    """Recompute the current union's rollups for these periods (all when None)."""
    union = Union.objects.get(schema_name=connection.schema_name)
    periods = ReportingPeriod.objects.all()
    if period_ids is not None:
        periods = periods.filter(pk__in=period_ids)
    written = 0
    for period in periods:
        metrics = union_metrics(period)
        key = {"union": union, "period_kind": period.kind, "year": period.year, "half": period.half}
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
        kept = {(p.kind, p.year, p.half) for p in ReportingPeriod.objects.all()}
        for kind, year, half in (
            Rollup.objects.filter(union=union).values_list("period_kind", "year", "half").distinct()
        ):
            if (kind, year, half) not in kept:
                Rollup.objects.filter(union=union, period_kind=kind, year=year, half=half).delete()
    return written
