"""The national report of a period: a DOCX in the administrative layout (issuer VUSTA)
and an XLSX workbook, both from the kept rollups and the reports the unions sent.

Built in the worker (`tasks.national_report_build`), a step at a time with its progress
on the `NationalReport` row; the files appear together with the state "done", so a
worker killed half-way leaves no half-built report behind.
"""

import io
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from cms.records.models import Activity, MemberOrganisation
from cms.records.models.reports import REPORT_SECTIONS
from cms.records.official_document import date_line, docx_render, template_content
from cms.records.report_render import number_vi
from cms.records.selectors import FIGURES_RULES
from lhh.national.models import ReportSubmission, Rollup, RollupTotal
from lhh.national.rollups import ScopeKey
from lhh.national.selectors import PeriodKey, Scope, province_tracking
from lhh.web.spreadsheet import formula_safe
from tenants.models import Province
from tenants.selectors import coverage_of

ISSUER = "Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam"


def _metric_is(name: str) -> Callable[[str], bool]:
    return lambda metric: metric == name


def _indicators() -> list[tuple[str, Callable[[str], bool]]]:
    """The columns of the national tables: a label and which metrics sum into it."""
    columns: list[tuple[str, Callable[[str], bool]]] = [("Hội viên", _metric_is("members"))]
    columns += [
        (label, _metric_is(f"organisations.{kind}"))
        for kind, label in MemberOrganisation.Kind.choices
    ]
    columns.append(("Tổ chức thành viên (cộng)", lambda m: m.startswith("organisations.")))
    columns += [
        (label, _metric_is(f"activities.{kind}.count")) for kind, label in Activity.Kind.choices
    ]
    columns += [
        ("Hoạt động (cộng)", lambda m: m.startswith("activities.") and m.endswith(".count")),
        ("Lượt người tham dự", lambda m: m.endswith(".participants")),
        ("TV, PB & GĐXH đã hoàn thành", lambda m: m == "activities.tvpb.done"),
        (
            "Giải pháp dự thi",
            lambda m: m.startswith("activities.") and m.endswith(".entries"),
        ),
        (
            "Giải pháp gửi dự thi toàn quốc",
            lambda m: m.startswith("activities.") and m.endswith(".national_entries"),
        ),
        ("Cuộc thi: giải pháp dự thi (theo danh sách)", lambda m: m == "contests.entries"),
        ("Cuộc thi: giải pháp đoạt giải", lambda m: m == "contests.prizes"),
        (
            "Cuộc thi: giải pháp gửi dự thi toàn quốc",
            lambda m: m == "contests.national_entries",
        ),
    ]
    return columns


INDICATORS = _indicators()
MEMBERS, ORGANISATIONS, ACTIVITIES = (
    "Hội viên",
    "Tổ chức thành viên (cộng)",
    "Hoạt động (cộng)",
)


def _indicator_values(metrics: dict[str, int]) -> dict[str, int | None]:
    values: dict[str, int | None] = {}
    for label, matches in INDICATORS:
        found = [value for metric, value in metrics.items() if matches(metric)]
        # No members figure is unknown, not zero.
        values[label] = sum(found) if found or label != MEMBERS else None
    return values


def _sum(rows: list[dict[str, int | None]]) -> dict[str, int | None]:
    total: dict[str, int | None] = {}
    for label, _matches in INDICATORS:
        known = [value for row in rows if (value := row[label]) is not None]
        total[label] = sum(known) if known else None
    return total


def national_report_data(period: PeriodKey) -> dict:
    """Everything both files show: totals, regions, provinces (current and former),
    submissions and the unions' narratives. A handful of queries at any number of unions."""
    current = list(Province.objects.filter(is_current=True).select_related("region"))
    scopes = {ScopeKey.current(p.pk): p for p in current}
    by_scope: dict[str, dict[str, int]] = defaultdict(dict)
    unions_by_scope: dict[str, int] = defaultdict(int)
    for scope, metric, value, unions in RollupTotal.objects.filter(
        period.filter(), scope__in=[*scopes, ScopeKey.ALL]
    ).values_list("scope", "metric", "value", "unions"):
        by_scope[scope][metric] = value
        if metric == "members":
            unions_by_scope[scope] = unions
    provinces: list[dict[str, Any]] = []
    for key, province in sorted(scopes.items(), key=lambda item: item[1].name):
        provinces.append(
            {
                "name": province.name,
                "region": province.region.name if province.region else "",
                "unions": unions_by_scope.get(key, 0),
                "values": _indicator_values(by_scope.get(key, {})),
            }
        )
    regions: dict[str, list[dict]] = defaultdict(list)
    for row in provinces:
        regions[row["region"] or "Chưa xếp vùng"].append(row)
    region_rows = [
        {
            "name": name,
            "unions": sum(r["unions"] for r in rows),
            "values": _sum([r["values"] for r in rows]),
        }
        for name, rows in sorted(regions.items())
    ]
    totals = _indicator_values(by_scope.get(ScopeKey.ALL, {}))
    return {
        "period": period,
        "totals": totals,
        "reporting_unions": unions_by_scope.get(ScopeKey.ALL, 0),
        "provinces": provinces,
        "province_total": _sum([r["values"] for r in provinces]),
        "regions": region_rows,
        "former": _former_provinces(period),
        "tracking": province_tracking(period),
        "narratives": _narratives(period),
    }


