"""Spreadsheet exports that a spreadsheet program cannot be tricked into executing.

Every CSV export of the admin goes through `FormulaSafeExportMixin` (records lists,
event registrations, contact form submissions), so text a visitor typed, such as
`=HYPERLINK(…)`, reaches the spreadsheet as text. XLSX exports need no prefix: Wagtail
writes every such cell as a string, never as a formula.
"""

from wagtail.admin.views.generic import IndexView
from wagtail.contrib.forms.views import SubmissionsListView
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: object) -> object:
    """Text that a spreadsheet would read as a formula, prefixed with ' to stay text."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


class FormulaSafeExportMixin:
    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return formula_safe(value) if export_format == self.FORMAT_CSV else value


class SafeExportIndexView(FormulaSafeExportMixin, IndexView):
    """A snippet or model listing whose CSV export is formula-safe."""


class SafeSnippetIndexView(FormulaSafeExportMixin, SnippetIndexView):
    """A snippet listing whose CSV export is formula-safe."""


class SafeSubmissionsListView(FormulaSafeExportMixin, SubmissionsListView):
    """A form page's submissions, whose CSV export is formula-safe."""
