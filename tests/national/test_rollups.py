"""The national rollups equal the ground truth computed straight from each union's records."""

import datetime as dt
import random
from collections import defaultdict

import pytest
from django_tenants.utils import schema_context

from cms.records import services
from cms.records.models import Activity, MemberOrganisation, ReportingPeriod
from cms.records.signals import records_changed
from lhh.national import selectors
from lhh.national.models import Rollup, RollupTotal
from lhh.national.rollups import rollup_refresh, rollup_totals_rebuild, union_metrics
from tenants.models import Province, UnionFormerProvince
from tests.provinces import union_place

KINDS = ["training", "seminar", "publication", "tvpb", "contest", "legal_advice", "other"]


def _mutate(rng: random.Random, periods: list[ReportingPeriod]) -> None:
    """One random change through the services, as union staff would make it."""
    organisations = list(MemberOrganisation.objects.filter(status="active"))
    action = rng.choice(
        ["organisation", "count", "activity", "activity", "delete", "archive", "edit"]
    )
    period = rng.choice(periods)
    if action == "organisation" or not organisations:
        services.organisation_save(
            organisation=MemberOrganisation(
                name=f"Hội {rng.randrange(10**9)}",
                kind=rng.choice(MemberOrganisation.Kind.values[:4]),
                # Some join during the periods: the earlier ones do not count them.
                joined_on=rng.choice([None, dt.date(2025, 3, 1), dt.date(2025, 9, 1)]),
            )
        )
    elif action == "edit":
        organisation = rng.choice(organisations)
        organisation.kind = rng.choice(MemberOrganisation.Kind.values)
        services.organisation_save(organisation=organisation)
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
    """Every recorded period's figures, and every year's: a half-year counts in its year
    even when the union never recorded the year itself."""
    with schema_context(union.schema_name):
        periods = {(p.kind, p.year, p.half): p for p in ReportingPeriod.objects.all()}
        for _kind, year, _half in list(periods):
            periods.setdefault(("year", year, None), ReportingPeriod(kind="year", year=year))
        return {
            (kind, year, half, metric): value
            for (kind, year, half), p in periods.items()
            for metric, value in union_metrics(p).items()
        }


@pytest.fixture
def events_refresh(django_capture_on_commit_callbacks):
    """Run a change and refresh the rollups of exactly the periods its `records_changed`
    named, as the worker would: a change that moves a figure without saying so leaves
    the rollups behind, and the comparison with the records catches it."""
    from lhh.national.receivers import _records_changed

    def refresh(sender, schema_name: str, period_ids: list[int], **kwargs) -> None:
        with schema_context(schema_name):
            rollup_refresh(period_ids)

    records_changed.disconnect(dispatch_uid="national_rollup_refresh")
    records_changed.connect(refresh, dispatch_uid="test_rollup_refresh")

    def run(change, *args) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            change(*args)

    yield run
    records_changed.disconnect(dispatch_uid="test_rollup_refresh")
    records_changed.connect(_records_changed, dispatch_uid="national_rollup_refresh")


def _totals() -> dict:
    return {
        (t.scope, t.period_kind, t.year, t.half, t.metric): (t.value, t.unions)
        for t in RollupTotal.objects.all()
    }


def _totals_truth() -> dict:
    """Every scope's totals summed from the records of the unions the console's own
    filter (`Scope.unions`) picks for it in each period (a union covers a former
    province from a merger's date only)."""
    counted = list(selectors.Scope().unions())
    provinces = {u.province_id for u in counted} | set(
        UnionFormerProvince.objects.filter(union__in=counted).values_list("province_id", flat=True)
    )
    truth = {u.pk: _ground_truth(u) for u in counted}
    totals: dict = defaultdict(lambda: (0, 0))

    def add(scope: str, kind, year, half, metric, value) -> None:
        total, count = totals[(scope, kind, year, half, metric)]
        totals[(scope, kind, year, half, metric)] = (total + value, count + 1)

    for union in counted:
        for (kind, year, half, metric), value in truth[union.pk].items():
            add("all", kind, year, half, metric, value)
            period = selectors.PeriodKey(kind, year, half)
            for province in filter(None, provinces):
                if union.province_id == province:
                    add(f"current:{province}", kind, year, half, metric, value)
                if selectors.Scope(province_id=province).unions(period).filter(pk=union.pk):
                    add(f"province:{province}", kind, year, half, metric, value)
    return dict(totals)


