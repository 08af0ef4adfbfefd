from django import forms

from lhh.web.captcha import CaptchaFormMixin


class ReaderCommentForm(CaptchaFormMixin, forms.Form):
    name = forms.CharField(label="Họ và tên", max_length=100)
    email = forms.EmailField(label="Thư điện tử")
    body = forms.CharField(label="Ý kiến của bạn", max_length=3000, widget=forms.Textarea)

    field_order = ["name", "email", "body", "captcha_answer", "captcha_token"]


class EventRegistrationForm(CaptchaFormMixin, forms.Form):
    name = forms.CharField(label="Họ và tên", max_length=100)
    organisation = forms.CharField(label="Đơn vị công tác", max_length=255, required=False)
    email = forms.EmailField(label="Thư điện tử")
    phone = forms.CharField(label="Điện thoại", max_length=30, required=False)

    field_order = ["name", "organisation", "email", "phone", "captcha_answer", "captcha_token"]
