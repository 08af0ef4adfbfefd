"""A union's report as an administrative document: DOCX (to edit and sign) and PDF.

Both come from one Word template (`official_document`), filled with the report's parts:
the union's issuing body, number, place and date, addressees and signer from its report
settings, and per section the figures in a table followed by the narrative staff wrote.
The PDF is that same DOCX printed by LibreOffice.
"""

from django.db import connection
from django.utils import timezone

from cms.records.models import Activity, Report, ReportSettings
from cms.records.models.organisations import MemberOrganisation
from cms.records.models.reports import REPORT_SECTIONS
from cms.records.official_document import (
    DOCX_CONTENT_TYPE,
    date_line,
    docx_render,
    pdf_from_docx,
    template_content,
)
from cms.records.selectors import period_figures
from lhh.web.downloads import attachment_disposition

_SECTION_KINDS = {
    "dissemination": [
        Activity.Kind.DISSEMINATION,
        Activity.Kind.TRAINING,
        Activity.Kind.SEMINAR,
        Activity.Kind.PUBLICATION,
    ],
    "tvpb": [Activity.Kind.TVPB, Activity.Kind.LEGAL_ADVICE, Activity.Kind.REVIEW],
    "science": [Activity.Kind.PROJECT],
    "contests": [Activity.Kind.CONTEST],
    "honouring": [Activity.Kind.HONOURING],
    "other": [Activity.Kind.OTHER],
}
_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def number_vi(value: int | None) -> str:
    """12.345: the thousands separator Vietnamese documents use."""
    return "—" if value is None else f"{value:,}".replace(",", ".")


def report_figures(report: Report) -> dict:
    """Frozen figures once submitted; live ones while a draft."""
    return report.figures if report.is_frozen and report.figures else period_figures(report.period)


def _activity_note(kind: str, row: dict) -> str:
    parts = []
    if kind == Activity.Kind.TVPB:
        parts.append(f"đã hoàn thành {number_vi(row.get('done', 0))}")
    if row.get("participants"):
        parts.append(f"{number_vi(row['participants'])} lượt người tham dự")
    if row.get("entries"):
        parts.append(f"{number_vi(row['entries'])} giải pháp dự thi")
    if row.get("prizes"):
        parts.append(f"{number_vi(row['prizes'])} giải")
    if row.get("national_entries"):
        parts.append(f"{number_vi(row['national_entries'])} giải pháp gửi dự thi toàn quốc")
    if row.get("copies"):
        parts.append(f"{number_vi(row['copies'])} bản")
    if row.get("quantity"):
        parts.append(f"số lượng {number_vi(row['quantity'])}")
    return "; ".join(parts)


def report_sections(report: Report) -> list[dict]:
    """Each section in order: heading, rows of figures (label, value, note), narrative."""
    figures = report_figures(report)
    activities = figures["activities"]
    sections = []
    for index, (key, heading) in enumerate(REPORT_SECTIONS):
        rows: list[dict] = []
        if key == "organisation":
            rows += [
                {"label": label, "value": number_vi(figures["organisations"].get(kind, 0))}
                for kind, label in MemberOrganisation.Kind.choices
            ]
            change = figures.get("members_change")
            rows.append(
                {
                    "label": "Tổng số hội viên",
                    "value": number_vi(figures["members"]),
                    "note": ""
                    if change is None
                    else f"{'tăng' if change >= 0 else 'giảm'} {number_vi(abs(change))} "
                    "so với kỳ trước",
                }
            )
        contests = figures.get("contests") or {}
        if key == "contests" and contests.get("entries"):
            rows += [
                {
                    "label": "Giải pháp dự thi (danh sách cuộc thi)",
                    "value": number_vi(contests["entries"]),
                },
                {"label": "Giải pháp đoạt giải", "value": number_vi(contests["prizes"])},
                {
                    "label": "Giải pháp gửi dự thi toàn quốc",
                    "value": number_vi(contests["national_entries"]),
                },
            ]
        for kind in _SECTION_KINDS.get(key, []):
            row = activities.get(kind)
            if row:
                rows.append(
                    {
                        "label": Activity.Kind(kind).label,
                        "value": number_vi(row["count"]),
                        "note": _activity_note(kind, row),
                    }
                )
        for row in rows:
            row.setdefault("note", "")
        narrative = (report.narrative or {}).get(key, "").strip()
        paragraphs = [line.strip() for line in narrative.splitlines() if line.strip()]
        if not rows and not paragraphs:
            paragraphs = ["(Chưa có nội dung)"]
        sections.append(
            {
                "key": key,
                "heading": f"{_ROMAN[index]}. {heading.upper()}",
                "rows": rows,
                "paragraphs": paragraphs,
            }
        )
    return sections


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _place() -> str:
    province = getattr(getattr(connection, "tenant", None), "province", None)
    return getattr(province, "name", "")


