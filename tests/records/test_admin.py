"""The records in the union's admin: lists, exports, imports, reports, and nothing of B in A."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from cms.records import services
from cms.records.models import Activity, MemberOrganisation, Report
from tests.records.conftest import import_upload_and_read


def _activities(period, count: int, prefix: str = "Hoạt động") -> None:
    Activity.objects.bulk_create(
        Activity(kind="seminar", title=f"{prefix} {n}", period=period) for n in range(count)
    )


def test_the_activity_list_costs_the_same_queries_for_5_or_50_rows(h1_2021, admin_a):
    _activities(h1_2021, 5)
    admin_a.get("/admin/records/activity/")
    with CaptureQueriesContext(connection) as few:
        assert admin_a.get("/admin/records/activity/").status_code == 200
    _activities(h1_2021, 45, prefix="Thêm")
    with CaptureQueriesContext(connection) as many:
        assert admin_a.get("/admin/records/activity/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_export_respects_the_filter_and_escapes_formulas(h1_2021, admin_a):
    services.activity_save(
        activity=Activity(kind="seminar", title="=cmd|' /C calc'!A0", period=h1_2021)
    )
    services.activity_save(activity=Activity(kind="other", title="Hoạt động khác", period=h1_2021))
    xlsx = admin_a.get("/admin/records/activity/", {"export": "xlsx", "kind": "seminar"})
    sheet = load_workbook(
        io.BytesIO(b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    # A titled sheet: title, headers, the rows, then the totals.
    assert sheet.title == "Hoạt động" and rows[0][0] == "HOẠT ĐỘNG"
    assert rows[2][:2] == ("Loại hoạt động", "Tên hoạt động")
    assert [row[1] for row in rows[3:-1]] == ["=cmd|' /C calc'!A0"]
    assert rows[-1][0] == "Tổng cộng: 1 dòng"
    assert sheet.cell(row=4, column=2).data_type == "s"  # text, never a formula
    csv_text = b"".join(
        admin_a.get(
            "/admin/records/activity/", {"export": "csv", "kind": "seminar"}
        ).streaming_content
    ).decode()
    assert "'=cmd|' /C calc'!A0" in csv_text


def test_deleting_an_organisation_with_history_in_the_admin_archives_it(h1_2021, admin_a):
    organisation = services.organisation_save(
        organisation=MemberOrganisation(name="Hội Cũ", kind="association")
    )
    services.member_count_set(organisation=organisation, period=h1_2021, members=40)
    response = admin_a.post(
        f"/admin/records/memberorganisation/delete/{organisation.pk}/", follow=True
    )
    assert "chuyển sang lưu trữ" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.status == "archived"


def test_an_import_with_errors_is_shown_in_vietnamese_and_writes_nothing(h1_2021, admin_a):
    content = "Tên tổ chức,Loại\n,Hội thành viên\nHội Tin học,Không rõ\n".encode()
    body = import_upload_and_read(
        admin_a,
        {"kind": "organisations", "period": h1_2021.pk, "file": _upload("loi.csv", content)},
    )
    assert "Tệp có 2 lỗi. Chưa có dữ liệu nào được ghi." in body
    assert "Không được để trống." in body and "Giá trị không có trong danh mục." in body
    assert "Ghi " not in body  # no confirm button
    assert not MemberOrganisation.objects.exists()


def test_reports_page_creates_saves_and_submits(h1_2021, admin_a, union_a):
    response = admin_a.post("/admin/ho-so/bao-cao/", {"period": h1_2021.pk})
    report = Report.objects.get()
    assert response["Location"] == f"/admin/ho-so/bao-cao/{report.pk}/"
    narrative = {"organisation": "Kiện toàn 5 hội thành viên.", "submit": "1"}
    admin_a.post(f"/admin/ho-so/bao-cao/{report.pk}/", narrative)
    report.refresh_from_db()
    assert (
        report.status == "submitted"
        and report.narrative["organisation"] == "Kiện toàn 5 hội thành viên."
    )
    page = admin_a.get(f"/admin/ho-so/bao-cao/{report.pk}/").content.decode()
    assert "đã chốt khi gửi" in page and "Lưu và gửi" not in page
    docx = admin_a.get(f"/admin/ho-so/bao-cao/{report.pk}/tai-ve.docx")
    assert docx["Content-Disposition"] == (
        'attachment; filename="bao-cao-uniona-2021-6thang1.docx"; '
        "filename*=UTF-8''bao-cao-uniona-2021-6thang1.docx"
    )


def test_union_b_admin_sees_none_of_as_records(h1_2021, union_a, union_b):
    from django.contrib.auth import get_user_model

    services.organisation_save(
        organisation=MemberOrganisation(name="Hội bí mật của A", kind="association")
    )
    report = services.report_get_or_create(period=h1_2021)
    with schema_context(union_b.schema_name):
        admin_b = union_b.client()
        admin_b.force_login(get_user_model().objects.get(username="admin"))
    assert (
        "Hội bí mật của A" not in admin_b.get("/admin/records/memberorganisation/").content.decode()
    )
    assert admin_b.get(f"/admin/ho-so/bao-cao/{report.pk}/").status_code == 404
    assert admin_b.get(f"/admin/ho-so/bao-cao/{report.pk}/tai-ve.pdf").status_code == 404


def test_a_limited_editor_cannot_import_or_open_reports(union_a, h1_2021):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("bientap2", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = union_a.client()
    client.force_login(user)
    for url in ("/admin/ho-so/nhap/", "/admin/ho-so/bao-cao/", "/admin/records/activity/"):
        # Wagtail answers scripts with 403 and people with a redirect to the dashboard.
        assert client.get(url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403
        assert client.get(url)["Location"] == "/admin/"


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_the_member_count_list_costs_the_same_queries_for_3_or_30_rows(h1_2021, admin_a):
    def add(start: int, stop: int) -> None:
        for n in range(start, stop):
            organisation = services.organisation_save(
                organisation=MemberOrganisation(name=f"Hội số {n}", kind="association")
            )
            services.member_count_set(organisation=organisation, period=h1_2021, members=n)

    add(0, 3)
    admin_a.get("/admin/records/membercount/")
    with CaptureQueriesContext(connection) as few:
        assert admin_a.get("/admin/records/membercount/").status_code == 200
    add(3, 30)
    with CaptureQueriesContext(connection) as many:
        assert admin_a.get("/admin/records/membercount/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_person_can_be_exported_and_erased_from_the_admin(in_a, admin_a):
    from cms.records.models import Person

    person = Person.objects.create(name="Lê Thị Hoa", email="hoa@example.vn")
    listing = admin_a.get("/admin/records/person/").content.decode()
    assert f"/admin/ho-so/nhan-su/{person.pk}/xuat/" in listing
    exported = admin_a.get(f"/admin/ho-so/nhan-su/{person.pk}/xuat/")
    assert exported.json()["thu_dien_tu"] == "hoa@example.vn"
    admin_a.post(f"/admin/ho-so/nhan-su/{person.pk}/xoa-du-lieu/")
    person.refresh_from_db()
    assert (person.name, person.email) == ("(đã xóa dữ liệu cá nhân)", "")


def test_exports_show_labels_and_csv_opens_as_utf8_in_excel(h1_2021, admin_a):
    services.organisation_save(organisation=MemberOrganisation(name="CLB Tin học", kind="club"))
    services.activity_save(
        activity=Activity(kind="seminar", title="Hội thảo", period=h1_2021, status="in_progress")
    )
    raw = b"".join(
        admin_a.get("/admin/records/memberorganisation/", {"export": "csv"}).streaming_content
    )
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert "CLB Tin học,Câu lạc bộ" in text and ",club," not in text
    assert "Đang hoạt động" in text
    xlsx = admin_a.get("/admin/records/activity/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = {cell for row in sheet.iter_rows(min_row=2, values_only=True) for cell in row}
    assert "seminar" not in values and "in_progress" not in values
    assert {"Hội thảo, hội nghị, tọa đàm", "Đang thực hiện"} <= values


def test_the_import_template_downloads_and_a_filled_copy_imports(h1_2021, admin_a):
    from openpyxl import load_workbook as load

    from cms.records import imports

    page = admin_a.get("/admin/ho-so/nhap/").content.decode()
    assert 'href="/admin/ho-so/nhap/mau/organisations.xlsx"' in page
    response = admin_a.get("/admin/ho-so/nhap/mau/organisations.xlsx")
    assert response.status_code == 200 and response["Content-Type"].endswith("sheet")
    workbook = load(io.BytesIO(response.content))
    assert "Câu lạc bộ" in {row[1] for row in workbook["Danh mục"].iter_rows(values_only=True)}
    workbook["Dữ liệu"].append(["Hội Tin học", "Hội thành viên", "CNTT", "", "", 120])
    filled = io.BytesIO()
    workbook.save(filled)
    result = imports.parse(
        content=filled.getvalue(), filename="mau.xlsx", kind="organisations", period=h1_2021
    )
    assert result.ok and result.rows[0]["name"] == "Hội Tin học", result.errors
    assert admin_a.get("/admin/ho-so/nhap/mau/khong-co.xlsx").status_code == 404


def test_an_organisation_shows_its_member_counts_over_time(h1_2021, admin_a):
    from cms.records.models import ReportingPeriod

    organisation = services.organisation_save(
        organisation=MemberOrganisation(name="Hội Tin học", kind="association")
    )
    h2_2021 = ReportingPeriod.objects.create(kind="half", year=2021, half=2)
    services.member_count_set(organisation=organisation, period=h1_2021, members=1200)
    services.member_count_set(organisation=organisation, period=h2_2021, members=1350)
    page = admin_a.get(f"/admin/records/memberorganisation/inspect/{organisation.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Số hội viên qua các kỳ báo cáo" in html
    assert "<td>6 tháng đầu năm 2021</td><td>1.200</td><td>–</td>" in html
    assert "<td>6 tháng cuối năm 2021</td><td>1.350</td><td>+150</td>" in html
