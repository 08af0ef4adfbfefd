"""URLs of a union's host; `request.urlconf` for every union schema."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from wagtail.urls import serve_pattern
from wagtail.urls import urlpatterns as wagtail_urlpatterns

from cms.feeds import UnionSitemap
from cms.views import (
    comment_post,
    event_register_post,
    page_serve,
    robots_txt,
    site_search,
    union_media,
)
from lhh.urls_common import admin_and_pages

urlpatterns = [
    path("api/v1/", include(("api.urls_union", "api"), namespace="api")),
    *admin_and_pages,
    path("media/<str:schema_name>/<path:path>", union_media, name="union-media"),
    path("robots.txt", robots_txt),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": UnionSitemap}}),
    # Wagtail's own routes but its page view (password-protected pages, its login).
    *[p for p in wagtail_urlpatterns if p.name != "wagtail_serve"],
    # Pages, search and readers' forms in Vietnamese at their own addresses, in English
    # under /en/ (a reader who posts from an English page gets their answer in English).
    *i18n_patterns(
        path("y-kien-ban-doc/<int:article_id>/", comment_post, name="comment-post"),
        path("dang-ky-su-kien/<int:event_id>/", event_register_post, name="event-register"),
        path("tim-kiem/", site_search, name="site-search"),
        re_path(serve_pattern, page_serve, name="wagtail_serve"),
        prefix_default_language=False,
    ),
]
