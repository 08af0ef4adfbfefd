"""Small things an editor manages once and shows on many pages."""

from django.db import models
from wagtail.admin.panels import FieldPanel, TitleFieldPanel

from lhh.web.slugs import slug_from_text


class NewsCategory(models.Model):
    """A news category (chuyên mục), e.g. "Hoạt động Liên hiệp Hội", "Tư vấn phản biện"."""

    name = models.CharField("tên chuyên mục", max_length=100, unique=True)
    slug = models.SlugField("đường dẫn", max_length=100, unique=True)
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=0)

    # The address follows the name as it is typed, transliterated like page slugs.
    panels = [
        TitleFieldPanel("name", placeholder=None),
        FieldPanel("slug"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = "chuyên mục tin"
        verbose_name_plural = "chuyên mục tin"

    def __str__(self) -> str:
        return self.name

    def full_clean(self, *args, **kwargs):
        if not self.slug and self.name:
            self.slug = slug_from_text(self.name, max_length=100)
        super().full_clean(*args, **kwargs)


class Banner(models.Model):
    """A banner on the home page: an image that links somewhere, shown while active."""

    title = models.CharField("tiêu đề", max_length=255)
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name="ảnh", on_delete=models.CASCADE, related_name="+"
    )
    link_url = models.CharField("liên kết", max_length=500, blank=True)
    is_active = models.BooleanField("đang hiển thị", default=True)
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=0)

    panels = [
        FieldPanel("title"),
        FieldPanel("image"),
        FieldPanel("link_url"),
        FieldPanel("is_active"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "-id"]
        verbose_name = "băng rôn"
        verbose_name_plural = "băng rôn"

    def __str__(self) -> str:
        return self.title


class WebsiteLink(models.Model):
    """ "Liên kết website": VUSTA, the provincial government, the Department of S&T…"""

    class Placement(models.TextChoices):
        FOOTER = "footer", "Chân trang (liên kết website)"
        QUICK = "quick", "Truy cập nhanh (trang chủ)"

    title = models.CharField("tên", max_length=255)
    url = models.URLField("địa chỉ")
    placement = models.CharField(
        "vị trí", max_length=10, choices=Placement, default=Placement.FOOTER
    )
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=0)

    panels = [
        FieldPanel("title"),
        FieldPanel("url"),
        FieldPanel("placement"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "title"]
        verbose_name = "liên kết"
        verbose_name_plural = "liên kết"

    def __str__(self) -> str:
        return self.title
