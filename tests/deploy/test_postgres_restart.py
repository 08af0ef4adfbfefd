"""The platform survives a PostgreSQL restart under load: errors only while the server
is down, and no request ever answered from another union's schema.

gunicorn keeps its connections between requests (CONN_MAX_AGE) and checks each one
before reuse (CONN_HEALTH_CHECKS), so after the restart every worker finds its old
connection dead, opens a new one, and django-tenants sets the search_path afresh.
"""

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pgserver
import pytest
from django.db import connection

from lhh.settings.env import LOCAL_STATE

# The API is never served from the page cache, so every answer is read from the schema
# the connection's search_path names at that moment.
NEWS = "/api/v1/news/?page_size=50"
# pg_ctl -w returns once the server accepts connections: a request begun after that must
# not fail (only clock slop is allowed).
GRACE_SECONDS = 0.05
RUN = 8


@dataclass(frozen=True)
class Answer:
    started: float
    finished: float
    host: str
    status: int
    own: bool
    foreign: bool


def _embedded_postgres_restart() -> None:
    pgdata = LOCAL_STATE / "pgdata"
    assert Path(connection.settings_dict["HOST"]).resolve() == pgdata.resolve(), (
        "this test restarts the embedded PostgreSQL of .local/pgdata; run it without DATABASE_URL"
    )
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    pgserver.pg_ctl(
        ["-w", "-m", "fast", "-l", str(server.log), "restart"],
        pgdata=pgdata,
        user=server.system_user,
        timeout=60,
    )


def _server_errors(stack) -> float:
    auth = {"Authorization": f"Bearer {stack.metrics_token}"}
    metrics = stack.get_gunicorn("/metrics", headers=auth).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("lhh_http_errors_total{")
    )


@pytest.fixture
def reconnects_after(django_db_blocker) -> Iterator[None]:
    """This process's own connection died with the server: drop it, so the tests after
    this one open a fresh connection (and a fresh search_path) instead of failing."""
    yield
    with django_db_blocker.unblock():
        connection.close()
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")


def test_a_postgres_restart_under_load_never_serves_the_wrong_union(
    stack, union_pair, reconnects_after
):
    union_a, union_b = union_pair
    titles = {union_a.host: union_a.sentinel_title, union_b.host: union_b.sentinel_title}
    answers: list[Answer] = []
    stop = threading.Event()

    def load(hosts: tuple[str, str]) -> None:
        turn = 0
        while not stop.is_set():
            # Runs of a few requests per host: a worker then often serves the same union
            # twice in a row, the case where the middleware does not switch schema again
            # and the search_path of a new connection must still be set.
            host = hosts[(turn // RUN) % 2]
            turn += 1
            started = time.monotonic()
            try:
                answer = stack.get(host, NEWS)
                status, body = answer.status, answer.text
            except OSError:
                status, body = 0, ""
            other = next(title for h, title in titles.items() if h != host)
            answers.append(
                Answer(started, time.monotonic(), host, status, titles[host] in body, other in body)
            )
            time.sleep(0.01)

    errors_before = _server_errors(stack)
    hosts = (union_a.host, union_b.host)
    # Both loops in step: each gunicorn worker mostly serves the same union as before.
    threads = [threading.Thread(target=load, args=(hosts,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)
        restart_began = time.monotonic()
        _embedded_postgres_restart()
        restart_ended = time.monotonic()
        time.sleep(2.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)

    assert answers, "no request was made"
    # Never another union's content, before, during or after the restart.
    assert not [a for a in answers if a.foreign]
    assert all(a.own for a in answers if a.status == 200)
    # Errors only while the server was down: each failed request overlapped the restart.
    failed = [a for a in answers if a.status != 200]
    assert all(
        a.finished >= restart_began and a.started <= restart_ended + GRACE_SECONDS for a in failed
    ), failed
    # The load really ran through the restart.
    assert [a for a in answers if restart_began <= a.started <= restart_ended]
    # Afterwards: both unions answer, each with its own news, on every request.
    after = [a for a in answers if a.started > restart_ended + GRACE_SECONDS]
    assert {a.host for a in after} == set(hosts)
    assert len(after) >= 10 and all(a.status == 200 and a.own for a in after), after
    # Each 5xx answer was counted as an error (under the union, or "unrouted" when the
    # union lookup itself failed).
    assert _server_errors(stack) - errors_before == len([a for a in failed if a.status >= 500])
    print(
        f"{len(answers)} requests, {len(failed)} failed during a restart of "
        f"{restart_ended - restart_began:.2f} s, {len(after)} after it, all from the right union"
    )


def test_a_connection_killed_under_a_worker_is_replaced_with_the_unions_search_path(
    stack, union_pair, committed
):
    """The same recovery, deterministic: every server-side connection of the web workers
    is terminated while they are idle, and the next requests, for the union each worker
    served last, must reconnect and select that union's schema again."""
    union_a, union_b = union_pair
    for _ in range(6):
        assert stack.get(union_a.host, NEWS).status == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        assert cursor.fetchone()[0] >= 1  # the workers keep their connections (CONN_MAX_AGE)
    for _ in range(6):
        answer = stack.get(union_a.host, NEWS)
        assert answer.status == 200
        assert union_a.sentinel_title in answer.text
        assert union_b.sentinel_title not in answer.text
