from django.db import models
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.models.blocks import BodyBlock
from lhh.web.schema_scope import UnionPageMixin
from lhh.web.search import folded_search_fields


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.NewsArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class NewsIndexPage(UnionPageMixin, RoutablePageMixin, Page):
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsArticlePage"]

    class Meta:
        verbose_name = "chuyên mục tin tức"

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        from cms.selectors import news_categories, news_in_index

        context = super().get_context(request, *args, **kwargs)
        category = request.GET.get("chuyen-muc", "")
        tag = request.GET.get("the", "")
        paginator = Paginator(news_in_index(self, category=category, tag=tag), 10)
        context.update(
            articles=paginator.get_page(request.GET.get("trang")),
            categories=news_categories(),
            selected_category=category,
            selected_tag=tag,
        )
        return context

    @path("rss/", name="rss")
    def rss(self, request):
        from cms.feeds import NewsFeed

        return NewsFeed(self)(request)


class NewsArticlePage(UnionPageMixin, Page):
    published_on = models.DateField("ngày đăng", default=timezone.localdate)
    author = models.CharField("tác giả", max_length=255, blank=True)
    category = models.ForeignKey(
        "cms.NewsCategory",
        verbose_name="chuyên mục",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    tags = ClusterTaggableManager("thẻ", through=ArticleTag, blank=True)
    is_featured = models.BooleanField("tin nổi bật", default=False)
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
        MultiFieldPanel(
            [
                FieldPanel("published_on"),
                FieldPanel("author"),
                FieldPanel("category"),
                FieldPanel("tags"),
                FieldPanel("is_featured"),
            ],
            "Thông tin bài",
        ),
        FieldPanel("summary"),
        FieldPanel("lead_image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        *folded_search_fields(),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("published_on"),
        index.FilterField("category"),
    ]
    api_fields = [
        APIField("published_on"),
        APIField("author"),
        APIField("category"),
        APIField("tags"),
        APIField("is_featured"),
        APIField("summary"),
        APIField("lead_image"),
        APIField("body"),
    ]

    class Meta:
        verbose_name = "bài tin"
        ordering = ["-published_on"]

    def get_context(self, request, *args, **kwargs):
        from cms.forms import ReaderCommentForm
        from cms.selectors import comments_published, news_neighbours, news_other, news_related

        context = super().get_context(request, *args, **kwargs)
        context["comments"] = comments_published(article=self)
        context["comment_form"] = kwargs.get("comment_form") or ReaderCommentForm()
        context["other_news"] = news_other(article=self, limit=10)
        context["related_news"] = news_related(article=self, limit=4)
        context["previous_article"], context["next_article"] = news_neighbours(article=self)
        return context
