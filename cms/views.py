"""Thin views of a union's site: reader forms, search, robots.txt and the union's media."""

import mimetypes
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Page, Site
from wagtail.views import serve as wagtail_serve

from cms.forms import EventRegistrationForm, ReaderCommentForm
from cms.models import EventPage, NewsArticlePage
from cms.personal_data import COMMENT_CONSENT, REGISTRATION_CONSENT
from cms.selectors import page_translation, page_versions, site_search_results
from cms.services import comment_submit, event_register, page_english_create
from lhh.web.downloads import attachment_disposition
from lhh.web.ratelimit import rate_limited

# Media types a browser would run as a document; served only as downloads.
_ACTIVE_CONTENT = {".svg", ".svgz", ".html", ".htm", ".xhtml", ".xml", ".js", ".mjs"}


@csrf_exempt
@require_POST
def comment_post(request: HttpRequest, article_id: int) -> HttpResponse:
    """A reader's comment on an article.

    Exempt from CSRF on purpose: the comment is anonymous and never acts with the
    visitor's session, so a forged post gains nothing a direct one would not; the
    captcha and the rate limit guard against abuse. Without a CSRF token the
    article page carries nothing per visitor and can be served from the page cache.
    """
    article = get_object_or_404(NewsArticlePage.objects.live().public(), pk=article_id)
    if rate_limited(request, scope="comment", limit=5):
        return TemplateResponse(request, "cms/rate_limited.html", status=429)
    form = ReaderCommentForm(request.POST)
    if not form.is_valid():
        context = article.get_context(request, comment_form=form)
        return TemplateResponse(request, article.get_template(request), context, status=400)
    comment_submit(
        article=article,
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        body=form.cleaned_data["body"],
        consent_text=COMMENT_CONSENT,
    )
    messages.success(
        request, gettext("Cảm ơn bạn! Ý kiến sẽ được hiển thị sau khi Ban Biên tập duyệt.")
    )
    return redirect(article.url + "#y-kien-ban-doc")


@csrf_exempt
@require_POST
def event_register_post(request: HttpRequest, event_id: int) -> HttpResponse:
    """Register for an event; anonymous like a comment, so exempt from CSRF for the same reason."""
    event = get_object_or_404(EventPage.objects.live().public(), pk=event_id)
    if rate_limited(request, scope="event-registration", limit=5):
        return TemplateResponse(request, "cms/rate_limited.html", status=429)
    form = EventRegistrationForm(request.POST)
    if form.is_valid():
        try:
            event_register(
                event=event,
                consent_text=REGISTRATION_CONSENT,
                **{k: form.cleaned_data[k] for k in _REGISTRATION_FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error)
    if not form.is_valid():
        context = event.get_context(request, registration_form=form)
        return TemplateResponse(request, event.get_template(request), context, status=400)
    messages.success(
        request, gettext("Đăng ký thành công. Ban Tổ chức sẽ liên hệ với bạn qua thư điện tử.")
    )
    return redirect(event.url + "#dang-ky")


_REGISTRATION_FIELDS = ("name", "organisation", "email", "phone")


def page_serve(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's page view, where a page not yet in English is shown in Vietnamese.

    Under /en/ the English tree is routed first. Where it has no English version of the
    address (none at all, or only the alias Wagtail made as a parent), the Vietnamese page
    at the same address is served with the English chrome and a note
    (`request.page_untranslated`); a Vietnamese address whose page has an English version
    elsewhere redirects to it.
    """
    language = translation.get_language()
    if language == settings.LANGUAGE_CODE:
        # The site's root is the Vietnamese home: Wagtail's routing would first look the
        # active locale up (a query on every page) only to find that same home.
        request._wagtail_route_for_request = _vietnamese_route(request, path, None)
    else:
        route = Page.route_for_request(request, path)
        if route is None or route[0].alias_of_id or route[0].locale.language_code != language:
            route = _vietnamese_route(request, path, route)
            if route is None:
                raise Http404
            english = page_versions(route[0]).get(language)
            if english is not None and not route[1] and not route[2]:
                return redirect(english.get_url(request))
            request._wagtail_route_for_request = route
            request.page_untranslated = True
    return wagtail_serve(request, path)


def _vietnamese_route(request: HttpRequest, path: str, route: tuple | None) -> tuple | None:
    if route is not None and route[0].alias_of_id:
        return (route[0].alias_of.specific, *route[1:])
    site = Site.find_for_request(request)
    if site is None:
        return None
    try:
        return site.root_page.specific.route(request, [part for part in path.split("/") if part])
    except Http404:
        return None


def site_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = site_search_results(query) if query else Page.objects.none()
    page_obj = Paginator(results, 10).get_page(request.GET.get("trang"))
    return TemplateResponse(
        request, "cms/search.html", {"query": query, "results": page_obj, "page": None}
    )


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /y-kien-ban-doc/",
        "Disallow: /dang-ky-su-kien/",
        "Disallow: /en/y-kien-ban-doc/",
        "Disallow: /en/dang-ky-su-kien/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


_DOCUMENTS_FOLDER = "documents/"


def _document_redirect(name: str) -> HttpResponse:
    from wagtail.documents import get_document_model

    document = get_document_model().objects.filter(file=name).first()
    if document is None:
        raise Http404
    return redirect(document.url)


def union_media(request: HttpRequest, schema_name: str, path: str) -> HttpResponse:
    """Serve a file of this union only: another union's folder is a 404 here.

    This check is the one authority on who reads a union's media; behind nginx the
    view still decides and only hands the sending over (X-Accel-Redirect to an
    internal location), so nginx never serves media/ on its own.
    """
    if schema_name != connection.schema_name:
        raise Http404
    root = (Path(settings.MEDIA_ROOT) / schema_name).resolve()
    file_path = (root / path).resolve()
    if root not in file_path.parents or not file_path.is_file():
        raise Http404
    relative = file_path.relative_to(root).as_posix()
    if relative.startswith(_DOCUMENTS_FOLDER):
        # A document may belong to a collection restricted to signed-in staff (or behind
        # a password): only Wagtail's document view knows, so it alone sends documents.
        return _document_redirect(relative)
    content_type, _ = mimetypes.guess_type(file_path.name)
    content_type = content_type or "application/octet-stream"
    if settings.MEDIA_ACCEL_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(
            f"{settings.MEDIA_ACCEL_PREFIX}{schema_name}/{relative}"
        )
    else:
        response = FileResponse(file_path.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if file_path.suffix.lower() in _ACTIVE_CONTENT:
        response["Content-Disposition"] = attachment_disposition(file_path.name)
    return response


def page_english(request: HttpRequest, page_id: int) -> HttpResponse:
    """The admin's "Bản tiếng Anh" of a Vietnamese page: asks, then makes the English draft
    (cms.services.page_english_create) and opens it in the editor."""
    from django.core.exceptions import PermissionDenied
    from django.urls import reverse

    page = get_object_or_404(Page, pk=page_id, depth__gt=1).specific
    if page.locale.language_code != settings.LANGUAGE_CODE:
        raise Http404
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    english = page_translation(page, "en")
    if request.method == "POST" or english is not None:
        if english is None:
            english = page_english_create(page=page, user=request.user)
            messages.success(
                request,
                f"Đã tạo bản tiếng Anh của “{page.title}”. Hãy dịch tiêu đề và nội dung rồi "
                "gửi duyệt: bản tiếng Anh chỉ hiện trên trang sau khi được đăng.",
            )
        return redirect(reverse("wagtailadmin_pages:edit", args=[english.pk]))
    return TemplateResponse(request, "cms/admin/page_english.html", {"page": page})
