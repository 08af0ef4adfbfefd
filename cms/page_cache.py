"""A per-union cache of whole public pages, emptied whenever the union's content changes.

Entries live in the tenant-keyed cache, so a union can only ever read its own.
Instead of deleting entries, every change bumps the union's cache generation,
which is part of every key: stale pages are simply never looked up again.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django_tenants.utils import get_public_schema_name
from wagtail.images.models import AbstractRendition

from lhh.web.admin_language import path_language

PAGE_CACHE_SECONDS = 300
# Content of these apps shows on public pages; any write to them empties the cache.
_CONTENT_APPS = {"cms", "wagtailcore", "wagtailimages", "wagtaildocs", "wagtailredirects"}
_UNCACHED_PREFIXES = (
    "/admin/",
    "/api/",
    "/media/",
    "/documents/",
    "/static/",
    "/y-kien-ban-doc/",
    "/dang-ky-su-kien/",
)
_GENERATION_KEY = "page-cache:generation"


def _generation() -> int:
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        cache.add(_GENERATION_KEY, 1, timeout=None)
        generation = cache.get(_GENERATION_KEY, 1)
    return generation


def page_cache_clear() -> None:
    """Make every cached page of the current union stale."""
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.set(_GENERATION_KEY, 2, timeout=None)


def _eligible(request: HttpRequest) -> bool:
    return (
        request.method in {"GET", "HEAD"}
        and connection.schema_name != get_public_schema_name()
        and not request.path.startswith(_UNCACHED_PREFIXES)
        # A session (a signed-in editor), credentials or pending messages make it personal.
        and "authorization" not in request.headers
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _key(request: HttpRequest, generation: int) -> str:
    # The language a page is rendered in comes from its address alone (/en/…), never from
    # the browser (lhh.web.admin_language): keyed by it, a Vietnamese page is never
    # served for an English one, and Accept-Language does not split the cache.
    language = path_language(request)
    # RELEASE (set per deploy) keeps pages rendered by older templates out of sight; the
    # number, entries of an older layout (before the headers were kept).
    return (
        f"page-cache:2:{settings.RELEASE}:{generation}:{language}:"
        f"{request.get_host()}:{request.get_full_path()}"
    )


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _eligible(request):
            return self.get_response(request)
        key = _key(request, _generation())
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content)
            # Every header the middleware inside this one set on the miss (security
            # headers, CSP, Vary, Content-Language): a hit must answer exactly as it did.
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            # CSRF tokens, sessions and the like make a response per visitor.
            and "cookie" not in response.get("Vary", "").lower()
            # A view that says so (never_cache: the captcha's challenges) is never shared.
            and "no-store" not in response.get("Cache-Control", "")
        ):
            headers = list(response.headers.items())
            cache.set(key, (response.content, headers), PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response


@receiver(post_save, dispatch_uid="page_cache_clear_on_save")
@receiver(post_delete, dispatch_uid="page_cache_clear_on_delete")
def _content_changed(sender, **kwargs) -> None:
    # Renditions are made while a page renders (its first view after a new picture):
    # derived files, not content. Emptying the cache for them would orphan the page
    # being stored and render it again on the next visit.
    if issubclass(sender, AbstractRendition):
        return
    if sender._meta.app_label in _CONTENT_APPS and (
        connection.schema_name != get_public_schema_name()
    ):
        page_cache_clear()