def _former_provinces(period: PeriodKey) -> list[dict]:
    """The 63 former provinces, from each counted union's rows (a former province is a
    part of a current one, so no kept total covers it). A union covering several (after
    a merger) counts once, under the first it covers (its own)."""
    former = list(Province.objects.filter(is_current=False).select_related("successor"))
    same_name = {(p.successor_id, p.name): p for p in former}
    metrics: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = list(
        Rollup.objects.filter(period.filter(), union__in=Scope().unions())
        .values_list("union_id", "union__province_id", "union__province__name", "metric")
        .annotate(total=Sum("value"))
        .order_by()
    )
    covered = coverage_of(list({row[0] for row in rows}), period.ends_on)
    for union_id, province_id, province_name, metric, value in rows:
        own = covered.get(union_id)
        province = own[0] if own else same_name.get((province_id, province_name))
        if province:
            metrics[province.pk][metric] += value
    return [
        {
            "name": province.name,
            "successor": province.successor.name if province.successor else "",
            "values": _indicator_values(dict(metrics.get(province.pk, {}))),
        }
        for province in sorted(former, key=lambda p: p.name)
    ]


def _narratives(period: PeriodKey) -> list[dict]:
    """Each report section with what every union that sent its report wrote in it."""
    submissions = list(
        ReportSubmission.objects.filter(period.filter())
        .exclude(status=ReportSubmission.Status.RETURNED)
        .order_by("union__province__name", "union__name")
        .values_list("union__name", "narrative")
    )
    sections = []
    for key, heading in REPORT_SECTIONS:
        items = [
            {"union": name, "text": " ".join((narrative or {}).get(key, "").split())}
            for name, narrative in submissions
            if (narrative or {}).get(key, "").strip()
        ]
        if items:
            sections.append({"heading": heading, "entries": items})
    return sections


def _value(value: int | None) -> str:
    return number_vi(value)


def national_report_context(data: dict) -> dict:
    period: PeriodKey = data["period"]
    tracking = data["tracking"]
    counts = tracking["counts"]
    totals = data["totals"]
    rows = [
        {
            "label": "Liên hiệp Hội có số liệu hội viên",
            "value": _value(data["reporting_unions"]),
            "note": "",
        }
    ]
    rows += [
        {"label": label, "value": _value(totals[label]), "note": ""}
        for label, _matches in INDICATORS
    ]
    submissions = []
    for row in tracking["rows"]:
        if not row["unions"]:
            submissions.append(
                {
                    "province": row["province"].name,
                    "union": "—",
                    "status": row["label"],
                    "submitted": "",
                }
            )
        for union_row in row["unions"]:
            submission = union_row["submission"]
            submissions.append(
                {
                    "province": row["province"].name,
                    "union": union_row["union"].name,
                    "status": union_row["label"],
                    "submitted": timezone.localtime(submission.submitted_at).strftime("%d/%m/%Y")
                    if submission
                    else "",
                }
            )

    def place(row: dict) -> dict:
        values = row["values"]
        return {
            "name": row["name"],
            "region": row.get("region", ""),
            "unions": _value(row.get("unions")),
            "members": _value(values[MEMBERS]),
            "organisations": _value(values[ORGANISATIONS]),
            "activities": _value(values[ACTIVITIES]),
        }

    regions = [place(r) for r in data["regions"]]
    regions.append(
        place(
            {
                "name": "Tổng cộng",
                "unions": sum(r["unions"] for r in data["regions"]),
                "values": data["province_total"],
            }
        )
    )
    provinces = [place(r) for r in data["provinces"]]
    provinces.append(place({"name": "Tổng cộng", "region": "", "values": data["province_total"]}))
    return {
        "governing_body": "",
        "issuer": ISSUER,
        "number": f"{' ' * 6}/BC-LHHVN",
        "date_line": date_line("Hà Nội", timezone.localdate()),
        "title": "Báo cáo",
        "subject": "Tổng hợp kết quả hoạt động của các Liên hiệp Hội địa phương "
        + period.label[0].lower()
        + period.label[1:],
        "addressees": ["Đoàn Chủ tịch Hội đồng Trung ương Liên hiệp các Hội KH&KT Việt Nam"],
        "opening": f"Tổng hợp từ số liệu các Liên hiệp Hội địa phương ghi trên hệ thống và "
        f"báo cáo đã gửi; {tracking['summary']} tỉnh, thành phố.",
        "rules": FIGURES_RULES,
        "totals": rows,
        "submission_summary": (
            f"{tracking['summary']} tỉnh, thành phố; gửi muộn: {counts['late']}; chưa gửi: "
            f"{counts['missing'] + counts['overdue'] + counts['returned']}; chưa tham gia hệ "
            f"thống: {counts['absent']}."
        ),
        "submissions": submissions,
        "regions": regions,
        "provinces": provinces,
        "narratives": data["narratives"],
        "signer_authority": "TM. Đoàn Chủ tịch",
        "signer_position": "Chủ tịch",
        "signer_name": "",
        "copies_to": ["Như trên;", "Các Liên hiệp Hội địa phương;", "Lưu: VT."],
    }


