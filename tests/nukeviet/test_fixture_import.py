"""The real NukeViet 4.5.05 export of Hải Dương's union (MANIFEST.md) imported into union A."""

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django_tenants.utils import schema_context
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cms.models import (
    NewsArticlePage,
    NewsCategory,
    OfficialDocument,
    ReaderComment,
    StandardPage,
)
from cms.nukeviet.models import NukeVietLink
from tests.nukeviet.conftest import FIXTURE

REFERENCE = FIXTURE / "reference"
OLD = "http://lhhhaiduong.test"
ARTICLE_25 = (
    "/hoat-dong-lien-hiep-hoi/ky-niem-20-nam-thanh-lap-lien-hiep-cac-hoi-khoa-hoc-va-ky-thuat-"
    "tinh-hai-duong-2001-2021-25.html"
)


def _article(nv_id: int) -> NewsArticlePage:
    link = NukeVietLink.objects.get(kind="article", module="news", nv_id=str(nv_id))
    return NewsArticlePage.objects.get(pk=link.object_id)


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _sitemap_paths(name: str) -> list[str]:
    text = (REFERENCE / name).read_text()
    return [urlsplit(url).path for url in re.findall(r"<loc>([^<]+)</loc>", text)]


def test_counts_match_the_manifest(imported_a, union_a):
    with schema_context(union_a.schema_name):
        articles = NewsArticlePage.objects.filter(
            pk__in=NukeVietLink.objects.filter(kind="article").values("object_id")
        )
        assert articles.count() == 27
        assert articles.live().count() == 25
        scheduled = _article(42)
        assert not scheduled.live and scheduled.go_live_at == dt.datetime(
            2027, 1, 15, 7, 0, tzinfo=dt.UTC
        )
        assert scheduled.get_latest_revision().approved_go_live_at == scheduled.go_live_at
        assert not _article(59).live and _article(59).go_live_at is None
        assert (
            NewsCategory.objects.filter(
                pk__in=NukeVietLink.objects.filter(kind="category").values("object_id")
            ).count()
            == 6
        )
        pages = NukeVietLink.objects.filter(kind="page")
        assert pages.filter(module="about").count() == 3
        assert pages.filter(module="siteterms").count() == 2
        intro = StandardPage.objects.get(slug="gioi-thieu", depth=3)
        assert StandardPage.objects.child_of(intro).filter(title="Cơ cấu tổ chức").exists()
        assert OfficialDocument.objects.count() == 8
        assert OfficialDocument.objects.filter(file__isnull=False).count() == 8
        comments = ReaderComment.objects.all()
        assert comments.count() == 4
        assert comments.filter(status="approved").count() == 3
        assert comments.filter(status="pending").count() == 1
    assert imported_a.statuses == {"published": 25, "scheduled": 1, "draft": 1}


def test_pages_are_written_in_bulk_yet_the_tree_and_search_are_whole(imported_a, union_a):
    from wagtail.models import Page

    with schema_context(union_a.schema_name):
        assert all(not problems for problems in Page.find_problems())
        index = _article(25).get_parent()
        assert index.numchild == index.get_children().count()
        assert _article(25).url == f"{index.url}{_article(25).slug}/"
    found = union_a.client().get("/tim-kiem/", {"q": "vải thiều VietGAP"}).content.decode()
    assert "Tập huấn kỹ thuật trồng và chăm sóc cây vải thiều" in found


def test_fields_dates_authors_tags_and_escaping(imported_a, union_a):
    with schema_context(union_a.schema_name):
        first = _article(16)
        # publtime 1547800200 = 2019-01-18 08:30Z, 15:30 in Hà Nội.
        assert first.first_published_at == dt.datetime(2019, 1, 18, 8, 30, tzinfo=dt.UTC)
        assert first.published_on == dt.date(2019, 1, 18)
        assert _article(43).title.endswith("lần thứ X (2018 - 2019)")
        assert _article(43).author == "Thu Hà"
        assert ":" in _article(55).title and "&#x3A;" not in _article(55).title
        assert "KH&CN" in _article(57).title
        assert set(_article(43).tags.names()) == {"Hội thi", "sáng tạo kỹ thuật"}
        member_news = _article(56)
        assert member_news.category.name == "Hoạt động Hội thành viên"
        assert OfficialDocument.objects.filter(number="45/QĐ-LHH", kind="quyet-dinh").exists()
        decision = OfficialDocument.objects.get(number="45/QĐ-LHH")
        assert decision.issuing_body == "Liên hiệp các Hội KH&KT tỉnh Hải Dương"
        assert decision.signatory == "Nguyễn Văn A"
        assert decision.file.file.name.endswith(".pdf")
        comment = ReaderComment.objects.get(name="Trần Văn Bình")
        assert comment.body.startswith("Chúc mừng Liên hiệp Hội tròn 20 tuổi!")
        assert comment.created_at == dt.datetime.fromtimestamp(1796132222, tz=dt.UTC)


