"""The REST API: per-host surfaces, tokens that never cross unions, Vietnamese errors."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from api.models import ApiSettings
from api.services import token_create
from cms.records.models import (
    Activity,
    Committee,
    Congress,
    MemberCount,
    MemberOrganisation,
    Person,
    Position,
    Report,
)
from cms.records.services import member_count_set, period_get_or_create, report_get_or_create
from lhh.national.models import ReportSubmission
from tests.conftest import login_with_second_step


def _token(union, *, scope: str = "write", username: str = "admin") -> str:
    with schema_context(union.schema_name):
        user = get_user_model().objects.get(username=username)
        _token_row, key = token_create(user=user, name="kiểm thử", scope=scope)
    return key


def _bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_published_news_is_open_and_only_this_unions(union_a, union_b):
    data = union_a.client().get("/api/v1/news/").json()
    titles = [item["title"] for item in data["results"]]
    assert union_a.sentinel_title in titles and union_b.sentinel_title not in titles
    sparse = union_a.client().get("/api/v1/news/", {"fields": "id,title"}).json()
    assert set(sparse["results"][0]) == {"id", "title"}


def test_records_need_a_token_and_errors_are_in_vietnamese(union_a):
    response = union_a.client().get("/api/v1/activities/")
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "not_authenticated",
        "message": "Cần đăng nhập hoặc mã truy cập để dùng chức năng này.",
        "details": None,
    }


def test_a_token_of_union_a_is_rejected_on_union_b_and_on_the_national_host(union_a, union_b):
    key = _token(union_a)
    assert union_a.client().get("/api/v1/activities/", **_bearer(key)).status_code == 200
    # Both unions have a user "admin", very likely with the same id: it does not matter.
    on_b = union_b.client().get("/api/v1/activities/", **_bearer(key))
    assert on_b.status_code == 401
    assert on_b.json()["error"]["code"] == "authentication_failed"
    national = Client(HTTP_HOST="localhost").get("/api/v1/unions/", **_bearer(key))
    assert national.status_code == 401


def test_a_read_only_token_cannot_write(union_a, in_a_period):
    key = _token(union_a, scope="read")
    response = union_a.client().post(
        "/api/v1/activities/",
        {"kind": "seminar", "title": "Hội thảo", "period": "2021-1"},
        content_type="application/json",
        **_bearer(key),
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_writes_go_through_the_services_with_field_errors(union_a, in_a_period):
    key = _token(union_a)
    client = union_a.client()
    created = client.post(
        "/api/v1/activities/",
        {"kind": "training", "title": "Tập huấn kỹ năng", "period": "2021-1", "participants": 40},
        content_type="application/json",
        **_bearer(key),
    )
    assert created.status_code == 201, created.json()
    bad = client.post(
        "/api/v1/activities/",
        {"kind": "training", "title": "Thiếu số người", "period": "2021-1"},
        content_type="application/json",
        **_bearer(key),
    )
    # The documented shape, refused by the activity kind's rule: 422, not 400.
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "rule_violation"
    assert "cần có lượt người tham dự" in bad.json()["error"]["details"]["participants"][0]
    bad_period = client.post(
        "/api/v1/activities/",
        {"kind": "seminar", "title": "x", "period": "hôm qua"},
        content_type="application/json",
        **_bearer(key),
    )
    assert bad_period.json()["error"]["details"]["period"] == [
        "Kỳ báo cáo phải có dạng 2021-1, 2021-2 hoặc 2021."
    ]
    with schema_context(union_a.schema_name):
        assert list(Activity.objects.values_list("title", flat=True)) == ["Tập huấn kỹ năng"]


def _queries(client: Client, path: str, size: int, key: str) -> int:
    """Queries of one warm GET of a list page of `size` rows, schema switches aside."""
    client.get(path, {"page_size": size}, **_bearer(key))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, {"page_size": size}, **_bearer(key)).status_code == 200
    return len([q for q in captured.captured_queries if not q["sql"].startswith("SET ")])


def test_list_endpoints_cost_the_same_queries_whatever_the_page_size(union_a, in_a_period):
    with schema_context(union_a.schema_name):
        period = in_a_period
        Activity.objects.bulk_create(
            Activity(kind="seminar", title=f"Hội thảo {n}", period=period) for n in range(30)
        )
        organisations = MemberOrganisation.objects.bulk_create(
            MemberOrganisation(name=f"Hội {n}") for n in range(30)
        )
        for organisation in organisations:
            member_count_set(organisation=organisation, period=period, members=10)
        for year in range(2001, 2011):
            report_get_or_create(period=period_get_or_create(kind="year", year=year))
            _congress_with_leadership(term=year - 2000, starts_year=year, people=3)
    key = _token(union_a)
    client = union_a.client()
    for path in [
        "/api/v1/activities/",
        "/api/v1/news/",
        "/api/v1/member-counts/",
        "/api/v1/reports/",
        "/api/v1/congresses/",
    ]:
        assert _queries(client, path, 1, key) == _queries(client, path, 30, key), path


def test_the_national_api_is_for_national_staff_only(union_a):
    user = get_user_model().objects.create_superuser("vusta-api", "v@example.vn", "x")
    _row, key = token_create(user=user, name="toàn quốc", scope="read")
    national = Client(HTTP_HOST="localhost")
    directory = national.get("/api/v1/unions/", **_bearer(key))
    assert directory.status_code == 200
    assert union_a.schema_name in [u["schema_name"] for u in directory.json()["results"]]
    assert national.get("/api/v1/unions/").status_code == 401
    assert (
        national.get("/api/v1/statistics/", {"period": "2021-1"}, **_bearer(key)).status_code == 200
    )
    bad = national.get("/api/v1/statistics/", {"period": "2021-1", "group_by": "x"}, **_bearer(key))
    assert bad.status_code == 400
    # The national endpoints do not exist on a union host.
    assert union_a.client().get("/api/v1/unions/").status_code == 404


def test_the_openapi_schema_and_docs_are_served_on_both_hosts(union_a):
    union_schema = union_a.client().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert (
        "/api/v1/activities/" in union_schema["paths"]
        and "/api/v1/unions/" not in union_schema["paths"]
    )
    national_schema = (
        Client(HTTP_HOST="localhost").get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    )
    assert (
        "/api/v1/unions/" in national_schema["paths"]
        and "/api/v1/activities/" not in national_schema["paths"]
    )
    assert union_a.client().get("/api/v1/docs/").status_code == 200


def test_throttling_is_counted_per_union(union_a, union_b, settings):
    from django.core.cache import cache
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    cache.clear()
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "3/minute"}
    try:
        statuses = [union_a.client().get("/api/v1/news/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = union_a.client().get("/api/v1/news/").json()
        assert limited["error"]["code"] == "throttled"
        assert union_b.client().get("/api/v1/news/").status_code == 200
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
        cache.clear()


@pytest.fixture
def in_a_period(union_a):
    with schema_context(union_a.schema_name):
        return period_get_or_create(kind="half", year=2021, half=1)


@pytest.mark.parametrize("routes", ["api.routes_union", "api.routes_national"])
def test_each_hosts_openapi_schema_generates_without_warnings(routes, tmp_path):
    from django.core.management import call_command

    call_command(
        "spectacular", urlconf=routes, fail_on_warn=True, file=str(tmp_path / "schema.yaml")
    )
    assert "openapi: 3" in (tmp_path / "schema.yaml").read_text()


def _congress_with_leadership(*, term: int, starts_year: int, people: int) -> Congress:
    congress = Congress.objects.create(
        term_number=term, starts_year=starts_year, ends_year=starts_year + 5
    )
    committee = Committee.objects.create(congress=congress, kind=Committee.Kind.STANDING)
    for n in range(people):
        person = Person.objects.create(
            name=f"Nguyễn Văn {term}-{n}",
            title="TS.",
            email=f"p{term}{n}@example.vn",
            phone="0912345678",
            organisation="Sở KH&CN",
        )
        Position.objects.create(person=person, committee=committee, role=Position.Role.MEMBER)
    return congress


def test_governance_shows_names_and_roles_to_staff_and_never_contact_details(union_a):
    with schema_context(union_a.schema_name):
        _congress_with_leadership(term=5, starts_year=2021, people=2)
    client = union_a.client()
    assert client.get("/api/v1/congresses/").status_code == 401
    body = client.get("/api/v1/congresses/", **_bearer(_token(union_a, scope="read")))
    assert body.status_code == 200
    congress = body.json()["results"][0]
    assert congress["term_number"] == 5
    [committee] = congress["committees"]
    assert committee["kind_label"] == "Ban Thường vụ"
    assert {p["name"] for p in committee["positions"]} == {"Nguyễn Văn 5-0", "Nguyễn Văn 5-1"}
    for leaked in ["@example.vn", "0912345678", "Sở KH&CN"]:
        assert leaked not in body.content.decode()


def test_member_counts_are_set_through_the_service_by_staff_who_may_write(union_a, in_a_period):
    with schema_context(union_a.schema_name):
        organisation = MemberOrganisation.objects.create(name="Hội Tin học")
    client = union_a.client()
    write, read = _token(union_a), _token(union_a, scope="read")
    payload = {"organisation": organisation.pk, "period": "2021-1", "members": 120}
    denied = client.post(
        "/api/v1/member-counts/", payload, content_type="application/json", **_bearer(read)
    )
    assert denied.status_code == 403
    for members in (120, 135):
        created = client.post(
            "/api/v1/member-counts/",
            {**payload, "members": members},
            content_type="application/json",
            **_bearer(write),
        )
        assert created.status_code == 201, created.json()
        assert created.json()["members"] == members
        assert created.json()["period"]["label"] == "6 tháng đầu năm 2021"
    negative = client.post(
        "/api/v1/member-counts/",
        {**payload, "members": -1},
        content_type="application/json",
        **_bearer(write),
    )
    assert negative.status_code == 400 and "members" in negative.json()["error"]["details"]
    listed = client.get("/api/v1/member-counts/", {"period": "2021-1"}, **_bearer(read)).json()
    assert [row["members"] for row in listed["results"]] == [135]
    with schema_context(union_a.schema_name):
        assert list(MemberCount.objects.values_list("members", flat=True)) == [135]


def test_a_report_is_written_submitted_and_then_frozen(
    union_a, in_a_period, django_capture_on_commit_callbacks
):
    client = union_a.client()
    write, read = _token(union_a), _token(union_a, scope="read")
    opened = client.post(
        "/api/v1/reports/", {"period": "2021-1"}, content_type="application/json", **_bearer(write)
    )
    assert opened.status_code == 201, opened.json()
    report = f"/api/v1/reports/{opened.json()['id']}/"
    edited = client.patch(
        report,
        {"narrative": {"tvpb": "Đã phản biện 3 đề án."}},
        content_type="application/json",
        **_bearer(write),
    )
    assert edited.status_code == 200
    assert edited.json()["narrative"]["tvpb"] == "Đã phản biện 3 đề án."
    unknown = client.patch(
        report, {"narrative": {"x": "?"}}, content_type="application/json", **_bearer(write)
    )
    assert unknown.status_code == 422
    assert "Phần báo cáo không hợp lệ" in str(unknown.json()["error"]["details"])
    assert client.post(f"{report}submit/", **_bearer(read)).status_code == 403
    submitted = client.post(f"{report}submit/", **_bearer(write))
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["figures"]["period"] == "6 tháng đầu năm 2021"
    assert ReportSubmission.objects.filter(union=union_a.union, year=2021, half=1).exists()
    frozen = client.patch(
        report, {"narrative": {"tvpb": "sửa"}}, content_type="application/json", **_bearer(write)
    )
    assert frozen.status_code == 422
    assert "không thể sửa" in str(frozen.json()["error"]["details"])
    docx = client.get(f"{report}docx/", **_bearer(read))
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
    assert docx.content[:2] == b"PK"
    # The PDF is printed in the worker (LibreOffice takes seconds): 202 until it is ready.
    from cms.records.tasks import report_pdf_print

    with (
        # The task's body, in A's schema, where the worker would run it.
        mock.patch.object(report_pdf_print, "delay", report_pdf_print.run),
        django_capture_on_commit_callbacks(execute=True),
        schema_context(union_a.schema_name),
    ):
        pending = client.get(f"{report}pdf/", **_bearer(read))
    assert pending.status_code == 202 and pending["Retry-After"] == "5"
    assert "Đang dựng tệp PDF" in pending.json()["message"]
    assert client.get(f"{report}pdf/", **_bearer(read)).content[:5] == b"%PDF-"
    assert client.get(f"{report}pdf/").status_code == 401


def test_the_public_union_directory_opens_only_when_the_national_union_enables_it(union_a):
    national = Client(HTTP_HOST="localhost")
    closed = national.get("/api/v1/public/unions/")
    assert closed.status_code == 404 and closed.json()["error"]["code"] == "not_found"
    setting = ApiSettings.load()
    setting.public_union_directory = True
    setting.save(update_fields=["public_union_directory"])
    opened = national.get("/api/v1/public/unions/", {"page_size": 100})
    assert opened.status_code == 200
    rows = {row["schema_name"]: row for row in opened.json()["results"]}
    assert set(rows[union_a.schema_name]) == {
        "schema_name",
        "name",
        "short_name",
        "province",
        "site_url",
    }
    assert _public_queries(national, 1) == _public_queries(national, 100)
    # A bad token does not lock anyone out of public data.
    assert national.get("/api/v1/public/unions/", **_bearer("lhh_sai")).status_code == 200
    # The switch is the national union's: a union host has neither the endpoint nor the setting.
    assert union_a.client().get("/api/v1/public/unions/").status_code == 404


def test_the_api_settings_are_edited_on_the_national_host_only(admin_a):
    from django.urls import reverse

    url = reverse("wagtailsettings:edit", args=["api", "apisettings"])
    national = Client(HTTP_HOST="localhost")
    login_with_second_step(
        national, get_user_model().objects.create_superuser("vusta-cfg", "c@x.vn", "x")
    )
    page = national.get(url, follow=True)
    assert page.status_code == 200 and b"public_union_directory" in page.content
    # Union A's superuser is refused (Wagtail sends people back to the dashboard).
    assert admin_a.get(url, follow=True).redirect_chain[-1][0] == "/admin/"


def test_bodies_are_json_and_rule_errors_name_their_field_in_vietnamese(union_a):
    client, key = union_a.client(), _token(union_a)
    form = client.post("/api/v1/organisations/", {"name": "Hội A"}, **_bearer(key))
    assert form.status_code == 415
    first = client.post(
        "/api/v1/organisations/",
        {"name": "Hội Hóa học"},
        content_type="application/json",
        **_bearer(key),
    )
    assert first.status_code == 201
    assert set(first.json()) >= {"id", "name", "status"}
    for body, field, words in [
        ({"name": "Hội Hóa học"}, "name", "Đã có tổ chức đang hoạt động"),
        ({"name": "Hội Lý", "status": "merged"}, "merged_into", "hợp nhất vào tổ chức nào"),
    ]:
        refused = client.post(
            "/api/v1/organisations/", body, content_type="application/json", **_bearer(key)
        )
        assert refused.status_code == 422, refused.json()
        details = refused.json()["error"]["details"]
        assert words in details.get(field, [""])[0], details
    with schema_context(union_a.schema_name):
        assert MemberOrganisation.objects.count() == 1


def test_union_as_records_stay_on_union_as_host(union_a, union_b, in_a_period):
    with schema_context(union_a.schema_name):
        _congress_with_leadership(term=7, starts_year=2026, people=1)
        report = report_get_or_create(period=in_a_period)
    key_a, key_b = _token(union_a, scope="read"), _token(union_b, scope="read")
    for path in ["/api/v1/congresses/", "/api/v1/member-counts/", "/api/v1/reports/"]:
        assert union_b.client().get(path, **_bearer(key_a)).status_code == 401, path
        on_b = union_b.client().get(path, **_bearer(key_b))
        assert on_b.status_code == 200 and "Nguyễn Văn 7-0" not in on_b.content.decode(), path
    # B's own token on B's host never reaches A's report, even by A's id.
    with schema_context(union_b.schema_name):
        assert not Report.objects.exists()
    for suffix in ["", "docx/", "pdf/"]:
        url = f"/api/v1/reports/{report.pk}/{suffix}"
        assert union_b.client().get(url, **_bearer(key_b)).status_code == 404, url


def _public_queries(client: Client, size: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/public/unions/", {"page_size": size}).status_code == 200
    return len([q for q in captured.captured_queries if not q["sql"].startswith("SET ")])


def test_staff_without_the_records_permissions_are_refused(union_a, in_a_period):
    from django.contrib.auth.models import Permission

    with schema_context(union_a.schema_name):
        user = get_user_model().objects.create_user("bientap-api", password="x")
        user.user_permissions.add(Permission.objects.get(codename="view_membercount"))
    key = _token(union_a, username="bientap-api")
    client = union_a.client()
    assert client.get("/api/v1/member-counts/", **_bearer(key)).status_code == 200
    for path in ["/api/v1/congresses/", "/api/v1/reports/"]:
        assert client.get(path, **_bearer(key)).status_code == 403, path
    # Viewing counts is not setting them, even with a read-write token.
    with schema_context(union_a.schema_name):
        organisation = MemberOrganisation.objects.create(name="Hội Nông học")
    posted = client.post(
        "/api/v1/member-counts/",
        {"organisation": organisation.pk, "period": "2021-1", "members": 5},
        content_type="application/json",
        **_bearer(key),
    )
    assert posted.status_code == 403
