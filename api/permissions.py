from rest_framework import permissions

from api.models import ApiToken
from lhh.national.models import CONSOLE_PERMISSION


class ModelPermissions(permissions.DjangoModelPermissions):
    """Staff of this union with the model's permissions; read-only tokens may only read."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, ApiToken) and request.auth.scope == ApiToken.Scope.READ:
            if request.method not in permissions.SAFE_METHODS:
                return False
        return super().has_permission(request, view)


class NationalStaff(permissions.BasePermission):
    message = "Chỉ cán bộ Liên hiệp các Hội KH&KT Việt Nam được dùng chức năng này."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.has_perm(CONSOLE_PERMISSION))
