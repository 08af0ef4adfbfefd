from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from lhh.web.schema_scope import UnionPageMixin
from lhh.web.search import folded_search_fields


class PrizeBlock(blocks.StructBlock):
    prize = blocks.CharBlock(label="Giải")
    count = blocks.IntegerBlock(label="Số lượng", min_value=0)
    winners = blocks.TextBlock(label="Đơn vị, cá nhân đoạt giải", required=False)

    class Meta:
        label = "Giải thưởng"


class RoundBlock(blocks.StructBlock):
    name = blocks.CharBlock(label="Vòng thi")
    dates = blocks.CharBlock(label="Thời gian", required=False)
    description = blocks.TextBlock(label="Mô tả", required=False)

    class Meta:
        label = "Vòng thi"


class ContestPage(UnionPageMixin, Page):
    """A contest or award edition: fields, rounds, prizes and results."""

    edition = models.CharField("lần/kỳ tổ chức", max_length=100, blank=True)
    intro = RichTextField("giới thiệu", blank=True)
    fields_of_entry = models.TextField("lĩnh vực dự thi", blank=True)
    rounds = StreamField([("round", RoundBlock())], blank=True, verbose_name="các vòng thi")
    prizes = StreamField([("prize", PrizeBlock())], blank=True, verbose_name="cơ cấu giải")
    entries_count = models.PositiveIntegerField("số giải pháp dự thi", null=True, blank=True)
    results = RichTextField("kết quả", blank=True)
    # The contest counts in the report of the period holding this day; its entries are
    # kept in the records (Hồ sơ hoạt động → Giải pháp dự thi).
    awarded_on = models.DateField("ngày tổng kết, trao giải", null=True, blank=True)

    # Under the home page, or gathered under a "Cuộc thi, giải thưởng" section page.
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types: list[str] = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("edition"),
        FieldPanel("intro"),
        FieldPanel("fields_of_entry"),
        FieldPanel("rounds"),
        FieldPanel("prizes"),
        FieldPanel("entries_count"),
        FieldPanel("results"),
        FieldPanel("awarded_on"),
    ]
    search_fields = [
        *Page.search_fields,
        *folded_search_fields(),
        index.SearchField("intro"),
        index.SearchField("fields_of_entry"),
        index.SearchField("results"),
    ]
    api_fields = [
        APIField("edition"),
        APIField("intro"),
        APIField("fields_of_entry"),
        APIField("rounds"),
        APIField("prizes"),
        APIField("entries_count"),
        APIField("results"),
    ]

    class Meta:
        verbose_name = "cuộc thi, giải thưởng"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Reverse relation of the records' entries: the winners, best prize first.
        context["winners"] = self.entries.winners()
        return context
