from django.db import models


class Predecessor(models.Model):
    """A union merged into this one (63 → 34), written by the merger in this union's schema.

    Rows moved from it carry its schema in `moved_from`. Its figures of periods ending
    before `merged_on` stay its own in the national statistics, so they are left out of
    this union's figures for those periods: nothing is counted twice.
    """

    schema_name = models.CharField("lược đồ", max_length=63, unique=True)
    name = models.CharField("tên Liên hiệp Hội", max_length=255)
    merged_on = models.DateField("ngày sáp nhập")
    # The section of this site that holds its former pages.
    section_path = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["merged_on", "name"]
        verbose_name = "Liên hiệp Hội đã sáp nhập vào"
        verbose_name_plural = "các Liên hiệp Hội đã sáp nhập vào"

    def __str__(self) -> str:
        return f"{self.name} ({self.merged_on:%d/%m/%Y})"
