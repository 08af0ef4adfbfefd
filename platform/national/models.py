from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from lhh.web.schema_scope import NationalPageMixin


class NationalHomePage(NationalPageMixin, Page):
    """The national host's home: every active union, with a link to its site."""

    intro = RichTextField("lời giới thiệu", blank=True)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types: list[str] = []
    max_count = 1
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = "trang chủ trung ương"

    def get_context(self, request, *args, **kwargs):
        from lhh.national.news_feed import news_feed_latest
        from lhh.national.selectors import union_directory_public

        context = super().get_context(request, *args, **kwargs)
        context["unions"] = union_directory_public()
        context["news"] = news_feed_latest()
        return context


class ReportSubmission(models.Model):
    """A union's 6-month or annual report as the national union received it.

    The union's own `records.Report` lives in its schema; this row in public is
    what the national console tracks, with the figures frozen at submission.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Chờ tiếp nhận"
        ACCEPTED = "accepted", "Đã tiếp nhận"
        RETURNED = "returned", "Đã trả lại"

    union = models.ForeignKey(
        "tenants.Union",
        verbose_name="Liên hiệp Hội",
        on_delete=models.PROTECT,
        related_name="report_submissions",
    )
    period_kind = models.CharField("loại kỳ", max_length=10)
    year = models.PositiveSmallIntegerField("năm")
    half = models.PositiveSmallIntegerField("nửa năm", null=True, blank=True)
    period_label = models.CharField("kỳ báo cáo", max_length=100)
    status = models.CharField("trạng thái", max_length=20, choices=Status, default=Status.SUBMITTED)
    figures = models.JSONField("số liệu")
    narrative = models.JSONField("nội dung", default=dict)
    submitted_at = models.DateTimeField("gửi lúc")
    decided_at = models.DateTimeField("xử lý lúc", null=True, blank=True)
    comment = models.TextField("ý kiến", blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = "báo cáo đã nhận"
        verbose_name_plural = "báo cáo đã nhận"
        constraints = [
            models.UniqueConstraint(
                fields=["union", "period_kind", "year", "half"],
                name="one_submission_per_union_period",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.union} — {self.period_label}"


# Who works in the national console and the national API: the staff allowed to see
# the rollups.
CONSOLE_PERMISSION = "national.view_rollup"


class Rollup(models.Model):
    """One figure of one union for one period, kept in public for the national console.

    Computed from the union's records by `lhh.national.rollups`, after every change and
    again by the nightly reconcile; the console reads only these rows.
    """

    union = models.ForeignKey("tenants.Union", on_delete=models.CASCADE, related_name="rollups")
    period_kind = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    half = models.PositiveSmallIntegerField(null=True, blank=True)
    metric = models.CharField(max_length=80)
    value = models.BigIntegerField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "số liệu tổng hợp"
        verbose_name_plural = "số liệu tổng hợp"
        constraints = [
            models.UniqueConstraint(
                fields=["union", "period_kind", "year", "half", "metric"],
                name="one_rollup_per_union_period_metric",
                nulls_distinct=False,
            )
        ]
        # `value` last: the dashboard's top and bottom unions read five entries of this
        # index instead of sorting every union's row for the period.
        indexes = [
            models.Index(
                fields=["period_kind", "year", "half", "metric", "value"],
                name="rollup_period_metric_value",
            )
        ]

    def __str__(self) -> str:
        return f"{self.union_id} {self.year}/{self.half or '-'} {self.metric}={self.value}"


class RollupTotal(models.Model):
    """One figure for one period summed over a set of unions, kept with the per-union rows.

    `rollup_refresh` adds each change to these rows in the transaction that writes the
    union's `Rollup` rows, so the two never disagree; the dashboard reads a few hundred
    of these instead of summing every union's rows per request. `scope` names the set
    of unions the console can filter by (see `rollups.union_scopes`).
    """

    scope = models.CharField(max_length=30)
    period_kind = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    half = models.PositiveSmallIntegerField(null=True, blank=True)
    metric = models.CharField(max_length=80)
    value = models.BigIntegerField()
    # How many unions' rows are summed: the row goes when the last one does.
    unions = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "period_kind", "year", "half", "metric"],
                name="one_total_per_scope_period_metric",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.year}/{self.half or '-'} {self.metric}={self.value}"


class AuditEntry(models.Model):
    """Who did what to which union, from the national console. Never edited."""

    # A deleted union's entries stay, named by the copies below.
    union = models.ForeignKey(
        "tenants.Union",
        verbose_name="Liên hiệp Hội",
        null=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    schema_name = models.CharField("lược đồ", max_length=63, blank=True)
    union_name = models.CharField("tên Liên hiệp Hội", max_length=255, blank=True)
    actor = models.CharField("người thực hiện", max_length=150)
    action = models.CharField("thao tác", max_length=50)
    detail = models.TextField("chi tiết", blank=True)
    at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "nhật ký thao tác"
        verbose_name_plural = "nhật ký thao tác"

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor} {self.action} {self.union_name}"


class NewsFeedItem(models.Model):
    """A union's published article, copied into public for the national news feed."""

    union = models.ForeignKey("tenants.Union", on_delete=models.CASCADE, related_name="news_items")
    page_id = models.PositiveIntegerField()
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    published_on = models.DateField(db_index=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["union", "page_id"], name="one_feed_item_per_page")
        ]

    def __str__(self) -> str:
        return self.title