def national_report_docx(data: dict) -> bytes:
    return docx_render(template_content("national_report"), national_report_context(data))


def national_report_xlsx(data: dict) -> bytes:
    """Four titled sheets with headers and totals: summary, province × indicator,
    submissions, former provinces."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    period: PeriodKey = data["period"]
    workbook = Workbook()
    bold = Font(bold=True)

    def sheet(title: str, heading: str, headers: list[str], rows: list[list], total=None):
        ws = workbook.create_sheet(title)
        ws.append([heading])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([f"Kỳ báo cáo: {period.label}"])
        ws.append([])
        ws.append(headers)
        for cell in ws[4]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for row in rows:
            ws.append([formula_safe(cell) for cell in row])
        if total:
            ws.append(total)
            for cell in ws[ws.max_row]:
                cell.font = bold
        ws.freeze_panes = "B5"
        for index, _header in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(index)].width = 34 if index == 1 else 16
        return ws

    labels = [label for label, _matches in INDICATORS]
    workbook.remove(workbook.active)
    sheet(
        "Tổng hợp",
        f"BÁO CÁO TỔNG HỢP TOÀN QUỐC – {period.label.upper()}",
        ["Chỉ tiêu", "Số liệu"],
        [["Liên hiệp Hội có số liệu hội viên", data["reporting_unions"]]]
        + [[label, data["totals"][label]] for label in labels],
    )
    sheet(
        "Tỉnh × chỉ tiêu",
        "SỐ LIỆU THEO TỈNH, THÀNH PHỐ",
        ["Tỉnh, thành phố", "Vùng", "Số LHH có số liệu hội viên", *labels],
        [
            [row["name"], row["region"], row["unions"], *(row["values"][lb] for lb in labels)]
            for row in data["provinces"]
        ],
        [
            "Tổng cộng",
            "",
            sum(row["unions"] for row in data["provinces"]),
            *(data["province_total"][lb] for lb in labels),
        ],
    )
    tracking = data["tracking"]
    submission_rows = []
    for row in tracking["rows"]:
        for union_row in row["unions"] or [None]:
            submission = union_row["submission"] if union_row else None
            submission_rows.append(
                [
                    row["province"].name,
                    row["region"],
                    union_row["union"].name if union_row else "",
                    union_row["label"] if union_row else row["label"],
                    timezone.localtime(submission.submitted_at).strftime("%d/%m/%Y %H:%M")
                    if submission
                    else "",
                ]
            )
    sheet(
        "Tình hình gửi báo cáo",
        f"TÌNH HÌNH GỬI BÁO CÁO: {tracking['summary'].upper()}",
        ["Tỉnh, thành phố", "Vùng", "Liên hiệp Hội", "Tình trạng", "Gửi lúc"],
        submission_rows,
        [
            "Tổng cộng",
            "",
            f"{tracking['sent']}/{tracking['total']} đã gửi",
            f"Gửi muộn {tracking['counts']['late']}; chưa tham gia hệ thống "
            f"{tracking['counts']['absent']}",
            "",
        ],
    )
    former_total = _sum([row["values"] for row in data["former"]])
    sheet(
        "Tỉnh cũ",
        "SỐ LIỆU THEO 63 TỈNH, THÀNH PHỐ CŨ",
        ["Tỉnh, thành phố cũ", "Nay thuộc", *labels],
        [
            [row["name"], row["successor"], *(row["values"][lb] for lb in labels)]
            for row in data["former"]
        ],
        ["Tổng cộng", "", *(former_total[lb] for lb in labels)],
    )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def national_report_build(report_id: int) -> None:
    """Build both files of a requested national report, saving the progress per step."""
    from lhh.national.models import NationalReport

    report = NationalReport.objects.get(pk=report_id)
    if report.state == NationalReport.State.DONE:
        return  # a redelivered task
    period = PeriodKey(report.period_kind, report.year, report.half)

    def step(done: int, message: str) -> None:
        report.state, report.done, report.total, report.message = (
            NationalReport.State.RUNNING,
            done,
            3,
            message,
        )
        report.save(update_fields=["state", "done", "total", "message"])

    try:
        step(0, "Đang tổng hợp số liệu…")
        data = national_report_data(period)
        step(1, "Đang lập văn bản Word…")
        docx = national_report_docx(data)
        step(2, "Đang lập bảng tính Excel…")
        xlsx = national_report_xlsx(data)
    except Exception:
        report.state, report.message = NationalReport.State.FAILED, "Không lập được báo cáo."
        report.save(update_fields=["state", "message"])
        raise
    report.docx, report.xlsx = docx, xlsx
    report.state, report.done, report.message = NationalReport.State.DONE, 3, "Hoàn tất."
    report.finished_at = timezone.now()
    report.save(update_fields=["docx", "xlsx", "state", "done", "message", "finished_at"])
