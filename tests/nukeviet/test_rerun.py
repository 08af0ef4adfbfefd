"""Re-running with the same or a newer dump adds what is new and updates what changed."""

import gzip

from django_tenants.utils import schema_context
from wagtail.images import get_image_model

from cms.models import NewsArticlePage, ReaderComment
from cms.nukeviet.models import NukeVietLink
from cms.nukeviet.services import import_from_paths
from tests.nukeviet.conftest import DUMP, UPLOADS

NEW_ROW = (
    "INSERT INTO `nv4_vi_news_rows` VALUES (60,8,'8',0,1,'',0,1796200000,1796200000,1,30,"
    "1796200000,0,2,'Bài mới sau lần nhập đầu','bai-moi-sau-lan-nhap-dau','Tóm tắt bài mới.',"
    "'','',0,1,'4',1,0,0,0,0,0,0,'',0);\n"
    "INSERT INTO `nv4_vi_news_detail` VALUES (60,'','','<p>Bài mới liên kết tới "
    "<a href=\\\"/thong-bao/x-42.html\\\">thông báo</a>.</p>','','','','',1,'',0,1,1,1);\n"
)


def _newer_dump(tmp_path) -> str:
    text = gzip.decompress(DUMP.read_bytes()).decode("utf-8")
    old_title = "Tập huấn kỹ thuật trồng và chăm sóc cây vải thiều theo tiêu chuẩn VietGAP"
    assert old_title in text
    text = text.replace(
        old_title, "Tập huấn (cập nhật) trồng và chăm sóc cây vải thiều theo VietGAP"
    )
    text = text.replace("-- Dump completed", NEW_ROW + "-- Dump completed")
    path = tmp_path / "newer.sql"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_rerun_never_duplicates_and_picks_up_changes(union_a, tmp_path):
    with schema_context(union_a.schema_name):
        import_from_paths(dump_path=str(DUMP), uploads_path=str(UPLOADS))
        pages = NewsArticlePage.objects.count()
        images = get_image_model().objects.count()
        links = NukeVietLink.objects.count()

        again = import_from_paths(dump_path=str(DUMP), uploads_path=str(UPLOADS))
        assert sum(again.created.values()) == 0
        assert sum(again.updated.values()) == 0
        assert again.unchanged["article"] == 27 and again.unchanged["comment"] == 4
        assert NewsArticlePage.objects.count() == pages
        assert get_image_model().objects.count() == images
        assert NukeVietLink.objects.count() == links
        assert ReaderComment.objects.count() == 4

        newer = import_from_paths(dump_path=_newer_dump(tmp_path), uploads_path=str(UPLOADS))
        assert newer.created["article"] == 1
        assert newer.updated["article"] == 1
        assert newer.unchanged["article"] == 26
        assert NewsArticlePage.objects.count() == pages + 1
        updated = NukeVietLink.objects.get(kind="article", nv_id="44")
        assert NewsArticlePage.objects.get(pk=updated.object_id).title.startswith(
            "Tập huấn (cập nhật)"
        )
        assert get_image_model().objects.count() == images
