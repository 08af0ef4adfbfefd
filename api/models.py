import hashlib
import secrets

from django.conf import settings
from django.db import models
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.permission_policies import ModelPermissionPolicy

from lhh.web.schema_scope import in_public_schema


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. It lives in the schema of its user's union (or public for national
    staff), so a token presented on any other host is simply not found."""

    class Scope(models.TextChoices):
        READ = "read", "Chỉ đọc"
        WRITE = "write", "Đọc và ghi"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người dùng",
        on_delete=models.CASCADE,
        related_name="personal_api_tokens",
    )
    name = models.CharField("tên gợi nhớ", max_length=100)
    scope = models.CharField("quyền", max_length=10, choices=Scope, default=Scope.READ)
    prefix = models.CharField("tiền tố", max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    last_used_at = models.DateTimeField("dùng lần cuối", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "mã truy cập API"
        verbose_name_plural = "mã truy cập API"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_key() -> str:
        return "lhh_" + secrets.token_urlsafe(32)


class ApiSettingsPermissionPolicy(ModelPermissionPolicy):
    """These settings are the national union's: on a union's host nobody may see or edit them."""

    def user_has_permission(self, user, action: str) -> bool:
        return in_public_schema() and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions) -> bool:
        return in_public_schema() and super().user_has_any_permission(user, actions)


@register_setting(icon="key")
class ApiSettings(BaseGenericSetting):
    """The national union's choices about its API. Only the public schema's row is read."""

    public_union_directory = models.BooleanField(
        "công khai danh sách Liên hiệp Hội qua API",
        default=False,
        help_text="Khi bật, ai cũng xem được tên, tỉnh và địa chỉ trang của các Liên hiệp Hội "
        "đang hoạt động tại /api/v1/public/unions/, không cần đăng nhập.",
    )

    class Meta:
        verbose_name = "cài đặt API toàn quốc"

    @classmethod
    def get_permission_policy(cls) -> ModelPermissionPolicy:
        return ApiSettingsPermissionPolicy(cls)
