"""URLs of the national host (public schema)."""

from django.urls import include, path

from lhh.urls_common import admin_and_pages, pages

urlpatterns = [
    path("api/v1/", include(("api.urls_national", "api"), namespace="api")),
    *admin_and_pages,
    *pages,
]
