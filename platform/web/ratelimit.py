"""A fixed-window rate limit in the (tenant-keyed) security cache, per client address or
per another key (an e-mail address, a login name); and the client's address itself.

The security cache is never the page cache: a flood of pages cannot evict a limit
(settings.SECURITY_CACHE). Every limit of the platform (comments, contact, events, sign-up,
login, django-axes' lockout, the API's throttles) counts by `client_address`, so they all
trust the same proxies: `TRUSTED_PROXY_COUNT` in settings.
"""

import unicodedata

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from ipware import get_client_ip

WINDOW_SECONDS = 10 * 60


def client_address(request: HttpRequest) -> str:
    """The address of the client the nearest trusted proxy saw.

    With N proxies in front (nginx alone: 1), each appends the address it received
    the request from to X-Forwarded-For, so the client is the N-th address from the
    right; anything further left was written by the client and is not believed.
    With none, or a request that did not come through them, it is REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies == 0:
        return remote
    # ipware counts the proxies written into the header; the one talking to Django
    # (REMOTE_ADDR) is not among them, hence N - 1. Only the header the proxies
    # overwrite is read: X-Real-IP, Client-IP and the like pass through nginx untouched.
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return address or remote


def login_name_key(name: str) -> str:
    """A login name as locks and limits count it: " Admin" and "admin " are "admin"."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def rate_limited(request: HttpRequest, *, scope: str, limit: int, key: str | None = None) -> bool:
    """Count this request; True once `limit` requests were seen in the window.

    Counted per client address, or per `key` when given.
    """
    cache = caches["security"]
    key = f"ratelimit:{scope}:{client_address(request) if key is None else key.lower()}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count > limit
