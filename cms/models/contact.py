from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.fields import RichTextField

from lhh.web.captcha import CAPTCHA_FIELD, CaptchaFormMixin
from lhh.web.schema_scope import UnionPageMixin


class ContactFormField(AbstractFormField):
    page = ParentalKey("ContactPage", on_delete=models.CASCADE, related_name="form_fields")


# What a visitor may type into a field an editor added to the contact form.
CONTACT_LINE_MAX = 255
CONTACT_TEXT_MAX = 5_000


class _CappedFieldsMixin(forms.Form):
    """Every text field of the form gets a length limit, which Wagtail's form builder
    leaves unset: without it a visitor stores megabytes per message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length is None:
                multiline = isinstance(field.widget, forms.Textarea)
                field.max_length = CONTACT_TEXT_MAX if multiline else CONTACT_LINE_MAX
                field.validators.append(MaxLengthValidator(field.max_length))
                field.widget.attrs["maxlength"] = str(field.max_length)


class ContactPage(UnionPageMixin, AbstractEmailForm):
    """A contact form: each submission is stored in the union's schema and e-mailed."""

    intro = RichTextField("giới thiệu", blank=True)
    thank_you_text = RichTextField("lời cảm ơn", blank=True)

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    content_panels = [
        *AbstractEmailForm.content_panels,
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Trường của biểu mẫu"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            "Thư điện tử",
        ),
    ]

    class Meta:
        verbose_name = "trang liên hệ"

    def get_submissions_list_view_class(self):
        # Messages come from anonymous visitors: the CSV export must keep them text.
        from lhh.web.spreadsheet import SafeSubmissionsListView

        return SafeSubmissionsListView

    def get_form_class(self):
        base = super().get_form_class()
        return type("ContactForm", (CaptchaFormMixin, _CappedFieldsMixin, base), {})

    def process_form_submission(self, form):
        # The captcha guarded the post; it is not part of the message to store or e-mail.
        form.cleaned_data.pop(CAPTCHA_FIELD, None)
        form.fields.pop(CAPTCHA_FIELD, None)
        return super().process_form_submission(form)

    def serve(self, request, *args, **kwargs):
        from lhh.web.ratelimit import rate_limited

        if request.method == "POST" and rate_limited(request, scope="contact", limit=5):
            from django.shortcuts import render

            return render(request, "cms/rate_limited.html", status=429)
        return super().serve(request, *args, **kwargs)
