"""Spreadsheet exports that a spreadsheet program cannot be tricked into executing."""

from wagtail.admin.views.generic import IndexView

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: object) -> object:
    """Text that a spreadsheet would read as a formula, prefixed with ' to stay text."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeExportIndexView(IndexView):
    """Exports people can read: labels instead of stored codes ("Câu lạc bộ", not "club"),
    CSV that Excel opens as UTF-8, and no cell a spreadsheet would run as a formula
    (Wagtail already keeps XLSX cells as text; CSV needs the same protection)."""

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for name in row:
            display = getattr(item, f"get_{name}_display", None)
            if "__" not in name and callable(display):
                row[name] = display()
        return row

    def stream_csv(self, queryset):
        # A byte-order mark first: without it Excel reads UTF-8 as the local code page.
        yield "\ufeff"
        yield from super().stream_csv(queryset)

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return formula_safe(value) if export_format == self.FORMAT_CSV else value
