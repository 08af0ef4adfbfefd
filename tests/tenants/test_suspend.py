"""A suspended union: notice on its site, read-only admin for its staff, API 403."""

import json
import urllib.error
import urllib.request
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from cms.models import HomePage
from lhh.national.models import AuditEntry
from tenants.lifecycle import union_set_status
from tenants.models import Union


def _suspend(test_union) -> None:
    union_set_status(union=test_union.union, status="suspended", actor="kiểm thử", reason="thử")


def test_a_suspended_site_shows_a_notice_and_its_api_answers_403(union_a, union_b):
    _suspend(union_a)
    page = union_a.client().get("/tin-tuc/tin-canh-gioi/")
    assert page.status_code == 503
    assert "tạm ngừng hoạt động" in page.content.decode()
    assert union_a.sentinel_title not in page.content.decode()
    api = union_a.client().get("/api/v1/news/")
    assert api.status_code == 403
    assert api.json() == {
        "error": {
            "code": "union_suspended",
            "message": "Liên hiệp Hội này đang tạm ngừng hoạt động; API không phục vụ trong "
            "thời gian tạm ngừng.",
            "details": None,
        }
    }
    # B carries on.
    assert union_b.client().get("/api/v1/news/").status_code == 200
    assert (
        union_b.sentinel_title in union_b.client().get("/tin-tuc/tin-canh-gioi/").content.decode()
    )


def test_suspended_staff_can_sign_in_and_look_but_not_write(union_a, union_b, admin_a):
    _suspend(union_a)
    login = union_a.client().post(
        "/admin/login/", {"username": "admin", "password": union_a.editor_password}
    )
    assert login.status_code == 302
    dashboard = admin_a.get("/admin/")
    assert dashboard.status_code == 200
    body = dashboard.content.decode()
    assert "data-union-read-only" in body and "chỉ cho phép xem" in body
    with schema_context(union_a.schema_name):
        home = HomePage.objects.get()
    edit = admin_a.get(f"/admin/pages/{home.pk}/edit/")
    assert edit.status_code == 200 and "data-union-read-only" in edit.content.decode()
    refused = admin_a.post(
        f"/admin/pages/{home.pk}/edit/", {"title": "Đổi tên khi tạm ngừng", "slug": "trang-chu"}
    )
    assert refused.status_code == 403
    assert "mọi thay đổi đều không được lưu" in refused.content.decode()
    for method in ("put", "patch", "delete"):
        assert getattr(admin_a, method)(f"/admin/pages/{home.pk}/edit/").status_code == 403
    with schema_context(union_a.schema_name):
        assert HomePage.objects.get().title == union_a.union.name
    # B's staff are not read-only, and B's admin carries no banner.
    with schema_context(union_b.schema_name):
        admin_b = union_b.client()
        admin_b.force_login(get_user_model().objects.get(username="admin"))
    assert "data-union-read-only" not in admin_b.get("/admin/").content.decode()


def test_reactivating_restores_writes_and_every_change_is_audited(union_a):
    _suspend(union_a)
    union_set_status(union=union_a.union, status="active", actor="kiểm thử")
    assert union_a.client().get("/api/v1/news/").status_code == 200
    entries = list(AuditEntry.objects.filter(union=union_a.union).values_list("action", flat=True))
    assert entries == ["active", "suspended"]
    assert (
        AuditEntry.objects.filter(schema_name="uniona", union_name=union_a.union.name).count() == 2
    )


@pytest.mark.parametrize("status", ["pending", "deleted", ""])
def test_a_bad_status_is_refused_in_vietnamese(union_a, status):
    with pytest.raises(ValidationError, match="Trạng thái không hợp lệ"):
        union_set_status(union=union_a.union, status=status, actor="kiểm thử")
    assert Union.objects.get(pk=union_a.union.pk).status == "active"


def test_the_template_and_the_national_union_cannot_be_suspended(db):
    for kind in (Union.Kind.TEMPLATE, Union.Kind.NATIONAL):
        union = Union.objects.get(kind=kind)
        with pytest.raises(ValidationError, match="Liên hiệp Hội địa phương"):
            union_set_status(union=union, status="suspended", actor="kiểm thử")


def test_over_real_http_a_suspended_union_refuses_its_api_and_keeps_its_admin_login(
    site_server, demo_union, committed
):
    def get(path: str) -> tuple[int, bytes]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{site_server}{path}",
            headers={"Host": f"thanhhoa.localhost:{site_server}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    union_set_status(union=demo_union, status="suspended", actor="kiểm thử")
    try:
        status, body = get("/api/v1/news/")
        assert status == 403
        assert json.loads(body)["error"]["code"] == "union_suspended"
        status, body = get("/")
        assert status == 503 and "tạm ngừng hoạt động" in body.decode()
        status, body = get("/admin/login/")
        assert status == 200 and "data-union-read-only" in body.decode()
    finally:
        union_set_status(union=demo_union, status="active", actor="kiểm thử")
        AuditEntry.objects.filter(union=demo_union).delete()
    assert get("/api/v1/news/")[0] == 200


def test_the_command_changes_status_with_an_audited_reason_and_refuses_bad_input(union_a):
    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("union_set_status", "uniona", "suspended", "--reason", "Bảo trì", stdout=out)
    assert out.getvalue() == "uniona: Tạm ngừng\n"
    assert Union.objects.get(pk=union_a.union.pk).status == "suspended"
    entry = AuditEntry.objects.get(union=union_a.union)
    assert entry.action == "suspended" and "Lý do: Bảo trì" in entry.detail
    assert "(lệnh quản trị)" in entry.actor
    with pytest.raises(CommandError, match="Không có Liên hiệp Hội “khongco”"):
        call_command("union_set_status", "khongco", "active")
    with pytest.raises(CommandError, match="Liên hiệp Hội địa phương"):
        call_command("union_set_status", "template", "archived")
