"""URLs of the national host (public schema)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from lhh.national.feeds import SITEMAPS, NationalNewsFeed, robots_txt
from lhh.urls_common import admin_and_pages, pages
from tenants.onboarding import views as onboarding

urlpatterns = [
    path("api/v1/", include(("api.urls_national", "api"), namespace="api")),
    path("dang-ky/", include((onboarding.urlpatterns, "onboarding"), namespace="onboarding")),
    *admin_and_pages,
    path("robots.txt", robots_txt),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}),
    path("rss/", NationalNewsFeed(), name="national-news-feed"),
    *pages,
]
