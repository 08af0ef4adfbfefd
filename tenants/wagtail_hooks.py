"""The admin's account page offers two-step login (tenants.two_factor) on every host."""

from django.http import HttpRequest
from django.urls import reverse
from wagtail import hooks


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request: HttpRequest) -> dict:
    return {
        "url": reverse("two-factor-setup"),
        "label": "Xác thực hai bước",
        "help_text": "Đăng nhập bằng mật khẩu và mã từ ứng dụng trên điện thoại, kèm mã dự phòng.",
    }
