"""Vietnamese first in the admin, whatever language the browser asks for."""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class AdminVietnameseFirstMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except under /admin/: there the staff get Vietnamese
    even from a browser set to English (as office computers often are), and English only
    by choosing it in their account, which Wagtail applies to each admin request."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith("/admin/"):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)
