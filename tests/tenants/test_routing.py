"""Host → union → schema, and every way a host must refuse to serve."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenants.models import Union


def test_national_host_serves_the_national_site(union_a):
    response = Client(HTTP_HOST="localhost").get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Các Liên hiệp Hội trên hệ thống" in body
    assert union_a.union.name in body


def test_each_union_host_serves_its_own_home(union_a, union_b):
    body_a = union_a.client().get("/").content.decode()
    body_b = union_b.client().get("/").content.decode()
    assert union_a.union.name in body_a and union_b.union.name not in body_a
    assert union_b.union.name in body_b and union_a.union.name not in body_b


def test_unknown_host_is_a_plain_404_never_the_national_site(db):
    response = Client(HTTP_HOST="khongco.localhost").get("/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    assert "Các Liên hiệp Hội trên hệ thống" not in response.content.decode()


def test_template_is_not_routable(db):
    assert Client(HTTP_HOST="template.localhost").get("/").status_code == 404


def test_archived_union_answers_410_and_suspended_shows_a_notice(union_a):
    union = union_a.union
    Union.objects.filter(pk=union.pk).update(status=Union.Status.ARCHIVED)
    assert union_a.client().get("/").status_code == 410
    Union.objects.filter(pk=union.pk).update(status=Union.Status.SUSPENDED)
    response = union_a.client().get("/")
    assert response.status_code == 503
    assert "tạm ngừng hoạt động" in response.content.decode()


def test_missing_schema_answers_503_not_rows_from_public(union_a):
    with connection.cursor() as cursor:
        cursor.execute('ALTER SCHEMA "uniona" RENAME TO "uniona_gone"')
    response = union_a.client().get("/")
    assert response.status_code == 503
    assert "chưa sẵn sàng" in response.content.decode()


def _routing_statements(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    statements = [query["sql"] for query in queries.captured_queries]
    assert sum("tenants_union" in sql for sql in statements) == 1
    return [sql for sql in statements if sql.startswith("SET search_path")]


def test_routing_costs_one_lookup_and_switches_schema_only_when_it_changes(union_a, union_b):
    connection.set_schema_to_public()
    assert _routing_statements(union_a.client()) == [
        'SET search_path = "public"',
        'SET search_path = "uniona","lhh_shared"',
    ]
    assert _routing_statements(union_a.client()) == []
    assert _routing_statements(union_b.client()) == ['SET search_path = "unionb","lhh_shared"']


def test_a_refusal_leaves_no_union_selected(union_a):
    union_a.client().get("/")
    assert connection.schema_name == "uniona"
    Client(HTTP_HOST="khongco.localhost").get("/")
    assert connection.schema_name == "public"
