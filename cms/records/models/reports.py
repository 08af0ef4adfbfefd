from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

REPORT_SECTIONS = [
    ("organisation", "Công tác tổ chức, xây dựng hội"),
    ("dissemination", "Phổ biến kiến thức, tập huấn, hội thảo"),
    ("tvpb", "Tư vấn, phản biện và giám định xã hội"),
    ("science", "Hoạt động khoa học và công nghệ"),
    ("contests", "Thi đua, cuộc thi và giải thưởng"),
    ("honouring", "Tôn vinh trí thức"),
    ("other", "Các hoạt động khác"),
    ("plans", "Phương hướng, nhiệm vụ kỳ tới"),
]


class Report(models.Model):
    """The 6-month or annual report: figures computed from the records, narrative written by staff.

    Once submitted, the figures are snapshotted into `figures` and never recomputed.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Bản nháp"
        SUBMITTED = "submitted", "Đã gửi Trung ương"
        ACCEPTED = "accepted", "Đã được tiếp nhận"
        RETURNED = "returned", "Bị trả lại để bổ sung"

    period = models.ForeignKey(
        "records.ReportingPeriod",
        verbose_name="kỳ báo cáo",
        on_delete=models.PROTECT,
        related_name="reports",
    )
    status = models.CharField("trạng thái", max_length=20, choices=Status, default=Status.DRAFT)
    narrative = models.JSONField("nội dung các phần", default=dict, blank=True)
    figures = models.JSONField("số liệu chốt khi gửi", null=True, blank=True)
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    decided_at = models.DateTimeField("Trung ương xử lý lúc", null=True, blank=True)
    national_comment = models.TextField("ý kiến của Trung ương", blank=True)
    # The document's own number ("15" of "Số: 15/BC-LHH") and date, given by the office.
    number = models.CharField("số văn bản", max_length=20, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The schema of the union this row was moved from in a merger; empty for the union's own.
    moved_from = models.CharField(
        "chuyển từ Liên hiệp Hội", max_length=63, blank=True, db_index=True, editable=False
    )

    class Meta:
        ordering = ["-period__year", "-period__half"]
        verbose_name = "báo cáo"
        verbose_name_plural = "báo cáo"
        constraints = [
            # A union's own report per period; a merged predecessor's stays beside it.
            models.UniqueConstraint(
                fields=["period"],
                condition=models.Q(moved_from=""),
                name="one_own_report_per_period",
            )
        ]

    def __str__(self) -> str:
        prefix = "Báo cáo tổng kết" if self.period.kind == "year" else "Báo cáo sơ kết"
        return f"{prefix} {self.period}"

    @property
    def is_frozen(self) -> bool:
        return self.status in {self.Status.SUBMITTED, self.Status.ACCEPTED}


@register_setting(icon="doc-full")
class ReportSettings(BaseGenericSetting):
    """What the union's reports carry as an administrative document: the issuing body, the
    symbol of its numbers, the place, the addressees, the signer and the copies."""

    governing_body = models.CharField(
        "cơ quan chủ quản",
        max_length=255,
        blank=True,
        help_text="Ghi phía trên tên cơ quan ban hành, ví dụ: UBND TỈNH THANH HÓA.",
    )
    issuer = models.CharField(
        "cơ quan ban hành",
        max_length=255,
        blank=True,
        help_text="Để trống: dùng tên Liên hiệp Hội.",
    )
    symbol = models.CharField(
        "ký hiệu văn bản", max_length=40, default="BC-LHH", help_text="Ví dụ: BC-LHH."
    )
    place = models.CharField("địa danh", max_length=100, blank=True, help_text="Ví dụ: Thanh Hóa.")
    addressees = models.TextField(
        "kính gửi",
        default="Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam",
        help_text="Mỗi dòng một nơi.",
    )
    signer_authority = models.CharField(
        "thẩm quyền ký", max_length=100, blank=True, default="TM. BAN THƯỜNG TRỰC"
    )
    signer_position = models.CharField("chức vụ người ký", max_length=100, default="Chủ tịch")
    signer_name = models.CharField("họ tên người ký", max_length=255, blank=True)
    copies_to = models.TextField(
        "nơi nhận",
        default="Như trên;\nLưu: VT.",
        help_text="Mỗi dòng một nơi.",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("governing_body"),
                FieldPanel("issuer"),
                FieldPanel("symbol"),
                FieldPanel("place"),
            ],
            "Cơ quan ban hành",
        ),
        FieldPanel("addressees"),
        MultiFieldPanel(
            [
                FieldPanel("signer_authority"),
                FieldPanel("signer_position"),
                FieldPanel("signer_name"),
            ],
            "Người ký",
        ),
        FieldPanel("copies_to"),
    ]

    class Meta:
        verbose_name = "thể thức văn bản báo cáo"
