from django.core.validators import RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from cms.themes import DEFAULT_THEME, THEME_CHOICES, theme_get


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
    theme = models.CharField(
        "mẫu giao diện",
        max_length=32,
        choices=THEME_CHOICES,
        default=DEFAULT_THEME,
        help_text="Bảng màu của đầu trang, chân trang, nút và tiêu đề.",
    )
    primary_colour = models.CharField(
        "màu chủ đạo riêng",
        max_length=7,
        blank=True,
        validators=[
            RegexValidator(r"^#[0-9a-fA-F]{6}$", "Màu phải có dạng #RRGGBB, ví dụ #0b5394.")
        ],
        help_text="Để trống để dùng màu của mẫu giao diện. Chữ trắng phải đọc rõ trên màu này.",
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
            [
                FieldPanel("theme"),
                FieldPanel("logo"),
                FieldPanel("hero_image"),
                FieldPanel("primary_colour"),
            ],
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

    @property
    def theme_colour(self) -> str:
        """The main colour pages are drawn in: the union's own, else its preset's."""
        return self.primary_colour or theme_get(self.theme).primary
