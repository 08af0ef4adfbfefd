from django.core.exceptions import ImproperlyConfigured

from lhh.settings.base import *  # noqa: F403
from lhh.settings.env import (
    database_from_url,
    envbool,
    envchoice,
    envint,
    envrequired,
    envsecret,
    envstr,
)

DEBUG = False
SECRET_KEY = envsecret("SECRET_KEY")
DATABASES = {
    "default": database_from_url(
        envrequired("DATABASE_URL"),
        conn_max_age=CONN_MAX_AGE,  # noqa: F405
    )
}

CELERY_BROKER_URL = envrequired("CELERY_BROKER_URL")
# Pages are cached per union in one shared cache every process sees; a per-process or
# file cache would serve stale pages and cull at random (base.py's fallback is for a
# local run only).
if not CACHE_URL:  # noqa: F405
    raise ImproperlyConfigured(
        "CACHE_URL must be set to a redis:// URL in production (the shared page cache)"
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {}

# The recipe puts nginx in front of gunicorn (deploy/nginx); a load balancer in front of
# nginx makes it 2.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 1)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, got {TRUSTED_PROXY_COUNT}")
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
SITE_SCHEME = envchoice("SITE_SCHEME", "https", ("http", "https"))
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)

# nginx sends media after Django has checked the host (deploy/nginx/site.inc.template).
MEDIA_ACCEL_PREFIX = envstr("MEDIA_ACCEL_PREFIX", "/_media/")
if MEDIA_ACCEL_PREFIX:
    # Documents too, after Wagtail's view has checked their collection's restrictions.
    SENDFILE_BACKEND = "cms.sendfile_accel"
# A log shipper indexes JSON lines by schema.
LOGGING["handlers"]["console"]["formatter"] = envchoice("LOG_FORMAT", "json", LOG_FORMATS)  # noqa: F405
# Wagtail's live preview shows the page in a same-origin iframe, so frames stay
# SAMEORIGIN (set in base) instead of DENY.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W019"]  # noqa: F405
