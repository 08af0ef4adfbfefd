"""Host → union, remembered in each process, never used once anything changed.

Every request starts by finding its union from the host: one query in public (a join
and a schema check; on a Citus cluster a trip to the coordinator before the worker's
queries). The answer changes only when a union's row or its domains change, so each
process keeps the answers, each stamped with the *routing version*
it was read under, and uses one only while that version is still current.

The routing version is one row, `public.tenants_routing_version`, raised in the same
transaction as every change by triggers on `tenants_union` and `tenants_domain` (any
write; migration tenants 0005). A change is therefore visible at the version exactly
when it commits, and the next request anywhere sees the new version: strictly "at
once", whatever the load. The schema itself is not remembered: whether it is there and
current is the readiness check's (tenants.readiness), on every request.

Reading the version costs no extra round trip: Django already checks a reused
connection at the start of each request (`CONN_HEALTH_CHECKS`, a `SELECT 1`); our
backend (tenants.postgresql_backend) asks that check for the version instead, and the
lookup triggers the check itself. Only when there is no such check to ride on (a new
connection, health checks off) is the version one small query of its own.

Why not the alternatives: LISTEN/NOTIFY was tried first; the notification reaches
another process a moment after the commit, and on a saturated machine a request that
came right after a suspension was still served from the cache (a test across two
processes caught it). A generation key in the shared cache is a round trip too, and a
local run has no shared cache (the file cache is per machine). A time-to-live serves a
suspended union for its length.

The cache is off inside a transaction (it may see its own uncommitted changes; tests
run in one) and when the triggers are missing.
"""

import copy
import threading

from django.db import connection

VERSION_SQL = "SELECT version FROM public.tenants_routing_version"
# Written by migration 0005; the cache works only when both are in place.
TRIGGERS = ("tenants_union_routing_version", "tenants_domain_routing_version")


def routing_version() -> int:
    """The current routing version, through Django's per-request connection check when
    it has not run yet this request (then it costs nothing more), else one query."""
    db = connection
    if db.connection is not None and db.health_check_enabled and not db.health_check_done:
        db.routing_version = None
        db.close_if_health_check_failed()  # our backend's is_usable reads the version
        if db.routing_version is not None:
            return db.routing_version
    with db.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        return cursor.fetchone()[0]


class HostCache:
    """hostname → (routing version, Union)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[int, object]] = {}
        # database → whether its triggers are all there (asked once per process)
        self._enabled: dict[tuple, bool] = {}

    def _usable(self) -> bool:
        db = connection.settings_dict
        key = (db["HOST"], db["PORT"], db["NAME"])
        enabled = self._enabled.get(key)
        if enabled is None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) = %s FROM pg_trigger WHERE tgname = ANY(%s)",
                    [len(TRIGGERS), list(TRIGGERS)],
                )
                enabled = self._enabled[key] = cursor.fetchone()[0]
            with self._lock:
                self._entries.clear()  # another database's answers
        return enabled

    def lookup(self, hostname: str, query) -> object:
        """The union for `hostname`, remembered or from `query(hostname)`."""
        if connection.in_atomic_block or not self._usable():
            return query(hostname)
        version = routing_version()
        with self._lock:
            entry = self._entries.get(hostname)
        if entry is not None and entry[0] == version:
            # A copy: the middleware sets attributes on the union it gets.
            return copy.copy(entry[1])
        # Read after the version: a change committed in between raised the version, so
        # this answer, newer than its stamp, is looked up again next time.
        union = query(hostname)
        if union is not None:  # unknown hosts are not kept: any subdomain may be asked for
            with self._lock:
                self._entries[hostname] = (version, copy.copy(union))
        return union

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._enabled.clear()


host_cache = HostCache()