def _place(union_a, union_b) -> Province:
    """A and B in one current province, A also under a former one; returns the region."""
    current = Province.objects.filter(is_current=True, region__isnull=False).first()
    former = Province.objects.filter(is_current=False).first()
    union_place(union_a.union, current.name, former.name)
    union_place(union_b.union, current.name)
    # Other unions in the database (a demo union an earlier run left under --reuse-db)
    # start from their records, as the nightly reconcile leaves them.
    for union in selectors.Scope().unions():
        with schema_context(union.schema_name):
            rollup_refresh()
    # Moving a union between scopes is a rebuild; a refresh only adds its own change.
    rollup_totals_rebuild()
    return current


def test_rollups_equal_the_records_after_random_changes(union_a, union_b, events_refresh):
    rng = random.Random(20250701)
    province = _place(union_a, union_b)
    for union in (union_a, union_b):
        with schema_context(union.schema_name):
            rollup_refresh()  # the starting point
            periods = [
                services.period_get_or_create(kind="half", year=2025, half=1),
                services.period_get_or_create(kind="half", year=2025, half=2),
                services.period_get_or_create(kind="year", year=2025),
            ]
            for _step in range(60):
                # Refreshed only by the events each change sends: no nightly repair here.
                events_refresh(_mutate, rng, periods)
    for union in (union_a, union_b):
        truth = _ground_truth(union)
        assert truth and _rollups(union) == truth
    # The totals were only ever added to by those refreshes, never rebuilt.
    truth = _totals_truth()
    assert ("all", "half", 2025, 1, "members") in truth
    assert (f"current:{province.pk}", "half", 2025, 1, "members") in truth
    assert _totals() == truth
    # What the dashboard shows for a region: the current provinces' totals, read now.
    period = selectors.PeriodKey("half", 2025, 1)
    region = selectors.Scope(region_id=province.region_id)
    expected = defaultdict(int)
    for union in region.unions():
        for (kind, year, half, metric), value in _ground_truth(union).items():
            if (kind, year, half) == ("half", 2025, 1):
                expected[metric] += value
    assert selectors._metric_totals(period, region) == expected


def _members_recorded(union, *, year: int, members: int) -> None:
    """One organisation with `members` in `year`, and the union's rollups refreshed."""
    with schema_context(union.schema_name):
        period = services.period_get_or_create(kind="year", year=year)
        organisation = services.organisation_save(
            organisation=MemberOrganisation(name=f"Hội {year}", kind="association")
        )
        services.member_count_set(organisation=organisation, period=period, members=members)
        rollup_refresh()


def test_the_nightly_rebuild_repairs_drifted_totals(union_a, union_b):
    _place(union_a, union_b)
    _members_recorded(union_a, year=2023, members=70)
    RollupTotal.objects.filter(scope="all", metric="members").update(value=1)
    RollupTotal.objects.create(
        scope="all", period_kind="year", year=1999, metric="members", value=5, unions=1
    )
    assert _totals() != _totals_truth()
    rollup_totals_rebuild()
    assert _totals() == _totals_truth()
    assert _totals()[("all", "year", 2023, None, "members")][0] >= 70


def test_a_refresh_repairs_drift_and_forgets_deleted_periods(union_a):
    _members_recorded(union_a, year=2024, members=100)
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


def test_a_deleted_unions_figures_leave_the_totals(union_a, union_b):
    """`union_delete` calls this before the union's rows go by cascade."""
    from lhh.national.rollups import union_rollups_forget

    _place(union_a, union_b)
    _members_recorded(union_a, year=2022, members=40)
    _members_recorded(union_b, year=2022, members=2)
    union_rollups_forget(union_a.union)
    assert not Rollup.objects.filter(union=union_a.union).exists()
    kept = _totals()
    assert kept[("all", "year", 2022, None, "members")][0] >= 2
    rollup_totals_rebuild()  # recomputed from the rollups that are left
    assert kept == _totals()
