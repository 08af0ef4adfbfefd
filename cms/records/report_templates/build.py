"""Builds the shipped Word templates (`union_report.docx`, `national_report.docx`).

    .venv/bin/python -m cms.records.report_templates.build

The layout follows Decree 30/2020/NĐ-CP: A4; margins 20 mm top and bottom, 30 mm left,
15 mm right; Times New Roman; the issuing body under its governing body, the number and
symbol, the national title and motto, place and date, title, "Kính gửi", the body, the
signer and "Nơi nhận"; page numbers centred at the top from page 2. National staff may
replace either file in the console with one they edited in Word: the tags (docxtpl,
Jinja) are what the documents fill in.
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"
CENTER, JUSTIFY, LEFT = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.LEFT,
)


def _fonts(element_rpr) -> None:
    fonts = element_rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element_rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _document() -> Document:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)
    # Page numbers from page 2: the first page's header stays empty.
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = CENTER
    _field(number, "PAGE", size=13)
    for style in document.styles:
        if style.type == 1 or style.name in {"Normal", "Table Grid"}:
            style.font.name = FONT
            _fonts(style.element.get_or_add_rPr())
    normal = document.styles["Normal"]
    normal.font.size = Pt(14)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.1
    # Word's document defaults name a theme font: Times New Roman there too.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for rpr in defaults.iter(qn("w:rPr")):
            _fonts(rpr)
    return document


def _field(paragraph, instruction: str, size: int) -> None:
    run = paragraph.add_run()
    run.font.size = Pt(size)
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "2")):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == instruction else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    end = paragraph.add_run()
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), "end")
    end._r.append(element)


def _paragraph(
    container,
    text: str = "",
    *,
    size: int = 14,
    bold: bool = False,
    italic: bool = False,
    align=CENTER,
    after: int = 0,
    indent: bool = False,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    if text:
        run = paragraph.add_run(text)
        run.font.size, run.bold, run.italic = Pt(size), bold, italic
    return paragraph


def _rule(container, width_cm: float, cell_cm: float) -> None:
    """The short line under the issuing body and under the motto."""
    paragraph = _paragraph(container, size=6)
    side = Cm((cell_cm - width_cm) / 2)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = side
    paragraph.paragraph_format.space_after = Pt(4)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().append(borders)


def _borderless(table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _widths(table, widths_cm: list[float]) -> None:
    """Column widths in the grid too: LibreOffice reads the grid, Word the cells."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _cell(cell, *, width_cm: float):
    cell.width = Cm(width_cm)
    # python-docx gives each new cell an empty paragraph; ours follow it.
    first = cell.paragraphs[0]
    first._p.getparent().remove(first._p)
    return cell


LEFT_CM, RIGHT_CM = 6.3, 10.2


def _heading_block(document) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [LEFT_CM, RIGHT_CM])
    _borderless(table)
    issuer = _cell(table.rows[0].cells[0], width_cm=LEFT_CM)
    _paragraph(issuer, "{%p if governing_body %}", size=13)
    _paragraph(issuer, "{{ governing_body|upper }}", size=13)
    _paragraph(issuer, "{%p endif %}", size=13)
    _paragraph(issuer, "{{ issuer|upper }}", size=13, bold=True)
    _rule(issuer, 2.5, LEFT_CM)
    _paragraph(issuer, "Số: {{ number }}", size=13)
    motto = _cell(table.rows[0].cells[1], width_cm=RIGHT_CM)
    _paragraph(motto, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True)
    _paragraph(motto, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True)
    _rule(motto, 5.5, RIGHT_CM)
    _paragraph(motto, "{{ date_line }}", size=14, italic=True)
    _paragraph(document, after=6)
    _paragraph(document, "{{ title|upper }}", bold=True)
    _paragraph(document, "{{ subject }}", bold=True, after=12)
    _paragraph(document, "{%p if addressees|length == 1 %}")
    _paragraph(document, "Kính gửi: {{ addressees[0] }}", after=12)
    _paragraph(document, "{%p elif addressees %}")
    _paragraph(document, "Kính gửi:")
    _paragraph(document, "{%p for addressee in addressees %}")
    _paragraph(document, "- {{ addressee }};")
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "{%p endif %}", after=12)
    _paragraph(document, "{%p if opening %}")
    _paragraph(document, "{{ opening }}", align=JUSTIFY, indent=True, after=6)
    _paragraph(document, "{%p endif %}")


def _signature_block(document) -> None:
    _paragraph(document, after=6)
    table = document.add_table(rows=1, cols=2)
    _widths(table, [7.5, 8.5])
    _borderless(table)
    recipients = _cell(table.rows[0].cells[0], width_cm=7.5)
    _paragraph(recipients, "Nơi nhận:", size=12, bold=True, italic=True, align=LEFT)
    _paragraph(recipients, "{%p for recipient in copies_to %}", size=11, align=LEFT)
    _paragraph(recipients, "- {{ recipient }}", size=11, align=LEFT)
    _paragraph(recipients, "{%p endfor %}", size=11, align=LEFT)
    signer = _cell(table.rows[0].cells[1], width_cm=8.5)
    _paragraph(signer, "{%p if signer_authority %}", size=14)
    _paragraph(signer, "{{ signer_authority|upper }}", size=14, bold=True)
    _paragraph(signer, "{%p endif %}", size=14)
    _paragraph(signer, "{{ signer_position|upper }}", size=14, bold=True, after=60)
    _paragraph(signer, "{{ signer_name }}", size=14, bold=True)


