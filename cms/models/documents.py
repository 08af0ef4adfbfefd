from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from lhh.web.schema_scope import UnionPageMixin
from lhh.web.search import FoldedSearchMixin, folded_search_fields


class OfficialDocument(FoldedSearchMixin, index.Indexed, models.Model):
    """An entry of the documents register (văn bản)."""

    class Kind(models.TextChoices):
        DECISION = "quyet-dinh", _("Quyết định")
        PLAN = "ke-hoach", _("Kế hoạch")
        REPORT = "bao-cao", _("Báo cáo")
        NOTICE = "thong-bao", _("Thông báo")
        OFFICIAL_LETTER = "cong-van", _("Công văn")
        INVITATION = "giay-moi", _("Giấy mời")
        CHARTER = "dieu-le", _("Điều lệ")
        OTHER = "khac", _("Văn bản khác")

    number = models.CharField("số hiệu", max_length=100)
    kind = models.CharField("loại văn bản", max_length=20, choices=Kind, default=Kind.OTHER)
    issuing_body = models.CharField("cơ quan ban hành", max_length=255)
    signatory = models.CharField("người ký", max_length=255, blank=True)
    issued_on = models.DateField("ngày ban hành")
    effective_on = models.DateField("ngày hiệu lực", null=True, blank=True)
    abstract = models.TextField("trích yếu")
    file = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="tệp đính kèm",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("number"),
        FieldPanel("kind"),
        FieldPanel("issuing_body"),
        FieldPanel("signatory"),
        FieldPanel("issued_on"),
        FieldPanel("effective_on"),
        FieldPanel("abstract"),
        FieldPanel("file"),
    ]
    search_fields = [
        index.SearchField("number"),
        index.SearchField("abstract"),
        index.SearchField("issuing_body"),
        index.SearchField("signatory"),
        index.FilterField("kind"),
        index.FilterField("issued_on"),
        *folded_search_fields(title=False),
    ]

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"

    def __str__(self) -> str:
        return f"{self.number}: {self.abstract[:80]}"

    @property
    def in_force(self) -> bool:
        """In force from its effective date (or its issue date when it names none)."""
        from django.utils import timezone

        return (self.effective_on or self.issued_on) <= timezone.localdate()


class DocumentRegisterPage(UnionPageMixin, RoutablePageMixin, Page):
    """The documents register, filterable by type and year, and searchable."""

    intro = RichTextField("giới thiệu", blank=True)

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), *folded_search_fields()]
    api_fields = [APIField("intro")]

    class Meta:
        verbose_name = "danh mục văn bản"

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        from cms.selectors import document_years, documents_filtered

        context = super().get_context(request, *args, **kwargs)
        kind = request.GET.get("loai", "")
        year = request.GET.get("nam", "")
        query = request.GET.get("q", "").strip()
        documents = documents_filtered(kind=kind, year=year, query=query)
        context.update(
            documents=Paginator(documents, 20).get_page(request.GET.get("trang")),
            kinds=OfficialDocument.Kind.choices,
            years=document_years(),
            selected_kind=kind,
            selected_year=year,
            query=query,
        )
        return context

    @path("<int:document_id>/", name="document")
    def document(self, request, document_id: int):
        """One document's own page: number, type, dates, issuer, signatory, abstract, file."""
        from django.shortcuts import get_object_or_404

        document = get_object_or_404(
            OfficialDocument.objects.select_related("file"), pk=document_id
        )
        return self.render(
            request,
            context_overrides={"document": document, "register_url": self.url},
            template="cms/official_document.html",
        )
