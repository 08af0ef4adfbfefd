"""The national console (public schema only): dashboard, drill-down, reports, directory, export."""

from datetime import date

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django_tenants.utils import schema_context

from cms.records.official_document import (
    DOCX_CONTENT_TYPE,
    TEMPLATE_KINDS,
    template_content,
    template_default,
)
from cms.records.selectors import FIGURES_RULES
from lhh.national import selectors, services
from lhh.national.labels import labelled
from lhh.national.models import (
    CONSOLE_PERMISSION,
    AuditEntry,
    NationalPeriod,
    NationalReport,
    ReportSubmission,
    ReportTemplate,
)
from lhh.national.selectors import PeriodKey, Scope
from lhh.national.tasks import national_report_build
from lhh.web.downloads import attachment_disposition
from lhh.web.schema_scope import national_only
from lhh.web.spreadsheet import titled_workbook
from tenants import merging
from tenants.deletion import union_delete_request
from tenants.lifecycle import LIFECYCLE_STATUSES, union_provinces_set, union_set_status
from tenants.models import DomainClaim, Province, Union, UnionDeletion, UnionMerge
from tenants.selectors import SCHEMA_READY, merge_proposals

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class NationalPeriodForm(forms.ModelForm):
    class Meta:
        model = NationalPeriod
        fields = ["kind", "year", "half", "deadline"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def validate_unique(self) -> None:
        """Opening a period again moves its deadline (the service)."""


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
        "rules": FIGURES_RULES,
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
        Union.objects.select_related("province").prefetch_related("domains", "coverage__province"),
        schema_name=schema_name,
        kind=Union.Kind.PROVINCIAL,
    )
    context = {
        "union": union,
        "figures": [
            (period, metrics.get("members"), labelled(metrics))
            for period, metrics in selectors.union_figures(union)
        ],
        "submissions": ReportSubmission.objects.filter(union=union),
        "audit": AuditEntry.objects.filter(union=union)[:20],
        "site_url": selectors.union_site_url(union),
        "statuses": LIFECYCLE_STATUSES,
        "deletion": union.deletions.filter(state=UnionDeletion.State.QUEUED).first(),
        # Both histories of a merger: who it absorbed, and whom it was absorbed by.
        "current_provinces": Province.objects.filter(is_current=True),
        "former_provinces": _former_province_rows(union),
        "merges": UnionMerge.objects.filter(
            models.Q(absorbed=union) | models.Q(absorbing=union)
        ).select_related("absorbed", "absorbing"),
    }
    return TemplateResponse(request, "national/console/union_detail.html", context)


def _former_province_rows(union: Union) -> list[dict]:
    """The 63 former provinces for the console's form, those the union covers (with the
    date a merger added them) ticked, and its current province's first."""
    covered = {row.province_id: row for row in union.coverage.all()}
    provinces = sorted(
        Province.objects.filter(is_current=False).select_related("successor"),
        key=lambda p: (p.successor_id != union.province_id, str(p.successor), p.name),
    )
    return [
        {
            "province": province,
            "covered": province.pk in covered,
            "since": covered[province.pk].since if province.pk in covered else None,
        }
        for province in provinces
    ]


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
    """Set the province a union serves and the former provinces whose figures and history
    it carries, each from a date (a merger's) or from the start."""
    if request.method != "POST" or not request.user.has_perm("tenants.change_union"):
        raise PermissionDenied
    union = get_object_or_404(Union, schema_name=schema_name, kind=Union.Kind.PROVINCIAL)
    value = request.POST.get("province", "")
    province = (
        Province.objects.filter(pk=value, is_current=True).first() if value.isdigit() else None
    )
    chosen = [pk for pk in request.POST.getlist("former_province") if pk.isdigit()]
    try:
        former_provinces = []
        for former in Province.objects.filter(pk__in=chosen).select_related("successor"):
            since = request.POST.get(f"since-{former.pk}", "").strip()
            try:
                former_provinces.append((former, date.fromisoformat(since) if since else None))
            except ValueError:
                raise ValidationError(
                    "Ngày “%(value)s” của %(former)s không hợp lệ.",
                    params={"value": since, "former": former.name},
                ) from None
        union_provinces_set(
            union=union,
            province=province,
            former_provinces=former_provinces,
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
        .select_related("province", "health", "merged_into")
        .prefetch_related("domains", "domain_claims", "coverage__province")
        .order_by("province__name", "name")
    )
    for union in unions:
        union.domain_states = _domain_states(union)
    return TemplateResponse(
        request,
        "national/console/directory.html",
        {"unions": unions, "proposals": merge_proposals(list(unions))},
    )


