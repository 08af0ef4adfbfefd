"""Imports validate every row, report errors by row and column, and are all or nothing."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from cms.records import imports
from cms.records.models import Activity, ImportJob, MemberCount, MemberOrganisation
from tests.records.conftest import import_upload_and_read

ORG_HEADINGS = ["Tên tổ chức", "Loại", "Lĩnh vực", "Số hội viên"]


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _csv(rows: list[list]) -> bytes:
    output = io.StringIO()
    csv.writer(output).writerows(rows)
    return output.getvalue().encode("utf-8")


def _parse(content, period, filename="to-chuc.xlsx", kind=imports.ImportKind.ORGANISATIONS):
    return imports.parse(content=content, filename=filename, kind=kind, period=period)


def test_a_good_file_previews_then_writes_every_row(h1_2021):
    content = _xlsx(
        [
            ORG_HEADINGS,
            ["Hội Y học tỉnh", "Hội thành viên", "Y dược", 3200],
            ["Hội Làm vườn tỉnh", "hoi thanh vien", "Nông nghiệp", "12.500"],
            ["Trung tâm Tư vấn KH&CN", "Trung tâm, viện trực thuộc", "", None],
        ]
    )
    result = _parse(content, h1_2021)
    assert result.ok and len(result.rows) == 3
    assert not MemberOrganisation.objects.exists()  # a preview writes nothing
    assert imports.apply(result=result, period=h1_2021) == 3
    assert MemberCount.objects.filter(period=h1_2021).count() == 2
    assert (
        MemberOrganisation.objects.get(name="Hội Làm vườn tỉnh").member_counts.get().members
        == 12500
    )
    # Importing the same file again updates instead of duplicating.
    imports.apply(result=_parse(content, h1_2021), period=h1_2021)
    assert MemberOrganisation.objects.count() == 3


def test_a_bad_file_names_each_row_and_column_and_writes_nothing(h1_2021):
    content = _xlsx(
        [
            ORG_HEADINGS,
            ["Hội Y học tỉnh", "Hội thành viên", "Y dược", 3200],
            ["", "Hội thành viên", "", 10],
            ["Hội Tin học", "Hội bóng đá", "", "nhiều"],
            ['=HYPERLINK("http://x","bấm")', "Hội thành viên", "", -3],
            ["Hội Y học tỉnh", "Hội thành viên", "x" * 1500, 1],
        ]
    )
    result = _parse(content, h1_2021)
    found = {(e.row, e.column): e.message for e in result.errors}
    assert found[(3, "Tên tổ chức")] == "Không được để trống."
    assert found[(4, "Loại")] == "Giá trị không có trong danh mục."
    assert found[(4, "Số hội viên")] == "Phải là số nguyên."
    assert "công thức" in found[(5, "Tên tổ chức")]
    assert found[(5, "Số hội viên")] == "Không được là số âm."
    assert "dài quá" in found[(6, "Lĩnh vực")]
    assert found[(6, "Tên tổ chức")] == "Trùng với dòng 2."
    assert str(result.errors[0]).startswith("Dòng ")
    with pytest.raises(ValueError):
        imports.apply(result=result, period=h1_2021)
    assert not MemberOrganisation.objects.exists()


def test_missing_columns_and_unreadable_files_are_refused_clearly(h1_2021):
    result = _parse(_xlsx([["Lĩnh vực"], ["Y dược"]]), h1_2021)
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (1, "Tên tổ chức", "Thiếu cột bắt buộc."),
        (1, "Loại", "Thiếu cột bắt buộc."),
    ]
    with pytest.raises(imports.ImportFileError, match="Không đọc được tệp Excel"):
        _parse(b"PK\x03\x04 not really a workbook", h1_2021)
    with pytest.raises(imports.ImportFileError, match="Chỉ nhận tệp"):
        _parse(b"x", h1_2021, filename="to-chuc.exe")
    with pytest.raises(imports.ImportFileError, match="UTF-8"):
        _parse("Tên tổ chức,Loại\nHội,Hội thành viên".encode("utf-16"), h1_2021, filename="a.csv")


def test_activities_are_checked_against_the_model_and_the_organisations(h1_2021):
    content = _csv(
        [
            [
                "Loại hoạt động",
                "Tên hoạt động",
                "Ngày thực hiện",
                "Đơn vị chủ trì",
                "Lượt người tham dự",
            ],
            ["Lớp tập huấn, đào tạo", "Tập huấn kỹ thuật canh tác", "15/03/2021", "", 120],
            ["Lớp tập huấn, đào tạo", "Tập huấn thiếu số người", "16/03/2021", "", ""],
            ["Hội thảo, hội nghị, tọa đàm", "Hội thảo ngoài kỳ", "01/09/2021", "", ""],
            [
                "Hội thảo, hội nghị, tọa đàm",
                "Hội thảo của hội lạ",
                "01/04/2021",
                "Hội không có",
                "",
            ],
        ]
    )
    result = _parse(content, h1_2021, filename="hoat-dong.csv", kind=imports.ImportKind.ACTIVITIES)
    found = {(e.row, e.column): e.message for e in result.errors}
    assert "cần có lượt người tham dự" in found[(3, "Lượt người tham dự")]
    assert "không thuộc 6 tháng đầu năm 2021" in found[(4, "Ngày thực hiện")]
    assert found[(5, "Đơn vị chủ trì")] == "Không có tổ chức thành viên này."
    assert not Activity.objects.exists()


def test_ten_thousand_rows_parse_and_apply_in_one_go(h1_2021):
    rows = [["Loại hoạt động", "Tên hoạt động", "Lượt người tham dự"]]
    rows += [["Lớp tập huấn, đào tạo", f"Lớp tập huấn số {n}", 30] for n in range(10_000)]
    content = _csv(rows)
    with CaptureQueriesContext(connection) as queries:
        result = _parse(content, h1_2021, filename="lon.csv", kind=imports.ImportKind.ACTIVITIES)
        assert result.ok
        assert imports.apply(result=result, period=h1_2021) == 10_000
    assert Activity.objects.filter(period=h1_2021).count() == 10_000
    # Not a speed test (bench/ measures that): a per-row query would make 10,000 of them.
    assert len(queries) < 100, len(queries)


def test_too_many_rows_are_refused_before_anything_is_read_further(h1_2021):
    rows = [["Tên tổ chức", "Loại"]] + [
        [f"Hội {n}", "Hội thành viên"] for n in range(imports.MAX_ROWS + 1)
    ]
    with pytest.raises(imports.ImportFileError, match="quá 20.000 dòng"):
        _parse(_csv(rows), h1_2021, filename="qua-lon.csv")


# -- a zip bomb (issue 14, item 7) ----------------------------------------------------------


def _xlsx_bomb(unpacked_mb: int) -> bytes:
    """A valid workbook whose shared strings unpack to `unpacked_mb` MB from well under 1 MB
    of upload: one cell, one endless string."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(_xlsx([["Tên tổ chức"], ["x"]])))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for item in source.infolist():
            if item.filename != "xl/sharedStrings.xml":
                bomb.writestr(item, source.read(item))
        with bomb.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
            strings.write(' count="2" uniqueCount="2"><si><t>Tên tổ chức</t></si><si><t>'.encode())
            chunk = b"A" * (1024 * 1024)
            for _ in range(unpacked_mb):
                strings.write(chunk)
            strings.write(b"</t></si></sst>")
    return output.getvalue()


def test_a_zip_bomb_is_refused_in_vietnamese_before_it_is_unpacked(h1_2021):
    import resource

    bomb = _xlsx_bomb(600)
    assert len(bomb) < 1024 * 1024  # the upload itself is small
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    with pytest.raises(imports.ImportFileError) as refused:
        _parse(bomb, h1_2021)
    assert "quá lớn khi giải nén" in str(refused.value)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert grown_mb < 50, f"the process grew by {grown_mb:.0f} MB"


def test_a_bomb_through_the_admin_upload_gets_the_same_answer(h1_2021, admin_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # The web process keeps the file unread (checked by the helper); the reading refuses it.
    page = import_upload_and_read(
        admin_a,
        {
            "kind": "organisations",
            "period": h1_2021.pk,
            "file": SimpleUploadedFile("to-chuc.xlsx", _xlsx_bomb(600)),
        },
    )
    assert "quá lớn khi giải nén" in page and "data-import-failed" in page
    assert "Ghi " not in page  # nothing to confirm
    assert not MemberOrganisation.objects.exists()
    job = ImportJob.objects.get(filename="to-chuc.xlsx")
    assert job.state == ImportJob.State.FAILED and bytes(job.content) == b""
