"""The national console (public schema only): dashboard, drill-down, reports, directory, export."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django_tenants.utils import schema_context

from lhh.national import selectors, services
from lhh.national.models import CONSOLE_PERMISSION, AuditEntry, ReportSubmission
from lhh.national.selectors import PeriodKey, Scope
from lhh.national.tasks import report_reminders_send
from lhh.web.schema_scope import national_only
from lhh.web.spreadsheet import formula_safe
from tenants import merging
from tenants.deletion import union_delete_request
from tenants.lifecycle import LIFECYCLE_STATUSES, union_provinces_set, union_set_status
from tenants.models import Province, Union, UnionDeletion, UnionMerge
from tenants.selectors import SCHEMA_READY

# The console exists on the national host only, for the national staff only.
console_view = national_only(permission=CONSOLE_PERMISSION)


def _filters(request: HttpRequest) -> tuple[PeriodKey | None, Scope, list[PeriodKey]]:
    available = selectors.periods_available()
    period = PeriodKey.parse(request.GET.get("ky")) or (available[0] if available else None)

    def number(name: str) -> int | None:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    view = "former" if request.GET.get("theo") == "tinh-cu" else "current"
    return (
        period,
        Scope(region_id=number("vung"), province_id=number("tinh"), province_view=view),
        available,
    )


@console_view
def dashboard(request: HttpRequest) -> HttpResponse:
    period, scope, available = _filters(request)
    context = {
        "period": period,
        "periods": available,
        "scope": scope,
        "regions": selectors.regions(),
        "provinces": selectors.provinces(scope.province_view),
        "data": selectors.dashboard(period, scope) if period else None,
        "query": request.GET.urlencode(),
    }
    template = (
        "national/console/_dashboard_body.html"
        if request.GET.get("partial")
        else "national/console/dashboard.html"
    )
    return TemplateResponse(request, template, context)


@console_view
def union_detail(request: HttpRequest, schema_name: str) -> HttpResponse:
    union = get_object_or_404(
        Union.objects.select_related("province", "former_province").prefetch_related("domains"),
        schema_name=schema_name,
        kind=Union.Kind.PROVINCIAL,
    )
    context = {
        "union": union,
        "figures": selectors.union_figures(union),
        "submissions": ReportSubmission.objects.filter(union=union),
        "audit": AuditEntry.objects.filter(union=union)[:20],
        "site_url": selectors.union_site_url(union),
        "statuses": LIFECYCLE_STATUSES,
        "deletion": union.deletions.filter(state=UnionDeletion.State.QUEUED).first(),
        # Both histories of a merger: who it absorbed, and whom it was absorbed by.
        "current_provinces": Province.objects.filter(is_current=True),
        "former_provinces": Province.objects.filter(is_current=False).select_related("successor"),
        "merges": UnionMerge.objects.filter(
            models.Q(absorbed=union) | models.Q(absorbing=union)
        ).select_related("absorbed", "absorbing"),
    }
    return TemplateResponse(request, "national/console/union_detail.html", context)


@console_view
def union_status(request: HttpRequest, schema_name: str) -> HttpResponse:
    if request.method != "POST" or not request.user.has_perm("tenants.change_union"):
        raise PermissionDenied
    union = get_object_or_404(Union, schema_name=schema_name, kind=Union.Kind.PROVINCIAL)
    try:
        union_set_status(
            union=union,
            status=request.POST.get("status", ""),
            actor=request.user.get_username(),
            reason=request.POST.get("reason", "").strip(),
        )
        messages.success(request, f"{union.name}: {union.get_status_display()}.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("national:union_detail", schema_name=schema_name)


@console_view
def union_provinces(request: HttpRequest, schema_name: str) -> HttpResponse:
    """Set the province a union serves and the former province whose history it carries."""
    if request.method != "POST" or not request.user.has_perm("tenants.change_union"):
        raise PermissionDenied
    union = get_object_or_404(Union, schema_name=schema_name, kind=Union.Kind.PROVINCIAL)

    def province(name: str, current: bool) -> Province | None:
        value = request.POST.get(name, "")
        return (
            Province.objects.filter(pk=value, is_current=current).first()
            if value.isdigit()
            else None
        )

    try:
        union_provinces_set(
            union=union,
            province=province("province", True),
            former_province=province("former_province", False),
            actor=request.user.get_username(),
        )
        messages.success(request, f"{union.name}: đã cập nhật tỉnh hiện hành và tỉnh cũ.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("national:union_detail", schema_name=schema_name)


@console_view
def union_delete_confirm(request: HttpRequest, schema_name: str) -> HttpResponse:
    """Ask for a union's deletion; the national staff type its exact name to confirm.
    The worker takes the backup and deletes (minutes for a large union)."""
    if not request.user.has_perm("tenants.delete_union"):
        raise PermissionDenied
    union = get_object_or_404(Union, schema_name=schema_name, kind=Union.Kind.PROVINCIAL)
    error = ""
    if request.method == "POST":
        try:
            deletion = union_delete_request(
                union=union,
                confirm_name=request.POST.get("confirm_name", ""),
                actor=request.user.get_username(),
            )
            return redirect("national:union_deletion", pk=deletion.pk)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return TemplateResponse(
        request,
        "national/console/union_delete.html",
        {"union": union, "error": error},
        status=400 if error else 200,
    )


@console_view
def union_deletion(request: HttpRequest, pk: int) -> HttpResponse:
    """How a deletion is going; the page reloads itself until it has ended."""
    deletion = get_object_or_404(UnionDeletion, pk=pk)
    return TemplateResponse(request, "national/console/union_deletion.html", {"deletion": deletion})


@console_view
def directory(request: HttpRequest) -> HttpResponse:
    unions = (
        Union.objects.filter(kind=Union.Kind.PROVINCIAL)
        .annotate(schema_ready=SCHEMA_READY)
        .select_related("province", "former_province", "health", "merged_into")
        .prefetch_related("domains")
        .order_by("province__name", "name")
    )
    return TemplateResponse(
        request,
        "national/console/directory.html",
        {"unions": unions, "proposals": _merge_proposals(unions)},
    )


def _merge_proposals(unions) -> list[tuple[Union, Union]]:
    """A province with the union of its current name and a former province's union:
    the platform offers to merge the second into the first."""
    working = [u for u in unions if u.status == Union.Status.ACTIVE and u.province_id is not None]
    own = {u.province_id: u for u in working if u.former_province_id is None}
    return [
        (u, own[u.province_id])
        for u in working
        if u.former_province_id is not None and u.province_id in own
    ]


@console_view
def reports(request: HttpRequest) -> HttpResponse:
    period, _scope, available = _filters(request)
    rows = selectors.report_tracking(period) if period else []
    if request.method == "POST" and period:
        if not request.user.has_perm("national.change_reportsubmission"):
            raise PermissionDenied
        transaction.on_commit(
            lambda: report_reminders_send.delay(period.kind, period.year, period.half)
        )
        messages.success(
            request, "Đã xếp lịch gửi thư nhắc tới các Liên hiệp Hội chưa gửi báo cáo."
        )
        return redirect(f"{request.path}?ky={period.code}")
    counts = {
        status: sum(1 for r in rows if r["status"] == status)
        for status in ("missing", "submitted", "accepted", "returned")
    }
    return TemplateResponse(
        request,
        "national/console/reports.html",
        {"period": period, "periods": available, "rows": rows, "counts": counts},
    )


@console_view
def report_submission(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_object_or_404(ReportSubmission.objects.select_related("union"), pk=pk)
    if request.method == "POST":
        if not request.user.has_perm("national.change_reportsubmission"):
            raise PermissionDenied
        try:
            services.report_decide(
                submission=submission,
                accept=request.POST.get("decision") == "accept",
                comment=request.POST.get("comment", ""),
            )
            messages.success(request, "Đã cập nhật báo cáo.")
            return redirect("national:report_submission", pk=pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    if request.GET.get("tai-ve") == "docx":
        return _submission_docx(submission)
    from cms.records.models.reports import REPORT_SECTIONS

    sections = [(label, submission.narrative.get(key, "")) for key, label in REPORT_SECTIONS]
    return TemplateResponse(
        request,
        "national/console/report_submission.html",
        {"submission": submission, "sections": sections},
    )


def _submission_docx(submission: ReportSubmission) -> HttpResponse:
    from cms.records.models import Report
    from cms.records.report_render import report_download_response

    with schema_context(submission.union.schema_name):
        report = get_object_or_404(
            Report.objects.select_related("period"),
            period__kind=submission.period_kind,
            period__year=submission.year,
            period__half=submission.half,
        )
        return report_download_response(report, submission.union.name, "docx")


@console_view
def export(request: HttpRequest) -> HttpResponse:
    """Any table of the dashboard, or the report tracking, as XLSX."""
    from openpyxl import Workbook

    period, scope, _available = _filters(request)
    if period is None:
        raise Http404
    table = request.GET.get("bang", "tinh")
    workbook = Workbook()
    sheet = workbook.active
    if table == "bao-cao":
        sheet.append(["Liên hiệp Hội", "Tỉnh/thành phố", "Trạng thái", "Gửi lúc"])
        for row in selectors.report_tracking(period):
            submission = row["submission"]
            sheet.append(
                [
                    row["union"].name,
                    row["union"].province.name if row["union"].province_id else "",
                    submission.get_status_display() if submission else "Chưa gửi",
                    submission.submitted_at.strftime("%d/%m/%Y %H:%M") if submission else "",
                ]
            )
    else:
        data = selectors.dashboard(period, scope)
        if table == "hoat-dong":
            sheet.append(["Loại hoạt động", "Số hoạt động"])
            rows = list(data["activities"].items())
        elif table == "to-chuc":
            sheet.append(["Loại tổ chức", "Số tổ chức"])
            rows = list(data["organisations"].items())
        else:
            sheet.append(["Tỉnh/thành phố", "Số Liên hiệp Hội", "Số hội viên"])
            rows = [(place, v["unions"], v["members"]) for place, v in data["by_place"].items()]
        for row in rows:
            sheet.append([formula_safe(cell) for cell in row])
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="thong-ke-{table}-{period.code}.xlsx"'
    return response


@console_view
def merge_start(request: HttpRequest) -> HttpResponse:
    """Choose the unions, see what moves and every conflict, change the resolutions,
    confirm: the worker then merges, and the progress page follows it."""
    if not request.user.has_perm("tenants.change_union"):
        raise PermissionDenied
    candidates = Union.objects.filter(
        kind=Union.Kind.PROVINCIAL, status__in=[Union.Status.ACTIVE, Union.Status.SUSPENDED]
    ).select_related("province", "former_province")
    data = request.POST if request.method == "POST" else request.GET
    absorbed = candidates.filter(schema_name=data.get("absorbed", "")).first()
    absorbing = candidates.filter(schema_name=data.get("absorbing", "")).first()
    context: dict = {"candidates": candidates, "absorbed": absorbed, "absorbing": absorbing}
    if absorbed and absorbing:
        try:
            preview = merging.merge_preview(absorbed=absorbed, absorbing=absorbing)
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            return TemplateResponse(
                request, "national/console/merge_start.html", context, status=400
            )
        context["preview"] = preview
        if request.method == "POST" and data.get("confirm") == "1":
            resolutions: dict[str, dict[str, str]] = {}
            for conflict in preview.conflicts:
                value = data.get(f"resolution-{conflict.kind}-{conflict.key}")
                if conflict.choices and value:
                    resolutions.setdefault(conflict.kind, {})[conflict.key] = value
            try:
                merge = merging.merge_request(
                    absorbed=absorbed,
                    absorbing=absorbing,
                    actor=request.user.get_username(),
                    resolutions=resolutions,
                )
                return redirect("national:merge_progress", pk=merge.pk)
            except ValidationError as error:
                context["error"] = " ".join(error.messages)
                return TemplateResponse(
                    request, "national/console/merge_start.html", context, status=400
                )
    return TemplateResponse(request, "national/console/merge_start.html", context)


@console_view
def merge_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """How a merge is going; the page reloads itself until it has ended."""
    merge = get_object_or_404(UnionMerge.objects.select_related("absorbed", "absorbing"), pk=pk)
    context = {
        "merge": merge,
        "progress": merging.merge_progress(merge),
        "site_url": selectors.union_site_url(merge.absorbing),
    }
    return TemplateResponse(request, "national/console/merge_progress.html", context)


urlpatterns = [
    path("sap-nhap/", merge_start, name="merge_start"),
    path("sap-nhap/<int:pk>/", merge_progress, name="merge_progress"),
    path("", dashboard, name="dashboard"),
    path("xuat.xlsx", export, name="export"),
    path("lien-hiep-hoi/", directory, name="directory"),
    path("lien-hiep-hoi/<str:schema_name>/", union_detail, name="union_detail"),
    path("lien-hiep-hoi/<str:schema_name>/trang-thai/", union_status, name="union_status"),
    path("lien-hiep-hoi/<str:schema_name>/tinh/", union_provinces, name="union_provinces"),
    path("lien-hiep-hoi/<str:schema_name>/xoa/", union_delete_confirm, name="union_delete"),
    path("yeu-cau-xoa/<int:pk>/", union_deletion, name="union_deletion"),
    path("bao-cao/", reports, name="reports"),
    path("bao-cao/<int:pk>/", report_submission, name="report_submission"),
]