def test_bodies_are_clean_rich_text_with_images_tables_and_new_links(imported_a, union_a):
    with schema_context(union_a.schema_name):
        body = _article(25).body.get_prep_value()
        kinds = [block["type"] for block in body]
        assert kinds.count("image") == 2
        table = next(b for b in _article(43).body.get_prep_value() if b["type"] == "table")
        assert table["value"]["first_row_is_table_header"] is True
        # 27 links to 19: a Wagtail page link, not the old address.
        text = _dump(_article(27).body.get_prep_value())
        assert f'linktype=\\"page\\" id=\\"{_article(19).pk}\\"' in text
        assert ".html" not in text
        # 21 links to a deleted article: the words stay, the dead link goes.
        text = _dump(_article(21).body.get_prep_value())
        assert "-17.html" not in text and "Tổng kết, trao giải" in text
        # 51's PDF attachment is a Wagtail document linked from the body.
        assert 'linktype=\\"document\\"' in _dump(_article(51).body.get_prep_value())
        figure = _article(55).body.get_prep_value()
        assert any(b["type"] == "image" for b in figure)
        assert "Ủ rơm rạ bằng chế phẩm sinh học tại xã Gia Xuyên" in _dump(figure)
        for article in NewsArticlePage.objects.all():
            raw = _dump(article.body.get_prep_value()).lower()
            assert "<script" not in raw and "style=" not in raw and "<iframe" not in raw


def test_images_have_files_in_the_union_folder_and_renditions(imported_a, union_a):
    with schema_context(union_a.schema_name):
        with_lead = NewsArticlePage.objects.filter(lead_image__isnull=False)
        assert with_lead.count() == 13
        image = _article(46).lead_image
        assert "z2015623587412" in image.file.name
        path = Path(settings.MEDIA_ROOT) / union_a.schema_name / image.file.name
        assert path.is_file()
        rendition = image.get_rendition("fill-320x200")
        assert (Path(settings.MEDIA_ROOT) / union_a.schema_name / rendition.file.name).is_file()
        assert get_image_model().objects.count() >= 16
        assert get_document_model().objects.filter(file__endswith=".pdf").count() >= 9


def test_pages_render_with_comments(imported_a, union_a):
    with schema_context(union_a.schema_name):
        url = _article(25).url
    response = union_a.client().get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kỷ niệm 20 năm thành lập" in html
    assert "Trần Văn Bình" in html
    assert "spam.test@example.com" not in html and "Liên hệ 0912" not in html
    assert "<img" in html


def test_old_addresses_answer_301_to_the_new_pages(imported_a, union_a):
    client = union_a.client()
    with schema_context(union_a.schema_name):
        new_25 = _article(25).url
    for old in (
        ARTICLE_25,
        "/news" + ARTICLE_25,
        "/hoat-dong-lien-hiep-hoi/khong-dung-alias-25.html",
        "/vi" + ARTICLE_25,
        "/index.php?language=vi&nv=news&op=" + ARTICLE_25[1:-5],
        "/index.php?op=" + ARTICLE_25[1:-5] + "&nv=news&language=vi",
    ):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == new_25, old
    # Every article of the old sitemap, the home page's links and the about pages.
    for path in _sitemap_paths("sitemap-vi.news.xml") + _sitemap_paths("sitemap-vi.about.xml"):
        response = client.get(path)
        assert response.status_code == 301, path
        assert client.get(response["Location"]).status_code == 200, path
    for path in _sitemap_paths("sitemap-vi.laws.xml"):
        response = client.get(path)
        assert response.status_code == 301, path
        assert "/van-ban/?q=" in response["Location"]
        assert client.get(response["Location"]).status_code == 200
    response = client.get("/hoat-dong-lien-hiep-hoi/")
    assert (
        response.status_code == 301 and "chuyen-muc=hoat-dong-lien-hiep-hoi" in response["Location"]
    )
    response = client.get("/tag/sáng-tạo-kỹ-thuật")
    assert response.status_code == 301
    tagged = client.get(response["Location"]).content.decode()
    assert "Tổng kết, trao giải Hội thi Sáng tạo kỹ thuật" in tagged
    # The draft and a deleted article have no new page to go to.
    assert client.get("/tu-van-phan-bien/du-thao-59.html").status_code == 404
    assert client.get("/thong-bao/bai-da-xoa-17.html").status_code == 404


def test_nothing_lands_in_union_b(union_a, union_b):
    media_b = Path(settings.MEDIA_ROOT) / union_b.schema_name
    before = sorted(media_b.rglob("*")) if media_b.exists() else []
    with schema_context(union_b.schema_name):
        pages_b = NewsArticlePage.objects.count()
    from cms.nukeviet.services import import_from_paths
    from tests.nukeviet.conftest import DUMP, UPLOADS

    with schema_context(union_a.schema_name):
        import_from_paths(dump_path=str(DUMP), uploads_path=str(UPLOADS))
        assert NukeVietLink.objects.filter(kind="article").count() == 27
    with schema_context(union_b.schema_name):
        assert NukeVietLink.objects.count() == 0
        assert NewsArticlePage.objects.count() == pages_b
        assert not ReaderComment.objects.filter(name="Trần Văn Bình").exists()
        assert not OfficialDocument.objects.filter(number="45/QĐ-LHH").exists()
    assert (sorted(media_b.rglob("*")) if media_b.exists() else []) == before
    client_b = union_b.client()
    assert client_b.get(ARTICLE_25).status_code == 404
    assert client_b.get("/index.php?language=vi&nv=news&op=" + ARTICLE_25[1:-5]).status_code == 404
    assert client_b.get("/about/gioi-thieu.html").status_code == 404
