"""The REST API: per-host surfaces, tokens that never cross unions, Vietnamese errors."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from api.services import token_create
from cms.records.models import Activity
from cms.records.services import period_get_or_create


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
    assert bad.status_code == 400
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


def test_list_endpoints_cost_the_same_queries_whatever_the_page_size(union_a, in_a_period):
    with schema_context(union_a.schema_name):
        period = in_a_period
        Activity.objects.bulk_create(
            Activity(kind="seminar", title=f"Hội thảo {n}", period=period) for n in range(30)
        )
    key = _token(union_a)
    client = union_a.client()

    def queries(path: str, size: int) -> int:
        client.get(path, {"page_size": size}, **_bearer(key))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path, {"page_size": size}, **_bearer(key)).status_code == 200
        return len([q for q in captured.captured_queries if not q["sql"].startswith("SET ")])

    assert queries("/api/v1/activities/", 5) == queries("/api/v1/activities/", 30)
    assert queries("/api/v1/news/", 1) == queries("/api/v1/news/", 20)


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
