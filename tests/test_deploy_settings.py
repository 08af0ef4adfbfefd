"""Production settings pass Django's deployment checks and refuse to start half-configured."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _check(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    # A production environment: none of the local or test-only variables.
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "lhh.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
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
