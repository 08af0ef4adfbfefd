from django.core.exceptions import ValidationError

from cms.records import imports
from cms.records.models import Report, ReportingPeriod
from cms.records.progress import job_payload_get, job_payload_set, progress_set
from lhh.celery import app


@app.task
def records_import_apply(job_id: str) -> int:
    """Apply a previewed import in the background, reporting progress as it goes."""
    payload = job_payload_get(job_id)
    if payload is None:
        progress_set(
            job_id, done=0, total=0, state="failed", message="Phiên nhập dữ liệu đã hết hạn."
        )
        return 0
    period = ReportingPeriod.objects.get(pk=payload["period_id"])
    try:
        # Parsed again: the records may have changed since the preview.
        result = imports.parse(
            content=payload["content"],
            filename=payload["filename"],
            kind=payload["kind"],
            period=period,
        )
        if result.errors:
            raise ValidationError([str(error) for error in result.errors[:20]])
        total = len(result.rows)
        progress_set(job_id, done=0, total=total)
        written = imports.apply(
            result=result,
            period=period,
            progress=lambda done, total: progress_set(job_id, done=done, total=total),
        )
    except (ValidationError, imports.ImportFileError) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        progress_set(job_id, done=0, total=0, state="failed", message=" ".join(messages))
        return 0
    progress_set(
        job_id, done=written, total=written, state="done", message=f"Đã nhập {written} dòng."
    )
    return written


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
