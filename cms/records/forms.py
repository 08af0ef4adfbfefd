from django import forms
from django.conf import settings

from cms.records.imports import ImportKind
from cms.records.models import Report, ReportingPeriod
from cms.records.models.reports import REPORT_SECTIONS


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="Loại dữ liệu", choices=ImportKind.CHOICES)
    period = forms.ModelChoiceField(
        label="Kỳ báo cáo", queryset=ReportingPeriod.objects.all(), empty_label=None
    )
    file = forms.FileField(label="Tệp Excel (.xlsx) hoặc CSV (.csv)")

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Tệp quá lớn.")
        if not file.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).")
        return file


class ReportCreateForm(forms.Form):
    period = forms.ModelChoiceField(
        label="Kỳ báo cáo", queryset=ReportingPeriod.objects.all(), empty_label=None
    )


class ReportNarrativeForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in REPORT_SECTIONS:
            self.fields[key] = forms.CharField(
                label=label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
                max_length=20_000,
            )


class ReportDocumentForm(forms.ModelForm):
    """The document's number and date: the rest of its heading is in the report settings."""

    class Meta:
        model = Report
        fields = ["number", "issued_on"]
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "number": "Số thứ tự của văn bản, ví dụ 15 (thành “Số: 15/BC-LHH”).",
            "issued_on": "Để trống: ngày gửi báo cáo.",
        }
