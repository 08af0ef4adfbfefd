"""The union admin's "Nhập từ trang NukeViet cũ": upload → preview → confirm → progress → report."""

import shutil

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path

from cms.nukeviet import services
from cms.nukeviet.models import NukeVietImport
from cms.nukeviet.tasks import job_id, nukeviet_apply, nukeviet_preview
from cms.records.progress import progress_get, progress_set
from lhh.web.schema_scope import in_public_schema

PERMISSION = "nukeviet.add_nukevietimport"


def _limit() -> str:
    return filesizeformat(settings.NUKEVIET_MAX_UPLOAD_BYTES)


class UploadForm(forms.Form):
    dump = forms.FileField(
        label="Bản sao lưu cơ sở dữ liệu (.sql hoặc .sql.gz)",
        error_messages={"required": "Cần chọn tệp sao lưu cơ sở dữ liệu."},
    )
    uploads = forms.FileField(
        label="Thư mục uploads đã nén (.tar.gz hoặc .zip)",
        required=False,
        help_text="Không bắt buộc; thiếu thì bài được nhập không có ảnh.",
    )

    def _sized(self, name: str, suffixes: tuple[str, ...], message: str):
        upload = self.cleaned_data.get(name)
        if upload is None:
            return None
        if upload.size > settings.NUKEVIET_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"Tệp quá lớn ({filesizeformat(upload.size)}); giới hạn là {_limit()}."
            )
        if not upload.name.lower().endswith(suffixes):
            raise forms.ValidationError(message)
        return upload

    def clean_dump(self):
        return self._sized("dump", (".sql", ".sql.gz", ".gz"), "Chỉ nhận tệp .sql hoặc .sql.gz.")

    def clean_uploads(self):
        return self._sized(
            "uploads", (".tar.gz", ".tgz", ".zip"), "Chỉ nhận tệp nén .tar.gz hoặc .zip."
        )


def _require(request: HttpRequest) -> None:
    # The national console has no old union site to bring in.
    if in_public_schema() or not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def upload_view(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = services.import_create(
            user=request.user,
            dump=form.cleaned_data["dump"],
            uploads=form.cleaned_data.get("uploads"),
        )
        progress_set(job_id(run.pk), done=0, total=0, state="queued", message="Đang chờ")
        transaction.on_commit(lambda: nukeviet_preview.delay(run.pk))
        return redirect("nukeviet:run", pk=run.pk)
    return TemplateResponse(
        request,
        "nukeviet/upload.html",
        {
            "form": form,
            "limit": _limit(),
            "runs": NukeVietImport.objects.all()[:10],
            "header_title": "Nhập từ trang NukeViet cũ",
        },
        status=400 if form.errors else 200,
    )


def run_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    run = get_object_or_404(NukeVietImport, pk=pk)
    return TemplateResponse(
        request,
        "nukeviet/run.html",
        {"run": run, "header_title": "Nhập từ trang NukeViet cũ", "Status": NukeVietImport.Status},
    )


def confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    if request.method != "POST":
        return redirect("nukeviet:run", pk=pk)
    with transaction.atomic():
        run = get_object_or_404(NukeVietImport.objects.select_for_update(), pk=pk)
        # Once only: a second click, or a confirm before the preview, starts nothing.
        if run.status == NukeVietImport.Status.PREVIEWED:
            run.status = NukeVietImport.Status.QUEUED
            run.save(update_fields=["status"])
            progress_set(job_id(run.pk), done=0, total=0, state="queued", message="Đang chờ")
            transaction.on_commit(lambda: nukeviet_apply.delay(run.pk))
    return redirect("nukeviet:run", pk=pk)


def progress_view(request: HttpRequest, pk: int) -> JsonResponse:
    _require(request)
    run = get_object_or_404(NukeVietImport, pk=pk)
    progress = progress_get(job_id(run.pk)) or {}
    return JsonResponse({**progress, "status": run.status})


def cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Drop a previewed run and its files without importing anything."""
    _require(request)
    if request.method == "POST":
        run = get_object_or_404(NukeVietImport, pk=pk)
        if run.status in (NukeVietImport.Status.PREVIEWED, NukeVietImport.Status.FAILED):
            shutil.rmtree(services.work_dir(run), ignore_errors=True)
            services.import_fail(run, "Đã hủy, không nhập gì.")
    return redirect("nukeviet:upload")


urlpatterns = [
    path("", upload_view, name="upload"),
    path("<int:pk>/", run_view, name="run"),
    path("<int:pk>/xac-nhan/", confirm_view, name="confirm"),
    path("<int:pk>/tien-do/", progress_view, name="progress"),
    path("<int:pk>/huy/", cancel_view, name="cancel"),
]