def report_subject(report: Report) -> str:
    period = report.period
    if period.kind == "year":
        return f"Tổng kết công tác năm {period.year}"
    return f"Sơ kết công tác {str(period).lower()}"


def report_context(report: Report, union_name: str) -> dict:
    """Everything the template fills in, from the report and the union's report settings."""
    settings = ReportSettings.load()
    issuer = settings.issuer or union_name
    day = report.issued_on or (
        timezone.localdate(report.submitted_at) if report.submitted_at else timezone.localdate()
    )
    number = report.number.strip() or " " * 6
    return {
        "governing_body": settings.governing_body,
        "issuer": issuer,
        "number": f"{number}/{settings.symbol}",
        "date_line": date_line(settings.place or _place(), day),
        "title": "Báo cáo",
        "subject": report_subject(report),
        "addressees": _lines(settings.addressees),
        "opening": f"{issuer} báo cáo kết quả hoạt động {str(report.period).lower()} như sau:",
        "sections": report_sections(report),
        "signer_authority": settings.signer_authority,
        "signer_position": settings.signer_position,
        "signer_name": settings.signer_name,
        "copies_to": _lines(settings.copies_to),
    }


def report_docx(report: Report, union_name: str) -> bytes:
    return docx_render(template_content("union_report"), report_context(report, union_name))


def report_pdf(report: Report, union_name: str) -> bytes:
    return pdf_from_docx(report_docx(report, union_name))


def report_filename(report: Report, extension: str) -> str:
    period = report.period
    span = f"{period.year}" if period.kind == "year" else f"{period.year}-6thang{period.half}"
    return f"bao-cao-{connection.schema_name}-{span}.{extension}"


def report_download_response(report: Report, union_name: str, extension: str):
    """The report as an attachment: DOCX to edit and sign, or PDF."""
    from django.http import HttpResponse

    if extension == "docx":
        body, content_type = report_docx(report, union_name), DOCX_CONTENT_TYPE
    else:
        body, content_type = report_pdf(report, union_name), "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(report_filename(report, extension))
    return response


def report_pdf_cached(report: Report, union_name: str) -> bytes | None:
    """The report's PDF if the worker has printed this very document already; otherwise queue
    the printing (once) and return None. For callers that must not wait seconds."""
    import hashlib
    import json

    from django.core.cache import cache
    from django.db import transaction

    from cms.records.tasks import report_pdf_print

    # The inputs, not the DOCX: a saved DOCX carries the time it was written.
    digest = hashlib.sha256(template_content("union_report"))
    digest.update(json.dumps(report_context(report, union_name), default=str).encode())
    key = f"report-pdf:{report.pk}:{digest.hexdigest()}"
    pdf = cache.get(key)
    if pdf is None and cache.add(f"{key}:queued", True, 120):
        transaction.on_commit(lambda: report_pdf_print.delay(report.pk, union_name, key))
    return pdf
