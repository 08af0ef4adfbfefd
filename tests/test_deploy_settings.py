"""Production settings pass Django's deployment checks and refuse to start half-configured."""

import secrets
import subprocess
import sys
from pathlib import Path

from tests.conftest import production_env

ROOT = Path(__file__).resolve().parents[1]


def _check(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(**env_overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = _check(
        {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
            "CACHE_URL": "redis://127.0.0.1:6379/1",
            "PLATFORM_DOMAIN": "lienhiephoi.example.vn",
        }
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_missing_or_weak_secret():
    result = _check({"SECRET_KEY": "ngan", "DATABASE_URL": "postgres://x@127.0.0.1/x"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set to a secret of at least 32 characters" in result.stderr


def test_production_refuses_to_run_without_a_database_url():
    result = _check({"SECRET_KEY": secrets.token_urlsafe(50)})
    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr


def test_production_refuses_to_run_without_a_shared_cache():
    base = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "postgres://x@127.0.0.1/x",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    }
    result = _check(base)
    assert result.returncode != 0
    assert "CACHE_URL must be set to a redis:// URL" in result.stderr
    result = _check({**base, "CACHE_URL": "file:///tmp/cache"})
    assert result.returncode != 0
    assert "CACHE_URL must be a redis:// URL" in result.stderr


def test_security_state_lives_outside_the_page_cache_in_production():
    backend = _production_value("settings.CACHES['security']['BACKEND']")
    assert backend == "django.core.cache.backends.db.DatabaseCache"
    assert _production_value("settings.CACHES['default']['BACKEND']").endswith("RedisCache")


def _production_value(expression: str) -> str:
    env = production_env(
        SECRET_KEY=secrets.token_urlsafe(50),
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CACHE_URL="redis://127.0.0.1:6379/1",
        DATABASE_URL="postgres://lhh@127.0.0.1:5432/lhh",
    )
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_keeps_checked_connections_logs_json_and_hands_media_to_nginx():
    db = "settings.DATABASES['default']"
    expression = (
        f"{db}['CONN_MAX_AGE'], {db}['CONN_HEALTH_CHECKS'], "
        "settings.LOGGING['handlers']['console']['formatter'], settings.MEDIA_ACCEL_PREFIX"
    )
    assert _production_value(expression) == "60 True json /_media/"


def test_the_example_environment_lists_every_variable_the_settings_read():
    import re

    read = set()
    for module in ("env.py", "base.py", "production.py"):
        source = (ROOT / "platform" / "settings" / module).read_text()
        read |= set(re.findall(r'env[a-z]*\(\s*"([A-Z_]+)"', source))
        read |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z_]+)"', source))
    example = (ROOT / "deploy" / "env.example").read_text()
    listed = set(re.findall(r"^#?([A-Z_]+)=", example, re.M))
    assert read - listed == set()
    assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "METRICS_TOKEN"} <= listed
    # Secrets are placeholders only: the example never carries a usable one.
    for name in ("SECRET_KEY", "METRICS_TOKEN", "POSTGRES_PASSWORD", "EMAIL_HOST_PASSWORD"):
        assert re.search(rf"^{name}=$", example, re.M), name


def test_the_dockerfile_passes_hadolint():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "hadolint"), "deploy/Dockerfile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_file_matches_the_compose_specification():
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            "deploy/docker-compose.yml",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_load_initial_data_refuses_to_run_under_production_settings():
    """It makes a national superuser with a password written in the repository."""
    result = subprocess.run(
        [sys.executable, "manage.py", "load_initial_data"],
        cwd=ROOT,
        env=production_env(
            SECRET_KEY=secrets.token_urlsafe(50),
            CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
            CACHE_URL="redis://127.0.0.1:6379/1",
            # Nothing listens here: the refusal must come before any database work.
            DATABASE_URL="postgres://lhh@127.0.0.1:9/lhh",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "không chạy với cấu hình production" in result.stderr
