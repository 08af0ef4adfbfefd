"""What a union keeps to answer for the personal data it holds (Law 91/2025/QH15 on
personal data protection, Decree 356/2025/NĐ-CP): people's requests and their deadlines,
and a register of breaches. See docs/personal-data.md."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone


class PersonalDataRequest(models.Model):
    """A person asks to see (export) or erase what the union holds under an e-mail address."""

    class Kind(models.TextChoices):
        EXPORT = "export", "Cung cấp dữ liệu"
        ERASE = "erase", "Xóa dữ liệu"

    kind = models.CharField("loại yêu cầu", max_length=10, choices=Kind.choices)
    email = models.EmailField("thư điện tử của người yêu cầu")
    note = models.TextField("ghi chú (cách xác minh người yêu cầu…)", blank=True, max_length=2000)
    received_at = models.DateTimeField("nhận lúc", default=timezone.now)
    # Left empty, it is set from the receipt and PERSONAL_DATA_REQUEST_HOURS.
    due_at = models.DateTimeField("hạn xử lý", blank=True)
    completed_at = models.DateTimeField("xử lý xong lúc", null=True, blank=True)
    summary = models.JSONField("kết quả", default=dict, blank=True)

    class Meta:
        ordering = ["completed_at", "due_at"]
        verbose_name = "yêu cầu về dữ liệu cá nhân"
        verbose_name_plural = "yêu cầu về dữ liệu cá nhân"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.email}"

    def save(self, *args, **kwargs):
        if self.due_at is None:
            self.due_at = self.received_at + dt.timedelta(
                hours=settings.PERSONAL_DATA_REQUEST_HOURS
            )
        super().save(*args, **kwargs)

    @property
    def overdue(self) -> bool:
        return self.completed_at is None and timezone.now() > self.due_at


def _breach_notify_by(discovered_at: dt.datetime) -> dt.datetime:
    return discovered_at + dt.timedelta(hours=settings.PERSONAL_DATA_BREACH_NOTIFY_HOURS)


class PersonalDataBreach(models.Model):
    """A breach of personal data (sổ theo dõi vi phạm): what happened, to whom, what was
    done, and when the authority and the people concerned were told."""

    discovered_at = models.DateTimeField("phát hiện lúc", default=timezone.now)
    description = models.TextField("diễn biến", max_length=5000)
    data_affected = models.TextField("loại dữ liệu bị ảnh hưởng", max_length=2000)
    people_affected = models.PositiveIntegerField("số người bị ảnh hưởng (ước tính)", default=0)
    measures = models.TextField("biện pháp đã áp dụng", blank=True, max_length=5000)
    authority_notified_at = models.DateTimeField(
        "đã báo cơ quan chức năng lúc", null=True, blank=True
    )
    people_notified_at = models.DateTimeField(
        "đã báo người bị ảnh hưởng lúc", null=True, blank=True
    )

    class Meta:
        ordering = ["-discovered_at"]
        verbose_name = "vi phạm dữ liệu cá nhân"
        verbose_name_plural = "sổ theo dõi vi phạm dữ liệu cá nhân"

    def __str__(self) -> str:
        return f"{self.discovered_at:%d/%m/%Y}: {self.description[:60]}"

    @property
    def notify_by(self) -> dt.datetime:
        return _breach_notify_by(self.discovered_at)
