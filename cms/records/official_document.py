"""Administrative documents (Decree 30/2020/NĐ-CP) rendered from Word templates.

A template is a .docx with docxtpl tags (Jinja): the page, fonts and the parts of the
document live in the template, so national staff change the look by uploading another
file, not by changing code. The PDF is rendered from the same DOCX by LibreOffice, so
the two always agree.

The templates national staff upload are kept by the national layer; it registers a
loader here (`template_loader_register`), so this layer never imports it.
"""

import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ValidationError

DEFAULTS = Path(__file__).resolve().parent / "report_templates"
# Which template renders which document; each has a shipped default.
TEMPLATE_KINDS = {
    "union_report": "Báo cáo của Liên hiệp Hội (6 tháng, năm)",
    "national_report": "Báo cáo tổng hợp toàn quốc",
}
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_loader: Callable[[str], bytes | None] | None = None


def template_loader_register(loader: Callable[[str], bytes | None]) -> None:
    """Let an upper layer supply replaced templates (`loader(kind)` → bytes or None)."""
    global _loader
    _loader = loader


def template_default(kind: str) -> bytes:
    return (DEFAULTS / f"{kind}.docx").read_bytes()


def template_content(kind: str) -> bytes:
    """The template in use: the one national staff uploaded, else the shipped default."""
    uploaded = _loader(kind) if _loader else None
    return uploaded or template_default(kind)


def date_line(place: str, day: dt.date) -> str:
    """ "Thanh Hóa, ngày 05 tháng 02 năm 2021": days 01–09 and months 01–02 take a leading
    zero (Decree 30/2020, appendix I), other months do not."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text.capitalize()


def _template_class():
    from docxtpl import DocxTemplate

    class Template(DocxTemplate):
        def resolve_listing(self, xml: str) -> str:
            # docxtpl turns tabs, newlines and form feeds inside text into Word's own
            # marks with a regex pass over every paragraph and run: seconds for a national
            # report of thousands of paragraphs. Most documents have none of them.
            if not any(mark in xml for mark in "\t\a\n\f"):
                return xml
            return super().resolve_listing(xml)

    return Template


class _Fields(dict):
    """A dict whose keys Jinja reads as attributes at once (`row.label`): a plain dict
    costs a failed attribute lookup per tag first, seconds over a national report."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _fields(value):
    if isinstance(value, dict):
        return _Fields({key: _fields(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return [_fields(item) for item in value]
    return value


def docx_render(template: bytes, context: dict) -> bytes:
    document = _template_class()(io.BytesIO(template))
    document.render(_fields(context), autoescape=True)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def template_validate(content: bytes, sample_context: dict, must_show: list[str]) -> None:
    """Refuse, in Vietnamese, a file that is not a Word template rendering every part."""
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ValidationError("Tệp không phải văn bản Word (.docx).")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if "word/document.xml" not in archive.namelist():
            raise ValidationError("Tệp không phải văn bản Word (.docx).")
    try:
        rendered = docx_render(content, sample_context)
    except Exception as error:  # docxtpl raises Jinja's and lxml's errors alike
        raise ValidationError(f"Mẫu không dựng được văn bản: {error}") from error
    text = docx_text(rendered)
    missing = [part for part in must_show if part not in text]
    if missing:
        raise ValidationError(
            "Mẫu thiếu các phần bắt buộc của văn bản: " + "; ".join(missing) + "."
        )


def docx_text(content: bytes) -> str:
    """Every paragraph of a DOCX, tables and headers included, one a line."""
    from docx import Document

    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]

    def cells(tables) -> None:
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    lines.extend(p.text for p in cell.paragraphs)
                    cells(cell.tables)

    cells(document.tables)
    return "\n".join(lines)


class PdfRenderError(RuntimeError):
    pass


def soffice_path() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        raise PdfRenderError("Máy chủ chưa cài LibreOffice để dựng tệp PDF.")
    return path


def pdf_from_docx(content: bytes, timeout: int = 120) -> bytes:
    """The DOCX printed to PDF by LibreOffice headless: the same document, page for page."""
    with tempfile.TemporaryDirectory(prefix="lhh-pdf-") as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(content)
        # A profile of its own: two conversions sharing one would block each other.
        profile = Path(folder) / "profile"
        try:
            subprocess.run(
                [
                    soffice_path(),
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--norestore",
                    "--nolockcheck",
                    "--convert-to",
                    "pdf:writer_pdf_Export",
                    "--outdir",
                    folder,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=timeout,
                env={**os.environ, "HOME": folder},
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise PdfRenderError("Không dựng được tệp PDF từ văn bản Word.") from error
        output = Path(folder) / "document.pdf"
        if not output.exists():
            raise PdfRenderError("Không dựng được tệp PDF từ văn bản Word.")
        return output.read_bytes()