def _data_table(document, headers: list[tuple[str, float]], loop: str, cells: list[str]) -> None:
    """A bordered table: a bold header row, then one row per item of `loop`."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [width for _label, width in headers])
    for column, (label, _width) in enumerate(headers):
        header = table.rows[0].cells[column].paragraphs[0]
        header.alignment = CENTER
        run = header.add_run(label)
        run.bold, run.font.size = True, Pt(12)
        body = table.rows[2].cells[column].paragraphs[0]
        body.alignment = LEFT if column == 0 else CENTER
        body.add_run(cells[column]).font.size = Pt(12)
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for row in {loop} %}}")
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")


def union_report() -> Document:
    document = _document()
    _heading_block(document)
    _paragraph(document, "{%p for section in sections %}")
    _paragraph(document, "{{ section.heading }}", bold=True, align=JUSTIFY, after=6)
    _paragraph(document, "{%p if section.rows %}")
    _data_table(
        document,
        [("Nội dung", 7.5), ("Số lượng", 3.0), ("Ghi chú", 5.5)],
        "section.rows",
        ["{{ row.label }}", "{{ row.value }}", "{{ row.note }}"],
    )
    _paragraph(document, "{%p endif %}", after=6)
    _paragraph(document, "{%p for text in section.paragraphs %}")
    _paragraph(document, "{{ text }}", align=JUSTIFY, indent=True, after=6)
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "{%p endfor %}")
    _signature_block(document)
    return document


def national_report() -> Document:
    document = _document()
    _heading_block(document)
    _paragraph(document, "I. TỔNG HỢP SỐ LIỆU TOÀN QUỐC", bold=True, align=JUSTIFY, after=6)
    _paragraph(document, "{{ rules }}", align=JUSTIFY, indent=True, after=6)
    _data_table(
        document,
        [("Chỉ tiêu", 8.0), ("Số liệu", 3.0), ("Ghi chú", 5.0)],
        "totals",
        ["{{ row.label }}", "{{ row.value }}", "{{ row.note }}"],
    )
    _paragraph(document, after=6)
    _paragraph(document, "II. TÌNH HÌNH GỬI BÁO CÁO", bold=True, align=JUSTIFY, after=6)
    _paragraph(document, "{{ submission_summary }}", align=JUSTIFY, indent=True, after=6)
    _data_table(
        document,
        [("Tỉnh, thành phố", 4.5), ("Liên hiệp Hội", 5.5), ("Tình trạng", 3.5), ("Ngày gửi", 2.5)],
        "submissions",
        ["{{ row.province }}", "{{ row.union }}", "{{ row.status }}", "{{ row.submitted }}"],
    )
    _paragraph(document, after=6)
    _paragraph(document, "III. SỐ LIỆU THEO VÙNG", bold=True, align=JUSTIFY, after=6)
    _data_table(
        document,
        [
            ("Vùng", 5.0),
            ("Số LHH có số liệu", 2.5),
            ("Hội viên", 2.8),
            ("Tổ chức thành viên", 2.8),
            ("Hoạt động", 2.9),
        ],
        "regions",
        [
            "{{ row.name }}",
            "{{ row.unions }}",
            "{{ row.members }}",
            "{{ row.organisations }}",
            "{{ row.activities }}",
        ],
    )
    _paragraph(document, after=6)
    _paragraph(document, "IV. SỐ LIỆU THEO TỈNH, THÀNH PHỐ", bold=True, align=JUSTIFY, after=6)
    _data_table(
        document,
        [
            ("Tỉnh, thành phố", 4.2),
            ("Vùng", 3.8),
            ("Hội viên", 2.6),
            ("Tổ chức thành viên", 2.6),
            ("Hoạt động", 2.8),
        ],
        "provinces",
        [
            "{{ row.name }}",
            "{{ row.region }}",
            "{{ row.members }}",
            "{{ row.organisations }}",
            "{{ row.activities }}",
        ],
    )
    _paragraph(document, after=6)
    _paragraph(
        document, "V. NỘI DUNG BÁO CÁO CỦA CÁC ĐỊA PHƯƠNG", bold=True, align=JUSTIFY, after=6
    )
    _paragraph(document, "{%p for section in narratives %}")
    _paragraph(document, "{{ section.heading }}", bold=True, italic=True, align=JUSTIFY, after=6)
    _paragraph(document, "{%p for item in section.entries %}")
    _paragraph(document, "{{ item.union }}: {{ item.text }}", align=JUSTIFY, indent=True, after=6)
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "{%p endfor %}")
    _signature_block(document)
    return document


def main() -> None:
    union_report().save(HERE / "union_report.docx")
    national_report().save(HERE / "national_report.docx")


if __name__ == "__main__":
    main()