class UnionHealth(models.Model):
    """What the directory shows of a union's use, measured in its schema by a periodic task."""

    union = models.OneToOneField("tenants.Union", on_delete=models.CASCADE, related_name="health")
    last_login_at = models.DateTimeField("đăng nhập gần nhất", null=True, blank=True)
    storage_bytes = models.PositiveBigIntegerField("dung lượng tệp", default=0)
    checked_at = models.DateTimeField("kiểm tra lúc", auto_now=True)

    def __str__(self) -> str:
        return f"{self.union_id}: {self.storage_bytes} B"


class NationalPeriod(models.Model):
    """A reporting period national staff open, with its deadline, before any union has
    figures for it: the tracking counts every province against it from the first day."""

    class Kind(models.TextChoices):
        HALF_YEAR = "half", "6 tháng"
        YEAR = "year", "Năm"

    kind = models.CharField("loại kỳ", max_length=10, choices=Kind)
    year = models.PositiveSmallIntegerField("năm")
    half = models.PositiveSmallIntegerField(
        "nửa năm", null=True, blank=True, choices=[(1, "6 tháng đầu năm"), (2, "6 tháng cuối năm")]
    )
    deadline = models.DateField("hạn gửi báo cáo")
    opened_at = models.DateTimeField("mở lúc", auto_now_add=True)
    opened_by = models.CharField("người mở", max_length=150, blank=True)

    class Meta:
        ordering = ["-year", "-half"]
        verbose_name = "kỳ báo cáo toàn quốc"
        verbose_name_plural = "kỳ báo cáo toàn quốc"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "half"],
                name="one_national_period_per_span",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(kind="half", half__in=[1, 2])
                | models.Q(kind="year", half__isnull=True),
                name="national_period_half_only_for_half_years",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.YEAR:
            return f"Năm {self.year}"
        return f"6 tháng {'đầu' if self.half == 1 else 'cuối'} năm {self.year}"


class ReportTemplate(models.Model):
    """A Word template national staff uploaded in place of the shipped default."""

    kind = models.CharField("loại văn bản", max_length=30, unique=True)
    filename = models.CharField("tên tệp", max_length=255)
    content = models.BinaryField("nội dung")
    uploaded_by = models.CharField("người tải lên", max_length=150, blank=True)
    uploaded_at = models.DateTimeField("tải lên lúc", auto_now=True)

    class Meta:
        verbose_name = "mẫu văn bản"
        verbose_name_plural = "mẫu văn bản"

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename}"


class NationalReport(models.Model):
    """The national report of a period, built in the worker: DOCX and XLSX."""

    class State(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang lập"
        DONE = "done", "Hoàn tất"
        FAILED = "failed", "Không lập được"

    period_kind = models.CharField("loại kỳ", max_length=10)
    year = models.PositiveSmallIntegerField("năm")
    half = models.PositiveSmallIntegerField("nửa năm", null=True, blank=True)
    state = models.CharField("tình trạng", max_length=20, choices=State, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField("thông báo", blank=True)
    docx = models.BinaryField("văn bản Word", null=True)
    xlsx = models.BinaryField("bảng tính Excel", null=True)
    requested_by = models.CharField("người yêu cầu", max_length=150, blank=True)
    requested_at = models.DateTimeField("yêu cầu lúc", auto_now_add=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "báo cáo tổng hợp toàn quốc"
        verbose_name_plural = "báo cáo tổng hợp toàn quốc"

    def __str__(self) -> str:
        return f"Báo cáo toàn quốc {self.year}/{self.half or '-'} ({self.get_state_display()})"
