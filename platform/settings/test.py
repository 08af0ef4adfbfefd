from lhh.embedded import embedded_database_url
from lhh.settings.base import *  # noqa: F403
from lhh.settings.env import cache_from_url, celery_broker, database_from_url, envstr

DATABASES = {"default": database_from_url(DATABASE_URL or embedded_database_url())}  # noqa: F405

# Tests share one process per run; an in-memory cache keeps them independent of
# a local platform that may be running beside them. Still tenant-keyed.
_TEST_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {
    "default": cache_from_url(envstr("CACHE_URL"), fallback=_TEST_CACHE),
    "renditions": cache_from_url(envstr("CACHE_URL"), fallback=_TEST_CACHE),
    "security": SECURITY_CACHE,  # noqa: F405
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Fast hashes for the users tests make; PBKDF2 also checked, for users a test makes to
# sign in to a production-settings server as well.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
WARM_POOL_SIZE = 1
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A broker folder of its own, so tests never consume a running local platform's tasks.
CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT_OPTIONS = celery_broker(
    envstr("CELERY_BROKER_URL"),
    folder=LOCAL_STATE / "broker-test",  # noqa: F405
)
