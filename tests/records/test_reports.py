"""Reports: figures from the records, narrative by staff, frozen once submitted."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from cms.records import services
from cms.records.models import Activity, MemberOrganisation, Report
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


def test_submitting_freezes_the_figures_and_reaches_the_national_union(h1_2021, union_a):
    _records(h1_2021)
    report = services.report_submit(report=services.report_get_or_create(period=h1_2021))
    assert report.figures["members"] == 23_628
    # The period's figures are frozen: changing them needs the report returned first.
    with pytest.raises(ValidationError, match="trả lại báo cáo"):
        services.member_count_set(
            organisation=MemberOrganisation.objects.get(), period=h1_2021, members=30_000
        )
    with pytest.raises(ValidationError, match="đã chốt"):
        services.activity_delete(activity=Activity.objects.get())
    year = services.period_get_or_create(kind="year", year=2021)
    with pytest.raises(ValidationError, match="đã chốt"):
        # Moving an activity out of the sent period changes it too.
        activity = Activity.objects.get()
        activity.period = year
        services.activity_save(activity=activity)
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
    # Returned: its figures can be changed again.
    services.member_count_set(
        organisation=MemberOrganisation.objects.get(), period=h1_2021, members=24_000
    )
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


def test_the_admin_says_why_a_sent_periods_figures_cannot_change(h1_2021, admin_a):
    from cms.records.models import MemberCount

    _records(h1_2021)
    services.report_submit(report=services.report_get_or_create(period=h1_2021))
    count = MemberCount.objects.get()
    response = admin_a.post(
        f"/admin/records/membercount/edit/{count.pk}/",
        {"organisation": count.organisation_id, "period": h1_2021.pk, "members": 1},
    )
    assert response.status_code == 200
    assert "cần đề nghị Trung ương trả lại báo cáo" in response.content.decode()
    assert MemberCount.objects.get().members == 23_628
    activity = Activity.objects.get()
    deleted = admin_a.post(f"/admin/records/activity/delete/{activity.pk}/", follow=True)
    assert "đã chốt" in deleted.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()
