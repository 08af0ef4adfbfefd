"""Tests that run on a Citus cluster: `deploy/cluster start`, then
`DATABASE_URL=$(deploy/cluster url) .venv/bin/python -m pytest -m citus` (.ci/run)."""

import pytest

from tenants.citus import citus_active, worker_nodes


@pytest.fixture(scope="session")
def cluster(django_db_setup, django_db_blocker) -> list[str]:
    """The workers of the cluster under test; a plain PostgreSQL is a failure, not a skip."""
    with django_db_blocker.unblock():
        assert citus_active(), (
            "these tests need a Citus cluster: DATABASE_URL=$(deploy/cluster url) "
            "(see README, “On a Citus cluster”)"
        )
        workers = worker_nodes()
    assert len(workers) >= 2, f"a cluster of at least two workers is needed, found {workers}"
    return workers
