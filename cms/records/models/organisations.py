from django.core.exceptions import ValidationError
from django.db import models


class MemberOrganisation(models.Model):
    """A member of the union: a member association, collective member, centre, linked unit or club.

    The union itself admits no individuals; each of its members reports how many it has.
    """

    class Kind(models.TextChoices):
        ASSOCIATION = "association", "Hội thành viên"
        COLLECTIVE = "collective", "Hội viên tập thể"
        AFFILIATED = "affiliated", "Trung tâm, viện trực thuộc"
        LINKED = "linked", "Đơn vị liên kết"
        CLUB = "club", "Câu lạc bộ"

    class Status(models.TextChoices):
        ACTIVE = "active", "Đang hoạt động"
        DISSOLVED = "dissolved", "Đã giải thể"
        MERGED = "merged", "Đã hợp nhất"
        ARCHIVED = "archived", "Lưu trữ"

    name = models.CharField("tên tổ chức", max_length=255)
    kind = models.CharField("loại", max_length=20, choices=Kind, default=Kind.ASSOCIATION)
    field = models.CharField("lĩnh vực", max_length=255, blank=True)
    founding_decision = models.CharField(
        "quyết định thành lập/công nhận", max_length=255, blank=True
    )
    founded_on = models.DateField("ngày thành lập", null=True, blank=True)
    # The organisation's history in the union: it counts in a period when it had joined
    # by the period's end and had not left by then. Empty: since before any period.
    joined_on = models.DateField(
        "ngày gia nhập",
        null=True,
        blank=True,
        help_text="Để trống: đã là thành viên từ trước các kỳ báo cáo.",
    )
    left_on = models.DateField(
        "ngày thôi là thành viên",
        null=True,
        blank=True,
        help_text="Ngày giải thể, hợp nhất hoặc thôi tham gia; tự ghi hôm nay nếu để trống.",
    )
    leader = models.CharField("người đứng đầu", max_length=255, blank=True)
    contact_email = models.EmailField("thư điện tử", blank=True)
    contact_phone = models.CharField("điện thoại", max_length=50, blank=True)
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status, default=Status.ACTIVE, db_index=True
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name="hợp nhất vào",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    # Where the organisation came from when unions of merged provinces merged (e.g. "Hải Dương").
    origin = models.CharField("xuất xứ (tỉnh cũ)", max_length=100, blank=True)
    # The schema of the union this row was moved from in a merger; empty for the union's own.
    moved_from = models.CharField(
        "chuyển từ Liên hiệp Hội", max_length=63, blank=True, db_index=True, editable=False
    )

    # What staff may edit, in the admin and through the API alike.
    EDITABLE_FIELDS = (
        "name",
        "kind",
        "field",
        "founding_decision",
        "founded_on",
        "joined_on",
        "left_on",
        "leader",
        "contact_email",
        "contact_phone",
        "status",
        "merged_into",
        "origin",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "tổ chức thành viên"
        verbose_name_plural = "tổ chức thành viên"
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(status="active"),
                name="active_organisation_name_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="merged") | models.Q(merged_into__isnull=False),
                name="merged_names_its_successor",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The constraints say the same, but only in English and without naming the field.
        errors = {}
        if self.status == self.Status.MERGED and self.merged_into_id is None:
            errors["merged_into"] = "Tổ chức đã hợp nhất cần ghi rõ hợp nhất vào tổ chức nào."
        if (
            self.status == self.Status.ACTIVE
            and MemberOrganisation.objects.filter(name=self.name, status=self.Status.ACTIVE)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["name"] = f"Đã có tổ chức đang hoạt động tên “{self.name}”."
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            errors["left_on"] = "Ngày thôi là thành viên không thể trước ngày gia nhập."
        if self.status == self.Status.ACTIVE and self.left_on:
            errors["left_on"] = "Tổ chức đang hoạt động thì không có ngày thôi là thành viên."
        if errors:
            raise ValidationError(errors)


class MemberCount(models.Model):
    """How many individual members an organisation reported for a period."""

    organisation = models.ForeignKey(
        MemberOrganisation,
        verbose_name="tổ chức",
        on_delete=models.PROTECT,
        related_name="member_counts",
    )
    period = models.ForeignKey(
        "records.ReportingPeriod",
        verbose_name="kỳ báo cáo",
        on_delete=models.PROTECT,
        related_name="member_counts",
    )
    members = models.PositiveIntegerField("số hội viên")

    class Meta:
        ordering = ["-period__year", "organisation__name"]
        verbose_name = "số hội viên theo kỳ"
        verbose_name_plural = "số hội viên theo kỳ"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period"], name="one_count_per_organisation_period"
            ),
            models.CheckConstraint(condition=models.Q(members__gte=0), name="members_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.members} ({self.period})"
