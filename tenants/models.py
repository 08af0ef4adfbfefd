"""The tenant registry, in the public schema: provinces, unions and their hosts."""

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Region(models.Model):
    """A socio-economic region, for grouping statistics. National staff may edit them."""

    name = models.CharField("tên vùng", max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "vùng"
        verbose_name_plural = "các vùng"

    def __str__(self) -> str:
        return self.name


class Province(models.Model):
    """A province, current (one of the 34 since 1 July 2025) or former (one of the 63).

    A former province points at the current province that absorbed it, so figures
    can be shown either way for periods before and after the reorganisation.
    """

    name = models.CharField("tên tỉnh/thành phố", max_length=100)
    is_current = models.BooleanField("đơn vị hành chính hiện hành", default=True)
    successor = models.ForeignKey(
        "self",
        verbose_name="sáp nhập vào",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="former_provinces",
        limit_choices_to={"is_current": True},
    )
    region = models.ForeignKey(
        Region, verbose_name="vùng", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "tỉnh/thành phố"
        verbose_name_plural = "các tỉnh/thành phố"
        constraints = [
            models.UniqueConstraint(fields=["name", "is_current"], name="province_name_unique"),
            models.CheckConstraint(
                condition=models.Q(is_current=True, successor__isnull=True)
                | models.Q(is_current=False, successor__isnull=False),
                name="province_former_has_successor",
            ),
        ]

    def __str__(self) -> str:
        return self.name if self.is_current else f"{self.name} (cũ)"


class Union(TenantMixin):
    """A Liên hiệp Hội: one PostgreSQL schema, one site, one set of staff.

    The national union (VUSTA) owns the public schema, and the template whose
    schema every new union is cloned from is a row too, so `migrate_schemas`
    always keeps it current.
    """

    class Kind(models.TextChoices):
        NATIONAL = "national", "Trung ương"
        PROVINCIAL = "provincial", "Địa phương"
        TEMPLATE = "template", "Mẫu"

    class Status(models.TextChoices):
        PENDING = "pending", "Chờ duyệt"
        PROVISIONING = "provisioning", "Đang khởi tạo"
        ACTIVE = "active", "Đang hoạt động"
        SUSPENDED = "suspended", "Tạm ngừng"
        ARCHIVED = "archived", "Lưu trữ"

    name = models.CharField("tên đầy đủ", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True)
    kind = models.CharField("loại", max_length=20, choices=Kind, default=Kind.PROVINCIAL)
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status, default=Status.PENDING, db_index=True
    )
    province = models.ForeignKey(
        Province,
        verbose_name="tỉnh/thành phố",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unions",
        limit_choices_to={"is_current": True},
    )
    # A union of a province that merged keeps its history under its former name.
    former_province = models.ForeignKey(
        Province,
        verbose_name="tỉnh cũ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"is_current": False},
    )
    contact_name = models.CharField("người liên hệ", max_length=255, blank=True)
    contact_email = models.EmailField("thư điện tử", blank=True)
    contact_phone = models.CharField("điện thoại", max_length=50, blank=True)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)

    # Schemas are made by `tenants.services.union_create` (warm pool or clone),
    # inside the same transaction as this row, never by a bare save().
    auto_create_schema = False

    class Meta:
        ordering = ["name"]
        verbose_name = "Liên hiệp Hội"
        verbose_name_plural = "các Liên hiệp Hội"

    def __str__(self) -> str:
        return self.name

    @property
    def is_routable(self) -> bool:
        return self.kind != self.Kind.TEMPLATE and self.status not in {
            self.Status.PENDING,
            self.Status.PROVISIONING,
        }


class Domain(DomainMixin):
    class Meta:
        verbose_name = "tên miền"
        verbose_name_plural = "các tên miền"


class SpareSchema(models.Model):
    """A schema cloned ahead of time from the template, renamed when a union is created.

    `fingerprint` names the migrations the clone was made with; a spare whose
    fingerprint differs from the running code's is stale and is never handed out.
    """

    schema_name = models.CharField(max_length=63, unique=True)
    fingerprint = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.schema_name
