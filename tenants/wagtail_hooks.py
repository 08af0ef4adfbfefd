"""The admin's account page offers two-step login (tenants.two_factor) on every host;
a union's settings offer its own domains (tenants.domain_views), and its admin home
tells it of a merge the platform offers."""

from django.http import HttpRequest
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from tenants import domain_views
from tenants.models import Union
from tenants.selectors import merge_partners


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


class MergeOfferPanel(Component):
    """On a union's admin home: the province has another union the platform offers to
    merge with this one (Cần Thơ's own union beside Sóc Trăng's, since 1/7/2025)."""

    name = "merge_offer"
    order = 40
    template_name = "tenants/admin/merge_offer.html"

    def __init__(self, union: Union, partners: list[Union]) -> None:
        self.union = union
        self.partners = partners

    def get_context_data(self, parent_context):
        return {"union": self.union, "partners": self.partners}


@hooks.register("construct_homepage_panels")
def merge_offer_panel(request: HttpRequest, panels: list) -> None:
    union = getattr(request, "tenant", None)
    if not isinstance(union, Union) or union.kind != Union.Kind.PROVINCIAL:
        return
    partners = merge_partners(union)
    if partners:
        panels.insert(0, MergeOfferPanel(union, partners))
