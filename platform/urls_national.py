"""URLs of the national host (public schema)."""

from django.urls import include, path

from lhh.urls_common import admin_and_pages, pages
from tenants.onboarding import views as onboarding

urlpatterns = [
    path("api/v1/", include(("api.urls_national", "api"), namespace="api")),
    path("dang-ky/", include((onboarding.urlpatterns, "onboarding"), namespace="onboarding")),
    *admin_and_pages,
    *pages,
]
