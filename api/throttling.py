"""DRF's throttles, counting the client by the platform's one reading of its address
(lhh.web.ratelimit.client_address), so the API trusts the same proxies as every other limit,
and counting in the security cache, so a flood of pages never evicts them."""

from django.core.cache import caches
from rest_framework import throttling
from rest_framework.request import Request

from lhh.web.ratelimit import client_address


class AnonRateThrottle(throttling.AnonRateThrottle):
    cache = caches["security"]

    def get_ident(self, request: Request) -> str:
        return client_address(request)


class UserRateThrottle(throttling.UserRateThrottle):
    cache = caches["security"]

    def get_ident(self, request: Request) -> str:
        return client_address(request)
