"""Settings shared by every environment. Values come from the environment through
`lhh.settings.env`, which fails loudly on a bad value."""

import datetime as dt

from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lhh.settings.env import (
    LOCAL_STATE,
    PROJECT_ROOT,
    cache_from_url,
    celery_broker,
    envbool,
    envchoice,
    envint,
    envlist,
    envstr,
)

DEBUG = envbool("DEBUG", False)
# Names the deployed code; cached pages of another release are never served.
RELEASE = envstr("RELEASE", "dev")

# The national host; union `<slug>` is served at `<slug>.<PLATFORM_DOMAIN>`.
PLATFORM_DOMAIN = envstr("PLATFORM_DOMAIN", "localhost")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}"])
# The port Wagtail puts in full URLs (sitemaps, previews); 8000 for a local run.
SITE_PORT = envint("SITE_PORT", 80)
# The scheme of full links in mail (verification, set-password); production: https.
SITE_SCHEME = envchoice("SITE_SCHEME", "http", ("http", "https"))

# ---------------------------------------------------------------------------
# Multi-tenancy: everything django-tenants needs, in one block.
# The public schema holds the national layer and the tenant registry; each union
# gets a schema cloned from the template schema.
# ---------------------------------------------------------------------------
TENANT_MODEL = "tenants.Union"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
TEMPLATE_SCHEMA_NAME = "template"
TENANT_BASE_SCHEMA = TEMPLATE_SCHEMA_NAME
TENANT_CREATION_FAKES_MIGRATIONS = True
# django-tenants re-issues `SET search_path` on every cursor unless told otherwise.
TENANT_LIMIT_SET_CALLS = True
PUBLIC_SCHEMA_URLCONF = "lhh.urls_national"
ROOT_URLCONF = "lhh.urls_union"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# How many pre-cloned spare schemas the warm pool keeps ready.
WARM_POOL_SIZE = envint("WARM_POOL_SIZE", 2)

_WAGTAIL_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]
# Both the national site and every union run Wagtail, and each keeps its own users,
# so a login can never cross from one schema into another.
_IN_EVERY_SCHEMA = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    # Failed logins and lockouts, kept beside the accounts they concern.
    "axes",
    # Two-step login devices and recovery codes, beside their users too (tenants.two_factor).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    *_WAGTAIL_APPS,
]
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "tenants.onboarding",
    *_IN_EVERY_SCHEMA,
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    # The anti-spam widget's script and template (lhh.web.captcha).
    "django_altcha",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "lhh.national",
    "lhh.demo",
]
TENANT_APPS = [
    *_IN_EVERY_SCHEMA,
    # API tokens live beside their users: a union's in its schema, national staff's in public.
    "api",
    "cms",
    "cms.records",
    "cms.nukeviet",
]
INSTALLED_APPS = list(dict.fromkeys(SHARED_APPS + TENANT_APPS))

MIDDLEWARE = [
    # Probes and the metrics scrape answer on any Host, before routing and before the
    # request is counted.
    "lhh.ops.middleware.OpsEndpointsMiddleware",
    "lhh.ops.metrics.RequestMetricsMiddleware",
    # A NUL in the address or query is a 400 before any query could choke on it.
    "lhh.web.bad_input.RejectNulMiddleware",
    "tenants.host_routing.UnionMiddleware",
    # The national host has none of the union-only admin's tables: 404, never 500.
    "cms.admin_scope.UnionOnlyAdminMiddleware",
    # Counts every page view, cached ones too, in the cache only.
    "cms.visit_counter.VisitCounterMiddleware",
    # Right after routing: a hit skips sessions, auth and Wagtail altogether.
    "cms.page_cache.PageCacheMiddleware",
    # Inside the page cache: what they set is stored with the page and sent on every hit.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lhh.web.admin_language.AdminVietnameseFirstMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Turns a login refused for a lockout into the Vietnamese notice (tenants.login).
    "axes.middleware.AxesMiddleware",
    # A session past the password but not the second step reaches only that step.
    "django_otp.middleware.OTPMiddleware",
    "tenants.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A new union's admin goes through the first-login wizard before the admin home.
    "cms.welcome.WelcomeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A 404 on a union's host that is an address of its old NukeViet site answers 301.
    "cms.nukeviet.redirects.NukeVietRedirectMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_ROOT / "platform" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# cms/templatetags/wagtailadmin_tags.py replaces Wagtail's library of that name on purpose
# (links in mail to the current union's host); Django warns of the shared name.
SILENCED_SYSTEM_CHECKS = ["templates.W003"]

WSGI_APPLICATION = "lhh.wsgi.application"

# ---------------------------------------------------------------------------
# Data stores
# ---------------------------------------------------------------------------
# DATABASES is set by each environment: dev and test fall back to an embedded
# PostgreSQL when DATABASE_URL is unset; production requires it.
DATABASE_URL = envstr("DATABASE_URL")
CONN_MAX_AGE = envint("CONN_MAX_AGE", 60)
# Fairness: how many of one process's concurrent requests one union may hold (threaded
# servers; 0 = no limit). Beyond it the union's host answers 503 with Retry-After, so a
# noisy union cannot take every thread from the others. nginx limits per host too.
UNION_CONCURRENT_REQUESTS_MAX = envint("UNION_CONCURRENT_REQUESTS_MAX", 16)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_LOCAL_CACHE = {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": str(LOCAL_STATE / "cache"),
}
CACHE_URL = envstr("CACHE_URL")
# Security state (rate limits, the API's throttles) never shares a cache with pages:
# pages come and go with any visitor's requests, and a full cache evicts what it holds,
# so one union's traffic could wipe another's limits. It lives in PostgreSQL, in one
# table in public (`migrate_platform` makes it; a union's connection reaches it through
# tenants/shared_views.py), never culled before its million entries.
SECURITY_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "lhh_security_cache",
    "KEY_FUNCTION": "django_tenants.cache.make_key",
    "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    "OPTIONS": {"MAX_ENTRIES": 1_000_000},
}
CACHES = {
    "default": cache_from_url(CACHE_URL, fallback=_LOCAL_CACHE),
    # Wagtail's image renditions have an alias of their own; it is tenant-keyed too.
    "renditions": cache_from_url(CACHE_URL, fallback=_LOCAL_CACHE),
    "security": SECURITY_CACHE,
}

