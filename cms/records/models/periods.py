import datetime as dt

from django.db import models


class ReportingPeriod(models.Model):
    """A half-year (6 tháng) or a year: what every record counts in.

    A period is named by its year and half, and its dates follow from them, so two
    periods of the same kind can never overlap.
    """

    class Kind(models.TextChoices):
        HALF_YEAR = "half", "6 tháng"
        YEAR = "year", "Năm"

    kind = models.CharField("loại kỳ", max_length=10, choices=Kind)
    year = models.PositiveSmallIntegerField("năm")
    half = models.PositiveSmallIntegerField(
        "nửa năm", null=True, blank=True, choices=[(1, "6 tháng đầu năm"), (2, "6 tháng cuối năm")]
    )

    class Meta:
        ordering = ["-year", "kind", "-half"]
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "half"], name="one_period_per_span"),
            models.UniqueConstraint(
                fields=["kind", "year"],
                condition=models.Q(half__isnull=True),
                name="one_year_period",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="half", half__in=[1, 2])
                | models.Q(kind="year", half__isnull=True),
                name="half_only_for_half_years",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=1990, year__lte=2100), name="plausible_year"
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.YEAR:
            return f"Năm {self.year}"
        return f"6 tháng {'đầu' if self.half == 1 else 'cuối'} năm {self.year}"

    @property
    def starts_on(self) -> dt.date:
        return dt.date(self.year, 7 if self.half == 2 else 1, 1)

    @property
    def ends_on(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    def previous(self) -> "ReportingPeriod | None":
        """The period of the same kind just before this one, if it was recorded."""
        if self.kind == self.Kind.YEAR:
            return ReportingPeriod.objects.filter(kind=self.kind, year=self.year - 1).first()
        year, half = (self.year, 1) if self.half == 2 else (self.year - 1, 2)
        return ReportingPeriod.objects.filter(kind=self.kind, year=year, half=half).first()

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on
