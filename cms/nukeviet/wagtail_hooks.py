from django.urls import include, path
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.nukeviet import views
from lhh.web.schema_scope import in_public_schema


class ImportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return not in_public_schema() and request.user.has_perm(views.PERMISSION)


@hooks.register("register_admin_urls")
def register_nukeviet_urls():
    return [path("nhap-nukeviet/", include((views.urlpatterns, "nukeviet"), namespace="nukeviet"))]


@hooks.register("register_settings_menu_item")
def register_nukeviet_menu_item():
    return ImportMenuItem(
        "Nhập từ trang NukeViet cũ", "/admin/nhap-nukeviet/", icon_name="upload", order=900
    )
