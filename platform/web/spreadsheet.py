"""Spreadsheet exports that a spreadsheet program cannot be tricked into executing.

Every CSV export of the admin goes through `FormulaSafeExportMixin` (records lists,
event registrations, contact form submissions), so text a visitor typed, such as
`=HYPERLINK(…)`, reaches the spreadsheet as text. XLSX exports need no prefix: Wagtail
writes every such cell as a string, never as a formula.
"""

from django.db import models
from wagtail.admin.views.generic import IndexView
from wagtail.contrib.forms.views import SubmissionsListView
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView

# Numbers that are names (a year, a half) rather than amounts: never summed.
_NOT_SUMMED = {"year", "half", "id", "pk"}


def sheet_title(text: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    for character in "[]:*?/\\":
        text = text.replace(character, " ")
    return text[:31].strip() or "Bảng"


_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: object) -> object:
    """Text that a spreadsheet would read as a formula, prefixed with ' to stay text."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


class FormulaSafeExportMixin:
    def stream_csv(self, queryset):
        # A byte-order mark first: without it Excel reads UTF-8 as the local code page.
        yield "\ufeff"
        yield from super().stream_csv(queryset)

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return formula_safe(value) if export_format == self.FORMAT_CSV else value


class SafeSnippetIndexView(FormulaSafeExportMixin, SnippetIndexView):
    """A snippet listing whose CSV export is formula-safe."""


class SafeSubmissionsListView(FormulaSafeExportMixin, SubmissionsListView):
    """A form page's submissions, whose CSV export is formula-safe."""


class SafeExportIndexView(FormulaSafeExportMixin, IndexView):
    """A records listing people can read: labels instead of stored codes ("Câu lạc bộ", not
    "club"), formula-safe CSV, and an XLSX with a title and totals."""

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for name in row:
            display = getattr(item, f"get_{name}_display", None)
            if "__" not in name and callable(display):
                row[name] = display()
        return row

    def _summed(self, name: str) -> bool:
        try:
            field = self.model._meta.get_field(name)
        except Exception:  # a method or a related path: not a column of amounts
            return False
        return isinstance(field, models.IntegerField) and name not in _NOT_SUMMED

    def write_xlsx(self, queryset, output) -> None:
        """A sheet named for the records, with a title, bold headers and a totals row
        (how many rows, and the sum of each column of amounts)."""
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        workbook = Workbook(write_only=True, iso_dates=True)
        title = str(self.model._meta.verbose_name_plural)
        title = title[:1].upper() + title[1:]
        sheet = workbook.create_sheet(title=sheet_title(title))

        def cell(value, **font) -> WriteOnlyCell:
            written = WriteOnlyCell(sheet, value=value)
            written.font = Font(bold=True, **font)
            return written

        sheet.append([cell(title.upper(), size=14)])
        sheet.append([])
        sheet.append([cell(self.get_heading(queryset, name)) for name in self.list_export])
        sums = {name: 0 for name in self.list_export if self._summed(name)}
        rows = 0
        for item in queryset:
            row = self.to_row_dict(item)
            for name in sums:
                sums[name] += row.get(name) or 0
            sheet.append(self.generate_xlsx_row(sheet, row))
            rows += 1
        totals = [f"Tổng cộng: {rows} dòng"] + [sums.get(n, "") for n in self.list_export[1:]]
        sheet.append([cell(value) for value in totals])
        workbook.save(output)


def titled_workbook(title: str, headers: list[str], rows: list[list], total: list) -> bytes:
    """One sheet: a title, bold headers, the rows (text that looks like a formula stays
    text) and a bold totals row."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    sheet.append([title.upper()])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(headers)
    for row in [*rows, total]:
        sheet.append([formula_safe(value) for value in row])
    for cell in (*sheet[3], *sheet[sheet.max_row]):
        cell.font = Font(bold=True)
    for index in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 40 if index == 1 else 18
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
