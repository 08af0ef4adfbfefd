import re

from django import forms

from lhh.web.captcha import CaptchaFormMixin
from tenants.onboarding.selectors import current_provinces

PHONE_PATTERN = re.compile(r"^(\+84|0)\d{8,10}$")


class SignupForm(CaptchaFormMixin, forms.Form):
    province = forms.ModelChoiceField(
        label="Tỉnh, thành phố",
        queryset=current_provinces(),
        empty_label="— Chọn tỉnh, thành phố —",
        error_messages={
            "required": "Vui lòng chọn tỉnh, thành phố.",
            "invalid_choice": "Vui lòng chọn một trong 34 tỉnh, thành phố hiện hành.",
        },
    )
    name = forms.CharField(
        label="Tên chính thức",
        max_length=255,
        min_length=10,
        help_text="Ví dụ: Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Thanh Hóa",
        error_messages={
            "required": "Vui lòng nhập tên chính thức của Liên hiệp Hội.",
            "min_length": "Tên chính thức quá ngắn (ít nhất %(limit_value)d ký tự).",
            "max_length": "Tên chính thức dài tối đa %(limit_value)d ký tự.",
        },
    )
    short_name = forms.CharField(
        label="Tên viết tắt",
        max_length=100,
        help_text="Ví dụ: Liên hiệp Hội Thanh Hóa",
        error_messages={
            "required": "Vui lòng nhập tên viết tắt.",
            "max_length": "Tên viết tắt dài tối đa %(limit_value)d ký tự.",
        },
    )
    subdomain = forms.CharField(
        label="Tên miền con mong muốn",
        max_length=31,
        help_text="Chữ thường không dấu và chữ số, ví dụ: thanhhoa",
        error_messages={
            "required": "Vui lòng nhập tên miền con.",
            "max_length": "Tên miền con dài tối đa %(limit_value)d ký tự.",
        },
    )
    contact_name = forms.CharField(
        label="Người liên hệ",
        max_length=255,
        error_messages={"required": "Vui lòng nhập họ tên người liên hệ."},
    )
    email = forms.EmailField(
        label="Thư điện tử",
        help_text="Thư xác minh và thông tin đăng nhập sẽ gửi tới địa chỉ này.",
        error_messages={
            "required": "Vui lòng nhập địa chỉ thư điện tử.",
            "invalid": "Địa chỉ thư điện tử không hợp lệ.",
        },
    )
    phone = forms.CharField(
        label="Điện thoại",
        max_length=20,
        error_messages={"required": "Vui lòng nhập số điện thoại."},
    )

    field_order = [
        "province",
        "name",
        "short_name",
        "subdomain",
        "contact_name",
        "email",
        "phone",
    ]

    def clean_subdomain(self) -> str:
        return self.cleaned_data["subdomain"].strip().lower()

    def clean_phone(self) -> str:
        phone = re.sub(r"[\s.\-()]", "", self.cleaned_data["phone"])
        if not PHONE_PATTERN.fullmatch(phone):
            raise forms.ValidationError(
                "Số điện thoại không hợp lệ (ví dụ: 0912345678 hoặc +84912345678)."
            )
        return phone
