from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.models.blocks import BodyBlock
from cms.schema_scope import UnionPageMixin


class HomePage(UnionPageMixin, Page):
    """A union site's home: the newest news, upcoming events and key figures."""

    intro = RichTextField("lời giới thiệu", blank=True)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.StandardPage",
        "cms.NewsIndexPage",
        "cms.DocumentRegisterPage",
        "cms.EventIndexPage",
        "cms.ContestPage",
        "cms.ContactPage",
    ]
    max_count = 1
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    class Meta:
        verbose_name = "trang chủ"

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import events_upcoming, news_latest

        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = news_latest(limit=6)
        context["upcoming_events"] = events_upcoming(limit=3)
        return context


class StandardPage(UnionPageMixin, Page):
    """Introduction, functions and tasks, history, charter."""

    summary = models.TextField("tóm tắt", blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name="nội dung")

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]
    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    api_fields = [APIField("summary"), APIField("body")]

    class Meta:
        verbose_name = "trang nội dung"
