"""Reports: figures from the records, narrative by staff, frozen once submitted."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from cms.records import services
from cms.records.models import Activity, MemberOrganisation, Report
from cms.records.report_render import report_docx, report_pdf
from lhh.national.models import ReportSubmission
from lhh.national.services import report_decide


def _records(period) -> None:
    organisation = services.organisation_save(
        organisation=MemberOrganisation(name="Hội Y học", kind="association")
    )
    services.member_count_set(organisation=organisation, period=period, members=23_628)
    services.activity_save(
        activity=Activity(
            kind="training", title="Tập huấn kỹ năng phản biện", period=period, participants=120
        )
    )


def test_a_report_renders_its_figures_and_narrative_as_docx_and_pdf(h1_2021, union_a):
    from docx import Document

    _records(h1_2021)
    report = services.report_get_or_create(period=h1_2021)
    services.report_narrative_update(
        report=report, narrative={"plans": "Tổ chức Hội thi Sáng tạo Kỹ thuật lần thứ XII."}
    )
    document = Document(io.BytesIO(report_docx(report, union_a.union.name)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO SƠ KẾT 6 THÁNG ĐẦU NĂM 2021" in text
    assert "Tổng số hội viên: 23.628" in text
    assert "Lớp tập huấn, đào tạo: 1; 120 lượt người tham dự" in text
    assert "Tổ chức Hội thi Sáng tạo Kỹ thuật lần thứ XII." in text
    pdf = report_pdf(report, union_a.union.name)
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000


def test_submitting_freezes_the_figures_and_reaches_the_national_union(h1_2021, union_a):
    _records(h1_2021)
    report = services.report_submit(report=services.report_get_or_create(period=h1_2021))
    assert report.figures["members"] == 23_628
    # Later changes to the records do not move a submitted report.
    services.member_count_set(
        organisation=MemberOrganisation.objects.get(), period=h1_2021, members=30_000
    )
    report.refresh_from_db()
    assert report.figures["members"] == 23_628
    with pytest.raises(ValidationError, match="đã gửi Trung ương"):
        services.report_narrative_update(report=report, narrative={"plans": "Sửa sau khi gửi"})
    with schema_context("public"):
        submission = ReportSubmission.objects.get(union=union_a.union)
        assert (submission.period_label, submission.figures["members"]) == (
            "6 tháng đầu năm 2021",
            23_628,
        )


def test_the_national_union_returns_a_report_with_a_comment_then_accepts_it(h1_2021, union_a):
    _records(h1_2021)
    services.report_submit(report=services.report_get_or_create(period=h1_2021))
    with schema_context("public"):
        submission = ReportSubmission.objects.get(union=union_a.union)
        with pytest.raises(ValidationError, match="lý do trả lại"):
            report_decide(submission=submission, accept=False)
        report_decide(submission=submission, accept=False, comment="Bổ sung số liệu TVPB.")
    report = Report.objects.get()
    assert (report.status, report.national_comment) == ("returned", "Bổ sung số liệu TVPB.")
    services.report_narrative_update(report=report, narrative={"tvpb": "Đã bổ sung."})
    services.report_submit(report=report)
    with schema_context("public"):
        submission.refresh_from_db()
        assert submission.status == "submitted"
        report_decide(submission=submission, accept=True)
    assert Report.objects.get().status == "accepted"


def test_a_report_of_union_a_never_lands_on_union_b(h1_2021, union_a, union_b):
    services.report_submit(report=services.report_get_or_create(period=h1_2021))
    with schema_context(union_b.schema_name):
        assert not Report.objects.exists()
    with schema_context("public"):
        assert not ReportSubmission.objects.filter(union=union_b.union).exists()


def test_figures_follow_the_period_not_the_calendar(in_a):
    h2 = services.period_get_or_create(kind="half", year=2021, half=2)
    services.activity_save(
        activity=Activity(
            kind="seminar", title="Hội thảo tháng 9", period=h2, held_on=dt.date(2021, 9, 10)
        )
    )
    report = services.report_get_or_create(period=h2)
    assert str(report) == "Báo cáo sơ kết 6 tháng cuối năm 2021"
