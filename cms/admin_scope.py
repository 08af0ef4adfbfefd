"""Admin addresses of the union-only apps answer 404 on the national host.

The national admin runs in public, where the tables of cms, cms.records and
cms.nukeviet do not exist: their views (snippets, settings, records, imports) would
fail their first query with a 500. Their menus are hidden there (cms.wagtail_hooks);
this makes the addresses themselves a plain 404 for everyone, before any view runs.
"""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

from lhh.web.schema_scope import in_public_schema

UNION_ONLY_ADMIN_URLS = (
    "/admin/snippets/cms/",
    "/admin/snippets/choose/cms/",
    "/admin/settings/cms/",
    "/admin/settings/records/",
    "/admin/records/",
    "/admin/ho-so/",
    "/admin/nhap-nukeviet/",
    "/admin/bat-dau/",
    # The national host has no English locale: its pages are Vietnamese only.
    "/admin/ban-tieng-anh/",
)


class UnionOnlyAdminMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(UNION_ONLY_ADMIN_URLS) and in_public_schema():
            raise Http404
        return self.get_response(request)
