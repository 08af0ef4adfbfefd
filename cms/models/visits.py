from django.db import models


class VisitDay(models.Model):
    """Page views of one day, flushed from the cache by a periodic task."""

    day = models.DateField("ngày", unique=True)
    views = models.PositiveIntegerField("lượt truy cập", default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = "lượt truy cập theo ngày"
        verbose_name_plural = "lượt truy cập theo ngày"

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}: {self.views}"
