from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.schema_scope import NationalPageMixin


class NationalHomePage(NationalPageMixin, Page):
    """The national host's home: every active union, with a link to its site."""

    intro = RichTextField("lời giới thiệu", blank=True)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types: list[str] = []
    max_count = 1
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = "trang chủ trung ương"

    def get_context(self, request, *args, **kwargs):
        from lhh.national.selectors import union_directory_public

        context = super().get_context(request, *args, **kwargs)
        context["unions"] = union_directory_public()
        return context
