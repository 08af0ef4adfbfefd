from django.urls import include, path
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from lhh.national import restored_copies, signups, views
from lhh.national.models import CONSOLE_PERMISSION
from lhh.web.schema_scope import in_public_schema, national_only
from tenants.models import Province, Region


class NationalMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return in_public_schema() and request.user.has_perm(CONSOLE_PERMISSION)


@hooks.register("register_admin_urls")
def register_console_urls():
    return [path("toan-quoc/", include((views.urlpatterns, "national"), namespace="national"))]


@hooks.register("register_admin_urls")
def register_signup_urls():
    return [
        path(
            "toan-quoc/don-dang-ky/",
            include((signups.urlpatterns, "national_signups"), namespace="national_signups"),
        )
    ]


@hooks.register("register_admin_urls")
def register_restored_copy_urls():
    return [
        path(
            "toan-quoc/ban-khoi-phuc/",
            include((restored_copies.urlpatterns, "national_copies"), namespace="national_copies"),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_restored_copies_menu():
    return NationalMenuItem(
        "Bản khôi phục", "/admin/toan-quoc/ban-khoi-phuc/", icon_name="history", order=105
    )


@hooks.register("register_admin_menu_item")
def register_signups_menu():
    return NationalMenuItem(
        "Đơn đăng ký trang", "/admin/toan-quoc/don-dang-ky/", icon_name="form", order=104
    )


@hooks.register("register_admin_menu_item")
def register_console_menu():
    return NationalMenuItem("Thống kê toàn quốc", "/admin/toan-quoc/", icon_name="view", order=100)


@hooks.register("register_admin_menu_item")
def register_directory_menu():
    return NationalMenuItem(
        "Các Liên hiệp Hội", "/admin/toan-quoc/lien-hiep-hoi/", icon_name="group", order=101
    )


@hooks.register("register_admin_menu_item")
def register_reports_menu():
    return NationalMenuItem(
        "Báo cáo các địa phương", "/admin/toan-quoc/bao-cao/", icon_name="doc-full", order=102
    )


class NationalViewSet(ModelViewSet):
    add_to_admin_menu = False

    def get_urlpatterns(self):
        patterns = super().get_urlpatterns()
        for pattern in patterns:
            # A view of a public-schema model: absent (404) on every union host.
            pattern.callback = national_only(pattern.callback)
        return patterns


class RegionViewSet(NationalViewSet):
    model = Region
    icon = "site"
    menu_label = "Vùng"
    form_fields = ["name"]
    list_display = ["name"]
    url_prefix = "toan-quoc/vung"
    name = "national_regions"


class ProvinceViewSet(NationalViewSet):
    model = Province
    icon = "site"
    menu_label = "Tỉnh, thành phố"
    form_fields = ["region"]
    list_display = ["name", "is_current", "successor", "region"]
    list_filter = ["is_current", "region"]
    search_fields = ["name"]
    url_prefix = "toan-quoc/tinh"
    name = "national_provinces"
    add_view_enabled = False
    delete_view_enabled = False


class GeographyGroup(ModelViewSetGroup):
    menu_label = "Vùng và tỉnh"
    menu_name = "vung-va-tinh"
    menu_icon = "site"
    menu_order = 103
    items = (RegionViewSet, ProvinceViewSet)

    def get_menu_item(self, order=None):
        item = super().get_menu_item(order)
        item.is_shown = lambda request: (
            in_public_schema() and request.user.has_perm("tenants.change_region")
        )
        return item


@hooks.register("register_admin_viewset")
def register_geography():
    return GeographyGroup()
