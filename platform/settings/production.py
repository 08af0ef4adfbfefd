from lhh.settings.base import *  # noqa: F403
from lhh.settings.env import (
    database_from_url,
    envbool,
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
CELERY_BROKER_TRANSPORT_OPTIONS = {}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# Wagtail's live preview shows the page in a same-origin iframe, so frames stay
# SAMEORIGIN (set in base) instead of DENY.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
