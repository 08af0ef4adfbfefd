from django import forms
from django.utils.translation import gettext_lazy as _

from cms.personal_data import COMMENT_CONSENT, REGISTRATION_CONSENT
from lhh.web.captcha import CaptchaFormMixin


def _consent(text: str) -> forms.BooleanField:
    return forms.BooleanField(
        # The text itself is what the records keep (cms.personal_data); the label only shows it.
        label=_(text),
        required=True,
        error_messages={"required": _("Vui lòng đánh dấu đồng ý để chúng tôi xử lý thông tin.")},
    )


class ReaderCommentForm(CaptchaFormMixin, forms.Form):
    name = forms.CharField(label=_("Họ và tên"), max_length=100)
    email = forms.EmailField(label=_("Thư điện tử"))
    body = forms.CharField(label=_("Ý kiến của bạn"), max_length=3000, widget=forms.Textarea)
    consent = _consent(COMMENT_CONSENT)


class EventRegistrationForm(CaptchaFormMixin, forms.Form):
    name = forms.CharField(label=_("Họ và tên"), max_length=100)
    organisation = forms.CharField(label=_("Đơn vị công tác"), max_length=255, required=False)
    email = forms.EmailField(label=_("Thư điện tử"))
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    consent = _consent(REGISTRATION_CONSENT)