def _domain_states(union: Union) -> list[tuple[str, str, str]]:
    """(name, state, label) of each of the union's hosts: its platform address, and its
    own domains proved (routed) or still waiting for their proof (routing nothing)."""
    claims = {claim.domain: claim for claim in union.domain_claims.all()}
    states = []
    for domain in sorted(union.domains.all(), key=lambda d: (not d.is_primary, d.domain)):
        claim = claims.pop(domain.domain, None)
        if domain.is_primary:
            states.append((domain.domain, "platform", ""))
        else:
            verified = DomainClaim.State.VERIFIED
            label = claim.get_state_display() if claim else verified.label
            states.append((domain.domain, verified.value, label))
    states += [(c.domain, c.state, c.get_state_display()) for c in claims.values()]
    return states


@console_view
def reports(request: HttpRequest) -> HttpResponse:
    """Report tracking for a period against every province, 34 current or 63 former."""
    period, _scope, available = _filters(request)
    view = "former" if request.GET.get("theo") == "tinh-cu" else "current"
    period_form = NationalPeriodForm(request.POST if "open_period" in request.POST else None)
    if request.method == "POST":
        if not request.user.has_perm("national.change_reportsubmission"):
            raise PermissionDenied
        if "open_period" in request.POST:
            if period_form.is_valid():
                opened = services.national_period_open(
                    **period_form.cleaned_data, actor=request.user.get_username()
                )
                key = PeriodKey(opened.kind, opened.year, opened.half)
                messages.success(
                    request, f"Đã mở kỳ báo cáo {opened}, hạn gửi {opened.deadline:%d/%m/%Y}."
                )
                return redirect(f"{request.path}?ky={key.code}")
        elif period and "remind" in request.POST:
            result = services.report_reminders_send(
                period_kind=period.kind, year=period.year, half=period.half
            )
            messages.success(request, result.message)
            return redirect(f"{request.path}?ky={period.code}")
        elif period and "national_report" in request.POST:
            report = NationalReport.objects.create(
                period_kind=period.kind,
                year=period.year,
                half=period.half,
                requested_by=request.user.get_username(),
                total=3,
            )
            transaction.on_commit(lambda: national_report_build.delay(report.pk))
            return redirect("national:national_report", pk=report.pk)
    tracking = selectors.province_tracking(period, view) if period else None
    return TemplateResponse(
        request,
        "national/console/reports.html",
        {
            "period": period,
            "periods": available,
            "tracking": tracking,
            "view": view,
            "period_form": period_form,
            "signup_url": "/dang-ky/",
            "rules": FIGURES_RULES,
            "national_reports": NationalReport.objects.filter(period.filter("")).defer(
                "docx", "xlsx"
            )[:5]
            if period
            else [],
        },
    )


@console_view
def national_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The national report's progress; its files once done."""
    report = get_object_or_404(NationalReport.objects.defer("docx", "xlsx"), pk=pk)
    period = PeriodKey(report.period_kind, report.year, report.half)
    if request.headers.get("accept", "").startswith("application/json"):
        return JsonResponse(
            {
                "state": report.state,
                "done": report.done,
                "total": report.total,
                "message": report.message,
            }
        )
    return TemplateResponse(
        request, "national/console/national_report.html", {"report": report, "period": period}
    )


