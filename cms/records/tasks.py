from django.core.exceptions import ValidationError

from cms.records import imports, services
from cms.records.progress import progress_set
from lhh.celery import app


# Safe to run again: the apply and the job's "done" commit together under the job's row
# lock, so a re-delivery after a lost worker either finishes the job or finds it done.
@app.task(acks_late=True, reject_on_worker_lost=True)
def records_import_apply(job_id: str) -> int:
    """Apply a confirmed import in the background, reporting progress as it goes."""
    try:
        job = services.import_job_apply(
            job_id=job_id,
            progress=lambda done, total: progress_set(job_id, done=done, total=total),
        )
    except (ValidationError, imports.ImportFileError) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        services.import_job_fail(job_id=job_id, message=" ".join(messages))
        return 0
    return job.written


@app.task
def import_jobs_reconcile() -> int:
    """Imports a lost worker left queued are marked failed (every 10 minutes in beat)."""
    return services.import_jobs_reconcile()
