"""Admin views of the records that are not plain lists: import, reports."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from cms.records import imports, services
from cms.records.forms import (
    ImportUploadForm,
    ReportCreateForm,
    ReportDocumentForm,
    ReportNarrativeForm,
)
from cms.records.models import ImportJob, Person, Report
from cms.records.progress import (
    job_new,
    job_payload_get,
    progress_get,
    progress_set,
)
from cms.records.report_render import report_download_response, report_sections
from cms.records.tasks import report_pdf_render
from lhh.web.downloads import attachment_disposition


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _union_name(request: HttpRequest) -> str:
    return getattr(request.tenant, "name", connection.schema_name)


def import_upload(request: HttpRequest) -> HttpResponse:
    """Keep the file and hand its reading to the worker; the preview page follows it."""
    _require(request, "records.add_activity")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.import_job_upload(
            content=upload.read(),
            filename=upload.name,
            kind=form.cleaned_data["kind"],
            period=form.cleaned_data["period"],
        )
        return redirect("records:import_preview", job_id=job.pk.hex)
    return TemplateResponse(request, "records/import_upload.html", {"form": form})


def import_preview(request: HttpRequest, job_id: str) -> HttpResponse:
    """While the worker reads the file, a page that polls; then its rows or its errors."""
    _require(request, "records.add_activity")
    job = _import_job(job_id)
    if request.headers.get("accept", "").startswith("application/json"):
        return JsonResponse({"state": job.state, "message": job.message})
    if job.state in {ImportJob.State.QUEUED, ImportJob.State.DONE}:
        return redirect("records:import_progress", job_id=job_id)
    preview = job.preview or {}
    context = {
        "job": job,
        "job_id": job_id,
        "columns": imports.COLUMNS[job.kind] if job.kind in imports.COLUMNS else [],
        "rows": preview.get("rows", 0),
        "sample": preview.get("sample", []),
        "errors": preview.get("errors", []),
        "more_errors": max(preview.get("error_count", 0) - len(preview.get("errors", [])), 0),
        "more_rows": max(preview.get("rows", 0) - len(preview.get("sample", [])), 0),
    }
    return TemplateResponse(request, "records/import_preview.html", context)


def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The workbook to fill in for an import of `kind`, with the accepted values listed."""
    _require(request, "records.add_activity")
    if kind not in imports.COLUMNS:
        raise Http404
    response = HttpResponse(
        imports.template_xlsx(kind),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = attachment_disposition(f"mau-nhap-{kind}.xlsx")
    return response


def import_confirm(request: HttpRequest, job_id: str) -> HttpResponse:
    _require(request, "records.add_activity")
    if request.method != "POST":
        return redirect("records:import_upload")
    job = _import_job(job_id)
    # A second click, a reload or a second tab finds the job queued and queues nothing.
    services.import_job_confirm(job_id=job.pk)
    return redirect("records:import_progress", job_id=job_id)


def _import_job(job_id: str) -> ImportJob:
    try:
        return get_object_or_404(ImportJob, pk=uuid.UUID(hex=job_id))
    except ValueError:
        raise Http404 from None


def import_progress(request: HttpRequest, job_id: str) -> HttpResponse:
    _require(request, "records.add_activity")
    job = _import_job(job_id)
    if job.state == ImportJob.State.DONE:
        progress = {"done": job.written, "total": job.written}
    else:
        progress = progress_get(job_id) or {"done": 0, "total": 0}
    progress = {**progress, "state": job.state, "message": job.message}
    if request.headers.get("accept", "").startswith("application/json"):
        return JsonResponse(progress)
    return TemplateResponse(
        request, "records/import_progress.html", {"job_id": job_id, "progress": progress}
    )


def report_list(request: HttpRequest) -> HttpResponse:
    _require(request, "records.view_report")
    form = ReportCreateForm(request.POST or None)
    if request.method == "POST":
        _require(request, "records.add_report")
        if form.is_valid():
            report = services.report_get_or_create(period=form.cleaned_data["period"])
            return redirect("records:report_detail", pk=report.pk)
    reports = Report.objects.select_related("period")
    return TemplateResponse(request, "records/report_list.html", {"reports": reports, "form": form})


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "records.view_report")
    report = get_object_or_404(Report.objects.select_related("period"), pk=pk)
    form = ReportNarrativeForm(request.POST or None, initial=report.narrative)
    document_form = ReportDocumentForm(request.POST or None, instance=report)
    if request.method == "POST":
        _require(request, "records.change_report")
        if form.is_valid() and document_form.is_valid():
            try:
                services.report_narrative_update(
                    report=report,
                    narrative=form.cleaned_data,
                    number=document_form.cleaned_data["number"],
                    issued_on=document_form.cleaned_data["issued_on"],
                )
                if "submit" in request.POST:
                    services.report_submit(report=report)
                    messages.success(
                        request, "Đã gửi báo cáo lên Trung ương. Số liệu đã được chốt."
                    )
                else:
                    messages.success(request, "Đã lưu nội dung báo cáo.")
                return redirect("records:report_detail", pk=report.pk)
            except ValidationError as error:
                form.add_error(None, error)
    context = {
        "report": report,
        "form": form,
        "document_form": document_form,
        "sections": report_sections(report),
    }
    return TemplateResponse(request, "records/report_detail.html", context)


