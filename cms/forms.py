from django import forms

from cms.captcha import CaptchaFormMixin


class ReaderCommentForm(CaptchaFormMixin, forms.Form):
    name = forms.CharField(label="Họ và tên", max_length=100)
    email = forms.EmailField(label="Thư điện tử")
    body = forms.CharField(label="Ý kiến của bạn", max_length=3000, widget=forms.Textarea)

    field_order = ["name", "email", "body", "captcha_answer", "captcha_token"]