# Each union's files live under media/<schema>/ and are served only on its own host.
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = envstr("MEDIA_ROOT", str(LOCAL_STATE / "media"))
MEDIA_URL = "/media/"
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
# Behind nginx, Django only decides whether this host may read a media file and hands
# the sending to nginx's internal location with this prefix (X-Accel-Redirect).
# Empty: Django sends the file itself.
MEDIA_ACCEL_PREFIX = envstr("MEDIA_ACCEL_PREFIX", "")
STATIC_ROOT = envstr("STATIC_ROOT", str(LOCAL_STATE / "static"))
STATIC_URL = "/static/"
MAX_UPLOAD_BYTES = envint("MAX_UPLOAD_MB", 20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = MAX_UPLOAD_BYTES
# SVG can carry script; raster formats only.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "lhh.web.upload_forms.UnionImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "lhh.web.upload_forms.UnionDocumentForm"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True

# Files of imports from old NukeViet sites while they run (uploaded dump and archive,
# staged SQLite, unpacked uploads): private, outside MEDIA_ROOT, shared by web and worker.
NUKEVIET_WORK_ROOT = envstr("NUKEVIET_WORK_ROOT", str(LOCAL_STATE / "nukeviet"))
# An old site's dump and uploads can be far larger than an ordinary upload.
NUKEVIET_MAX_UPLOAD_BYTES = envint("NUKEVIET_MAX_UPLOAD_MB", 2048) * 1024 * 1024

# Backups of each union (schema + media) and of the whole platform; see tenants/backups.py.
BACKUP_ROOT = envstr("BACKUP_ROOT", str(LOCAL_STATE / "backups"))
# How many archives are kept per union (and of the whole platform); older ones are pruned.
BACKUP_KEEP = envint("BACKUP_KEEP", 7)
if BACKUP_KEEP < 1:  # 0 would prune the archive just written
    raise ImproperlyConfigured(f"BACKUP_KEEP must be at least 1, got {BACKUP_KEEP}")
# A union's rows in public that its schema cannot rebuild (each model has a `union`
# foreign key): `tenants.backups` keeps them in the union's archive, restores them with
# it and deletes them with it. Named here so that the registry never imports the
# national layer that owns them.
# Own domains (tenants.DomainClaim) too: a restored union's verified domains route again.
UNION_ROWS_IN_PUBLIC = ["national.ReportSubmission", "tenants.DomainClaim"]
# Where pg_dump/psql live, when neither pgserver's nor Debian's match the server's version.
PG_BIN_DIR = envstr("PG_BIN_DIR")

# ---------------------------------------------------------------------------
# Celery: tasks carry the schema they were queued from (tenant-schemas-celery).
# ---------------------------------------------------------------------------
CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT_OPTIONS = celery_broker(
    envstr("CELERY_BROKER_URL"), folder=LOCAL_STATE / "broker"
)
CELERY_TASK_IGNORE_RESULT = True
# The worker keeps Django's LOGGING, so its lines carry the schema like the web's.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_TENANT_CACHE_SECONDS = 30
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE_FILENAME = str(LOCAL_STATE / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "refill-warm-pool": {"task": "tenants.tasks.warm_pool_refill", "schedule": 300.0},
    # Finishes or cleans up union creations a dead worker left behind.
    "reconcile-onboarding": {
        "task": "tenants.onboarding.tasks.onboarding_reconcile",
        "schedule": 300.0,
    },
    "reconcile-rollups": {
        "task": "tenants.tasks.union_fan_out",
        "args": ["lhh.national.tasks.rollup_refresh"],
        "schedule": 24 * 60 * 60.0,
    },
    # Refreshes keep the totals exact; this repairs anything written around them.
    "reconcile-rollup-totals": {
        "task": "lhh.national.tasks.rollup_totals_rebuild",
        "schedule": 24 * 60 * 60.0,
    },
    "measure-union-health": {
        "task": "tenants.tasks.union_fan_out",
        "args": ["lhh.national.tasks.union_health_refresh"],
        "schedule": 60 * 60.0,
    },
    # Nightly: one archive per working union (schema + media), then prune to BACKUP_KEEP.
    "backup-unions": {"task": "tenants.tasks.unions_backup", "schedule": 24 * 60 * 60.0},
    # Weekly: the whole platform (every schema, public included, and all media).
    "backup-platform": {"task": "tenants.tasks.platform_backup", "schedule": 7 * 24 * 60 * 60.0},
    # Imports a lost worker left queued are marked failed, in Vietnamese.
    "reconcile-imports": {
        "task": "tenants.tasks.union_fan_out",
        "args": ["cms.records.tasks.import_jobs_reconcile"],
        "schedule": 10 * 60.0,
    },
    # Visitors' personal data past its retention period goes (docs/personal-data.md).
    "purge-personal-data": {
        "task": "tenants.tasks.union_fan_out",
        "args": ["cms.tasks.personal_data_purge"],
        "schedule": 24 * 60 * 60.0,
    },
    "flush-visit-counters": {
        "task": "tenants.tasks.union_fan_out",
        "args": ["cms.tasks.visits_flush"],
        "schedule": 60.0,
    },
}

# ---------------------------------------------------------------------------
# Language and time
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [PROJECT_ROOT / "locale"]
FORMAT_MODULE_PATH = ["lhh.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------
# Security: cookies are host-only (no SESSION_COOKIE_DOMAIN), so a union's session
# cookie is never sent to another union's host.
# ---------------------------------------------------------------------------
SECRET_KEY = envstr("SECRET_KEY", "dev-only-insecure-key-never-used-in-production")
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Public pages (django-csp): scripts only from the site itself or inline with the
# request's nonce (sign-up pages; cached union pages carry no inline script); inline
# styles stay allowed (a union's theme colour, hero images). Wagtail's admin and the API
# docs bring their own inline scripts and are left out; media has its own, stricter one
# (cms.views.union_media).
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/api/v1/docs/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        # The anti-spam widget (lhh.web.captcha) does its proof of work in Web Workers it
        # starts from blob: URLs.
        "worker-src": ["'self'", "blob:"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "https:"],
        "frame-src": ["'self'", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}

# How many reverse proxies stand in front of Django, each appending the address it saw
# to X-Forwarded-For (the production recipe: nginx, 1). Every limit takes the client's
# address from here (lhh.web.ratelimit.client_address): comments, contact, events, sign-up,
# login, the lockout and the API's throttles. 0 believes no header at all.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, got {TRUSTED_PROXY_COUNT}")

# django-axes locks an account from one client after five wrong passwords, for 15
# minutes; its tables are in every schema, so a lockout never crosses unions.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "lhh.web.ratelimit.client_address"
AXES_USERNAME_CALLABLE = "tenants.login.axes_username"
AXES_LOCKOUT_CALLABLE = "tenants.login.axes_locked_out"
# Successful logins are not logged by axes: the platform keeps no record of them that it
# would have to justify and purge (docs/personal-data.md).
AXES_DISABLE_ACCESS_LOG = True


# The name authenticator apps show beside a two-step code (the site it is for).
def OTP_TOTP_ISSUER(device) -> str:
    from tenants.two_factor import totp_issuer

    return totp_issuer(device)


# Personal data (docs/personal-data.md): the deadline the platform sets on a person's
# request to see or erase their data, the notification deadline it shows for a breach,
# and how long visitors' data is kept.
PERSONAL_DATA_REQUEST_HOURS = envint("PERSONAL_DATA_REQUEST_HOURS", 72)
PERSONAL_DATA_BREACH_NOTIFY_HOURS = envint("PERSONAL_DATA_BREACH_NOTIFY_HOURS", 72)
# Registrations go this long after their event starts; contact messages after arrival.
RETENTION_REGISTRATION_DAYS = envint("RETENTION_REGISTRATION_DAYS", 365)
RETENTION_CONTACT_DAYS = envint("RETENTION_CONTACT_DAYS", 365)
# Comments never published go after this; published ones lose their e-mail address.
RETENTION_COMMENT_DAYS = envint("RETENTION_COMMENT_DAYS", 180)

# The anti-spam check's work: the browser hashes about half this many times (under a
# second on a phone); a spammer pays it again for every post.
CAPTCHA_MAX_NUMBER = envint("CAPTCHA_MAX_NUMBER", 200_000)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(LOCAL_STATE / "mail")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", f"no-reply@{PLATFORM_DOMAIN}")

# ---------------------------------------------------------------------------
# Wagtail
# ---------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Liên hiệp Hội Cloud"
WAGTAILADMIN_BASE_URL = envstr("WAGTAILADMIN_BASE_URL", f"http://{PLATFORM_DOMAIN}:8000")
# "simple" keeps Vietnamese words intact; the English stemmer would mangle them.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "simple"}
}
# Wagtail 8 runs search indexing and reference updates as django-tasks. A worker
# backend would lose the union's schema, so they run in the request, in its schema.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Avatars come from the admin's own default picture (or an uploaded one): Gravatar is
# an outside request on every admin page, blocked on many office networks.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_I18N_ENABLED = False
# Vietnamese titles become ASCII slugs: "Giới thiệu" → gioi-thieu.
WAGTAIL_ALLOW_UNICODE_SLUGS = False

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.common.Pagination",
    # JSON only: form encodings cannot say null or a nested object, and one body format
    # is one thing to document and test.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # The cache is keyed by schema, so each union has its own counters: a noisy union
    # cannot use up another's allowance.
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonRateThrottle",
        "api.throttling.UserRateThrottle",
    ],
    # DRF's own reading of the client address, for anything that still uses it.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": envstr("API_RATE_ANON", "120/minute"),
        "user": envstr("API_RATE_USER", "600/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    # ASCII: client generators derive their package name from the title
    # (openapi-python-client: lienhiephoi-cloud-api-client); the Vietnamese name is below.
    "TITLE": "Lienhiephoi Cloud API",
    "DESCRIPTION": "API của Liên hiệp Hội Cloud: trang của từng Liên hiệp Hội (trên tên miền "
    "của Liên hiệp Hội) và của Trung ương (trên tên miền quốc gia).",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.servers_from_request",
    ],
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Each host serves its own schema (tests generate both with --fail-on-warn); the
    # deploy check would build one from ROOT_URLCONF, which is neither.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "ENUM_NAME_OVERRIDES": {
        "ActivityKind": "cms.records.models.activities.Activity.Kind",
        "ActivityStatus": "cms.records.models.activities.Activity.Status",
        "OrganisationKind": "cms.records.models.organisations.MemberOrganisation.Kind",
        "OrganisationStatus": "cms.records.models.organisations.MemberOrganisation.Status",
        "DocumentKind": "cms.models.documents.OfficialDocument.Kind",
        "EventKind": "cms.models.events.EventPage.Kind",
    },
}

