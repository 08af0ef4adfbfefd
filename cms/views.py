"""Thin views of a union's site: reader comments and the union's own media."""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cms.forms import ReaderCommentForm
from cms.models import NewsArticlePage
from cms.ratelimit import rate_limited
from cms.services import comment_submit

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
    )
    messages.success(request, "Cảm ơn bạn! Ý kiến sẽ được hiển thị sau khi Ban Biên tập duyệt.")
    return redirect(article.url + "#y-kien-ban-doc")


def union_media(request: HttpRequest, schema_name: str, path: str) -> HttpResponse:
    """Serve a file of this union only: another union's folder is a 404 here."""
    if schema_name != connection.schema_name:
        raise Http404
    root = (Path(settings.MEDIA_ROOT) / schema_name).resolve()
    file_path = (root / path).resolve()
    if root not in file_path.parents or not file_path.is_file():
        raise Http404
    content_type, _ = mimetypes.guess_type(file_path.name)
    response = FileResponse(
        file_path.open("rb"), content_type=content_type or "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if file_path.suffix.lower() in _ACTIVE_CONTENT:
        response["Content-Disposition"] = f'attachment; filename="{file_path.name}"'
    return response
