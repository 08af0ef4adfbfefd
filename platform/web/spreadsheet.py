"""Spreadsheet exports that a spreadsheet program cannot be tricked into executing."""

from wagtail.admin.views.generic import IndexView

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: object) -> object:
    """Text that a spreadsheet would read as a formula, prefixed with ' to stay text."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeExportIndexView(IndexView):
    """Wagtail already keeps XLSX cells as text; CSV needs the same protection."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return formula_safe(value) if export_format == self.FORMAT_CSV else value
