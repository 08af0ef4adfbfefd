from django.core.exceptions import ValidationError
from django.db import models


class Congress(models.Model):
    """A delegate congress (đại hội) that opens a term (nhiệm kỳ)."""

    term_number = models.PositiveSmallIntegerField("lần thứ (khóa)")
    starts_year = models.PositiveSmallIntegerField("từ năm")
    ends_year = models.PositiveSmallIntegerField("đến năm")
    held_on = models.DateField("ngày tổ chức", null=True, blank=True)
    # Term numbering restarts when unions of merged provinces merge ("lần thứ I").
    note = models.CharField("ghi chú", max_length=255, blank=True)
    # The schema of the union this row was moved from in a merger; empty for the union's own.
    moved_from = models.CharField(
        "chuyển từ Liên hiệp Hội", max_length=63, blank=True, db_index=True, editable=False
    )

    class Meta:
        ordering = ["-starts_year"]
        verbose_name = "đại hội, nhiệm kỳ"
        verbose_name_plural = "đại hội, nhiệm kỳ"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_year__gt=models.F("starts_year")), name="term_ends_after"
            )
        ]

    def __str__(self) -> str:
        return f"Nhiệm kỳ {self.term_number} ({self.starts_year}–{self.ends_year})"


class Committee(models.Model):
    class Kind(models.TextChoices):
        EXECUTIVE = "executive", "Ban Chấp hành"
        STANDING = "standing", "Ban Thường vụ"
        INSPECTION = "inspection", "Ủy ban Kiểm tra"
        STANDING_OFFICE = "office", "Thường trực"

    congress = models.ForeignKey(
        Congress, verbose_name="nhiệm kỳ", on_delete=models.CASCADE, related_name="committees"
    )
    kind = models.CharField("cơ quan", max_length=20, choices=Kind)

    class Meta:
        verbose_name = "cơ quan lãnh đạo"
        verbose_name_plural = "cơ quan lãnh đạo"
        constraints = [
            models.UniqueConstraint(fields=["congress", "kind"], name="one_committee_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.congress}"


class Person(models.Model):
    """Only the personal data a union needs to show its leadership; exportable and erasable."""

    name = models.CharField("họ và tên", max_length=255)
    title = models.CharField("học hàm, học vị", max_length=100, blank=True)
    organisation = models.CharField("cơ quan công tác", max_length=255, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    phone = models.CharField("điện thoại", max_length=50, blank=True)
    erased_at = models.DateTimeField("đã xóa dữ liệu cá nhân lúc", null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "nhân sự"
        verbose_name_plural = "nhân sự"

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    class Role(models.TextChoices):
        PRESIDENT = "president", "Chủ tịch"
        VICE_PRESIDENT = "vice", "Phó Chủ tịch"
        VICE_PRESIDENT_CONCURRENT = "vice_concurrent", "Phó Chủ tịch (kiêm nhiệm)"
        SECRETARY_GENERAL = "secretary", "Tổng Thư ký"
        CHAIR = "chair", "Chủ nhiệm"
        MEMBER = "member", "Ủy viên"

    person = models.ForeignKey(
        Person, verbose_name="nhân sự", on_delete=models.CASCADE, related_name="positions"
    )
    committee = models.ForeignKey(
        Committee, verbose_name="cơ quan", on_delete=models.CASCADE, related_name="positions"
    )
    role = models.CharField("chức vụ", max_length=20, choices=Role, default=Role.MEMBER)
    from_on = models.DateField("từ ngày", null=True, blank=True)
    to_on = models.DateField("đến ngày", null=True, blank=True)

    class Meta:
        ordering = ["committee", "role", "person__name"]
        verbose_name = "chức vụ"
        verbose_name_plural = "chức vụ"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_on__isnull=True)
                | models.Q(from_on__isnull=True)
                | models.Q(to_on__gte=models.F("from_on")),
                name="position_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}, {self.committee}"

    def clean(self) -> None:
        if self.from_on and self.to_on and self.to_on < self.from_on:
            raise ValidationError({"to_on": "Ngày kết thúc phải sau ngày bắt đầu."})
