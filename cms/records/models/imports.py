import uuid

from django.db import models

from cms.records.models.periods import ReportingPeriod


class ImportJob(models.Model):
    """One uploaded import file, from its reading to its one application.

    The state only moves forward (uploaded → parsing → previewed → queued → done, or
    failed) under a row lock, so a second confirmation, a re-delivered task or a second
    worker finds the job taken and writes nothing twice. The file is read by the worker
    (`records_import_parse`), never by the web process.
    """

    class State(models.TextChoices):
        UPLOADED = "uploaded", "Chờ đọc tệp"
        PARSING = "parsing", "Đang đọc tệp"
        PREVIEWED = "previewed", "Chờ xác nhận"
        QUEUED = "queued", "Đang chờ xử lý"
        RUNNING = "running", "Đang nhập"
        DONE = "done", "Hoàn tất"
        FAILED = "failed", "Không nhập được"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("loại dữ liệu", max_length=20)
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, verbose_name="kỳ")
    filename = models.CharField("tên tệp", max_length=255)
    # The file itself until the job ends; then emptied (records hold what it said).
    content = models.BinaryField("nội dung", default=b"")
    state = models.CharField(
        "trạng thái", max_length=10, choices=State.choices, default=State.UPLOADED
    )
    # What the reading found, for the preview page: {"rows": n, "sample": [[…]],
    # "errors": [{"row", "column", "message"}], "error_count": n}; bounded in size.
    preview = models.JSONField("kết quả đọc tệp", default=dict, blank=True)
    written = models.PositiveIntegerField("số dòng đã ghi", default=0)
    message = models.TextField("thông báo", blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    # Last move of the state: a queued or running job untouched for long is stale.
    changed_at = models.DateTimeField("đổi trạng thái lúc", auto_now=True)

    class Meta:
        verbose_name = "lượt nhập dữ liệu"
        verbose_name_plural = "các lượt nhập dữ liệu"
        indexes = [models.Index(fields=["state", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    @property
    def reading(self) -> bool:
        return self.state in {self.State.UPLOADED, self.State.PARSING}

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}
