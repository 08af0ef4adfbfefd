"""Union-only admin addresses on the national host: 404 for national staff, never 500
(issue 14, item 12). The addresses are read from what the union-only apps register."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from wagtail.admin.viewsets import viewsets
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.snippets.models import get_snippet_models

from tests.conftest import login_with_second_step

UNION_ONLY_APPS = {"cms", "records", "nukeviet"}


def _union_only(model: object) -> bool:
    # Some viewsets name their model as "app_label.ModelName".
    label = model.split(".")[0] if isinstance(model, str) else model._meta.app_label
    return label in UNION_ONLY_APPS


def _union_only_admin_urls() -> list[str]:
    urls = {"/admin/ho-so/", "/admin/nhap-nukeviet/", "/admin/bat-dau/"}
    for model in get_snippet_models():
        if _union_only(model):
            viewset = model.snippet_viewset
            urls.add(reverse(viewset.get_url_name("list")))
            urls.add(reverse(viewset.get_url_name("add")))
            urls.add(reverse(viewset.get_url_name("edit"), args=[1]))
    for viewset in viewsets.viewsets:
        model = getattr(viewset, "model", None)
        if model is not None and _union_only(model):
            urls.add(viewset.menu_url)
    for model in settings_registry:
        if _union_only(model):
            meta = model._meta
            urls.add(reverse("wagtailsettings:edit", args=[meta.app_label, meta.model_name]))
    return sorted(urls)


@pytest.fixture
def national(db) -> Client:
    user = get_user_model().objects.create_superuser("vusta-404", "vusta404@example.vn", "x")
    return login_with_second_step(Client(HTTP_HOST="localhost"), user)


def test_union_only_admin_urls_are_404_on_the_national_host(national, union_a):
    urls = _union_only_admin_urls()
    assert "/admin/snippets/cms/readercomment/" in urls
    assert any(url.startswith("/admin/records/") for url in urls)
    assert any(url.startswith("/admin/settings/") for url in urls)
    national.raise_request_exception = False
    statuses = {url: national.get(url).status_code for url in urls}
    assert statuses == dict.fromkeys(urls, 404)
    # The national admin itself still answers, and a union's staff still reach their own.
    assert national.get("/admin/").status_code == 200
    assert national.get("/admin/api-tokens/").status_code == 200
