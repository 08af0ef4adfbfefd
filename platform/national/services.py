from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context
from wagtail.models import Page, Site

from cms.records.models import Report
from cms.services import stock_welcome_page_remove
from lhh.national.models import (
    AuditEntry,
    NationalHomePage,
    NationalPeriod,
    ReportSubmission,
    ReportTemplate,
)
from lhh.web.schema_scope import current_schema
from tenants.models import Union


@transaction.atomic
def national_site_setup(*, hostname: str, port: int, site_name: str) -> Site:
    """Replace Wagtail's stock page in public with the national home. Idempotent."""
    root = Page.get_first_root_node()
    home = NationalHomePage.objects.first()
    if home is None:
        home = root.add_child(
            instance=NationalHomePage(
                title=site_name,
                slug="trang-chu",
                intro=(
                    "<p>Hệ thống trang thông tin điện tử dùng chung của các Liên hiệp các Hội "
                    "Khoa học và Kỹ thuật địa phương.</p>"
                ),
            )
        )
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port, site.site_name, site.root_page = hostname, port, site_name, home
    site.save()
    stock_welcome_page_remove()
    return site


def audit_entry_add(*, union: Union, actor: str, action: str, detail: str) -> AuditEntry:
    """Who did what to a union. The entry keeps the union's names: it outlives a deletion."""
    return AuditEntry.objects.create(
        union=union,
        schema_name=union.schema_name,
        union_name=union.name,
        actor=actor,
        action=action,
        detail=detail,
    )


def report_submission_record(*, report: Report) -> ReportSubmission:
    """Record, in public, a report the current union has just submitted (or resubmitted)."""
    if report.submitted_at is None:
        raise ValueError("report_submission_record: the report has not been submitted")
    union = Union.objects.get(schema_name=current_schema())
    period = report.period
    submission, _ = ReportSubmission.objects.update_or_create(
        union=union,
        period_kind=period.kind,
        year=period.year,
        half=period.half,
        defaults={
            "period_label": str(period),
            "status": ReportSubmission.Status.SUBMITTED,
            "figures": report.figures,
            "narrative": report.narrative,
            "submitted_at": report.submitted_at,
            "decided_at": None,
            "comment": "",
        },
    )
    return submission


@transaction.atomic
def report_decide(
    *, submission: ReportSubmission, accept: bool, comment: str = ""
) -> ReportSubmission:
    """Accept a submitted report, or return it to the union with a comment."""
    if submission.status != ReportSubmission.Status.SUBMITTED:
        raise ValidationError("Báo cáo này đã được xử lý.", code="already_decided")
    if not accept and not comment.strip():
        raise ValidationError({"comment": "Cần ghi rõ lý do trả lại báo cáo."})
    now = timezone.now()
    submission.status = (
        ReportSubmission.Status.ACCEPTED if accept else ReportSubmission.Status.RETURNED
    )
    submission.decided_at = now
    submission.comment = comment
    submission.save(update_fields=["status", "decided_at", "comment"])
    with schema_context(submission.union.schema_name):
        Report.objects.filter(
            moved_from="",
            period__kind=submission.period_kind,
            period__year=submission.year,
            period__half=submission.half,
        ).update(
            status=Report.Status.ACCEPTED if accept else Report.Status.RETURNED,
            decided_at=now,
            national_comment=comment,
        )
    return submission


@dataclass
class ReminderResult:
    sent: int
    # (who, why) for everyone behind with the report that no mail could reach.
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def message(self) -> str:
        text = f"Đã gửi {self.sent} thư nhắc."
        if self.skipped:
            text += f" Không gửi được {len(self.skipped)} nơi: " + "; ".join(
                f"{who} ({why})" for who, why in self.skipped
            )
        return text + "."


def report_reminders_send(*, period_kind: str, year: int, half: int | None) -> ReminderResult:
    """E-mail every union on the platform that has not sent its report for the period;
    say who could not be reached and why."""
    from django.core.mail import send_mass_mail

    from lhh.national.selectors import PeriodKey, province_tracking

    period = PeriodKey(period_kind, year, half)
    tracking = province_tracking(period)
    deadline = tracking["national_period"].deadline if tracking["national_period"] else None
    due = f" trước ngày {deadline:%d/%m/%Y}" if deadline else ""
    messages, skipped = [], []
    skipped += [
        (province["province"].name, "chưa có Liên hiệp Hội trên hệ thống")
        for province in tracking["rows"]
        if province["status"] == "absent"
    ]
    for row in tracking["unions"]:
        if row["status"] not in {"missing", "overdue", "returned"}:
            continue
        union = row["union"]
        if not union.contact_email:
            skipped.append((union.name, "chưa có thư điện tử liên hệ"))
            continue
        messages.append(
            (
                f"Nhắc gửi báo cáo {period.label}",
                f"Kính gửi {union.name},\n\nLiên hiệp các Hội Khoa học và Kỹ thuật Việt "
                f"Nam chưa nhận được báo cáo {period.label} của quý Liên hiệp Hội. Đề nghị "
                f"lập và gửi báo cáo{due} trong trang quản trị, mục Hồ sơ hoạt động → Báo "
                "cáo.\n",
                None,
                [union.contact_email],
            )
        )
    sent = send_mass_mail(messages) if messages else 0
    return ReminderResult(sent=sent, skipped=skipped)


