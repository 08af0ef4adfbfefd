from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from wagtail.models import Page, Site

from cms.records.models import Report
from cms.services import stock_welcome_page_remove
from lhh.national.models import AuditEntry, NationalHomePage, ReportSubmission
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
    union = Union.objects.get(schema_name=connection.schema_name)
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


def report_reminders_send(*, period_kind: str, year: int, half: int | None) -> int:
    """E-mail every active union that has not submitted its report for the period."""
    from django.core.mail import send_mass_mail

    from lhh.national.selectors import PeriodKey, report_tracking

    period = PeriodKey(period_kind, year, half)
    messages = [
        (
            f"Nhắc gửi báo cáo {period.label}",
            f"Kính gửi {row['union'].name},\n\nLiên hiệp các Hội Khoa học và Kỹ thuật Việt Nam "
            f"chưa nhận được báo cáo {period.label} của quý Liên hiệp Hội. Đề nghị lập và gửi báo "
            "cáo trong trang quản trị, mục Hồ sơ hoạt động → Báo cáo.\n",
            None,
            [row["union"].contact_email],
        )
        for row in report_tracking(period)
        if row["status"] in {"missing", ReportSubmission.Status.RETURNED}
        and row["union"].contact_email
    ]
    return send_mass_mail(messages) if messages else 0
