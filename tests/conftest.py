"""Shared fixtures: one migrated template and two test unions, A and B, made once.

With --reuse-db the unions survive between runs, so a warm run creates nothing.
Each union holds a sentinel article; isolation tests ask whether A's sentinel
can be seen from B.
"""

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from cms.models import NewsArticlePage, NewsIndexPage
from lhh.demo.seed import DEMO_UNIONS, demo_content_create, demo_records_create
from tenants.models import Province, Union
from tenants.selectors import union_host
from tenants.services import union_create


@dataclass(frozen=True)
class TestUnion:
    union: Union
    sentinel_title: str
    editor_password: str = "bien-tap-vien-2025"

    @property
    def schema_name(self) -> str:
        return self.union.schema_name

    @property
    def host(self) -> str:
        return union_host(self.union.schema_name)

    def client(self) -> Client:
        return Client(HTTP_HOST=self.host)

    def sentinel(self) -> NewsArticlePage:
        return NewsArticlePage.objects.get(title=self.sentinel_title)


def _test_union_ensure(schema_name: str, name: str, sentinel_title: str) -> TestUnion:
    union = Union.objects.filter(schema_name=schema_name).first()
    if union is None:
        union = union_create(schema_name=schema_name, name=name, use_warm_pool=False)
        with schema_context(schema_name):
            from django.contrib.auth import get_user_model

            from cms.models import HomePage, UnionSiteSettings

            home = HomePage.objects.get()
            news = NewsIndexPage.objects.get()  # made by union_create with the starter sections
            news.add_child(
                instance=NewsArticlePage(
                    title=sentinel_title, slug="tin-canh-gioi", summary=f"{name} sentinel"
                )
            )
            # Created on first use otherwise; the first-login wizard is for new unions only.
            UnionSiteSettings.objects.create(site=home.get_site(), welcome_done_at=timezone.now())
            get_user_model().objects.create_superuser(
                "admin", f"admin@{schema_name}.example.vn", TestUnion.editor_password
            )
    return TestUnion(union=union, sentinel_title=sentinel_title)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_database_url() -> str:
    """The test database as a DATABASE_URL, for server processes started by a test."""
    db = connection.settings_dict
    host = f"?host={db['HOST']}" if db["HOST"].startswith("/") else ""
    netloc = "" if host else f"{db['HOST']}:{db['PORT'] or 5432}"
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{netloc}/{db['NAME']}{host}"


# What a local or test run may have set that a production process must not inherit.
_NOT_PRODUCTION = {
    "SECRET_KEY",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


# Servers under test get hundreds of requests a second (schemathesis, the restart test);
# throttling has its own test (tests/api/test_api.py) and must not turn those into 429s.
API_UNTHROTTLED = {"API_RATE_ANON": "100000/minute", "API_RATE_USER": "100000/minute"}


def production_env(**values: str) -> dict[str, str]:
    """The environment of a process started with lhh.settings.production."""
    env = {key: value for key, value in os.environ.items() if key not in _NOT_PRODUCTION}
    return {**env, "DJANGO_SETTINGS_MODULE": "lhh.settings.production", **values}


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_keepdb, django_db_createdb
) -> Iterator[None]:
    """The test database, always.

    pytest-django sets it up only when a collected test asks for `db`; tests that
    commit (browser, Celery worker) do not, and would otherwise run against the
    development database.
    """
    from django.test.utils import setup_databases, teardown_databases

    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"}, keepdb=keepdb)
        call_command("migrate_platform", verbosity=0)
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=0)


@pytest.fixture(scope="session")
def union_pair(django_db_setup, django_db_blocker) -> tuple[TestUnion, TestUnion]:
    with django_db_blocker.unblock():
        return (
            _test_union_ensure("uniona", "Liên hiệp Hội Thử nghiệm A", "Tin canh giới của A"),
            _test_union_ensure("unionb", "Liên hiệp Hội Thử nghiệm B", "Tin canh giới của B"),
        )


@pytest.fixture(scope="session")
def demo_union(django_db_setup, django_db_blocker) -> Union:
    """Thanh Hóa's demo union, seeded exactly as `load_initial_data` seeds it."""
    demo = next(d for d in DEMO_UNIONS if d.schema_name == "thanhhoa")
    with django_db_blocker.unblock():
        union = Union.objects.filter(schema_name=demo.schema_name).first()
        if union is None:
            union = union_create(
                schema_name=demo.schema_name,
                name=demo.name,
                short_name=demo.short_name,
                province=Province.objects.get(name=demo.province, is_current=True),
                use_warm_pool=False,
            )
            with schema_context(union.schema_name):
                demo_content_create(demo)
                demo_records_create(demo)
    return union


PROJECT_ROOT = Path(__file__).resolve().parents[1]


