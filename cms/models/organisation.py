from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from lhh.web.schema_scope import UnionPageMixin
from lhh.web.search import folded_search_fields

MEMBER_ORGANISATION_KINDS = [
    ("hoi-thanh-vien", "Hội thành viên"),
    ("hoi-vien-tap-the", "Hội viên tập thể"),
    ("truc-thuoc", "Trung tâm, viện trực thuộc"),
    ("lien-ket", "Đơn vị liên kết"),
    ("cau-lac-bo", "Câu lạc bộ"),
]


class MemberOrganisationBlock(blocks.StructBlock):
    name = blocks.CharBlock(label="Tên tổ chức")
    kind = blocks.ChoiceBlock(label="Loại", choices=MEMBER_ORGANISATION_KINDS)
    field = blocks.CharBlock(label="Lĩnh vực", required=False)
    members = blocks.IntegerBlock(label="Số hội viên", required=False, min_value=0)

    class Meta:
        label = "Tổ chức thành viên"


class PersonBlock(blocks.StructBlock):
    name = blocks.CharBlock(label="Họ và tên")
    position = blocks.CharBlock(label="Chức vụ trong Liên hiệp Hội")
    title = blocks.CharBlock(label="Học hàm, học vị, chức danh", required=False)

    class Meta:
        label = "Thành viên"


class CommitteeBlock(blocks.StructBlock):
    name = blocks.ChoiceBlock(
        label="Cơ quan",
        choices=[
            ("thuong-truc", "Thường trực"),
            ("ban-thuong-vu", "Ban Thường vụ"),
            ("ban-chap-hanh", "Ban Chấp hành"),
            ("uy-ban-kiem-tra", "Ủy ban Kiểm tra"),
        ],
    )
    size = blocks.IntegerBlock(label="Số ủy viên", required=False, min_value=0)
    members = blocks.ListBlock(PersonBlock(), label="Thành viên", required=False)

    class Meta:
        label = "Cơ quan lãnh đạo"


class OrganisationPage(UnionPageMixin, Page):
    """Member organisations and leadership, kept by hand until the records take over."""

    intro = RichTextField("giới thiệu", blank=True)
    term = models.CharField("nhiệm kỳ", max_length=100, blank=True)
    committees = StreamField(
        [("committee", CommitteeBlock())], blank=True, verbose_name="cơ quan lãnh đạo"
    )
    organisations = StreamField(
        [("organisation", MemberOrganisationBlock())], blank=True, verbose_name="tổ chức thành viên"
    )

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types: list[str] = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("term"),
        FieldPanel("committees"),
        FieldPanel("organisations"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), *folded_search_fields()]
    api_fields = [
        APIField("intro"),
        APIField("term"),
        APIField("committees"),
        APIField("organisations"),
    ]

    class Meta:
        verbose_name = "trang tổ chức"

    def get_context(self, request, *args, **kwargs):
        from cms.records.selectors import leadership_current, organisations_with_latest_count

        context = super().get_context(request, *args, **kwargs)
        # The union's records, once kept, are the truth; the hand-kept lists are a fallback.
        context["record_organisations"] = organisations_with_latest_count()
        context["record_leadership"] = leadership_current()
        return context

    def organisation_rows(self) -> list[dict]:
        labels = dict(MEMBER_ORGANISATION_KINDS)
        return [
            {**block.value, "kind": labels.get(block.value["kind"], block.value["kind"])}
            for block in self.organisations
        ]

    def member_totals(self) -> dict[str, int]:
        """Counts by kind and the members in all, derived from the list, never typed in."""
        totals: dict[str, int] = {"members": 0}
        for block in self.organisations:
            kind = block.value["kind"]
            totals[kind] = totals.get(kind, 0) + 1
            totals["members"] += block.value.get("members") or 0
        return totals
