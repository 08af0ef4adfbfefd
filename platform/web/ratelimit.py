"""A fixed-window rate limit in the (tenant-keyed) cache, per client address or per
another key (an e-mail address, a login name)."""

from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 10 * 60


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(request: HttpRequest, *, scope: str, limit: int, key: str | None = None) -> bool:
    """Count this request; True once `limit` requests were seen in the window.

    Counted per client address, or per `key` when given.
    """
    key = f"ratelimit:{scope}:{client_address(request) if key is None else key.lower()}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count > limit
