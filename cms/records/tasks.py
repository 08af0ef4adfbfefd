from django.core.exceptions import ValidationError

from cms.records import imports, services
from cms.records.models import Report
from cms.records.progress import job_payload_set, progress_set
from lhh.celery import app


# Acknowledged once done, so a worker lost mid-read leaves the message for another: that
# delivery finds the job `parsing` and ends it failed rather than reading the same file
# again (a file that killed one worker would otherwise kill each in turn).
@app.task(acks_late=True, reject_on_worker_lost=True)
def records_import_parse(job_id: str) -> str:
    """Read an uploaded import file for its preview; the web process never does."""
    job = services.import_job_parse(job_id=job_id)
    return job.state if job else "gone"


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


@app.task
def report_pdf_render(job_id: str, report_id: int, union_name: str) -> None:
    """Print a report's DOCX to PDF with LibreOffice (seconds), for the progress page."""
    from cms.records.official_document import PdfRenderError
    from cms.records.report_render import report_filename, report_pdf

    report = Report.objects.select_related("period").get(pk=report_id)
    progress_set(job_id, done=0, total=1, state="running", message="Đang dựng tệp PDF…")
    try:
        pdf = report_pdf(report, union_name)
    except PdfRenderError as error:
        progress_set(job_id, done=0, total=1, state="failed", message=str(error))
        return
    job_payload_set(
        job_id,
        {"report_id": report.pk, "pdf": pdf, "filename": report_filename(report, "pdf")},
    )
    progress_set(job_id, done=1, total=1, state="done", message="Tệp PDF đã sẵn sàng.")


@app.task
def report_pdf_print(report_id: int, union_name: str, key: str) -> None:
    """Print a report to PDF into the union's cache under `key` (the DOCX's hash)."""
    from django.core.cache import cache

    from cms.records.report_render import report_pdf

    report = Report.objects.select_related("period").get(pk=report_id)
    try:
        cache.set(key, report_pdf(report, union_name), 24 * 60 * 60)
    finally:
        cache.delete(f"{key}:queued")
