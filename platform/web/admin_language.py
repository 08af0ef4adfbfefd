"""Vietnamese first, whatever language the browser asks for."""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class AdminVietnameseFirstMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware without the browser's say.

    Staff get Vietnamese even from a browser set to English (as office computers often
    are), and English only by choosing it in their account, which Wagtail applies to each
    admin request. Readers of a union's Vietnamese pages get Vietnamese dates and numbers
    ("148.217", not "148,217") for the same reason.
    """

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