def wait_for(predicate: Callable[[], object], *, timeout: float, what: str) -> None:
    """Poll until `predicate()` holds: for work done by a worker or another process."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment of a platform process (server, worker) over the test database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lhh.settings.test",
        "DATABASE_URL": server_database_url(),
        **extra,
    }


@pytest.fixture(scope="session")
def site_server(demo_union) -> Iterator[str]:
    """The platform's own server process over the test database, on a free port."""
    import sys
    import time
    import urllib.request

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
        cwd=PROJECT_ROOT,
        env=subprocess_env(**API_UNTHROTTLED),
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            break
        except urllib.error.HTTPError:
            break  # it answers
        except OSError:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
    yield str(port)
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def test_broker_emptied() -> None:
    """Messages an earlier run queued with no worker to take them (its tasks for rows long
    gone) would otherwise be worked off first, and a test's wait could time out."""
    from lhh.celery import app

    app.control.purge()


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, django_db_blocker, test_broker_emptied) -> Iterator[None]:
    """A real Celery worker (solo pool, in a thread) on the configured broker."""
    from celery.contrib.testing.worker import start_worker

    from lhh.celery import app

    with (
        django_db_blocker.unblock(),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        yield


@dataclass
class PausedWorker:
    """A real Celery worker process told to stop at one of the code's pause points
    (lhh.web.pause_points), so that a test can SIGKILL it mid-transaction."""

    process: subprocess.Popen
    pause_file: Path

    def wait_paused(self, *, timeout: float) -> None:
        wait_for(
            lambda: self.pause_file.exists() and self.pause_file.read_text(),
            timeout=timeout,
            what="the worker to reach its pause point",
        )
        # The solo pool runs tasks in the worker's own process.
        assert int(self.pause_file.read_text()) == self.process.pid

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        assert self.process.returncode == -signal.SIGKILL


@pytest.fixture
def paused_worker(tmp_path) -> Iterator[Callable[[str], PausedWorker]]:
    """Start a worker that will pause at the named point: `paused_worker("union_merge")`."""
    from lhh.celery import worker_argv

    started: list[PausedWorker] = []

    def start(point: str) -> PausedWorker:
        pause_file = tmp_path / f"{point}.pid"
        env = subprocess_env(**{f"LHH_PAUSE_{point.upper()}": str(pause_file)})
        process = subprocess.Popen(worker_argv(), cwd=PROJECT_ROOT, env=env)
        started.append(PausedWorker(process, pause_file))
        return started[-1]

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.process.kill()
        worker.process.wait(timeout=10)


@pytest.fixture
def union_a(union_pair, db) -> TestUnion:
    return union_pair[0]


@pytest.fixture
def union_b(union_pair, db) -> TestUnion:
    return union_pair[1]


@pytest.fixture
def admin_a(union_a) -> Client:
    """Union A's admin, signed in (the session lives in A's schema)."""
    with schema_context(union_a.schema_name):
        client = union_a.client()
        client.force_login(get_user_model().objects.get(username="admin"))
    return client


def login_with_second_step(client: Client, user) -> Client:
    """Sign `user` in as if past both steps of the login, in the current schema.

    National staff must have two-step login (tenants.two_factor): the user gets a
    confirmed TOTP device, and the session records it the way django-otp's login does.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Thử nghiệm", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def second_step_code(device) -> str:
    """The code an authenticator app shows for `device` now, or for the next time step
    when this one was used already (django-otp accepts each step once)."""
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    # Steps count with the device's drift (last_t too): the first unused one, reached
    # without it. A step beyond the tolerance of now is refused, so a third sign-in
    # within one step waits, as a person would, for the next code.
    needed = device.last_t + 1
    while totp.t() + device.tolerance < needed:
        time.sleep(0.5)
    totp.time = max(time.time(), (needed - device.drift) * device.step + device.t0)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture(autouse=True)
def _back_to_public() -> Iterator[None]:
    """A test that switched schema must not leak that schema into the next test."""
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _fresh_cache(request, django_db_blocker) -> Iterator[None]:
    """Cached pages of content a test rolled back must not reach the next test."""
    yield
    cache.clear()
    # Rate limits a test reached over HTTP are committed; the next test starts afresh.
    if "django_db_setup" in request.fixturenames:
        with django_db_blocker.unblock():
            caches["security"].clear()


@pytest.fixture
def fresh_subdomain(django_db_setup, committed) -> Iterator[str]:
    """A name no union or sign-up holds; what a committing test made under it goes after."""
    import secrets

    from tenants.models import Domain, SignupApplication

    name = f"moi{secrets.token_hex(4)}"
    yield name
    SignupApplication.objects.filter(subdomain=name).delete()
    Domain.objects.filter(tenant__schema_name=name).delete()
    Union.objects.filter(schema_name=name).delete()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(name)} CASCADE")


@pytest.fixture
def committed(django_db_blocker) -> Iterator[None]:
    """Autocommit access, for work a separate thread (Celery worker, live server) must see."""
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()
