"""A limited editor of a union sees and edits only what the role allows."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django_tenants.utils import schema_context
from wagtail.models import GroupPagePermission, Page

from cms.models import HomePage


@pytest.fixture
def news_editor(union_a):
    with schema_context(union_a.schema_name):
        group = Group.objects.create(name="Biên tập tin")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        news_index = Page.objects.get(slug="tin-tuc")
        for codename in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.create(
                group=group, page=news_index, permission=Permission.objects.get(codename=codename)
            )
        user = get_user_model().objects.create_user("bientap", password="bien-tap-2025")
        user.groups.add(group)
        home_id = HomePage.objects.get().pk
        client = union_a.client()
        client.force_login(user)  # the session row lives in A's schema
    return client, home_id


def test_limited_editor_gets_403_on_settings_history_and_foreign_pages(news_editor):
    client, home_id = news_editor
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/settings/cms/unionsitesettings/").status_code in (302, 403)
    assert client.get("/admin/users/").status_code in (302, 403)
    assert client.get(f"/admin/pages/{home_id}/edit/").status_code in (302, 403)
    assert client.get(f"/admin/pages/{home_id}/history/").status_code in (302, 403)
    assert client.get("/admin/snippets/cms/readercomment/").status_code in (302, 403)


def test_limited_editor_can_edit_news(news_editor, union_a):
    client, _ = news_editor
    with schema_context(union_a.schema_name):
        sentinel_id = union_a.sentinel().pk
    assert client.get(f"/admin/pages/{sentinel_id}/edit/").status_code == 200
