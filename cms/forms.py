from django import forms

from cms.personal_data import COMMENT_CONSENT, REGISTRATION_CONSENT
from lhh.web.captcha import CaptchaFormMixin


def _consent(text: str) -> forms.BooleanField:
    return forms.BooleanField(
        label=text,
        required=True,
        error_messages={"required": "Vui lòng đánh dấu đồng ý để chúng tôi xử lý thông tin."},
    )


class ReaderCommentForm(CaptchaFormMixin, forms.Form):
    name = forms.CharField(label="Họ và tên", max_length=100)
    email = forms.EmailField(label="Thư điện tử")
    body = forms.CharField(label="Ý kiến của bạn", max_length=3000, widget=forms.Textarea)
    consent = _consent(COMMENT_CONSENT)


class EventRegistrationForm(CaptchaFormMixin, forms.Form):
    name = forms.CharField(label="Họ và tên", max_length=100)
    organisation = forms.CharField(label="Đơn vị công tác", max_length=255, required=False)
    email = forms.EmailField(label="Thư điện tử")
    phone = forms.CharField(label="Điện thoại", max_length=30, required=False)
    consent = _consent(REGISTRATION_CONSENT)
