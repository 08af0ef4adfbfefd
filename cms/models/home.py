from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.models.blocks import BodyBlock, KeyFigureBlock
from lhh.web.schema_scope import UnionPageMixin
from lhh.web.search import folded_search_fields


class HomePage(UnionPageMixin, Page):
    """A union site's home: the newest news, upcoming events and key figures."""

    intro = RichTextField("lời giới thiệu", blank=True)
    key_figures = StreamField(
        [("figure", KeyFigureBlock())], blank=True, verbose_name="số liệu nổi bật"
    )

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.StandardPage",
        "cms.OrganisationPage",
        "cms.NewsIndexPage",
        "cms.DocumentRegisterPage",
        "cms.EventIndexPage",
        "cms.ContestPage",
        "cms.ContactPage",
    ]
    max_count = 1
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("key_figures")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), *folded_search_fields()]
    api_fields = [APIField("intro"), APIField("key_figures")]

    class Meta:
        verbose_name = "trang chủ"

    def get_context(self, request, *args, **kwargs):
        from cms.records.selectors import home_figures
        from cms.selectors import (
            banners_active,
            events_upcoming,
            links_quick,
            news_by_category,
            news_featured,
            news_latest,
        )

        context = super().get_context(request, *args, **kwargs)
        featured = list(news_featured(limit=3, locale_id=self.locale_id))
        context.update(
            featured_news=featured,
            # From the records when there are any; the typed figures only until then.
            record_figures=home_figures(),
            # "Tin mới" goes on below the featured stories instead of repeating them.
            latest_news=news_latest(
                limit=6, locale_id=self.locale_id, excluding=[article.pk for article in featured]
            ),
            news_by_category=news_by_category(per_category=4, locale_id=self.locale_id),
            upcoming_events=events_upcoming(limit=3, locale_id=self.locale_id),
            banners=banners_active(),
            quick_links=links_quick(),
        )
        return context


class StandardPage(UnionPageMixin, Page):
    """Introduction, functions and tasks, history, charter; or a section that lists the pages
    under it (e.g. "Cuộc thi, giải thưởng" over each contest)."""

    summary = models.TextField("tóm tắt", blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name="nội dung")

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage", "cms.OrganisationPage", "cms.ContestPage"]
    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        *folded_search_fields(),
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    api_fields = [APIField("summary"), APIField("body")]

    class Meta:
        verbose_name = "trang nội dung"

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import section_children

        context = super().get_context(request, *args, **kwargs)
        context["children"] = section_children(self)
        return context
