from django.db import models


class ReaderComment(models.Model):
    """A reader's comment (ý kiến bạn đọc); published only once a moderator approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Chờ duyệt"
        APPROVED = "approved", "Đã duyệt"
        REJECTED = "rejected", "Từ chối"

    article = models.ForeignKey(
        "cms.NewsArticlePage",
        verbose_name="bài tin",
        on_delete=models.CASCADE,
        related_name="comments",
    )
    name = models.CharField("họ tên", max_length=100)
    # Blank once the retention period is over (cms.personal_data.personal_data_purge).
    email = models.EmailField("thư điện tử", blank=True)
    body = models.TextField("nội dung", max_length=3000)
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField("gửi lúc", auto_now_add=True)
    # The consent the reader gave, word for word, and when (docs/personal-data.md).
    consent_text = models.TextField("nội dung đồng ý", blank=True, max_length=1000)
    consented_at = models.DateTimeField("đồng ý lúc", null=True, blank=True)
    moderated_at = models.DateTimeField("duyệt lúc", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "ý kiến bạn đọc"
        verbose_name_plural = "ý kiến bạn đọc"
        indexes = [models.Index(fields=["article", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name}: {self.body[:60]}"
