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


def test_limited_editor_is_denied_settings_history_users_and_comments(news_editor):
    client, home_id = news_editor
    assert client.get("/admin/").status_code == 200
    for url in [
        "/admin/settings/cms/unionsitesettings/",
        "/admin/users/",
        f"/admin/pages/{home_id}/edit/",
        f"/admin/pages/{home_id}/history/",
        "/admin/snippets/cms/readercomment/",
    ]:
        # Wagtail answers scripts with 403 and people with a redirect to the dashboard.
        assert client.get(url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url


def test_limited_editor_can_edit_news(news_editor, union_a):
    client, _ = news_editor
    with schema_context(union_a.schema_name):
        sentinel_id = union_a.sentinel().pk
    assert client.get(f"/admin/pages/{sentinel_id}/edit/").status_code == 200
