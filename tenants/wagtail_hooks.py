"""The admin's account page offers two-step login (tenants.two_factor) on every host;
a union's settings offer its own domains (tenants.domain_views)."""

from django.http import HttpRequest
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from tenants import domain_views


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request: HttpRequest) -> dict:
    return {
        "url": reverse("two-factor-setup"),
        "label": "Xác thực hai bước",
        "help_text": "Đăng nhập bằng mật khẩu và mã từ ứng dụng trên điện thoại, kèm mã dự phòng.",
    }


class OwnDomainsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return domain_views.may_manage(request)


@hooks.register("register_admin_urls")
def register_own_domain_urls() -> list:
    return [
        path(
            "ten-mien-rieng/",
            include((domain_views.urlpatterns, "own_domains"), namespace="own_domains"),
        )
    ]


@hooks.register("register_settings_menu_item")
def register_own_domains_menu_item() -> MenuItem:
    return OwnDomainsMenuItem(
        "Tên miền riêng", "/admin/ten-mien-rieng/", icon_name="site", order=950
    )
