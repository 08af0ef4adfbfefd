from django.db import models


class EventRegistration(models.Model):
    """A registration to attend an event, sent from the event's page."""

    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name="sự kiện",
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    name = models.CharField("họ và tên", max_length=100)
    organisation = models.CharField("đơn vị", max_length=255, blank=True)
    email = models.EmailField("thư điện tử")
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    created_at = models.DateTimeField("đăng ký lúc", auto_now_add=True)
    # The consent the registrant gave, word for word, and when (docs/personal-data.md).
    consent_text = models.TextField("nội dung đồng ý", blank=True, max_length=1000)
    consented_at = models.DateTimeField("đồng ý lúc", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "đăng ký dự sự kiện"
        verbose_name_plural = "đăng ký dự sự kiện"
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="one_registration_per_email")
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.event}"
