"""National staff decide on a restored copy in the console: make it live (its province
free), archive it, or go on to delete it; audited, and no other union is touched."""

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context, schema_exists

from cms.records import services as records
from cms.records.models import MemberOrganisation
from lhh.national.models import AuditEntry, NewsFeedItem, ReportSubmission, Rollup
from lhh.national.rollups import rollup_totals_rebuild, unions_counted
from tenants.backups import union_backup, union_restore
from tenants.lifecycle import union_set_status
from tenants.models import Province, Union, UnionDeletion
from tests.conftest import login_with_second_step, wait_for
from tests.tenants.test_backup_restore import _drop, backup_root, doomed  # noqa: F401

PAGE = "/admin/toan-quoc/ban-khoi-phuc/"


def _decide(schema_name: str) -> str:
    return f"{PAGE}{schema_name}/quyet-dinh/"


@pytest.fixture
def staff(committed) -> Iterator[tuple[Client, Client]]:
    """National staff who may decide, and a viewer who may only look."""
    User = get_user_model()
    User.objects.filter(username__in=["vusta-kp", "vusta-kp-xem"]).delete()
    viewer = User.objects.create_user("vusta-kp-xem", "xem@example.vn", "x", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_rollup"),
        Permission.objects.get(codename="access_admin"),
    )
    decider = User.objects.create_superuser("vusta-kp", "kp@example.vn", "x")
    yield (
        login_with_second_step(Client(HTTP_HOST="localhost"), decider),
        login_with_second_step(Client(HTTP_HOST="localhost"), viewer),
    )
    User.objects.filter(username__in=["vusta-kp", "vusta-kp-xem"]).delete()


@pytest.fixture
def copy(doomed) -> Iterator[Union]:  # noqa: F811
    """lcdel, with figures, in a province of its own; restored beside itself as lcnew.
    Both go afterwards, and the national totals with them (the worker may have counted
    them: dropping a union's rows does not take its figures out of the totals)."""
    doomed.province = Province.objects.filter(is_current=True, unions__isnull=True).first()
    doomed.save(update_fields=["province"])
    with schema_context("lcdel"):
        period = records.period_get_or_create(kind="half", year=2025, half=1)
        organisation = records.organisation_save(
            organisation=MemberOrganisation(name="Hội Bản sao", kind="association")
        )
        records.member_count_set(organisation=organisation, period=period, members=321)
    copy = union_restore(
        archive_path=union_backup(union=doomed), schema_name="lcnew", actor="kiểm thử"
    )
    assert copy.status == Union.Status.SUSPENDED and copy.review_pending
    yield copy
    for name in ("lcnew", "lcdel"):
        ReportSubmission.objects.filter(union__schema_name=name).delete()
        _drop(name)
    rollup_totals_rebuild()


def _row(body: str, table: str, schema_name: str) -> str:
    start = body.index(f'id="{table}"')
    start = body.index(f'data-schema="{schema_name}"', start)
    return body[start : body.index("</tr>", start)]


