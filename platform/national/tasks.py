from lhh.celery import NationalTask, app
from lhh.national import rollups


@app.task
def rollup_refresh(period_ids: list[int] | None = None) -> int:
    """Recompute this union's rollups (a UnionTask: it runs in the union's schema)."""
    return rollups.rollup_refresh(period_ids)


@app.task(base=NationalTask)
def rollup_totals_rebuild() -> int:
    """Recompute the national totals from the per-union rollups: the nightly repair."""
    return rollups.rollup_totals_rebuild()


@app.task(base=NationalTask)
def national_report_build(report_id: int) -> None:
    from lhh.national.national_report import national_report_build as build

    build(report_id)


@app.task
def news_feed_refresh() -> int:
    """Copy this union's latest news into the national feed (a UnionTask)."""
    from lhh.national.news_feed import news_feed_refresh as refresh

    return refresh()


@app.task
def union_health_refresh() -> None:
    """Measure this union's last login and storage for the directory (a UnionTask)."""
    from lhh.national.health import union_health_refresh as refresh

    refresh()
