"""DRF's throttles, counting in the security cache: a flood of pages never evicts them."""

from django.core.cache import caches
from rest_framework import throttling


class AnonRateThrottle(throttling.AnonRateThrottle):
    cache = caches["security"]


class UserRateThrottle(throttling.UserRateThrottle):
    cache = caches["security"]
