"""Progress of a background job (import, report), kept in the union's tenant-keyed cache.

For an import the job's row (ImportJob) is the authority on queued, done or failed; the
counters here only say how far a running apply has come, which its open transaction
cannot show.
"""

import uuid

from django.core.cache import cache

_TIMEOUT = 6 * 60 * 60


def job_new() -> str:
    return uuid.uuid4().hex


def progress_set(
    job_id: str, *, done: int, total: int, state: str = "running", message: str = ""
) -> None:
    cache.set(
        f"job:{job_id}",
        {"done": done, "total": total, "state": state, "message": message},
        _TIMEOUT,
    )


def progress_get(job_id: str) -> dict | None:
    return cache.get(f"job:{job_id}")


def job_payload_set(job_id: str, payload: dict) -> None:
    cache.set(f"job-payload:{job_id}", payload, _TIMEOUT)


def job_payload_get(job_id: str) -> dict | None:
    return cache.get(f"job-payload:{job_id}")
