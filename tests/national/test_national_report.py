"""Periods national staff open, x/34 tracking, one national figure per period, national report."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context
from docx import Document
from openpyxl import load_workbook

from cms.records import services
from cms.records.models import Activity, MemberOrganisation
from cms.records.official_document import docx_text
from cms.records.selectors import period_figures
from lhh.national.models import NationalPeriod, NationalReport, ReportSubmission
from lhh.national.national_report import (
    national_report_data,
    national_report_docx,
    national_report_xlsx,
)
from lhh.national.rollups import rollup_refresh, rollup_totals_rebuild
from lhh.national.selectors import PeriodKey
from tenants.models import Province, Union
from tests.conftest import login_with_second_step, wait_for
from tests.provinces import union_place


@pytest.fixture
def national(db) -> Client:
    user = get_user_model().objects.create_superuser("vusta-test", "vusta@example.vn", "x")
    return login_with_second_step(Client(HTTP_HOST="localhost"), user)


def _place(union, province: str, former: str | None = None) -> None:
    union_place(union.union, province, *([former] if former else []))
    rollup_totals_rebuild()


def _submit(union, *, kind: str, year: int, half: int | None = None) -> None:
    with schema_context(union.schema_name):
        period = services.period_get_or_create(kind=kind, year=year, half=half)
        services.report_submit(report=services.report_get_or_create(period=period))


def test_a_period_opened_before_any_data_counts_all_34_provinces(national, union_a, union_b):
    _place(union_a, "Nghệ An")
    _place(union_b, "Hải Phòng", "Hải Dương")
    response = national.post(
        "/admin/toan-quoc/bao-cao/",
        {"open_period": "1", "kind": "half", "year": 2031, "half": 1, "deadline": "2031-07-15"},
        follow=True,
    )
    body = response.content.decode()
    assert "Đã mở kỳ báo cáo 6 tháng đầu năm 2031, hạn gửi 15/07/2031." in body
    assert "6 tháng đầu năm 2031: 0/34 đã gửi" in body
    # Every province is a row; those without a union are named, with an invitation.
    assert len(set(re.findall(r'data-province="([^"]+)"', body))) == 34
    assert 'data-province="An Giang" class="status-absent"' in body
    assert "Mời đăng ký trang" in body and 'href="/dang-ky/"' in body
    on_platform = (
        Union.objects.filter(kind="provincial", status__in=["active", "suspended"])
        .exclude(province=None)
        .values("province")
        .distinct()
        .count()
    )
    assert f'data-count="absent">{34 - on_platform}<' in body

    _submit(union_a, kind="half", year=2031, half=1)
    body = national.get("/admin/toan-quoc/bao-cao/", {"ky": "2031-1"}).content.decode()
    assert "6 tháng đầu năm 2031: 1/34 đã gửi" in body
    former = national.get("/admin/toan-quoc/bao-cao/", {"ky": "2031-1", "theo": "tinh-cu"})
    body = former.content.decode()
    assert "1/63 đã gửi" in body
    # B stands for the former Hải Dương; the former Hải Phòng has no union of its own.
    assert 'data-province="Hải Dương"><td>Hải Dương' in body
    assert 'data-province="Hải Phòng" class="status-absent"' in body


def test_a_report_sent_after_the_deadline_is_late(national, union_a):
    _place(union_a, "Nghệ An")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    NationalPeriod.objects.create(kind="year", year=2030, deadline=yesterday)
    _submit(union_a, kind="year", year=2030)
    body = national.get("/admin/toan-quoc/bao-cao/", {"ky": "2030"}).content.decode()
    assert "Năm 2030: 1/34 đã gửi" in body
    assert 'data-count="late">1<' in body and "Gửi muộn" in body


def test_reminders_say_how_many_were_sent_and_who_was_skipped_and_why(national, union_a, union_b):
    _place(union_a, "Nghệ An")
    _place(union_b, "Hải Phòng")
    NationalPeriod.objects.create(kind="half", year=2032, half=1, deadline=dt.date(2032, 7, 1))
    # National staff set A's contact in the console; B has none.
    national.post(
        f"/admin/toan-quoc/lien-hiep-hoi/{union_a.schema_name}/lien-he/",
        {"contact_email": "vanphong@uniona.example.vn", "contact_phone": "0237 385 2000"},
    )
    Union.objects.filter(pk=union_b.union.pk).update(contact_email="")
    mail.outbox.clear()
    response = national.post("/admin/toan-quoc/bao-cao/?ky=2032-1", {"remind": "1"}, follow=True)
    body = response.content.decode()
    assert "Đã gửi 1 thư nhắc." in body
    assert f"{union_b.union.name} (chưa có thư điện tử liên hệ)" in body
    assert "An Giang (chưa có Liên hiệp Hội trên hệ thống)" in body
    assert [m.to for m in mail.outbox] == [["vanphong@uniona.example.vn"]]
    assert "trước ngày 01/07/2032" in mail.outbox[0].body
    contact = national.get(f"/admin/toan-quoc/lien-hiep-hoi/{union_a.schema_name}/")
    assert "0237 385 2000" in contact.content.decode()
    bad = national.post(
        f"/admin/toan-quoc/lien-hiep-hoi/{union_a.schema_name}/lien-he/",
        {"contact_email": "khong-phai-thu", "contact_phone": ""},
        follow=True,
    )
    assert "hợp lệ" in bad.content.decode()
    assert Union.objects.get(pk=union_a.union.pk).contact_email == "vanphong@uniona.example.vn"


def _records(union, period, *, members: int, trainings: int, organisations: int = 2) -> None:
    with schema_context(union.schema_name):
        organisation = None
        for n in range(organisations):
            organisation = services.organisation_save(
                organisation=MemberOrganisation(
                    name=f"Hội {period} {n} {members}", kind="association"
                )
            )
        services.member_count_set(organisation=organisation, period=period, members=members)
        for n in range(trainings):
            services.activity_save(
                activity=Activity(kind="training", title=f"Lớp {n}", period=period, participants=10)
            )


def test_half_year_and_yearly_reporters_make_one_national_year(union_a, union_b):
    """A reports in halves, B once a year: the national 2029 is both, by the rules."""
    _place(union_a, "Nghệ An")
    _place(union_b, "Hải Phòng", "Hải Dương")
    with schema_context(union_a.schema_name):
        h1 = services.period_get_or_create(kind="half", year=2029, half=1)
        h2 = services.period_get_or_create(kind="half", year=2029, half=2)
    with schema_context(union_b.schema_name):
        year = services.period_get_or_create(kind="year", year=2029)
    _records(union_a, h1, members=1_000, trainings=2)
    _records(union_a, h2, members=1_200, trainings=3, organisations=1)
    _records(union_b, year, members=500, trainings=4)
    own = {}
    for union in (union_a, union_b):
        with schema_context(union.schema_name):
            rollup_refresh()
            own[union.schema_name] = period_figures(
                services.period_get_or_create(kind="year", year=2029)
            )
    # A's own year: flows added over its halves, members as counted at the year's end.
    assert own[union_a.schema_name]["activities"]["training"]["count"] == 5
    assert own[union_a.schema_name]["members"] == 2_200  # the two organisations' newest
    data = national_report_data(PeriodKey("year", 2029, None))
    totals = data["totals"]
    assert totals["Lớp tập huấn, đào tạo"] == 5 + 4
    assert totals["Lượt người tham dự"] == 90
    assert totals["Hội viên"] == sum(f["members"] for f in own.values()) == 2_700
    assert totals["Hội thành viên"] == sum(f["organisations"]["association"] for f in own.values())
    by_province = {row["name"]: row["values"] for row in data["provinces"]}
    assert by_province["Nghệ An"]["Hội viên"] == 2_200
    assert by_province["Hải Phòng"]["Hoạt động (cộng)"] == 4
    former = {row["name"]: row["values"] for row in data["former"]}
    assert former["Hải Dương"]["Hội viên"] == 500
    assert former["Nghệ An"]["Hội viên"] == 2_200
    # The first half counts only half-year reporters: B has no half-year figures.
    first_half = national_report_data(PeriodKey("half", 2029, 1))
    assert first_half["totals"]["Lớp tập huấn, đào tạo"] == 2


def test_an_organisation_counts_in_the_periods_it_was_a_member(union_a):
    """What was active at each period's end: the console showed today's count for 2020."""
    with schema_context(union_a.schema_name):
        h2_2020 = services.period_get_or_create(kind="half", year=2020, half=2)
        h1_2021 = services.period_get_or_create(kind="half", year=2021, half=1)
        before = period_figures(h2_2020)["organisations"].get("club", 0)
        club = services.organisation_save(
            organisation=MemberOrganisation(
                name="CLB Sử học", kind="club", joined_on=dt.date(2019, 5, 1)
            )
        )
        club.status, club.left_on = "dissolved", dt.date(2021, 3, 1)
        services.organisation_save(organisation=club)
        assert period_figures(h2_2020)["organisations"].get("club", 0) == before + 1
        assert period_figures(h1_2021)["organisations"].get("club", 0) == before
        club.status = "active"
        services.organisation_save(organisation=club)
        club.refresh_from_db()
        assert club.left_on is None


def test_the_national_report_has_the_layout_the_figures_and_the_narratives(union_a, union_b):
    _place(union_a, "Nghệ An")
    _place(union_b, "Hải Phòng", "Hải Dương")
    with schema_context(union_a.schema_name):
        h1 = services.period_get_or_create(kind="half", year=2028, half=1)
    _records(union_a, h1, members=23_628, trainings=2)
    with schema_context(union_a.schema_name):
        rollup_refresh()
        report = services.report_get_or_create(period=h1)
        services.report_narrative_update(
            report=report, narrative={"tvpb": "Phản biện đề án quy hoạch tỉnh."}
        )
        services.report_submit(report=report)
    data = national_report_data(PeriodKey("half", 2028, 1))
    content = national_report_docx(data)
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.left_margin.mm) == 30
    text = docx_text(content)
    for part in (
        "LIÊN HIỆP CÁC HỘI KHOA HỌC VÀ KỸ THUẬT VIỆT NAM",
        "/BC-LHHVN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        f"Hà Nội, ngày {timezone.localdate():%d}",
        "Tổng hợp kết quả hoạt động của các Liên hiệp Hội địa phương 6 tháng đầu năm 2028",
        "1/34 đã gửi",
        "Đồng bằng sông Hồng",
        "Phản biện đề án quy hoạch tỉnh.",
        "Nơi nhận:",
    ):
        assert part in text, part
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["Hội viên", "23.628", ""] in rows
    assert any(r[0] == "Nghệ An" and r[2] == "23.628" for r in rows)
    assert any(r[0] == "Tổng cộng" and r[2] == "23.628" for r in rows)

    workbook = load_workbook(io.BytesIO(national_report_xlsx(data)))
    assert workbook.sheetnames == [
        "Tổng hợp",
        "Tỉnh × chỉ tiêu",
        "Tình hình gửi báo cáo",
        "Tỉnh cũ",
    ]
    summary = workbook["Tổng hợp"]
    assert summary["A1"].value == "BÁO CÁO TỔNG HỢP TOÀN QUỐC – 6 THÁNG ĐẦU NĂM 2028"
    assert ("Hội viên", 23_628) in list(summary.iter_rows(values_only=True))
    grid = list(workbook["Tỉnh × chỉ tiêu"].iter_rows(values_only=True))
    assert grid[3][:4] == ("Tỉnh, thành phố", "Vùng", "Số LHH có số liệu hội viên", "Hội viên")
    assert len(grid) == 4 + 34 + 1 and grid[-1][0] == "Tổng cộng" and grid[-1][3] == 23_628
    submissions = list(workbook["Tình hình gửi báo cáo"].iter_rows(values_only=True))
    assert "1/34 ĐÃ GỬI" in submissions[0][0]
    assert any(row[2] == union_a.union.name and row[3] == "Đã gửi" for row in submissions)
    former = list(workbook["Tỉnh cũ"].iter_rows(values_only=True))
    assert len(former) == 4 + 63 + 1
    # No raw key anywhere.
    cells = [str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row]
    assert not any("activities." in c or "organisations." in c for c in cells)


def test_the_national_report_is_built_in_the_worker_with_progress(
    union_pair, committed, celery_worker
):
    union_a, _union_b = union_pair
    get_user_model().objects.filter(username="vusta-worker").delete()  # a killed run's
    NationalPeriod.objects.filter(kind="half", year=2027, half=2).delete()
    user = get_user_model().objects.create_superuser("vusta-worker", "w@example.vn", "x")
    client = login_with_second_step(Client(HTTP_HOST="localhost"), user)
    period = NationalPeriod.objects.create(
        kind="half", year=2027, half=2, deadline=dt.date(2028, 1, 15)
    )
    try:
        response = client.post("/admin/toan-quoc/bao-cao/?ky=2027-2", {"national_report": "1"})
        assert response.status_code == 302
        report = NationalReport.objects.get(year=2027)
        page = client.get(response["Location"]).content.decode()
        assert "<progress" in page
        wait_for(
            lambda: (
                client.get(response["Location"], HTTP_ACCEPT="application/json").json()["state"]
                == "done"
            ),
            timeout=30,
            what="the national report",
        )
        docx = client.get(f"/admin/toan-quoc/bao-cao-toan-quoc/{report.pk}/tai-ve.docx")
        assert "0/34 đã gửi" in docx_text(docx.content)
        xlsx = client.get(f"/admin/toan-quoc/bao-cao-toan-quoc/{report.pk}/tai-ve.xlsx")
        assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "Tổng hợp"
        # Only on the national host: a union's host has no such page.
        assert union_a.client().get(
            f"/admin/toan-quoc/bao-cao-toan-quoc/{report.pk}/tai-ve.docx"
        ).status_code in {302, 404}
    finally:
        NationalReport.objects.filter(year=2027).delete()
        period.delete()
        user.delete()


def test_a_submission_counts_for_its_own_union_only(national, union_a, union_b):
    _place(union_a, "Nghệ An")
    _place(union_b, "Hải Phòng")
    _submit(union_a, kind="half", year=2033, half=2)
    assert ReportSubmission.objects.filter(union=union_b.union).count() == 0
    body = national.get("/admin/toan-quoc/bao-cao/", {"ky": "2033-2"}).content.decode()
    row_b = body.split(f">{union_b.union.name}</a>")[1].split("</tr>")[0]
    assert "Chưa gửi" in row_b


def _template_with(change) -> bytes:
    """The shipped union template, edited as national staff would in Word."""
    from cms.records.official_document import template_default

    document = Document(io.BytesIO(template_default("union_report")))
    change(document)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _upload(client: Client, content: bytes, name: str = "mau-moi.docx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/admin/toan-quoc/mau-van-ban/",
        {"kind": "union_report", "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_national_staff_change_the_union_reports_look_with_a_new_template(national, union_a):
    from docx.shared import Mm, Pt

    from cms.records.report_render import report_docx

    def restyle(document) -> None:
        document.sections[0].left_margin = Mm(35)
        document.styles["Normal"].font.size = Pt(13)
        document.add_paragraph("Mẫu riêng của Văn phòng Trung ương")

    response = _upload(national, _template_with(restyle))
    assert "Đã thay mẫu văn bản bằng tệp mau-moi.docx." in response.content.decode()
    with schema_context(union_a.schema_name):
        period = services.period_get_or_create(kind="half", year=2021, half=1)
        content = report_docx(services.report_get_or_create(period=period), union_a.union.name)
    document = Document(io.BytesIO(content))
    assert round(document.sections[0].left_margin.mm) == 35
    assert document.styles["Normal"].font.size == Pt(13)
    assert "Mẫu riêng của Văn phòng Trung ương" in docx_text(content)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in docx_text(content)
    # Back to the shipped default.
    national.post("/admin/toan-quoc/mau-van-ban/", {"kind": "union_report", "reset": "1"})
    with schema_context(union_a.schema_name):
        content = report_docx(services.report_get_or_create(period=period), union_a.union.name)
    assert "Mẫu riêng của Văn phòng Trung ương" not in docx_text(content)
    assert round(Document(io.BytesIO(content)).sections[0].left_margin.mm) == 30


def test_a_broken_template_is_refused_in_vietnamese_and_the_old_one_stays(national):
    from lhh.national.models import ReportTemplate

    def keep(document) -> None:
        document.add_paragraph("Mẫu tốt")

    _upload(national, _template_with(keep))
    response = _upload(national, b"not a word file", "hong.docx")
    assert response.status_code == 400
    assert "Tệp không phải văn bản Word (.docx)." in response.content.decode()

    def break_tags(document) -> None:
        document.add_paragraph("{% for x in %}")

    response = _upload(national, _template_with(break_tags), "loi-the.docx")
    assert "Mẫu không dựng được văn bản" in response.content.decode()

    def drop_signer(document) -> None:
        for table in document.tables:
            for row in table.rows:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        if "signer_name" in paragraph.text:
                            paragraph.text = ""

    response = _upload(national, _template_with(drop_signer), "thieu.docx")
    assert "Mẫu thiếu các phần bắt buộc của văn bản: NGƯỜI KÝ MẪU." in response.content.decode()
    assert ReportTemplate.objects.get(kind="union_report").filename == "mau-moi.docx"


def test_templates_are_managed_on_the_national_host_only(union_a):
    response = union_a.client().get("/admin/toan-quoc/mau-van-ban/")
    assert response.status_code in {302, 404}


def test_trends_show_every_half_year_with_gaps_and_labels_replace_raw_keys(national, union_a):
    from django.contrib.staticfiles import finders

    _place(union_a, "Nghệ An")
    with schema_context(union_a.schema_name):
        early = services.period_get_or_create(kind="half", year=2021, half=1)
        late = services.period_get_or_create(kind="half", year=2022, half=2)
        for period in (early, late):
            services.activity_save(
                activity=Activity(
                    kind="tvpb",
                    title="Phản biện",
                    period=period,
                    status="done",
                    requested_by="UBND tỉnh",
                    assigned_on=period.starts_on,
                    completed_on=period.ends_on,
                )
            )
        rollup_refresh()
    province = Province.objects.get(name="Nghệ An", is_current=True)
    body = national.get("/admin/toan-quoc/", {"ky": "2022-2", "tinh": province.pk}).content
    body = body.decode()
    # Four half-years on the axis, the two without figures as gaps (null), not left out.
    assert '"labels": ["1/2021", "2/2021", "1/2022", "2/2022"]' in body
    assert '"values": [1, null, null, 1]' in body
    assert "<td>2/2021</td><td>—</td>" in body
    assert "national/vendor/chartjs/chart.umd.min.js" in body
    assert finders.find("national/vendor/chartjs/chart.umd.min.js")
    assert finders.find("national/vendor/chartjs/LICENSE.md")
    detail = national.get(f"/admin/toan-quoc/lien-hiep-hoi/{union_a.schema_name}/")
    text = detail.content.decode()
    assert "Tư vấn, phản biện và giám định xã hội: đã hoàn thành" in text
    assert "activities.tvpb" not in text and "(association)" not in text
