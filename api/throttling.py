"""DRF's throttles, counting the client by the platform's one reading of its address
(lhh.web.ratelimit.client_address), so the API trusts the same proxies as every other limit."""

from rest_framework import throttling
from rest_framework.request import Request

from lhh.web.ratelimit import client_address


class AnonRateThrottle(throttling.AnonRateThrottle):
    def get_ident(self, request: Request) -> str:
        return client_address(request)


class UserRateThrottle(throttling.UserRateThrottle):
    def get_ident(self, request: Request) -> str:
        return client_address(request)
