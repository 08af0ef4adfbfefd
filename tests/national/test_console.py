"""The national console: national staff only, figures from the rollups, actions audited."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from api.services import token_create
from cms.records import services
from cms.records.models import MemberOrganisation
from lhh.national import selectors
from lhh.national.models import AuditEntry, ReportSubmission
from lhh.national.rollups import rollup_refresh, rollup_totals_rebuild
from lhh.national.selectors import PeriodKey, Scope
from lhh.national.services import report_reminders_send
from tenants.models import Province, Union
from tests.conftest import login_with_second_step
from tests.provinces import union_place


@pytest.fixture
def national(db) -> Client:
    user = get_user_model().objects.create_superuser("vusta-test", "vusta@example.vn", "x")
    return login_with_second_step(Client(HTTP_HOST="localhost"), user)


def _figures(union, *, members: int, year: int = 2025, half: int = 1) -> None:
    with schema_context(union.schema_name):
        period = services.period_get_or_create(kind="half", year=year, half=half)
        organisation = services.organisation_save(
            organisation=MemberOrganisation(name=f"Hội {members}", kind="association")
        )
        services.member_count_set(organisation=organisation, period=period, members=members)
        rollup_refresh()


def _place(union, province: str, former: str | None = None) -> None:
    union_place(union.union, province, *([former] if former else []))


def test_the_dashboard_shows_totals_from_the_rollups(national, union_a, union_b):
    _place(union_a, "Hải Phòng", "Hải Dương")
    _place(union_b, "Thanh Hóa")
    _figures(union_a, members=48_047)
    _figures(union_b, members=23_628)
    body = national.get("/admin/toan-quoc/", {"ky": "2025-1"}).content.decode()
    assert 'data-total="members">71.675<' in body
    assert "Hải Phòng" in body and "Thanh Hóa" in body
    former = national.get("/admin/toan-quoc/", {"ky": "2025-1", "theo": "tinh-cu", "partial": "1"})
    assert "Hải Dương" in former.content.decode() and "<html" not in former.content.decode()


def test_filters_narrow_the_figures(national, union_a, union_b):
    _place(union_a, "Hải Phòng")
    _place(union_b, "Thanh Hóa")
    _figures(union_a, members=100)
    _figures(union_b, members=7)
    thanh_hoa = Province.objects.get(name="Thanh Hóa", is_current=True)
    body = national.get(
        "/admin/toan-quoc/", {"ky": "2025-1", "tinh": thanh_hoa.pk}
    ).content.decode()
    assert 'data-total="members">7<' in body
    region = thanh_hoa.region
    body = national.get("/admin/toan-quoc/", {"ky": "2025-1", "vung": region.pk}).content.decode()
    assert 'data-total="members">7<' in body


def test_a_period_without_member_counts_shows_no_members_rather_than_zero(
    national, union_a, union_b
):
    _figures(union_a, members=48_047, year=2024, half=2)
    with schema_context(union_b.schema_name):
        services.period_get_or_create(kind="half", year=2025, half=1)
        services.organisation_save(organisation=MemberOrganisation(name="Hội Tin học", kind="club"))
        rollup_refresh()
    with schema_context(union_a.schema_name):
        services.period_get_or_create(kind="half", year=2025, half=1)
        rollup_refresh()
    data = selectors.dashboard(PeriodKey("half", 2025, 1), Scope())
    assert data["totals"]["members"] is None and data["totals"]["members_change"] is None
    assert data["totals"]["reporting_unions"] == 0 and data["totals"]["organisations"] == 2
    body = national.get("/admin/toan-quoc/", {"ky": "2025-1"}).content.decode()
    assert 'data-total="members">–<' in body and "Chưa Liên hiệp Hội nào nhập số hội viên" in body


def test_the_ranking_orders_counted_unions_by_members(national, union_a, union_b):
    _figures(union_a, members=100)
    _figures(union_b, members=7_000)
    period = PeriodKey("half", 2025, 1)
    top = selectors.dashboard(period, Scope())["top"]
    assert [(union.schema_name, members) for union, members in top] == [
        (union_b.schema_name, 7_000),
        (union_a.schema_name, 100),
    ]
    # A union not counted yet keeps its rollups but leaves the ranking.
    Union.objects.filter(pk=union_b.union.pk).update(status=Union.Status.PROVISIONING)
    top = selectors.dashboard(period, Scope())["top"]
    assert [union.schema_name for union, _ in top] == [union_a.schema_name]


def test_the_statistics_api_counts_the_unions_the_console_counts(union_a, union_b):
    _place(union_a, "Hải Phòng", "Hải Dương")
    _place(union_b, "Thanh Hóa")
    _figures(union_a, members=48_047)
    _figures(union_b, members=23_628)
    user = get_user_model().objects.create_superuser("vusta-api", "api@example.vn", "x")
    _row, key = token_create(user=user, name="thống kê", scope="read")
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {key}")

    def members(group_by: str) -> dict[str, int]:
        response = api.get("/api/v1/statistics/", {"period": "2025-1", "group_by": group_by})
        assert response.status_code == 200
        return {group: m["members"] for group, m in response.json()["groups"].items()}

    def region(province: str) -> str:
        return Province.objects.get(name=province, is_current=True).region.name

    assert members("province") == {"Hải Phòng": 48_047, "Thanh Hóa": 23_628}
    assert members("region") == {region("Hải Phòng"): 48_047, region("Thanh Hóa"): 23_628}
    assert members("former_province") == {"Hải Dương": 48_047, "": 23_628}
    assert members("union") == {union_a.schema_name: 48_047, union_b.schema_name: 23_628}
    only = api.get("/api/v1/statistics/", {"period": "2025-1", "metric": "organisations"})
    assert {m for group in only.json()["groups"].values() for m in group} == {
        "organisations.association"
    }
    # A union with no province yet is counted under "" (the totals follow a move on rebuild).
    Union.objects.filter(pk=union_b.union.pk).update(province=None)
    rollup_totals_rebuild()
    assert members("province") == {"Hải Phòng": 48_047, "": 23_628}
    assert members("region") == {region("Hải Phòng"): 48_047, "": 23_628}
    # Still being made: neither the console nor the API counts it yet.
    Union.objects.filter(pk=union_b.union.pk).update(status=Union.Status.PROVISIONING)
    assert members("union") == {union_a.schema_name: 48_047}
    # A national token opens nothing on a union's host (its own statistics live there).
    on_a = union_a.client().get(
        "/api/v1/statistics/", {"period": "2025-1"}, HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert on_a.status_code == 401


def test_the_dashboard_costs_the_same_queries_however_many_unions_report(
    national, union_a, union_b
):
    _figures(union_a, members=10)
    national.get("/admin/toan-quoc/", {"ky": "2025-1"})
    with CaptureQueriesContext(connection) as one:
        national.get("/admin/toan-quoc/", {"ky": "2025-1"})
    _figures(union_b, members=20)
    with CaptureQueriesContext(connection) as two:
        national.get("/admin/toan-quoc/", {"ky": "2025-1"})

    def reads(queries):
        return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET ")]

    assert len(reads(two)) == len(reads(one))
    assert not any('"uniona"' in q["sql"] or '"unionb"' in q["sql"] for q in two.captured_queries)


def test_the_console_is_a_404_on_union_hosts_and_closed_to_union_staff(union_a):
    with schema_context(union_a.schema_name):
        staff = union_a.client()
        staff.force_login(get_user_model().objects.get(username="admin"))
    for url in (
        "/admin/toan-quoc/",
        "/admin/toan-quoc/lien-hiep-hoi/",
        "/admin/toan-quoc/bao-cao/",
    ):
        assert staff.get(url).status_code == 404
    anonymous = Client(HTTP_HOST="localhost")
    assert anonymous.get("/admin/toan-quoc/").status_code == 302  # to the login page


def test_tables_export_as_xlsx(national, union_a):
    _place(union_a, "Hải Phòng")
    _figures(union_a, members=48_047)
    response = national.get("/admin/toan-quoc/xuat.xlsx", {"ky": "2025-1", "bang": "tinh"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Hội viên theo địa bàn 6 tháng đ"
    assert list(sheet.iter_rows(values_only=True)) == [
        ("HỘI VIÊN THEO ĐỊA BÀN 6 THÁNG ĐẦU NĂM 2025", None, None),
        (None, None, None),
        ("Tỉnh/thành phố", "Số Liên hiệp Hội", "Số hội viên"),
        ("Hải Phòng", 1, 48_047),
        ("Tổng cộng", 1, 48_047),
    ]


def test_report_tracking_shows_missing_and_submitted_and_sends_reminders(
    national, union_a, union_b
):
    Union.objects.filter(pk=union_b.union.pk).update(contact_email="vanphong@unionb.example.vn")
    _figures(union_a, members=5)
    with schema_context(union_a.schema_name):
        from cms.records.models import ReportingPeriod

        period = ReportingPeriod.objects.get(kind="half", year=2025, half=1)
        services.report_submit(report=services.report_get_or_create(period=period))
    body = national.get("/admin/toan-quoc/bao-cao/", {"ky": "2025-1"}).content.decode()
    assert "Chưa gửi" in body and "Đã gửi" in body
    mail.outbox.clear()
    assert report_reminders_send(period_kind="half", year=2025, half=1).sent == 1
    assert mail.outbox[0].to == ["vanphong@unionb.example.vn"]
    assert "6 tháng đầu năm 2025" in mail.outbox[0].subject
    submission = ReportSubmission.objects.get(union=union_a.union)
    response = national.post(
        f"/admin/toan-quoc/bao-cao/{submission.pk}/",
        {"decision": "return", "comment": ""},
        follow=True,
    )
    assert "Cần ghi rõ lý do trả lại báo cáo." in response.content.decode()
    national.post(f"/admin/toan-quoc/bao-cao/{submission.pk}/", {"decision": "accept"})
    submission.refresh_from_db()
    assert submission.status == "accepted"
    docx = national.get(f"/admin/toan-quoc/bao-cao/{submission.pk}/", {"tai-ve": "docx"})
    assert docx["Content-Disposition"].startswith('attachment; filename="bao-cao-uniona-2025')


def test_suspending_a_union_is_audited_and_takes_effect(national, union_a):
    national.post(
        f"/admin/toan-quoc/lien-hiep-hoi/{union_a.schema_name}/trang-thai/",
        {"status": "suspended", "reason": "Chưa gia hạn giấy phép"},
    )
    entry = AuditEntry.objects.get(union=union_a.union)
    assert (entry.actor, entry.action) == ("vusta-test", "suspended")
    assert "Lý do: Chưa gia hạn giấy phép" in entry.detail
    assert union_a.client().get("/").status_code == 503
    page = national.get(f"/admin/toan-quoc/lien-hiep-hoi/{union_a.schema_name}/").content.decode()
    assert "Chưa gia hạn giấy phép" in page


def test_the_national_home_lists_news_from_the_feed_table_only(union_a, union_b):
    from lhh.national.news_feed import news_feed_refresh

    for union in (union_a, union_b):
        with schema_context(union.schema_name):
            news_feed_refresh()
    with CaptureQueriesContext(connection) as queries:
        body = Client(HTTP_HOST="localhost").get("/").content.decode()
    assert union_a.sentinel_title in body and union_b.sentinel_title in body
    assert "//uniona.localhost/tin-tuc/tin-canh-gioi/" in body
    assert 'href="/dang-ky/"' in body  # a union not yet on the platform finds the way in
    assert not any('"uniona"' in q["sql"] for q in queries.captured_queries)
    Union.objects.filter(pk=union_b.union.pk).update(status=Union.Status.ARCHIVED)
    assert union_b.sentinel_title not in Client(HTTP_HOST="localhost").get("/?x=1").content.decode()


def test_the_national_admin_menu_offers_nothing_that_lives_only_in_union_schemas(national, union_a):
    body = national.get("/admin/").content.decode()
    for url in ("/admin/snippets/cms/", "/admin/records/", "/admin/ho-so/"):
        assert url not in body
    assert "/admin/toan-quoc/" in body
    with schema_context(union_a.schema_name):
        staff = union_a.client()
        staff.force_login(get_user_model().objects.get(username="admin"))
    union_menu = staff.get("/admin/").content.decode()
    assert (
        "/admin/snippets/cms/readercomment/" in union_menu and "/admin/toan-quoc/" not in union_menu
    )


def test_the_directory_shows_last_login_storage_and_a_missing_schema(national, union_a, union_b):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from lhh.national.health import union_health_refresh

    with schema_context(union_a.schema_name):
        get_user_model().objects.filter(username="admin").update(last_login=timezone.now())
        name = default_storage.save("kiem-thu/dung-luong.bin", ContentFile(b"x" * 2048))
        try:
            health = union_health_refresh()
        finally:
            default_storage.delete(name)
    assert health.storage_bytes >= 2048 and health.last_login_at is not None
    with connection.cursor() as cursor:
        cursor.execute('ALTER SCHEMA "unionb" RENAME TO "unionb_mat"')
    body = national.get("/admin/toan-quoc/lien-hiep-hoi/").content.decode()
    assert "Thiếu lược đồ dữ liệu" in body
    from django.template.defaultfilters import filesizeformat
    from django.utils import translation

    with translation.override("vi"):
        assert f"<td>{filesizeformat(health.storage_bytes)}</td>" in body


def test_national_staff_edit_regions_and_union_hosts_never_reach_them(national, union_a):
    from tenants.models import Region

    region = Region.objects.get(name="Đồng bằng sông Hồng")
    response = national.post(
        f"/admin/toan-quoc/vung/edit/{region.pk}/", {"name": "Vùng Đồng bằng sông Hồng"}
    )
    assert response.status_code == 302
    region.refresh_from_db()
    assert region.name == "Vùng Đồng bằng sông Hồng"
    with schema_context(union_a.schema_name):
        staff = union_a.client()
        staff.force_login(get_user_model().objects.get(username="admin"))
    assert staff.get("/admin/toan-quoc/vung/").status_code == 404
    assert (
        staff.post(f"/admin/toan-quoc/vung/edit/{region.pk}/", {"name": "Bị sửa"}).status_code
        == 404
    )
    assert staff.get("/admin/toan-quoc/tinh/").status_code == 404
    region.refresh_from_db()
    assert region.name == "Vùng Đồng bằng sông Hồng"
