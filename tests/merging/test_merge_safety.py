"""A merge refused, killed half-way, or watched from a third union."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from cms.models import NewsArticlePage
from lhh.national.models import Rollup, RollupTotal
from lhh.national.rollups import rollup_refresh, rollup_totals_rebuild
from tenants.lifecycle import union_set_status
from tenants.merging import merge_carry_out, merge_request
from tenants.models import Union, UnionMerge, UnionMergeMap
from tenants.selectors import union_host
from tests.conftest import wait_for
from tests.merging.content import row_counts


def _refused(match: str, **kwargs) -> None:
    before = UnionMerge.objects.count()
    with pytest.raises(ValidationError, match=match):
        merge_request(actor="vusta", **kwargs)
    assert UnionMerge.objects.count() == before


def test_bad_merges_are_refused_in_vietnamese_and_change_nothing(pair, union_pair):
    absorbed, absorbing = pair.absorbed, pair.absorbing
    before = row_counts(absorbing.schema_name), row_counts(absorbed.schema_name)

    _refused("chính nó", absorbed=absorbed, absorbing=absorbed)
    union_set_status(union=absorbing, status="suspended", actor="vusta")
    _refused("Tạm ngừng", absorbed=absorbed, absorbing=absorbing)
    union_set_status(union=absorbing, status="archived", actor="vusta")
    _refused("Lưu trữ", absorbed=absorbed, absorbing=absorbing)
    union_set_status(union=absorbing, status="active", actor="vusta")

    # Two merges at once: a third union's merge into the absorbing one is open.
    third = union_pair[1].union
    open_merge = UnionMerge.objects.create(
        absorbed=third, absorbing=absorbing, merge_date="2026-01-01", requested_by="vusta"
    )
    try:
        _refused("đợt sáp nhập khác", absorbed=absorbed, absorbing=absorbing)
    finally:
        open_merge.delete()
    # A union already being merged (into the third union, still running).
    open_merge = UnionMerge.objects.create(
        absorbed=absorbed, absorbing=third, merge_date="2026-01-01", requested_by="vusta",
        state=UnionMerge.State.RUNNING,
    )  # fmt: skip
    try:
        _refused("đợt sáp nhập khác", absorbed=absorbed, absorbing=absorbing)
    finally:
        open_merge.delete()

    # A failed schema: a table lost (a clone or restore that stopped half-way) while the
    # migration ledger says all is there.
    with connection.cursor() as cursor:
        cursor.execute(
            f'ALTER TABLE "{absorbed.schema_name}".records_activity RENAME TO records_activity_x'
        )
    try:
        _refused("không đầy đủ", absorbed=absorbed, absorbing=absorbing)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                f'ALTER TABLE "{absorbed.schema_name}".records_activity_x '
                "RENAME TO records_activity"
            )

    # A lagging schema (a migration missing), then a missing one.
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{absorbed.schema_name}".django_migrations '
            "WHERE app = 'records' AND name = '0006_merge_moved_from'"
        )
    try:
        _refused("chưa được cập nhật", absorbed=absorbed, absorbing=absorbing)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO "{absorbed.schema_name}".django_migrations (app, name, applied) '
                "VALUES ('records', '0006_merge_moved_from', now())"
            )
    with connection.cursor() as cursor:
        cursor.execute(
            f'ALTER SCHEMA "{absorbed.schema_name}" RENAME TO "{absorbed.schema_name}_x"'
        )
    try:
        _refused("không còn trên máy chủ", absorbed=absorbed, absorbing=absorbing)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                f'ALTER SCHEMA "{absorbed.schema_name}_x" RENAME TO "{absorbed.schema_name}"'
            )

    # Already merged.
    merge = merge_request(absorbed=absorbed, absorbing=absorbing, actor="vusta", queue=False)
    merge_carry_out(merge_id=merge.pk)
    absorbed.refresh_from_db()
    _refused("đã được sáp nhập", absorbed=absorbed, absorbing=absorbing)
    _refused("Đã sáp nhập", absorbed=absorbing, absorbing=absorbed)
    assert before[1] == row_counts(absorbed.schema_name) | {
        "django_session": before[1]["django_session"]
    }


def test_a_third_union_is_never_touched_and_nothing_of_the_absorbed_is_served_elsewhere(
    pair, union_pair
):
    third = union_pair[1]
    before = row_counts(third.schema_name)
    merge = merge_request(
        absorbed=pair.absorbed, absorbing=pair.absorbing, actor="vusta", queue=False
    )
    merge_carry_out(merge_id=merge.pk)
    assert row_counts(third.schema_name) == before
    with schema_context(pair.absorbing.schema_name):
        assert not NewsArticlePage.objects.filter(title=third.sentinel_title).exists()
    path = f"/{pair.absorbed.schema_name}/tin-tuc/hoi-thao/"
    assert third.client().get(path).status_code == 404
    assert Client(HTTP_HOST=union_host(pair.absorbing.schema_name)).get(path).status_code == 200
    # The old host sends everything to the absorbing union's host only.
    for old_path in ("/", "/tin-tuc/hoi-thao/", "/media/x/y.png", "/admin/"):
        location = Client(HTTP_HOST=union_host(pair.absorbed.schema_name)).get(old_path)["Location"]
        assert location.startswith(f"http://{union_host(pair.absorbing.schema_name)}/")
    # A merged union cannot come back to life; archived later by national staff, its
    # addresses still lead to the absorbing site.
    with pytest.raises(ValidationError, match="chỉ có thể chuyển sang lưu trữ"):
        union_set_status(
            union=Union.objects.get(pk=pair.absorbed.pk), status="active", actor="vusta"
        )
    union_set_status(union=Union.objects.get(pk=pair.absorbed.pk), status="archived", actor="vusta")
    old = Client(HTTP_HOST=union_host(pair.absorbed.schema_name)).get("/tin-tuc/hoi-thao/")
    assert old.status_code == 301


def _total(scope: str, year: int, half: int, metric: str) -> int:
    row = RollupTotal.objects.filter(
        scope=scope, period_kind="half", year=year, half=half, metric=metric
    ).first()
    return row.value if row else 0


def test_national_statistics_never_double_count(pair):
    absorbed, absorbing = pair.absorbed, pair.absorbing
    for union in (absorbed, absorbing):
        with schema_context(union.schema_name):
            rollup_refresh()
    # From the totals as the nightly rebuild leaves them: unions other tests made and
    # dropped in this database leave theirs drifted, and the merger rebuilds them.
    rollup_totals_rebuild()
    scope = f"current:{absorbing.province_id}"
    before = (_total(scope, 2024, 1, "members"), _total(scope, 2026, 2, "activities.seminar.count"))

    merge = merge_request(absorbed=absorbed, absorbing=absorbing, actor="vusta", queue=False)
    merge_carry_out(merge_id=merge.pk)

    after = (_total(scope, 2024, 1, "members"), _total(scope, 2026, 2, "activities.seminar.count"))
    assert after == before
    # Before the merge date each union keeps its own figures…
    members = dict(
        Rollup.objects.filter(metric="members", year=2024, half=1).values_list("union", "value")
    )
    assert members[absorbed.pk] == 200 and members[absorbing.pk] == 2000
    # …after it, the absorbing union reports for both.
    seminars = Rollup.objects.filter(year=2026, half=2, metric="activities.seminar.count")
    assert dict(seminars.values_list("union", "value")).get(absorbing.pk) == 2
    assert not seminars.filter(union=absorbed).exists()


def test_a_worker_killed_mid_merge_leaves_both_unions_as_they_were_and_a_rerun_finishes(
    pair, paused_worker
):
    absorbed, absorbing = pair.absorbed, pair.absorbing
    worker = paused_worker("union_merge")
    before = row_counts(absorbing.schema_name)
    merge = merge_request(absorbed=absorbed, absorbing=absorbing, actor="vusta")  # queued
    worker.wait_paused(timeout=120)
    worker.kill()

    # From outside, both unions are as they were.
    def rolled_back() -> bool:
        return row_counts(absorbing.schema_name) == before

    wait_for(rolled_back, timeout=15, what="the rollback")
    absorbed.refresh_from_db()
    assert absorbed.status == Union.Status.ACTIVE
    old_site = Client(HTTP_HOST=union_host(absorbed.schema_name))
    assert old_site.get("/tin-tuc/hoi-thao/").status_code == 200
    new_site = Client(HTTP_HOST=union_host(absorbing.schema_name))
    assert new_site.get(f"/{absorbed.schema_name}/").status_code == 404
    assert not UnionMergeMap.objects.filter(merge=merge).exists()
    merge.refresh_from_db()
    assert merge.state == UnionMerge.State.RUNNING and merge.backup_name

    # Running it again finishes, once.
    out = io.StringIO()
    call_command("union_merge", "--resume", stdout=out)
    assert f"{absorbed.schema_name}: Đã sáp nhập" in out.getvalue()
    merge.refresh_from_db()
    assert merge.state == UnionMerge.State.DONE
    with schema_context(absorbing.schema_name):
        assert NewsArticlePage.objects.count() == 4
        assert NewsArticlePage.objects.filter(title="Hội thảo khoa học Hải Dương").count() == 1
    assert old_site.get("/tin-tuc/hoi-thao/").status_code == 301
    assert new_site.get(f"/{absorbed.schema_name}/tin-tuc/hoi-thao/").status_code == 200


def test_two_merges_asked_at_once_one_is_refused(pair, union_pair):
    """Two national staff ask, at the same moment, to merge Hải Dương's union into two
    different unions: one merge is recorded, the other refused, nothing else changes."""
    import threading

    from django.db import connections

    absorbed, third = pair.absorbed, union_pair[1].union
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def ask(absorbing: Union) -> None:
        try:
            barrier.wait(timeout=30)
            merge_request(absorbed=absorbed, absorbing=absorbing, actor="vusta", queue=False)
            outcomes[absorbing.schema_name] = "recorded"
        except ValidationError as error:
            outcomes[absorbing.schema_name] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(u,)) for u in (pair.absorbing, third)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert list(outcomes.values()).count("recorded") == 1, outcomes
        refused = next(o for o in outcomes.values() if isinstance(o, ValidationError))
        assert "đợt sáp nhập khác" in " ".join(refused.messages)
        assert UnionMerge.objects.filter(absorbed=absorbed).count() == 1
    finally:
        UnionMerge.objects.filter(absorbed=absorbed).delete()
