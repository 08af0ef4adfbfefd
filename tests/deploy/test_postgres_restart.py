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
GRACE_SECONDS = 1.0


@dataclass(frozen=True)
class Answer:
    started: float
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
            host = hosts[turn % 2]
            turn += 1
            started = time.monotonic()
            try:
                answer = stack.get(host, NEWS)
                status, body = answer.status, answer.text
            except OSError:
                status, body = 0, ""
            other = next(title for h, title in titles.items() if h != host)
            answers.append(Answer(started, host, status, titles[host] in body, other in body))
            time.sleep(0.01)

    hosts = (union_a.host, union_b.host)
    threads = [
        threading.Thread(target=load, args=(hosts,)),
        threading.Thread(target=load, args=(hosts[::-1],)),
    ]
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
    # Errors only while the server was down (a request begun just before the restart may
    # still have been running when the server went away).
    failed = [a for a in answers if a.status != 200]
    assert all(restart_began - 0.5 <= a.started <= restart_ended + GRACE_SECONDS for a in failed)
    # The load really ran through the restart.
    assert [a for a in answers if restart_began <= a.started <= restart_ended]
    # Afterwards: both unions answer, each with its own news, on every request.
    after = [a for a in answers if a.started > restart_ended + GRACE_SECONDS]
    assert {a.host for a in after} == set(hosts)
    assert len(after) >= 10 and all(a.status == 200 and a.own for a in after), after
    print(
        f"{len(answers)} requests, {len(failed)} failed during a restart of "
        f"{restart_ended - restart_began:.2f} s, {len(after)} after it, all from the right union"
    )
