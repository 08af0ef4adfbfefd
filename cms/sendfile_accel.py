"""Wagtail's document view hands the sending to nginx (X-Accel-Redirect), behind nginx.

Wagtail checks a document's collection restrictions in its view and then sends the file
through `wagtail.utils.sendfile`; with `SENDFILE_BACKEND` pointing here (production,
`MEDIA_ACCEL_PREFIX` set) the view answers with the internal location nginx serves the
file from, so the check stays in Django and the bytes never pass through gunicorn.
"""

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse


def sendfile(request: HttpRequest, filename: str, **kwargs) -> HttpResponse:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = Path(filename).resolve()
    if root not in path.parents:
        raise Http404
    response = HttpResponse()
    response["X-Accel-Redirect"] = quote(
        f"{settings.MEDIA_ACCEL_PREFIX}{path.relative_to(root).as_posix()}"
    )
    return response
