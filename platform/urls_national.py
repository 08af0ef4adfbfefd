"""URLs of the national host (public schema)."""

from lhh.urls_common import admin_and_pages, pages

urlpatterns = [*admin_and_pages, *pages]
