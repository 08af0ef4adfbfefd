"""The NukeViet import job on the cluster: the real Hải Dương export imported into union A,
whose schema is on a worker; union B, on the other worker, gets nothing."""

import pytest
from django_tenants.utils import schema_context

from cms.models import NewsArticlePage
from cms.nukeviet.models import NukeVietLink
from cms.nukeviet.services import import_from_paths
from tenants.citus import schema_placements
from tests.nukeviet.conftest import DUMP, UPLOADS

pytestmark = pytest.mark.citus

ARTICLE_25 = (
    "/hoat-dong-lien-hiep-hoi/ky-niem-20-nam-thanh-lap-lien-hiep-cac-hoi-khoa-hoc-va-ky-thuat-"
    "tinh-hai-duong-2001-2021-25.html"
)


def test_a_nukeviet_export_imports_into_a_union_on_a_worker(cluster, union_a, union_b):
    placements = schema_placements([union_a.schema_name, union_b.schema_name])
    assert placements[union_a.schema_name].node in cluster
    with schema_context(union_b.schema_name):
        pages_b = NewsArticlePage.objects.count()
    with schema_context(union_a.schema_name):
        report = import_from_paths(dump_path=str(DUMP), uploads_path=str(UPLOADS))
        assert report.created["article"] == 27 and not report.dry_run
        links = NukeVietLink.objects.filter(kind="article", module="news")
        assert links.count() == 27
        article = NewsArticlePage.objects.get(pk=links.get(nv_id="25").object_id)
        assert article.live
    client = union_a.client()
    response = client.get(ARTICLE_25)
    assert response.status_code == 301 and response["Location"] == article.url
    page = client.get(article.url)
    assert page.status_code == 200 and article.title in page.content.decode()
    assert union_b.sentinel_title not in page.content.decode()
    with schema_context(union_b.schema_name):
        assert NukeVietLink.objects.count() == 0
        assert NewsArticlePage.objects.count() == pages_b
