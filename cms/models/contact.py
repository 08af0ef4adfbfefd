from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.fields import RichTextField

from lhh.web.captcha import CAPTCHA_FIELDS, CaptchaFormMixin
from lhh.web.schema_scope import UnionPageMixin


class ContactFormField(AbstractFormField):
    page = ParentalKey("ContactPage", on_delete=models.CASCADE, related_name="form_fields")


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

    def get_form_class(self):
        base = super().get_form_class()
        return type("ContactForm", (CaptchaFormMixin, base), {})

    def process_form_submission(self, form):
        # The captcha guarded the post; it is not part of the message to store or e-mail.
        for name in CAPTCHA_FIELDS:
            form.cleaned_data.pop(name, None)
            form.fields.pop(name, None)
        return super().process_form_submission(form)

    def serve(self, request, *args, **kwargs):
        from lhh.web.ratelimit import rate_limited

        if request.method == "POST" and rate_limited(request, scope="contact", limit=5):
            from django.shortcuts import render

            return render(request, "cms/rate_limited.html", status=429)
        return super().serve(request, *args, **kwargs)
