from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.models.blocks import BodyBlock
from cms.schema_scope import UnionPageMixin


class NewsIndexPage(UnionPageMixin, Page):
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsArticlePage"]

    class Meta:
        verbose_name = "chuyên mục tin tức"

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        from cms.selectors import news_in_index

        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(news_in_index(self), 10)
        context["articles"] = paginator.get_page(request.GET.get("trang"))
        return context


class NewsArticlePage(UnionPageMixin, Page):
    published_on = models.DateField("ngày đăng", default=timezone.localdate)
    author = models.CharField("tác giả", max_length=255, blank=True)
    summary = models.TextField("tóm tắt", blank=True)
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="ảnh đại diện",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name="nội dung")

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("published_on"),
        FieldPanel("author"),
        FieldPanel("summary"),
        FieldPanel("lead_image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("published_on"),
    ]
    api_fields = [
        APIField("published_on"),
        APIField("author"),
        APIField("summary"),
        APIField("lead_image"),
        APIField("body"),
    ]

    class Meta:
        verbose_name = "bài tin"
        ordering = ["-published_on"]

    def get_context(self, request, *args, **kwargs):
        from cms.forms import ReaderCommentForm
        from cms.selectors import comments_published, news_other

        context = super().get_context(request, *args, **kwargs)
        context["comments"] = comments_published(article=self)
        context["comment_form"] = kwargs.get("comment_form") or ReaderCommentForm()
        context["other_news"] = news_other(article=self, limit=10)
        return context
