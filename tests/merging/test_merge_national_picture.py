"""The national picture around a merger: statistics by union, by former province and by
current province before and after the merge date, sign-up beside a former province's
union, the merge offered, and both predecessors' terms kept."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from cms.records.models import Committee, Congress, Person, Position
from cms.records.selectors import leadership_current
from lhh.national import selectors
from lhh.national.models import RollupTotal
from lhh.national.rollups import rollup_refresh, rollup_totals_rebuild
from lhh.national.selectors import PeriodKey, Scope
from tenants.merging import merge_carry_out, merge_request
from tenants.models import OnboardingPolicy, Province, Union, UnionFormerProvince
from tenants.onboarding.selectors import province_check
from tenants.selectors import merge_partners
from tests.conftest import login_with_second_step
from tests.provinces import union_place

BEFORE = PeriodKey("half", 2024, 1)  # ends before the merger: each union's own figures
AFTER = PeriodKey("half", 2026, 2)  # ends after it: the absorbing union reports for both


def _totals() -> dict:
    return {
        (t.scope, t.period_kind, t.year, t.half, t.metric): (t.value, t.unions)
        for t in RollupTotal.objects.all()
    }


def _without(groups: dict, *names: str) -> dict:
    return {name: figures for name, figures in groups.items() if name not in names}


def test_statistics_by_union_former_and_current_province_around_the_merge_date(pair):
    absorbed, absorbing = pair.absorbed, pair.absorbing
    hai_duong = Province.objects.get(name="Hải Dương", is_current=False)
    for union in (absorbed, absorbing):
        with schema_context(union.schema_name):
            rollup_refresh()
    rollup_totals_rebuild()

    def views() -> dict:
        return {
            (period, group_by): selectors.statistics(period, group_by, "")
            for period in (BEFORE, AFTER)
            for group_by in ("union", "former_province", "province")
        }

    before = views()
    assert before[BEFORE, "union"][absorbed.schema_name]["members"] == 200
    assert before[BEFORE, "union"][absorbing.schema_name]["members"] == 2000
    seminars = "activities.seminar.count"

    merge = merge_request(absorbed=absorbed, absorbing=absorbing, actor="vusta", queue=False)
    merge_carry_out(merge_id=merge.pk)
    assert BEFORE.ends_on < merge.merge_date <= AFTER.ends_on
    assert set(
        UnionFormerProvince.objects.filter(union=absorbing).values_list("province__name", "since")
    ) == {("Hải Phòng", None), ("Hải Dương", merge.merge_date)}
    after = views()

    # Before the merge date every view stands as it was.
    for group_by in ("union", "former_province", "province"):
        assert after[BEFORE, group_by] == before[BEFORE, group_by], group_by
    # After it: one union, one former-province group for both, the same current province.
    by_union = after[AFTER, "union"]
    assert absorbed.schema_name not in by_union
    assert by_union[absorbing.schema_name][seminars] == 2
    assert _without(by_union, absorbing.schema_name) == _without(
        before[AFTER, "union"], absorbed.schema_name, absorbing.schema_name
    )
    by_former = after[AFTER, "former_province"]
    assert by_former["Hải Phòng, Hải Dương"][seminars] == 2
    assert sum(g.get(seminars, 0) for g in by_former.values()) == sum(
        g.get(seminars, 0) for g in before[AFTER, "former_province"].values()
    )  # no figure counted twice
    assert after[AFTER, "province"] == before[AFTER, "province"]

    # Filtered on former Hải Dương: its own union before, the absorbing union after.
    scope = Scope(province_id=hai_duong.pk, province_view="former")
    assert set(scope.unions(BEFORE)) >= {absorbed} and absorbing not in scope.unions(BEFORE)
    assert absorbing in scope.unions(AFTER) and absorbed not in scope.unions(AFTER)
    dashboard = selectors.dashboard(BEFORE, scope)
    assert [u for u, _m in dashboard["top"] if u.pk in (absorbed.pk, absorbing.pk)] == [absorbed]
    key = f"province:{hai_duong.pk}"
    totals = _totals()
    assert totals[(key, "half", 2026, 2, seminars)][0] >= 2
    # Region and province at once read each union's rows: the same periods rule.
    region = Scope(province_id=hai_duong.pk, region_id=absorbing.province.region_id)
    rows = {(r.union_id, r.year) for r in region.rollups().filter(metric="members")}
    assert (absorbed.pk, 2024) in rows and (absorbing.pk, 2024) not in rows
    # The kept totals, added to after the merger, equal a rebuild from the rows.
    rollup_totals_rebuild()
    assert _totals() == totals


def test_the_former_province_views_cost_the_same_queries_however_many_unions(pair):
    """Query counts bounded: more unions covering more provinces read no more queries."""
    absorbed, absorbing = pair.absorbed, pair.absorbing
    for union in (absorbed, absorbing):
        with schema_context(union.schema_name):
            rollup_refresh()

    def count(read) -> int:
        with CaptureQueriesContext(connection) as queries:
            read()
        return len([q for q in queries.captured_queries if not q["sql"].startswith("SET ")])

    reads = {
        "statistics": lambda: selectors.statistics(BEFORE, "former_province", ""),
        "dashboard": lambda: selectors.dashboard(BEFORE, Scope(province_view="former")),
        "tracking": lambda: selectors.province_tracking(BEFORE, "former"),
    }
    few = {name: count(read) for name, read in reads.items()}
    merge = merge_request(absorbed=absorbed, absorbing=absorbing, actor="vusta", queue=False)
    merge_carry_out(merge_id=merge.pk)  # the absorbing union now covers two
    union_place(absorbed, "Hải Phòng", "Hải Dương", "Hải Phòng")
    many = {name: count(read) for name, read in reads.items()}
    assert many == few
    assert few["statistics"] == 1 and few["tracking"] <= 6, few


def test_tracking_by_former_province_follows_the_merger(pair):
    absorbed, absorbing = pair.absorbed, pair.absorbing
    merge = merge_request(absorbed=absorbed, absorbing=absorbing, actor="vusta", queue=False)
    merge_carry_out(merge_id=merge.pk)

    def unions_of(period: PeriodKey, name: str) -> set[int]:
        rows = selectors.province_tracking(period, "former")["rows"]
        row = next(r for r in rows if r["province"].name == name)
        return {u["union"].pk for u in row["unions"]}

    # The absorbed union, merged, is off the platform; the absorbing one answers for both.
    assert absorbing.pk in unions_of(AFTER, "Hải Dương")
    assert absorbing.pk in unions_of(AFTER, "Hải Phòng")
    assert absorbing.pk not in unions_of(BEFORE, "Hải Dương")


def test_can_tho_signs_up_beside_soc_trangs_union_and_the_merge_is_offered(
    union_a, union_b, union_pair
):
    """Sóc Trăng's union counts as Cần Thơ; Cần Thơ's own union may still sign up, and once
    both are there national staff and the new union's admin are offered the merge."""
    can_tho = Province.objects.get(name="Cần Thơ", is_current=True)
    policy = OnboardingPolicy.load()
    # Other unions a run may have left in Cần Thơ (the demo's Sóc Trăng) leave it.
    Union.objects.filter(province=can_tho).exclude(
        pk__in=[union_a.union.pk, union_b.union.pk]
    ).update(province=None)
    union_place(union_a.union, "Cần Thơ", "Sóc Trăng")
    province_check(can_tho, policy=policy)  # Sóc Trăng's union does not hold Cần Thơ

    union_place(union_b.union, "Cần Thơ", "Cần Thơ")  # Cần Thơ's own, signed up
    with pytest.raises(ValidationError, match="Cần Thơ đã có Liên hiệp Hội"):
        province_check(can_tho, policy=policy)
    soc_trangs, can_thos = (Union.objects.get(pk=u.union.pk) for u in (union_a, union_b))
    assert merge_partners(can_thos) == [soc_trangs]
    assert merge_partners(soc_trangs) == [can_thos]

    national = login_with_second_step(
        Client(HTTP_HOST="localhost"),
        get_user_model().objects.create_superuser("vusta-ct", "ct@example.vn", "x"),
    )
    directory = national.get("/admin/toan-quoc/lien-hiep-hoi/").content.decode()
    offer = (
        f"/admin/toan-quoc/sap-nhap/?absorbed={union_a.schema_name}&amp;"
        f"absorbing={union_b.schema_name}"
    )
    assert offer in directory and "cùng thuộc Cần Thơ" in directory

    # The admin home of Cần Thơ's union names Sóc Trăng's union, and nothing of a third.
    admin = union_b.client()
    with schema_context(union_b.schema_name):
        admin.force_login(get_user_model().objects.get(username="admin"))
    home = admin.get("/admin/").content.decode()
    assert "data-merge-offer" in home and union_a.union.name in home
    assert "(tỉnh cũ: Sóc Trăng)" in home
    for other in Union.objects.exclude(pk__in=[union_a.union.pk, union_b.union.pk]):
        assert other.name not in home.split("data-merge-offer")[1].split("</section>")[0]
    # A union with no other in its province sees no offer.
    union_place(union_b.union, "Thanh Hóa", "Thanh Hóa")
    assert "data-merge-offer" not in admin.get("/admin/").content.decode()


