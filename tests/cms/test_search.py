"""Search ignores accents and case, finds numbers as typed and ranks titles first."""

import datetime
import re

from django.apps import apps
from django_tenants.utils import schema_context
from wagtail.models import Page

from cms.models import NewsArticlePage, OfficialDocument
from cms.selectors import documents_filtered
from lhh.web.schema_scope import UnionPageMixin
from lhh.web.search import FOLDED_TEXT, FOLDED_TITLE


def _result_titles(client, query: str) -> list[str]:
    html = client.get("/tim-kiem/", {"q": query}).content.decode()
    return re.findall(r'<h2 class="h3"><a href="[^"]*">([^<]*)</a></h2>', html)


def test_accents_and_case_do_not_matter_and_titles_come_first(union_a, union_b):
    with schema_context(union_a.schema_name):
        index = Page.objects.get(slug="tin-tuc")
        index.add_child(
            instance=NewsArticlePage(
                title="Hội nghị tổng kết năm",
                summary="Trong đó có ba đợt tư vấn phản biện các dự án giao thông.",
            )
        )
        index.add_child(instance=NewsArticlePage(title="Tư vấn phản biện đề án quy hoạch"))
    client = union_a.client()
    accented = _result_titles(client, "phản biện")
    assert accented == ["Tư vấn phản biện đề án quy hoạch", "Hội nghị tổng kết năm"]
    assert _result_titles(client, "phan bien") == accented
    assert _result_titles(client, "PHẢN BIỆN") == accented
    assert _result_titles(client, "Phan Bien quy hoach") == ["Tư vấn phản biện đề án quy hoạch"]
    # B's readers search B only.
    assert _result_titles(union_b.client(), "phan bien") == []


def test_a_document_is_found_by_its_number_and_its_abstract_without_accents(union_a):
    with schema_context(union_a.schema_name):
        wanted = OfficialDocument.objects.create(
            number="156/BC-LHH",
            kind=OfficialDocument.Kind.REPORT,
            issuing_body="Liên hiệp Hội",
            issued_on=datetime.date(2021, 6, 30),
            abstract="Báo cáo sơ kết công tác 6 tháng đầu năm",
        )
        OfficialDocument.objects.create(
            number="157/KH-LHH",
            kind=OfficialDocument.Kind.PLAN,
            issuing_body="Liên hiệp Hội",
            issued_on=datetime.date(2021, 7, 2),
            abstract="Kế hoạch tập huấn",
        )
        assert list(documents_filtered(kind="", year="", query="156/BC-LHH")) == [wanted]
        assert list(documents_filtered(kind="", year="", query="156/bc-lhh")) == [wanted]
        assert list(documents_filtered(kind="", year="", query="so ket cong tac")) == [wanted]


def test_every_union_page_type_indexes_its_folded_text():
    page_types = [
        model
        for model in apps.get_app_config("cms").get_models()
        if issubclass(model, UnionPageMixin)
    ]
    assert page_types
    for model in page_types:
        names = {field.field_name for field in model.search_fields}
        assert {FOLDED_TITLE, FOLDED_TEXT} <= names, model.__name__


def test_each_document_has_its_own_page_and_only_in_its_union(union_a, union_b):
    from cms.models import DocumentRegisterPage, HomePage

    for union in (union_a, union_b):
        with schema_context(union.schema_name):
            HomePage.objects.get().add_child(instance=DocumentRegisterPage(title="Văn bản"))
    with schema_context(union_a.schema_name):
        document = OfficialDocument.objects.create(
            number="156/BC-LHH",
            kind=OfficialDocument.Kind.REPORT,
            issuing_body="Liên hiệp Hội tỉnh A",
            signatory="Nguyễn Văn Bình",
            issued_on=datetime.date(2021, 6, 30),
            effective_on=datetime.date(2021, 7, 1),
            abstract="Báo cáo sơ kết công tác 6 tháng đầu năm",
        )
    register = union_a.client().get("/van-ban/").content.decode()
    assert f'<a href="/van-ban/{document.pk}/">156/BC-LHH</a>' in register
    page = union_a.client().get(f"/van-ban/{document.pk}/").content.decode()
    for fact in ("Báo cáo số 156/BC-LHH", "30/06/2021", "01/07/2021", "Còn hiệu lực"):
        assert fact in page, fact
    assert "Nguyễn Văn Bình" in page and "Liên hiệp Hội tỉnh A" in page
    other = union_b.client().get(f"/van-ban/{document.pk}/")
    assert "156/BC-LHH" not in other.content.decode()
