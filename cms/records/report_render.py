"""A report as DOCX (which the union edits and signs) and as PDF.

Both are built from the same outline: the computed figures of each section
followed by the narrative the union's staff wrote.
"""

import io
from pathlib import Path

from django.db import connection

from cms.records.models import Activity, Report
from cms.records.models.organisations import MemberOrganisation
from cms.records.models.reports import REPORT_SECTIONS
from cms.records.selectors import period_figures

FONTS = Path(__file__).resolve().parent / "fonts"
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


def _number(value: int | None) -> str:
    return "—" if value is None else f"{value:,}".replace(",", ".")


def report_figures(report: Report) -> dict:
    """Frozen figures once submitted; live ones while a draft."""
    return report.figures if report.is_frozen and report.figures else period_figures(report.period)


def report_outline(report: Report, union_name: str) -> list[tuple[str, list[str]]]:
    """(heading, paragraphs) in order: the document both formats render."""
    figures = report_figures(report)
    activities = figures["activities"]
    kinds = dict(MemberOrganisation.Kind.choices)
    outline = []
    for key, heading in REPORT_SECTIONS:
        lines: list[str] = []
        if key == "organisation":
            lines += [
                f"{label}: {_number(figures['organisations'].get(kind, 0))}"
                for kind, label in kinds.items()
            ]
            change = figures["members_change"]
            lines.append(
                f"Tổng số hội viên: {_number(figures['members'])}"
                + (
                    ""
                    if change is None
                    else f" ({'tăng' if change >= 0 else 'giảm'} "
                    f"{_number(abs(change))} so với kỳ trước)"
                )
            )
        for kind in _SECTION_KINDS.get(key, []):
            row = activities.get(kind)
            if not row:
                continue
            line = f"{Activity.Kind(kind).label}: {_number(row['count'])}"
            if kind == Activity.Kind.TVPB:
                line += f" nhiệm vụ, đã hoàn thành {_number(row['done'])}"
            if row["participants"]:
                line += f"; {_number(row['participants'])} lượt người tham dự"
            if row["entries"]:
                line += (
                    f"; {_number(row['entries'])} giải pháp dự thi, {_number(row['prizes'])} giải"
                )
            if row["quantity"]:
                line += f"; số lượng {_number(row['quantity'])}"
            lines.append(line)
        narrative = (report.narrative or {}).get(key, "").strip()
        lines += [paragraph for paragraph in narrative.splitlines() if paragraph.strip()]
        outline.append((heading, lines or ["(Chưa có nội dung)"]))
    return outline


def _title(report: Report, union_name: str) -> tuple[str, str]:
    return union_name.upper(), str(report).upper()


def report_docx(report: Report, union_name: str) -> bytes:
    from docx import Document

    document = Document()
    header, title = _title(report, union_name)
    document.add_paragraph(header).alignment = 1
    document.add_heading(title, level=1).alignment = 1
    for number, (heading, lines) in enumerate(report_outline(report, union_name), start=1):
        document.add_heading(f"{number}. {heading}", level=2)
        for line in lines:
            document.add_paragraph(line)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def report_pdf(report: Report, union_name: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_title(str(report))
    pdf.set_author(union_name)
    pdf.add_page()
    header, title = _title(report, union_name)
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(0, 6, header, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, title, align="C", new_x="LMARGIN", new_y="NEXT")
    for number, (heading, lines) in enumerate(report_outline(report, union_name), start=1):
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(0, 7, f"{number}. {heading}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 11)
        for line in lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def report_filename(report: Report, extension: str) -> str:
    period = report.period
    span = f"{period.year}" if period.kind == "year" else f"{period.year}-6thang{period.half}"
    return f"bao-cao-{connection.schema_name}-{span}.{extension}"


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_download_response(report: Report, union_name: str, extension: str):
    """The report as an attachment: DOCX to edit and sign, or PDF."""
    from django.http import HttpResponse

    if extension == "docx":
        body, content_type = report_docx(report, union_name), DOCX_CONTENT_TYPE
    else:
        body, content_type = report_pdf(report, union_name), "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report, extension)}"'
    return response
