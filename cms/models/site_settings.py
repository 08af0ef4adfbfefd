from django.core.validators import RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="cog")
class UnionSiteSettings(BaseSiteSetting):
    """What every union site shows in its header and footer."""

    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="biểu trưng (logo)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="ảnh nền trang chủ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    primary_colour = models.CharField(
        "màu chủ đạo",
        max_length=7,
        default="#0b5394",
        validators=[
            RegexValidator(r"^#[0-9a-fA-F]{6}$", "Màu phải có dạng #RRGGBB, ví dụ #0b5394.")
        ],
    )
    visits_before_platform = models.PositiveIntegerField(
        "lượt truy cập trước khi chuyển sang hệ thống",
        default=0,
        help_text="Cộng vào tổng lượt truy cập, để bộ đếm tiếp nối trang cũ.",
    )
    licence = models.CharField("giấy phép hoạt động", max_length=255, blank=True)
    responsible_person = models.CharField("người chịu trách nhiệm", max_length=255, blank=True)
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=100, blank=True)
    email = models.EmailField("thư điện tử", blank=True)

    # Set when the union's admin finishes the first-login wizard (cms.welcome).
    welcome_done_at = models.DateTimeField("hoàn tất khởi tạo lúc", null=True, blank=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("logo"), FieldPanel("hero_image"), FieldPanel("primary_colour")],
            "Giao diện",
        ),
        MultiFieldPanel(
            [
                FieldPanel("licence"),
                FieldPanel("responsible_person"),
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
            ],
            "Chân trang",
        ),
        FieldPanel("visits_before_platform"),
    ]

    class Meta:
        verbose_name = "cài đặt trang"
