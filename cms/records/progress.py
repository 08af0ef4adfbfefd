"""Live progress of an import being applied, kept in the union's tenant-keyed cache.

The job's row (ImportJob) says whether it is queued, done or failed; these counters
only say how far a running apply has come, which its open transaction cannot show.
"""

from django.core.cache import cache

_TIMEOUT = 6 * 60 * 60


def progress_set(job_id: str, *, done: int, total: int) -> None:
    cache.set(f"job:{job_id}", {"done": done, "total": total}, _TIMEOUT)


def progress_get(job_id: str) -> dict | None:
    return cache.get(f"job:{job_id}")