# A union's own domains (tenants.domains): how their proof is checked. The resolver is
# "address[:port]" of a DNS server (an IPv4 address), or empty for the machine's own
# (/etc/resolv.conf).
OWN_DOMAIN_RESOLVER = envstr("OWN_DOMAIN_RESOLVER", "")
# One deadline for a whole check (DNS, then the file and its redirects), in seconds.
OWN_DOMAIN_CHECK_SECONDS = envint("OWN_DOMAIN_CHECK_SECONDS", 5)
# The port the proof file is fetched from on its old site (80 on the Internet).
OWN_DOMAIN_HTTP_PORT = envint("OWN_DOMAIN_HTTP_PORT", 80)
# Non-public networks the file may still be fetched from: none outside tests.
OWN_DOMAIN_ALLOWED_NETWORKS = envlist("OWN_DOMAIN_ALLOWED_NETWORKS", [])
OWN_DOMAINS_MAX = envint("OWN_DOMAINS_MAX", 5)

# Bearer token a Prometheus scraper sends to /metrics; unset, /metrics is off (404).
METRICS_TOKEN = envstr("METRICS_TOKEN", "")
# The Celery worker's own metrics listener (0: none). No token there: keep it private.
WORKER_METRICS_PORT = envint("WORKER_METRICS_PORT", 0)
WORKER_METRICS_ADDR = envstr("WORKER_METRICS_ADDR", "127.0.0.1")

LOG_FORMATS = ("plain", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line names the schema it was written in (union, "public", or "-").
    "filters": {"schema": {"()": "lhh.ops.logs.SchemaFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(schema)s] %(name)s %(message)s"},
        "json": {"()": "lhh.ops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": envchoice("LOG_FORMAT", "plain", LOG_FORMATS),
            "filters": ["schema"],
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # One line per Wagtail background task and per pgserver handle is noise.
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
    },
}
