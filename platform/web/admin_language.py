"""Vietnamese first, whatever language the browser asks for."""

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def prefixed_language(path: str) -> str | None:
    """The language whose prefix starts `path` ("/en/…"), else None.

    Exact, unlike Django's reading, which takes "/en-chi-tiet/" (a Vietnamese page's
    address) for English.
    """
    code = path[1:].split("/", 1)[0] if path.count("/") > 1 else ""
    if code != settings.LANGUAGE_CODE and code in dict(settings.LANGUAGES):
        return code
    return None


def address_in_language(url: str | None, language: str) -> str | None:
    """A union page's address as a reader of `language` follows it: a page not in that
    language is shown under its prefix with that language's chrome (cms.views.page_serve)."""
    if url and url.startswith("/") and language != settings.LANGUAGE_CODE:
        if prefixed_language(url) is None:
            return f"/{language}{url}"
    return url


def path_language(request: HttpRequest) -> str:
    """The language a request's page is in: English under /en/ of a union's site (its
    URLs are prefixed by language), Vietnamese everywhere else."""
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    if is_language_prefix_patterns_used(urlconf)[0]:
        return prefixed_language(request.path_info) or settings.LANGUAGE_CODE
    return settings.LANGUAGE_CODE


class AdminVietnameseFirstMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware without the browser's say.

    Staff get Vietnamese even from a browser set to English (as office computers often
    are), and English only by choosing it in their account, which Wagtail applies to each
    admin request. Readers of a union's site get the language of the address they opened
    (Vietnamese, or English under /en/), never the browser's: one address is one page,
    which the page cache and search engines rely on, and Vietnamese pages keep Vietnamese
    dates and numbers ("148.217", not "148,217").
    """

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(path_language(request))
        request.LANGUAGE_CODE = translation.get_language()
