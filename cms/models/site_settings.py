from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="cog")
class UnionSiteSettings(BaseSiteSetting):
    """What every union site shows in its header and footer."""

    primary_colour = models.CharField("màu chủ đạo", max_length=7, default="#0b5394")
    licence = models.CharField("giấy phép hoạt động", max_length=255, blank=True)
    responsible_person = models.CharField("người chịu trách nhiệm", max_length=255, blank=True)
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=100, blank=True)
    email = models.EmailField("thư điện tử", blank=True)

    panels = [
        FieldPanel("primary_colour"),
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
    ]

    class Meta:
        verbose_name = "cài đặt trang"
