"""Every value the platform reads from the environment is read here, and a bad
value stops the process at start-up instead of misbehaving later."""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Runtime state of a local run (embedded PostgreSQL, broker folders, media): git-ignored.
LOCAL_STATE = Path(os.environ.get("LHH_LOCAL_STATE", PROJECT_ROOT / ".local"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def envsecret(name: str) -> str:
    """A secret has no default: production refuses to start without it."""
    value = os.environ.get(name, "")
    if len(value) < 32:
        raise ImproperlyConfigured(f"{name} must be set to a secret of at least 32 characters")
    return value


def envrequired(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set")
    return value


def database_from_url(url: str, *, conn_max_age: int = 0) -> dict:
    """A Django DATABASES entry for a postgres:// URL, with django-tenants' backend."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"DATABASE_URL must be a postgres:// URL, got {parts.scheme!r}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    # pgserver hands out URLs whose host is a socket folder given as ?host=…
    host = query.pop("host", None) or unquote(parts.hostname or "")
    return {
        "ENGINE": "tenants.postgresql_backend",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or "postgres"),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "OPTIONS": query,
        "CONN_MAX_AGE": conn_max_age,
        "CONN_HEALTH_CHECKS": True,
    }


def cache_from_url(url: str, *, fallback: dict) -> dict:
    """One cache alias. Every alias is keyed by schema, so no union reads another's entries."""
    if not url:
        config = dict(fallback)
    elif url.startswith(("redis://", "rediss://")):
        config = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    else:
        raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, got {url!r}")
    config["KEY_FUNCTION"] = "django_tenants.cache.make_key"
    config["REVERSE_KEY_FUNCTION"] = "django_tenants.cache.reverse_key"
    return config


def celery_broker(url: str, *, folder: Path) -> tuple[str, dict]:
    """The broker URL and transport options. Without a URL, kombu's filesystem
    transport under `folder`: a broker that needs no server."""
    if url:
        return url, {}
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return "filesystem://", {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        # kombu otherwise writes its control exchange to ./control in the working tree.
        "control_folder": str(folder / "control"),
        "store_processed": False,
        # kombu polls the folder once a second by default: up to a second before a
        # queued union creation even starts. A folder listing ten times a second is cheap.
        "polling_interval": 0.1,
    }
