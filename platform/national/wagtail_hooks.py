from django.urls import include, path
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.schema_scope import in_public_schema
from lhh.national import views


class NationalMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return in_public_schema() and request.user.has_perm("national.view_rollup")


@hooks.register("register_admin_urls")
def register_console_urls():
    return [path("toan-quoc/", include((views.urlpatterns, "national"), namespace="national"))]


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