@console_view
def national_report_file(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    report = get_object_or_404(NationalReport, pk=pk, state=NationalReport.State.DONE)
    period = PeriodKey(report.period_kind, report.year, report.half)
    if extension == "docx":
        content, content_type = report.docx, DOCX_CONTENT_TYPE
    elif extension == "xlsx":
        content, content_type = report.xlsx, XLSX_CONTENT_TYPE
    else:
        raise Http404
    if content is None:
        raise Http404
    body = bytes(content)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(
        f"bao-cao-toan-quoc-{period.code}.{extension}"
    )
    return response


@console_view
def templates(request: HttpRequest) -> HttpResponse:
    """The Word templates of the reports: download, replace (checked), or go back to the default."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not request.user.has_perm("national.change_reportsubmission"):
            raise PermissionDenied
        kind = request.POST.get("kind", "")
        if "reset" in request.POST:
            services.report_template_reset(kind=kind)
            messages.success(request, "Đã quay về mẫu mặc định.")
            return redirect("national:templates")
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError("Chưa chọn tệp mẫu (.docx).")
            if (upload.size or 0) > settings.MAX_UPLOAD_BYTES:
                raise ValidationError("Tệp quá lớn.")
            services.report_template_upload(
                kind=kind,
                filename=upload.name or "",
                content=upload.read(),
                actor=request.user.get_username(),
            )
            messages.success(request, f"Đã thay mẫu văn bản bằng tệp {upload.name}.")
            return redirect("national:templates")
        except ValidationError as error:
            errors[kind] = " ".join(error.messages)
    if request.GET.get("tai-ve") in TEMPLATE_KINDS:
        kind = request.GET["tai-ve"]
        content = template_default(kind) if request.GET.get("mac-dinh") else template_content(kind)
        response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
        response["Content-Disposition"] = attachment_disposition(f"mau-{kind}.docx")
        return response
    uploaded = {t.kind: t for t in ReportTemplate.objects.defer("content")}
    kinds = [
        {"kind": kind, "label": label, "uploaded": uploaded.get(kind), "error": errors.get(kind)}
        for kind, label in TEMPLATE_KINDS.items()
    ]
    return TemplateResponse(
        request,
        "national/console/templates.html",
        {"kinds": kinds},
        status=400 if errors else 200,
    )


@console_view
def union_contact(request: HttpRequest, schema_name: str) -> HttpResponse:
    if request.method != "POST" or not request.user.has_perm("tenants.change_union"):
        raise PermissionDenied
    union = get_object_or_404(Union, schema_name=schema_name, kind=Union.Kind.PROVINCIAL)
    try:
        services.union_contact_update(
            union=union,
            email=request.POST.get("contact_email", ""),
            phone=request.POST.get("contact_phone", ""),
            actor=request.user.get_username(),
        )
        messages.success(request, "Đã cập nhật thông tin liên hệ.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("national:union_detail", schema_name=schema_name)


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
    """Any table of the dashboard, or the report tracking, as a titled XLSX sheet with
    headers and a totals row."""
    period, scope, _available = _filters(request)
    if period is None:
        raise Http404
    table = request.GET.get("bang", "tinh")
    if table == "bao-cao":
        tracking = selectors.province_tracking(period)
        title = f"Tình hình gửi báo cáo {period.label}"
        headers = ["Tỉnh, thành phố", "Liên hiệp Hội", "Trạng thái", "Gửi lúc"]
        rows = []
        for row in tracking["rows"]:
            for union_row in row["unions"] or [None]:
                submission = union_row["submission"] if union_row else None
                rows.append(
                    [
                        row["province"].name,
                        union_row["union"].name if union_row else "",
                        union_row["label"] if union_row else row["label"],
                        timezone.localtime(submission.submitted_at).strftime("%d/%m/%Y %H:%M")
                        if submission
                        else "",
                    ]
                )
        total = ["Tổng cộng", tracking["summary"], "", ""]
    else:
        data = selectors.dashboard(period, scope)
        if table == "hoat-dong":
            title, headers = (
                f"Hoạt động theo loại {period.label}",
                ["Loại hoạt động", "Số hoạt động"],
            )
            rows = [list(item) for item in data["activities"].items()]
        elif table == "to-chuc":
            title = f"Tổ chức thành viên theo loại {period.label}"
            headers = ["Loại tổ chức", "Số tổ chức"]
            rows = [list(item) for item in data["organisations"].items()]
        else:
            title = f"Hội viên theo địa bàn {period.label}"
            headers = ["Tỉnh/thành phố", "Số Liên hiệp Hội", "Số hội viên"]
            rows = [[place, v["unions"], v["members"]] for place, v in data["by_place"].items()]
        total = ["Tổng cộng"] + [
            sum(row[column] or 0 for row in rows) for column in range(1, len(headers))
        ]
    body = titled_workbook(title, headers, rows, total)
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_disposition(f"thong-ke-{table}-{period.code}.xlsx")
    return response


NEW_ABSORBING = "moi"


@console_view
def merge_start(request: HttpRequest) -> HttpResponse:
    """Choose the unions, see what moves and every conflict, change the resolutions,
    confirm: the worker then merges, and the progress page follows it. The absorbing
    union may be a new one (the merged province's), created on confirming."""
    if not request.user.has_perm("tenants.change_union"):
        raise PermissionDenied
    candidates = Union.objects.filter(
        kind=Union.Kind.PROVINCIAL, status__in=[Union.Status.ACTIVE, Union.Status.SUSPENDED]
    ).select_related("province")
    data = request.POST if request.method == "POST" else request.GET
    absorbed = candidates.filter(schema_name=data.get("absorbed", "")).first()
    absorbing = candidates.filter(schema_name=data.get("absorbing", "")).first()
    new = None
    if data.get("absorbing") == NEW_ABSORBING:
        province = data.get("new_province", "")
        new = merging.NewUnion(
            schema_name=data.get("new_schema_name", "").strip().lower(),
            name=data.get("new_name", "").strip(),
            province=Province.objects.filter(pk=province, is_current=True).first()
            if province.isdigit()
            else None,
        )
    context: dict = {
        "candidates": candidates,
        "absorbed": absorbed,
        "absorbing": absorbing,
        "new": new,
        "new_value": NEW_ABSORBING,
        "current_provinces": Province.objects.filter(is_current=True),
    }

    def refused(error: ValidationError) -> TemplateResponse:
        context["error"] = " ".join(error.messages)
        return TemplateResponse(request, "national/console/merge_start.html", context, status=400)

    if absorbed and (absorbing or new):
        try:
            if new is not None:
                preview = merging.merge_preview_new(absorbed=absorbed, new=new)
            else:
                assert absorbing is not None
                preview = merging.merge_preview(absorbed=absorbed, absorbing=absorbing)
        except ValidationError as error:
            return refused(error)
        context["preview"] = preview
        if request.method == "POST" and data.get("confirm") == "1":
            resolutions: dict[str, dict[str, str]] = {}
            for conflict in preview.conflicts:
                value = data.get(f"resolution-{conflict.kind}-{conflict.key}")
                if conflict.choices and value:
                    resolutions.setdefault(conflict.kind, {})[conflict.key] = value
            actor = request.user.get_username()
            try:
                if new is not None:
                    merge = merging.merge_request_new(absorbed=absorbed, new=new, actor=actor)
                else:
                    assert absorbing is not None
                    merge = merging.merge_request(
                        absorbed=absorbed,
                        absorbing=absorbing,
                        actor=actor,
                        resolutions=resolutions,
                    )
                return redirect("national:merge_progress", pk=merge.pk)
            except ValidationError as error:
                return refused(error)
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
    path("bao-cao-toan-quoc/<int:pk>/", national_report, name="national_report"),
    path(
        "bao-cao-toan-quoc/<int:pk>/tai-ve.<str:extension>",
        national_report_file,
        name="national_report_file",
    ),
    path("mau-van-ban/", templates, name="templates"),
    path("lien-hiep-hoi/<str:schema_name>/lien-he/", union_contact, name="union_contact"),
]
