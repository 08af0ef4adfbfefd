"""URLs of a union's host; `request.urlconf` for every union schema."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path
from wagtail.contrib.sitemaps import Sitemap

from cms.views import comment_post, union_media
from lhh.urls_common import admin_and_pages, pages

urlpatterns = [
    *admin_and_pages,
    path("media/<str:schema_name>/<path:path>", union_media, name="union-media"),
    path("y-kien-ban-doc/<int:article_id>/", comment_post, name="comment-post"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": Sitemap}}),
    *pages,
]
