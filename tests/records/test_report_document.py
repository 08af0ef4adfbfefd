"""A union's report as an administrative document (Decree 30/2020/NĐ-CP), DOCX and PDF."""

import datetime as dt
import io

from django_tenants.utils import schema_context
from docx import Document
from pypdf import PdfReader

from cms.records import services
from cms.records.models import Activity, MemberOrganisation, ReportSettings
from cms.records.official_document import date_line, docx_text
from cms.records.report_render import report_docx, report_pdf

FONT = "Times New Roman"


def _settings(**values) -> ReportSettings:
    settings = ReportSettings.load()
    defaults = {
        "governing_body": "UBND tỉnh Thanh Hóa",
        "issuer": "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Thanh Hóa",
        "symbol": "BC-LHH",
        "place": "Thanh Hóa",
        "addressees": "Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam\nUBND tỉnh Thanh Hóa",
        "signer_authority": "TM. Ban Thường trực",
        "signer_position": "Chủ tịch",
        "signer_name": "Nguyễn Văn Sáu",
        "copies_to": "Như trên;\nBan Tuyên giáo Tỉnh ủy;\nLưu: VT.",
    }
    for name, value in {**defaults, **values}.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def _report(period, *, narrative: str = "Tổ chức Hội thi Sáng tạo Kỹ thuật lần thứ XII."):
    organisation = services.organisation_save(
        organisation=MemberOrganisation(name="Hội Y học", kind="association")
    )
    services.member_count_set(organisation=organisation, period=period, members=23_628)
    services.activity_save(
        activity=Activity(
            kind="training", title="Tập huấn phản biện", period=period, participants=120
        )
    )
    services.activity_save(
        activity=Activity(
            kind="contest",
            title="Hội thi Sáng tạo Kỹ thuật",
            period=period,
            entries=40,
            prizes=12,
            national_entries=3,
        )
    )
    report = services.report_get_or_create(period=period)
    report.number, report.issued_on = "15", dt.date(2021, 6, 25)
    report.save(update_fields=["number", "issued_on"])
    return services.report_narrative_update(report=report, narrative={"plans": narrative})


def _runs(document):
    for paragraph in document.paragraphs:
        yield from paragraph.runs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    yield from paragraph.runs


def test_the_date_line_takes_leading_zeros_where_the_decree_says():
    assert date_line("Thanh Hóa", dt.date(2021, 6, 25)) == "Thanh Hóa, ngày 25 tháng 6 năm 2021"
    assert date_line("Hà Nội", dt.date(2021, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2021"
    assert date_line("Huế", dt.date(2021, 1, 9)) == "Huế, ngày 09 tháng 01 năm 2021"
    assert date_line("Huế", dt.date(2021, 12, 1)) == "Huế, ngày 01 tháng 12 năm 2021"


def test_the_docx_has_every_part_of_an_administrative_document(h1_2021, union_a):
    _settings()
    report = _report(h1_2021)
    document = Document(io.BytesIO(report_docx(report, union_a.union.name)))
    section = document.sections[0]

    # Word keeps lengths in twips: compare to the tenth of a millimetre.
    def mm(length) -> float:
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert 20 <= mm(section.top_margin) <= 25 and 20 <= mm(section.bottom_margin) <= 25
    assert 30 <= mm(section.left_margin) <= 35
    assert 15 <= mm(section.right_margin) <= 20
    assert document.styles["Normal"].font.name == FONT
    assert all(run.font.name in {None, FONT} for run in _runs(document))
    # Page numbers from page 2: the first page's header is empty, the others show PAGE.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert not section.first_page_header.paragraphs[0].text.strip()

    text = docx_text(document_bytes := report_docx(report, union_a.union.name))
    assert Document(io.BytesIO(document_bytes))  # opens
    for part in (
        "UBND TỈNH THANH HÓA",
        "LIÊN HIỆP CÁC HỘI KHOA HỌC VÀ KỸ THUẬT TỈNH THANH HÓA",
        "Số: 15/BC-LHH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thanh Hóa, ngày 25 tháng 6 năm 2021",
        "BÁO CÁO",
        "Sơ kết công tác 6 tháng đầu năm 2021",
        "Kính gửi:",
        "- Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam;",
        "I. CÔNG TÁC TỔ CHỨC, XÂY DỰNG HỘI",
        "Tổ chức Hội thi Sáng tạo Kỹ thuật lần thứ XII.",
        "TM. BAN THƯỜNG TRỰC",
        "CHỦ TỊCH",
        "Nguyễn Văn Sáu",
        "Nơi nhận:",
        "- Ban Tuyên giáo Tỉnh ủy;",
    ):
        assert part in text, part
    # The governing body stands above the issuing body, the signer after the body.
    assert text.index("UBND TỈNH THANH HÓA") < text.index("LIÊN HIỆP CÁC HỘI")
    # The figures are in tables, with Vietnamese labels and thousands separators.
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["Tổng số hội viên", "23.628", ""] in cells
    assert ["Lớp tập huấn, đào tạo", "1", "120 lượt người tham dự"] in cells
    contest = next(row for row in cells if row[0] == "Cuộc thi, giải thưởng")
    assert "3 giải pháp gửi dự thi toàn quốc" in contest[2]
    assert "{{" not in text and "{%" not in text


def test_one_addressee_stands_on_the_kinh_gui_line(h1_2021, union_a):
    _settings(addressees="Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam")
    text = docx_text(report_docx(_report(h1_2021), union_a.union.name))
    assert "Kính gửi: Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam" in text


def test_the_pdf_is_the_same_document_printed(h1_2021, union_a):
    _settings()
    long_text = "\n".join(f"Đoạn {n}: nội dung phương hướng nhiệm vụ kỳ tới." for n in range(80))
    report = _report(h1_2021, narrative=long_text)
    reader = PdfReader(io.BytesIO(report_pdf(report, union_a.union.name)))
    assert len(reader.pages) >= 2
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (
        210,
        297,
    )
    text = "\n".join(page.extract_text() for page in reader.pages)
    for part in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 15/BC-LHH",
        "Thanh Hóa, ngày 25 tháng 6 năm 2021",
        "Nơi nhận:",
        "Nguyễn Văn Sáu",
        "Đoạn 79",
    ):
        assert part in text, part
    # Page 1 carries no number; page 2 starts with "2".
    assert reader.pages[1].extract_text().lstrip().startswith("2")
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # Times New Roman, or Liberation Serif (its metric twin) where Microsoft's is absent.
    assert fonts and all("Times" in f or "LiberationSerif" in f for f in fonts), fonts


def test_union_a_report_settings_never_reach_union_b_documents(union_a, union_b):
    with schema_context(union_a.schema_name):
        _settings(signer_name="Người ký riêng của A", symbol="BC-RIENGA")
        period = services.period_get_or_create(kind="half", year=2021, half=1)
        text_a = docx_text(report_docx(_report(period), union_a.union.name))
    with schema_context(union_b.schema_name):
        period = services.period_get_or_create(kind="half", year=2021, half=1)
        report = services.report_get_or_create(period=period)
        text_b = docx_text(report_docx(report, union_b.union.name))
    assert "Người ký riêng của A" in text_a and "BC-RIENGA" in text_a
    assert "Người ký riêng của A" not in text_b and "BC-RIENGA" not in text_b
    assert union_a.union.name not in text_b
