"""Old NukeViet addresses answer 301 to their new pages.

A middleware rather than Wagtail's redirects: NukeViet answers an article by its id
whatever the category and alias in front of it, with or without `/news/` or `/vi/`,
and in the query form with parameters in any order. One row per article in
`NukeVietLink` covers all of these forms, where Wagtail's table would need one row
per spelling. It looks only at 404s on a union's host, and reads only that union's
schema, so another union's old addresses are never answered here.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from wagtail.models import Page

from cms.nukeviet import oldurls
from lhh.web.schema_scope import in_public_schema


def old_address_redirect(request: HttpRequest) -> str | None:
    """The new address of an old NukeViet URL, or None."""
    from cms.models import NewsCategory, OfficialDocument
    from cms.nukeviet.models import NukeVietLink

    Kind = NukeVietLink.Kind
    modules = {}
    default_module = ""
    for link in NukeVietLink.objects.filter(kind=Kind.MODULE):
        if link.nv_id == "rewrite_op_mod":
            default_module = link.alias
        else:
            modules[link.module] = link.alias
    if not modules:
        return None
    url = request.get_full_path()
    found = oldurls.target(url, modules=modules, default_module=default_module)
    if found is None:
        return None
    kind_of = {"article": Kind.ARTICLE, "page": Kind.PAGE, "law": Kind.LAW}
    if found.kind in kind_of:
        lookup = {"kind": kind_of[found.kind], "module": found.module}
        if found.kind == "page":
            lookup["alias"] = found.key
        else:
            lookup["nv_id"] = found.key
        link = NukeVietLink.objects.filter(**lookup).first()
        if link is None:
            return None
        if found.kind == "law":
            document = OfficialDocument.objects.filter(pk=link.object_id).first()
            return _index_url(request, found.module, {"q": document.number} if document else {})
        page = Page.objects.filter(pk=link.object_id).live().first()
        return page.get_url(request) if page else None
    if found.kind == "category":
        link = NukeVietLink.objects.filter(
            kind=Kind.CATEGORY, module=found.module, alias=found.key
        ).first()
        category = NewsCategory.objects.filter(pk=link.object_id).first() if link else None
        if category is None:
            return None
        return _index_url(request, found.module, {"chuyen-muc": category.slug})
    if found.kind == "tag":
        return _index_url(request, found.module, {"the": found.key})
    return _index_url(request, found.module, {})


def _index_url(request: HttpRequest, module: str, query: dict) -> str | None:
    from cms.nukeviet.models import NukeVietLink

    link = NukeVietLink.objects.filter(
        kind=NukeVietLink.Kind.MODULE, module=module, nv_id="index"
    ).first()
    page = Page.objects.filter(pk=link.object_id).live().first() if link else None
    if page is None:
        return None
    url = page.get_url(request)
    return f"{url}?{urlencode(query)}" if query else url


class NukeVietRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        if in_public_schema() or request.path.startswith(("/admin/", "/api/", "/media/")):
            return response
        target = old_address_redirect(request)
        return HttpResponsePermanentRedirect(target) if target else response
