"""The roles a union has: each sees in its menu only what it may open, in its own union."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_tenants.utils import schema_context

from cms.roles import APPROVER, EDITOR, RECORDS_OFFICER, ROLES, UNION_ADMIN


def _menu(node, found: dict[str, str]) -> dict[str, str]:
    """Label → URL of every entry of Wagtail's sidebar, submenus included ("" for a group)."""
    if isinstance(node, dict):
        if node.get("label") and "icon_name" in node:
            found[node["label"]] = node.get("url") or ""
        for value in node.values():
            _menu(value, found)
    elif isinstance(node, list):
        for value in node:
            _menu(value, found)
    return found


def _member(union, role: str):
    with schema_context(union.schema_name):
        user = get_user_model().objects.create_user(
            f"vai-tro-{len(role)}-{role[:3]}", password="mat-khau-vai-tro-2025"
        )
        user.groups.add(Group.objects.get(name=role))
        client = union.client()
        client.force_login(user)
    return client


def _sidebar(client) -> dict[str, str]:
    html = client.get("/admin/").content.decode()
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)[1]
    return _menu(json.loads(props), {})


EXPECTED = {
    EDITOR: (
        {"Trang", "Hình ảnh", "Tệp tài liệu", "Văn bản"},
        {"Hồ sơ hoạt động", "Ý kiến bạn đọc"},
    ),
    APPROVER: ({"Trang", "Văn bản", "Ý kiến bạn đọc", "Băng rôn"}, {"Hồ sơ hoạt động"}),
    RECORDS_OFFICER: (
        {"Hồ sơ hoạt động", "Nhập từ Excel/CSV", "Báo cáo"},
        {"Trang", "Văn bản", "Ý kiến bạn đọc"},
    ),
    UNION_ADMIN: (
        {
            "Trang",
            "Văn bản",
            "Ý kiến bạn đọc",
            "Hồ sơ hoạt động",
            "Nhập từ Excel/CSV",
            "Người dùng",
        },
        set(),
    ),
}


@pytest.mark.parametrize("role", [EDITOR, APPROVER, RECORDS_OFFICER, UNION_ADMIN])
def test_each_role_opens_everything_its_menu_offers(union_a, role):
    client = _member(union_a, role)
    menu = _sidebar(client)
    shown, hidden = EXPECTED[role]
    assert shown <= set(menu), sorted(menu)
    assert not hidden & set(menu), sorted(menu)
    for label, url in menu.items():
        if url.startswith("/") and url != "/admin/logout/":
            # Wagtail sends a refused person back to the dashboard; settings go on to the site's.
            response = client.get(url, follow=True)
            final = response.redirect_chain[-1][0] if response.redirect_chain else url
            assert response.status_code == 200 and final != "/admin/", (role, label, url, final)


def test_an_editor_submits_but_does_not_publish_and_an_approver_publishes(union_a):
    with schema_context(union_a.schema_name):
        sentinel_id = union_a.sentinel().pk
    editor = _member(union_a, EDITOR)
    edit = editor.get(f"/admin/pages/{sentinel_id}/edit/").content.decode()
    assert 'name="action-publish"' not in edit
    approver = _member(union_a, APPROVER)
    edit = approver.get(f"/admin/pages/{sentinel_id}/edit/").content.decode()
    assert 'name="action-publish"' in edit


def test_roles_are_in_every_union_and_the_template_with_vietnamese_names(union_pair, db):
    names = {role.name for role in ROLES}
    for schema in ("template", "uniona", "unionb"):
        with schema_context(schema):
            groups = set(Group.objects.values_list("name", flat=True))
        assert names <= groups, schema
        assert not {"Editors", "Moderators"} & groups, schema


def test_a_role_given_in_one_union_is_not_in_another(union_a, union_b):
    with schema_context(union_a.schema_name):
        Group.objects.create(name="Tổ thư ký của A")
        get_user_model().objects.create_user("thuky-a", password="mat-khau-a-2025")
    with schema_context(union_b.schema_name):
        assert not Group.objects.filter(name="Tổ thư ký của A").exists()
        assert not get_user_model().objects.filter(username="thuky-a").exists()
    page = union_b.client().post(
        "/admin/login/", {"username": "thuky-a", "password": "mat-khau-a-2025"}
    )
    assert page.status_code == 200 and "_auth_user_id" not in union_b.client().session