def report_download(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    _require(request, "records.view_report")
    report = get_object_or_404(Report.objects.select_related("period"), pk=pk)
    return report_download_response(report, _union_name(request), extension)


def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the PDF (LibreOffice takes seconds) and show its progress."""
    _require(request, "records.view_report")
    report = get_object_or_404(Report, pk=pk)
    job_id = job_new()
    progress_set(job_id, done=0, total=1, state="queued")
    union_name = _union_name(request)
    transaction.on_commit(lambda: report_pdf_render.delay(job_id, report.pk, union_name))
    return redirect("records:report_pdf_progress", pk=report.pk, job_id=job_id)


def report_pdf_progress(request: HttpRequest, pk: int, job_id: str) -> HttpResponse:
    _require(request, "records.view_report")
    report = get_object_or_404(Report.objects.select_related("period"), pk=pk)
    progress = progress_get(job_id) or {"state": "unknown"}
    if request.GET.get("tai-ve") and progress.get("state") == "done":
        payload = job_payload_get(job_id) or {}
        if payload.get("report_id") == report.pk:
            response = HttpResponse(payload["pdf"], content_type="application/pdf")
            response["Content-Disposition"] = attachment_disposition(payload["filename"])
            return response
    if request.headers.get("accept", "").startswith("application/json"):
        return JsonResponse(progress)
    return TemplateResponse(
        request,
        "records/report_pdf_progress.html",
        {"report": report, "job_id": job_id, "progress": progress},
    )


def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held about one person, as JSON (the right of access)."""
    _require(request, "records.view_person")
    person = get_object_or_404(Person, pk=pk)
    response = JsonResponse(
        services.person_export(person=person),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = attachment_disposition(f"du-lieu-ca-nhan-{person.pk}.json")
    return response


def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "records.change_person")
    person = get_object_or_404(Person, pk=pk)
    if request.method == "POST":
        services.person_erase(person=person)
        messages.success(
            request, "Đã xóa dữ liệu cá nhân; các chức vụ vẫn được giữ dưới tên ẩn danh."
        )
        return redirect("records_person:index")
    return TemplateResponse(request, "records/person_erase.html", {"person": person})


urlpatterns = [
    path("nhan-su/<int:pk>/xuat/", person_export, name="person_export"),
    path("nhan-su/<int:pk>/xoa-du-lieu/", person_erase, name="person_erase"),
    path("nhap/", import_upload, name="import_upload"),
    path("nhap/mau/<str:kind>.xlsx", import_template, name="import_template"),
    path("nhap/<str:job_id>/xem-truoc/", import_preview, name="import_preview"),
    path("nhap/<str:job_id>/xac-nhan/", import_confirm, name="import_confirm"),
    path("nhap/<str:job_id>/", import_progress, name="import_progress"),
    path("bao-cao/", report_list, name="report_list"),
    path("bao-cao/<int:pk>/", report_detail, name="report_detail"),
    path("bao-cao/<int:pk>/tai-ve.<str:extension>", report_download, name="report_download"),
    path("bao-cao/<int:pk>/pdf/", report_pdf, name="report_pdf"),
    path("bao-cao/<int:pk>/pdf/<str:job_id>/", report_pdf_progress, name="report_pdf_progress"),
]
