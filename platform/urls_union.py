"""URLs of a union's host; `request.urlconf` for every union schema."""

from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from wagtail.contrib.sitemaps import Sitemap

from cms.views import comment_post, event_register_post, robots_txt, site_search, union_media
from lhh.urls_common import admin_and_pages, pages

urlpatterns = [
    path("api/v1/", include(("api.urls_union", "api"), namespace="api")),
    *admin_and_pages,
    path("media/<str:schema_name>/<path:path>", union_media, name="union-media"),
    path("y-kien-ban-doc/<int:article_id>/", comment_post, name="comment-post"),
    path("dang-ky-su-kien/<int:event_id>/", event_register_post, name="event-register"),
    path("tim-kiem/", site_search, name="site-search"),
    path("robots.txt", robots_txt),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": Sitemap}}),
    *pages,
]