def test_national_staff_activate_a_copy_once_its_province_is_free(
    copy, staff, union_pair, celery_worker
):
    decider, viewer = staff
    uniona_before = Union.objects.values().get(schema_name="uniona")

    # A viewer sees the copies but cannot decide.
    listing = viewer.get(PAGE)
    assert listing.status_code == 200
    assert "Kích hoạt bản khôi phục" not in listing.content.decode()
    refused = viewer.post(_decide("lcnew"), {"decision": "activate"})
    assert (refused.status_code, refused.url) == (302, "/admin/")

    # The original still holds the province: the console says so, and refuses.
    row = _row(decider.get(PAGE).content.decode(), "restored-copies", "lcnew")
    assert "Liên hiệp Hội Sắp xoá" in row and "disabled" in row
    assert "kiểm thử: Khôi phục từ lcdel" in row  # the restore's audit entry
    # The copy's own page and the directory send staff here.
    detail = decider.get("/admin/toan-quoc/lien-hiep-hoi/lcnew/").content.decode()
    assert "data-review-pending" in detail and f'href="{PAGE}"' in detail
    assert f'href="{PAGE}"' in decider.get("/admin/toan-quoc/lien-hiep-hoi/").content.decode()
    answer = decider.post(_decide("lcnew"), {"decision": "activate"}, follow=True)
    assert "đã có Liên hiệp Hội hoạt động" in answer.content.decode()
    copy.refresh_from_db()
    assert copy.status == Union.Status.SUSPENDED and copy.review_pending
    assert copy not in unions_counted()

    # The page decides on copies only: the original and another union are not its to change.
    for other in ("lcdel", "uniona"):
        assert decider.post(_decide(other), {"decision": "archive"}).status_code == 404
    assert Union.objects.get(schema_name="lcdel").status == Union.Status.ACTIVE
    assert Union.objects.values().get(schema_name="uniona") == uniona_before

    union_set_status(union=Union.objects.get(schema_name="lcdel"), status="archived", actor="t")
    answer = decider.post(
        _decide("lcnew"), {"decision": "activate", "reason": "Bản gốc hỏng"}, follow=True
    )
    assert "Đã kích hoạt Liên hiệp Hội Sắp xoá" in answer.content.decode()
    copy.refresh_from_db()
    assert copy.status == Union.Status.ACTIVE and not copy.review_pending
    assert copy in unions_counted()
    entry = AuditEntry.objects.get(schema_name="lcnew", action="copy_activated")
    assert entry.actor == "vusta-kp" and "Bản gốc hỏng" in entry.detail
    # Counted from now on: the worker brings its figures and news into the national tables.
    wait_for(
        lambda: (
            Rollup.objects.filter(union=copy, metric="members", value=321).exists()
            and NewsFeedItem.objects.filter(union=copy).exists()
        ),
        timeout=30,
        what="the worker to count the activated copy",
    )
    assert 'data-schema="lcnew"' not in decider.get(PAGE).content.decode()
    # Decided once: a second click changes nothing.
    again = decider.post(_decide("lcnew"), {"decision": "archive"})
    assert again.status_code == 404
    assert Union.objects.get(schema_name="lcnew").status == Union.Status.ACTIVE
    assert Union.objects.values().get(schema_name="uniona") == uniona_before


def test_an_archived_copy_stays_uncounted_and_can_be_deleted(
    copy, staff, union_pair, celery_worker
):
    decider, _viewer = staff
    answer = decider.post(_decide("lcnew"), {"decision": "archive"}, follow=True)
    assert "Đã lưu trữ bản khôi phục" in answer.content.decode()
    copy.refresh_from_db()
    assert copy.status == Union.Status.ARCHIVED and copy.review_pending
    assert copy not in unions_counted() and not Rollup.objects.filter(union=copy).exists()
    assert AuditEntry.objects.get(schema_name="lcnew", action="copy_archived").actor == "vusta-kp"
    body = decider.get(PAGE).content.decode()
    assert "Không có bản khôi phục nào chờ quyết định." in body
    row = _row(body, "archived-copies", "lcnew")
    assert "/admin/toan-quoc/lien-hiep-hoi/lcnew/xoa/" in row
    # Archived is decided: it cannot be switched live from this page.
    again = decider.post(_decide("lcnew"), {"decision": "activate"}, follow=True)
    assert "không phải bản khôi phục đang chờ quyết định" in again.content.decode()
    assert Union.objects.get(schema_name="lcnew").status == Union.Status.ARCHIVED

    # Deleted as any union is: its name typed, the worker backs it up and drops it.
    asked = decider.post("/admin/toan-quoc/lien-hiep-hoi/lcnew/xoa/", {"confirm_name": copy.name})
    deletion = UnionDeletion.objects.get(schema_name="lcnew")
    assert asked.url == f"/admin/toan-quoc/yeu-cau-xoa/{deletion.pk}/"
    wait_for(
        lambda: UnionDeletion.objects.get(pk=deletion.pk).state == "done",
        timeout=60,
        what="the worker to delete the copy",
    )
    assert not schema_exists("lcnew") and schema_exists("lcdel") and schema_exists("uniona")
    assert Union.objects.get(schema_name="lcdel").status == Union.Status.ACTIVE


def test_a_union_admin_never_reaches_the_page(copy, union_pair):
    union_a = union_pair[0]
    with schema_context(union_a.schema_name):
        admin_a = union_a.client()
        admin_a.force_login(get_user_model().objects.get(username="admin"))
    assert admin_a.get(PAGE).status_code == 404
    for schema_name in ("lcnew", "uniona"):
        assert admin_a.post(_decide(schema_name), {"decision": "activate"}).status_code == 404
    connection.set_schema_to_public()
    copy.refresh_from_db()
    assert copy.status == Union.Status.SUSPENDED and copy.review_pending
    # Nor does a visitor of the national host.
    anonymous = Client(HTTP_HOST="localhost").post(_decide("lcnew"), {"decision": "activate"})
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous.url
    copy.refresh_from_db()
    assert copy.status == Union.Status.SUSPENDED