def test_terms_restart_after_the_merger_and_both_histories_stay(pair):
    """The merged union's own term restarts at I; its predecessors' terms stay readable,
    and a predecessor's later term never becomes the merged union's current one."""
    absorbed, absorbing = pair.absorbed, pair.absorbing
    with schema_context(absorbed.schema_name):
        # Hải Dương's union held its congress a year after Hải Phòng's.
        Congress.objects.update(starts_year=2022, ends_year=2027)
    call_command(
        "union_merge", absorbed.schema_name, "--into", absorbing.schema_name, stdout=io.StringIO()
    )
    with schema_context(absorbing.schema_name):
        leaders = leadership_current()
        assert [p.person.name for _kind, rows in leaders for p in rows] == ["Chủ tịch Hải Phòng"]
        first = Congress.objects.create(
            term_number=1, starts_year=2026, ends_year=2031, note="Đại hội lần thứ I sau sáp nhập"
        )
        Position.objects.create(
            committee=Committee.objects.create(congress=first, kind="executive"),
            role="president",
            person=Person.objects.create(name="Chủ tịch sau sáp nhập"),
        )
        leaders = leadership_current()
        assert [p.person.name for _kind, rows in leaders for p in rows] == ["Chủ tịch sau sáp nhập"]
    # Both histories, through the union's API: its own term 6, the predecessor's term 6.
    user = get_user_model()
    with schema_context(absorbing.schema_name):
        from api.services import token_create

        _row, key = token_create(
            user=user.objects.get(username="admin"), name="lịch sử", scope="read"
        )
    api = Client(HTTP_HOST=f"{absorbing.schema_name}.localhost")
    response = api.get("/api/v1/congresses/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    terms = {(c["term_number"], c["moved_from"]): c for c in response.json()["results"]}
    assert set(terms) == {(1, ""), (6, ""), (6, absorbed.schema_name)}
    moved = terms[(6, absorbed.schema_name)]
    assert moved["note"] == f"Nhiệm kỳ của {absorbed.name} trước sáp nhập"
    assert [p["name"] for c in moved["committees"] for p in c["positions"]] == [
        "Chủ tịch Hải Dương"
    ]
    assert [p["name"] for c in terms[(6, "")]["committees"] for p in c["positions"]] == [
        "Chủ tịch Hải Phòng"
    ]
