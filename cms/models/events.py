from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.models.blocks import BodyBlock
from lhh.web.schema_scope import UnionPageMixin
from lhh.web.search import folded_search_fields


class EventIndexPage(UnionPageMixin, Page):
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.EventPage"]

    class Meta:
        verbose_name = "danh sách sự kiện"

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import events_in_index

        context = super().get_context(request, *args, **kwargs)
        context["events"] = events_in_index(self)
        return context


class EventPage(UnionPageMixin, Page):
    """A seminar, conference or ceremony, with its invitation (giấy mời)."""

    class Kind(models.TextChoices):
        SEMINAR = "hoi-thao", _("Hội thảo")
        CONFERENCE = "hoi-nghi", _("Hội nghị")
        ROUND_TABLE = "toa-dam", _("Tọa đàm")
        CEREMONY = "le", _("Lễ")
        TRAINING = "tap-huan", _("Tập huấn")

    kind = models.CharField("loại sự kiện", max_length=20, choices=Kind, default=Kind.SEMINAR)
    starts_at = models.DateTimeField("bắt đầu")
    ends_at = models.DateTimeField("kết thúc", null=True, blank=True)
    place = models.CharField("địa điểm", max_length=255)
    summary = models.TextField("tóm tắt", blank=True)
    invitation = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="giấy mời",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name="nội dung")
    registration_open = models.BooleanField("nhận đăng ký tham dự", default=True)

    parent_page_types = ["cms.EventIndexPage"]
    subpage_types: list[str] = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("starts_at"),
        FieldPanel("ends_at"),
        FieldPanel("place"),
        FieldPanel("summary"),
        FieldPanel("invitation"),
        FieldPanel("registration_open"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        *folded_search_fields(),
        index.SearchField("summary"),
        index.SearchField("place"),
        index.FilterField("starts_at"),
    ]
    api_fields = [
        APIField("kind"),
        APIField("starts_at"),
        APIField("ends_at"),
        APIField("place"),
        APIField("summary"),
        APIField("body"),
    ]

    class Meta:
        verbose_name = "sự kiện"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
            )
        ]

    def get_context(self, request, *args, **kwargs):
        from cms.forms import EventRegistrationForm

        context = super().get_context(request, *args, **kwargs)
        context["registration_form"] = kwargs.get("registration_form") or EventRegistrationForm()
        return context
