"""The national rollups equal the ground truth computed straight from each union's records."""

import datetime as dt
import random

from django_tenants.utils import schema_context

from cms.records import services
from cms.records.models import Activity, MemberOrganisation, ReportingPeriod
from lhh.national.models import Rollup
from lhh.national.rollups import rollup_refresh, union_metrics

KINDS = ["training", "seminar", "publication", "tvpb", "contest", "legal_advice", "other"]


def _mutate(rng: random.Random, periods: list[ReportingPeriod]) -> None:
    """One random change through the services, as union staff would make it."""
    organisations = list(MemberOrganisation.objects.filter(status="active"))
    action = rng.choice(["organisation", "count", "activity", "activity", "delete", "archive"])
    period = rng.choice(periods)
    if action == "organisation" or not organisations:
        services.organisation_save(
            organisation=MemberOrganisation(
                name=f"Hội {rng.randrange(10**9)}",
                kind=rng.choice(MemberOrganisation.Kind.values[:4]),
            )
        )
    elif action == "count":
        services.member_count_set(
            organisation=rng.choice(organisations), period=period, members=rng.randrange(0, 5000)
        )
    elif action == "activity":
        kind = rng.choice(KINDS)
        extra = {
            "training": {"participants": rng.randrange(1, 300)},
            "publication": {"issue": "Số 1", "copies": rng.randrange(100, 2000)},
            "tvpb": {
                "requested_by": "UBND tỉnh",
                "assigned_on": period.starts_on,
                "status": "planned",
            },
            "contest": {"entries": 40, "prizes": rng.randrange(0, 40)},
            "legal_advice": {"quantity": rng.randrange(1, 100)},
        }.get(kind, {})
        services.activity_save(
            activity=Activity(kind=kind, title="Hoạt động", period=period, **extra)
        )
    elif action == "delete":
        activity = Activity.objects.order_by("?").first()
        if activity:
            services.activity_delete(activity=activity)
    else:
        services.organisation_delete(organisation=rng.choice(organisations))


def _rollups(union) -> dict:
    return {
        (r.period_kind, r.year, r.half, r.metric): r.value
        for r in Rollup.objects.filter(union=union.union)
    }


def _ground_truth(union) -> dict:
    with schema_context(union.schema_name):
        return {
            (p.kind, p.year, p.half, metric): value
            for p in ReportingPeriod.objects.all()
            for metric, value in union_metrics(p).items()
        }


def test_rollups_equal_the_records_after_random_changes(union_a, union_b):
    rng = random.Random(20250701)
    for union in (union_a, union_b):
        with schema_context(union.schema_name):
            periods = [
                services.period_get_or_create(kind="half", year=2025, half=1),
                services.period_get_or_create(kind="half", year=2025, half=2),
                services.period_get_or_create(kind="year", year=2025),
            ]
            for step in range(60):
                _mutate(rng, periods)
                if step % 15 == 14:
                    rollup_refresh([p.pk for p in periods])  # as the change events do
            rollup_refresh()  # as the nightly reconcile does
    for union in (union_a, union_b):
        truth = _ground_truth(union)
        assert truth and _rollups(union) == truth


def test_a_refresh_repairs_drift_and_forgets_deleted_periods(union_a):
    with schema_context(union_a.schema_name):
        period = services.period_get_or_create(kind="year", year=2024)
        organisation = services.organisation_save(
            organisation=MemberOrganisation(name="Hội Y học", kind="association")
        )
        services.member_count_set(organisation=organisation, period=period, members=100)
        rollup_refresh()
    Rollup.objects.filter(union=union_a.union, metric="members").update(value=999)
    Rollup.objects.create(
        union=union_a.union, period_kind="year", year=1999, metric="members", value=5
    )
    with schema_context(union_a.schema_name):
        rollup_refresh()
    assert _rollups(union_a) == _ground_truth(union_a)
    assert _rollups(union_a)[("year", 2024, None, "members")] == 100


def test_site_figures_count_in_their_period(union_a):
    from cms.models import VisitDay

    with schema_context(union_a.schema_name):
        period = services.period_get_or_create(kind="half", year=2026, half=2)
        VisitDay.objects.create(day=dt.date(2026, 8, 1), views=40)
        VisitDay.objects.create(day=dt.date(2026, 3, 1), views=7)  # another half
        metrics = union_metrics(period)
    assert metrics["site.visits"] == 40