@transaction.atomic
def national_period_open(
    *, kind: str, year: int, half: int | None, deadline, actor: str
) -> NationalPeriod:
    """Open a reporting period with its deadline; opening it again moves the deadline."""
    period = NationalPeriod(
        kind=kind, year=year, half=half if kind == "half" else None, deadline=deadline
    )
    period.full_clean(validate_unique=False)
    existing = NationalPeriod.objects.filter(
        kind=period.kind, year=period.year, half=period.half
    ).first()
    if existing:
        existing.deadline = deadline
        existing.save(update_fields=["deadline"])
        return existing
    period.opened_by = actor
    period.save()
    return period


@transaction.atomic
def union_contact_update(*, union: Union, email: str, phone: str, actor: str) -> Union:
    """The union's contact for reminders and notices, edited by national staff (audited)."""
    union.contact_email, union.contact_phone = email.strip(), phone.strip()
    union.full_clean(validate_unique=False, exclude=["schema_name"])
    union.save(update_fields=["contact_email", "contact_phone", "updated_at"])
    AuditEntry.objects.create(
        union=union,
        schema_name=union.schema_name,
        union_name=union.name,
        actor=actor,
        action="contact",
        detail=f"Liên hệ: {union.contact_email or '—'}, {union.contact_phone or '—'}",
    )
    return union


# What an uploaded template must show once filled in with the sample below.
_TEMPLATE_MUST_SHOW = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Số: 99/BC-MAU",
    "Hà Nội, ngày 05 tháng 02 năm 2026",
    "NGƯỜI KÝ MẪU",
]


def _template_sample(kind: str) -> dict:
    common = {
        "governing_body": "Cơ quan chủ quản mẫu",
        "issuer": "Cơ quan ban hành mẫu",
        "number": "99/BC-MAU",
        "date_line": "Hà Nội, ngày 05 tháng 02 năm 2026",
        "title": "Báo cáo",
        "subject": "Sơ kết công tác 6 tháng đầu năm 2026",
        "addressees": ["Nơi gửi mẫu"],
        "opening": "Mở đầu mẫu.",
        "signer_authority": "TM. Ban Thường trực",
        "signer_position": "Chủ tịch",
        "signer_name": "NGƯỜI KÝ MẪU",
        "copies_to": ["Như trên;", "Lưu: VT."],
    }
    row = {"label": "Chỉ tiêu", "value": "1", "note": ""}
    if kind == "union_report":
        return {**common, "sections": [{"heading": "I. MẪU", "rows": [row], "paragraphs": ["x"]}]}
    place = {"name": "Tỉnh mẫu", "region": "Vùng", "members": "1", "organisations": "1"}
    return {
        **common,
        "rules": "Quy tắc mẫu.",
        "totals": [row],
        "submission_summary": "1/34 đã gửi",
        "submissions": [
            {"province": "Tỉnh mẫu", "union": "LHH mẫu", "status": "Đã gửi", "submitted": "1"}
        ],
        "regions": [{**place, "unions": "1", "activities": "1"}],
        "provinces": [{**place, "activities": "1"}],
        "narratives": [{"heading": "Mẫu", "entries": [{"union": "LHH mẫu", "text": "x"}]}],
    }


@transaction.atomic
def report_template_upload(*, kind: str, filename: str, content: bytes, actor: str):
    """Replace a document's template after checking it renders every required part."""
    from cms.records.official_document import TEMPLATE_KINDS, template_validate

    if kind not in TEMPLATE_KINDS:
        raise ValidationError("Loại mẫu văn bản không hợp lệ.")
    if not filename.lower().endswith(".docx"):
        raise ValidationError("Chỉ nhận tệp Word (.docx).")
    template_validate(content, _template_sample(kind), _TEMPLATE_MUST_SHOW)
    template, _ = ReportTemplate.objects.update_or_create(
        kind=kind, defaults={"filename": filename, "content": content, "uploaded_by": actor}
    )
    return template


@transaction.atomic
def report_template_reset(*, kind: str) -> None:
    ReportTemplate.objects.filter(kind=kind).delete()


def report_template_content(kind: str) -> bytes | None:
    """The uploaded template of `kind`, read in public whatever schema asks."""
    with schema_context(get_public_schema_name()):
        content = ReportTemplate.objects.filter(kind=kind).values_list("content", flat=True).first()
    return bytes(content) if content is not None else None
