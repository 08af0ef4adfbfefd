"""Host → union, remembered in each process and forgotten at once on any change.

Every request starts by finding its union from the host: one query in public (about
1 ms; on a Citus cluster a round trip to the coordinator before the worker's queries).
The answer changes only when a union's status, its domains or its schema change, so
each process keeps the answers and forgets them all whenever the database says that
one of those changed.

How the database says so: PostgreSQL LISTEN/NOTIFY on the channel `lhh_routing`.
Triggers send it (migration tenants 0005) on any write to `tenants_union` or
`tenants_domain`, and an event trigger on any CREATE/ALTER/DROP SCHEMA. A
notification is sent only when the writing transaction commits, so a rolled-back
change never empties a cache; at commit PostgreSQL signals every listening session,
which passes it on to its process at once (well under a millisecond on an idle
machine; tests/tenants/test_host_cache.py waits for it and times it). Why this and not:

- a version row read on every request: still a query per request, the cost to remove;
- a generation key in the shared cache (Redis): a round trip too, and a local run has
  no shared cache (the file cache is per machine);
- a time-to-live: a suspended union would be served for its length.

No round trip is added on a hit: before using a remembered answer the request looks
whether the listening connection's socket has unread bytes (a `select` with no
wait); if it has, a notification is on its way and the cache is emptied first. The
listening thread empties the cache under the same lock before it reads the bytes.
So once the notification has reached a process, its next request looks the union up
afresh: a request sent after the change was made (a click after a suspension) finds it,
as tested across two processes.

The cache is off (every request queries, as before) when it cannot be trusted: until
the listener is connected and has checked that the triggers exist (without
superuser rights the event trigger cannot be created), after the listener loses its
connection (until it is back: notifications sent meanwhile are lost), and inside a
transaction, which may see its own uncommitted changes (tests run in one).
"""

import copy
import logging
import os
import select
import threading
import time

import psycopg
from django.db import connection

logger = logging.getLogger(__name__)

CHANNEL = "lhh_routing"
# Written by migration 0005; the cache works only when all of them are in place.
TRIGGERS = ("tenants_union_routing_notify", "tenants_domain_routing_notify")
EVENT_TRIGGER = "lhh_routing_schema_ddl"
_RETRY_SECONDS = 1.0
_MISSING = object()


class HostCache:
    """hostname → Union (annotated with `schema_ready`) or None, for this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, object] = {}
        self._generation = 0
        self._socket: int | None = None  # the listening connection's, once trusted
        self._pid: int | None = None
        self._database: tuple | None = None
        self._stop = threading.Event()

    # --- the request's side ---------------------------------------------------

    def _usable(self) -> bool:
        """Whether a remembered answer may be used now (the lock is held)."""
        if self._socket is None:
            return False
        readable, _, _ = select.select([self._socket], [], [], 0)
        if readable:  # a notification is arriving: whatever is remembered may be stale
            self._entries.clear()
            self._generation += 1
            return False
        return True

    def lookup(self, hostname: str, query) -> object:
        """The union for `hostname`, remembered or from `query(hostname)`."""
        if connection.in_atomic_block:
            return query(hostname)
        self._listener_ensure()
        with self._lock:
            usable = self._usable()
            found = self._entries.get(hostname, _MISSING) if usable else _MISSING
            generation = self._generation
        if found is not _MISSING:
            # A copy: the middleware sets attributes on the union it gets.
            return copy.copy(found)
        union = query(hostname)
        with self._lock:
            # A change that arrived while we queried makes the answer unsafe to keep.
            if usable and generation == self._generation and self._usable():
                self._entries[hostname] = copy.copy(union)
        return union

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation += 1

    # --- the listener ------------------------------------------------------------

    def _listener_ensure(self) -> None:
        """One listening thread per process and database (a fork or a test database
        starts a new one). Costs two comparisons once it runs."""
        db = connection.settings_dict
        database = (db["HOST"], db["PORT"], db["NAME"])
        if self._pid == os.getpid() and self._database == database:
            return
        params = {
            key: value
            for key, value in connection.get_connection_params().items()
            if key not in ("cursor_factory", "context")  # Django's own, not libpq's
        }
        with self._lock:
            if self._pid == os.getpid() and self._database == database:
                return
            self._stop.set()  # an earlier listener (other database) ends at its next wake
            self._stop = threading.Event()
            self._socket = None
            self._entries.clear()
            self._generation += 1
            self._pid, self._database = os.getpid(), database
            thread = threading.Thread(
                target=self._listen,
                args=(params, self._stop),
                name="lhh-routing-listener",
                daemon=True,
            )
            thread.start()

    def _listen(self, params: dict, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                with psycopg.connect(**params, autocommit=True) as listener:
                    listener.execute(f"LISTEN {CHANNEL}")
                    if not _triggers_present(listener):
                        logger.warning(
                            "host cache off: the routing triggers are missing "
                            "(run migrate_platform as a superuser)"
                        )
                        return
                    fd = listener.pgconn.socket
                    with self._lock:
                        if stop.is_set():
                            return
                        # Anything remembered before LISTEN may have missed a change.
                        self._entries.clear()
                        self._generation += 1
                        self._socket = fd
                    while not stop.is_set():
                        readable, _, _ = select.select([fd], [], [], 5.0)
                        if not readable:
                            continue
                        with self._lock:
                            self._entries.clear()
                            self._generation += 1
                            listener.pgconn.consume_input()  # raises once the server is gone
                            while listener.pgconn.notifies() is not None:
                                pass
            except Exception:
                logger.warning("host cache listener lost its connection; retrying", exc_info=True)
            finally:
                with self._lock:
                    if not stop.is_set():
                        self._socket = None
                        self._entries.clear()
                        self._generation += 1
            stop.wait(_RETRY_SECONDS)


def _triggers_present(listener: psycopg.Connection) -> bool:
    row = listener.execute(
        "SELECT (SELECT count(*) FROM pg_trigger WHERE tgname = ANY(%s)), "
        "EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = %s AND evtenabled <> 'D')",
        [list(TRIGGERS), EVENT_TRIGGER],
    ).fetchone()
    return row[0] == len(TRIGGERS) and row[1]


host_cache = HostCache()


def host_cache_wait_ready(timeout: float = 10.0) -> bool:
    """Whether this process's cache is listening (for tests and benchmarks that measure it)."""
    deadline = time.monotonic() + timeout
    host_cache._listener_ensure()
    while time.monotonic() < deadline:
        if host_cache._socket is not None:
            return True
        time.sleep(0.02)
    return False


def host_cache_forget(**_kwargs: object) -> None:
    """Signal receiver: a union or domain row of this process changed."""
    host_cache.clear()
