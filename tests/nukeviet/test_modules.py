"""A site running a second copy of the news module, with an old install's `_bodyhtml_N` bodies
and a per-category copy of its rows (which must not be imported twice)."""

from django_tenants.utils import schema_context

from cms.models import NewsArticlePage, NewsIndexPage
from cms.nukeviet.models import NukeVietLink
from cms.nukeviet.services import import_from_paths
from cms.nukeviet.staging import StagedDump
from tests.nukeviet.dumps import HEADER, TABLES, TRAILER, article_rows, write

SECOND = """
CREATE TABLE `nv4_vi_tinkh_cat` (
  `catid` int(11) NOT NULL,
  `parentid` int(11) NOT NULL,
  `title` varchar(250) NOT NULL,
  `alias` varchar(250) NOT NULL,
  `weight` int(11) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `nv4_vi_tinkh_cat` VALUES (1,0,'Khoa học phổ thông','khoa-hoc-pho-thong',1);
CREATE TABLE `nv4_vi_tinkh_bodyhtml_1` (
  `id` int(11) NOT NULL,
  `bodyhtml` longtext NOT NULL,
  `sourcetext` varchar(255) DEFAULT ''
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `nv4_vi_tinkh_bodyhtml_1` VALUES (1,'<p>Thân bài kiểu cũ của bài khoa học.</p>','');
"""


def _dump() -> str:
    first = article_rows([{"id": 1, "title": "Bài tin thường", "alias": "bai-tin-thuong"}])
    second_rows = article_rows(
        [{"id": 1, "title": "Bài khoa học số một", "alias": "bai-khoa-hoc-so-mot"}]
    ).split("INSERT INTO `nv4_vi_news_detail`")[0]
    second_tables = TABLES.split("CREATE TABLE `nv4_vi_news_rows`")[1].split(
        "CREATE TABLE `nv4_vi_news_detail`"
    )[0]
    per_category_copy = "CREATE TABLE `nv4_vi_tinkh_1`" + second_tables
    text = (
        HEADER
        + TABLES.replace("{category}", "Hoạt động")
        + first
        + SECOND
        + "CREATE TABLE `nv4_vi_tinkh_rows`"
        + second_tables
        + second_rows.replace("nv4_vi_news_rows", "nv4_vi_tinkh_rows")
        + per_category_copy
        + second_rows.replace("nv4_vi_news_rows", "nv4_vi_tinkh_1")
        + "INSERT INTO `nv4_vi_modules` VALUES "
        "('tin-khoa-hoc','news','tinkh','tinkh','Tin khoa học',2);\n" + TRAILER
    )
    return text


def test_a_second_news_module_with_old_bodies(union_a, tmp_path):
    dump = write(tmp_path / "two.sql", _dump())
    staged = StagedDump.load(dump_path=str(dump), sqlite_path=tmp_path / "staged.sqlite3")
    assert "nv4_vi_tinkh_bodyhtml_1" in staged.columns
    assert "nv4_vi_tinkh_1" not in staged.columns
    staged.close()
    with schema_context(union_a.schema_name):
        report = import_from_paths(dump_path=str(dump))
        assert report.created["article"] == 2
        first = NukeVietLink.objects.get(kind="article", module="news", nv_id="1")
        second = NukeVietLink.objects.get(kind="article", module="tin-khoa-hoc", nv_id="1")
        assert first.object_id != second.object_id
        science = NewsArticlePage.objects.get(pk=second.object_id)
        assert science.title == "Bài khoa học số một"
        assert "Thân bài kiểu cũ" in str(science.body.get_prep_value())
        assert science.category.name == "Khoa học phổ thông"
        index = science.get_parent().specific
        assert isinstance(index, NewsIndexPage) and index.title == "Tin khoa học"
        first_url = NewsArticlePage.objects.get(pk=first.object_id).url
    client = union_a.client()
    # The op_mod module's URLs have no prefix; the second module's keep theirs.
    assert client.get("/hoat-dong/bai-tin-thuong-1.html")["Location"] == first_url
    assert (
        client.get("/tin-khoa-hoc/khoa-hoc-pho-thong/bai-khoa-hoc-so-mot-1.html")["Location"]
        == science.url
    )
    assert (
        client.get("/index.php?language=vi&nv=tin-khoa-hoc&op=khoa-hoc-pho-thong/x-1")["Location"]
        == science.url
    )
