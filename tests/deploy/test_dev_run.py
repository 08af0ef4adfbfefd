"""The dev run (`deploy/up`: runserver, one thread per request) holds 20 concurrent clients
without running PostgreSQL out of connections."""

import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from django.db import connection

from tests.conftest import PROJECT_ROOT, free_port, subprocess_env, wait_for


def _status(port: int, host: str, path: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def _connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_twenty_concurrent_clients_on_the_dev_server(demo_union, union_pair, committed):
    port = free_port()
    env = subprocess_env(DJANGO_SETTINGS_MODULE="lhh.settings.dev")
    env.pop("CONN_MAX_AGE", None)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(
            lambda: _status(port, "localhost", "/healthz") == 200, timeout=60, what="runserver"
        )
        baseline = _connections()
        hosts = ["thanhhoa.localhost", "uniona.localhost", "unionb.localhost", "localhost"]
        # Distinct query strings: page-cache misses, so every request reaches the database.
        jobs = [(hosts[n % 4], f"/?lan={n}") for n in range(600)]
        peak = 0
        with ThreadPoolExecutor(max_workers=20) as pool:
            futures = [pool.submit(_status, port, host, path) for host, path in jobs]
            while not all(f.done() for f in futures):
                peak = max(peak, _connections() - baseline)
                time.sleep(0.2)
        statuses = [f.result() for f in futures]
        assert statuses.count(200) == len(jobs), {s: statuses.count(s) for s in set(statuses)}
        # One connection per request in flight at most, closed when it ends.
        assert peak <= 30, peak
    finally:
        server.terminate()
        server.wait(timeout=10)
