"""Liveness and readiness, for load balancers and orchestrators.

Both answer before tenant routing, on any Host: a load balancer probes a node by
its address, which matches no union, and must still get an answer.
"""

import logging
from collections.abc import Callable

from django.db import connection

from tenants.migration_state import template_is_current

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2.0


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _broker() -> bool:
    from lhh.celery import app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
    return True


def _template() -> bool:
    # A stale template means new unions cannot be made and a migration is half done.
    return template_is_current()


READINESS_CHECKS: dict[str, Callable[[], bool]] = {
    "database": _database,
    "broker": _broker,
    "template": _template,
}


def readiness() -> dict[str, str]:
    """Each check's outcome: "ok" or "failed" (the reason goes to the log, not to the
    public answer, which any host can read)."""
    results: dict[str, str] = {}
    for name, check in READINESS_CHECKS.items():
        try:
            results[name] = "ok" if check() else "failed"
        except Exception:
            logger.warning("readiness check %s failed", name, exc_info=True)
            results[name] = "failed"
    return results
