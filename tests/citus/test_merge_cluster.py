"""A merger on the cluster: the absorbed union's schema sits on one worker, the absorbing
union's on the other. `union_merge` moves the absorbed schema to the absorbing one's
worker, copies there (each statement whole on that worker), and switches; a third union
on the cluster is never touched."""

import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from cms.models import NewsArticlePage, StandardPage
from tenants.citus import schema_placements
from tenants.models import Union, UnionMerge, UnionMergeMap
from tenants.placement import union_move
from tenants.selectors import union_host
from tests.merging.conftest import Pair, pair_made
from tests.merging.content import row_counts

pytestmark = pytest.mark.citus


@pytest.fixture
def pair(cluster, committed) -> Iterator[Pair]:
    """Hải Dương's union (absorbed) and Hải Phòng's (absorbing), on different workers."""
    with pair_made() as made:
        names = [made.absorbed.schema_name, made.absorbing.schema_name]
        placements = schema_placements(names)
        if placements[names[0]].node == placements[names[1]].node:
            away = next(n for n in cluster if n != placements[names[1]].node)
            union_move(union=made.absorbed, to=away)
        yield made


def test_a_merge_between_two_workers_moves_copies_and_switches(pair, union_pair):
    absorbed, absorbing = pair.absorbed, pair.absorbing
    third = union_pair[1]
    names = [absorbed.schema_name, absorbing.schema_name]
    before = schema_placements(names)
    assert before[names[0]].node != before[names[1]].node
    third_before = row_counts(third.schema_name)

    out = io.StringIO()
    call_command("union_merge", absorbed.schema_name, "--into", absorbing.schema_name, stdout=out)
    assert "Đã sáp nhập" in out.getvalue()

    merge = UnionMerge.objects.get(absorbed=absorbed)
    assert merge.state == UnionMerge.State.DONE, merge.error
    absorbed.refresh_from_db()
    assert absorbed.status == Union.Status.MERGED and absorbed.merged_into == absorbing
    # The absorbed schema went to the absorbing one's worker; the absorbing one stayed.
    after = schema_placements(names)
    assert after[names[0]].node == after[names[1]].node == before[names[1]].node
    # The work map is in public now, and gone from the union's schema.
    assert UnionMergeMap.objects.filter(merge=merge, table="wagtailcore_page").count() >= 5
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"{absorbing.schema_name}.lhh_merge_map"])
        assert cursor.fetchone()[0] is None

    with schema_context(absorbing.schema_name):
        moved = NewsArticlePage.objects.get(title="Hội thảo khoa học Hải Dương")
        assert moved.url_path.endswith(f"/{absorbed.schema_name}/tin-tuc/hoi-thao/")
        assert moved.category.slug == "hoat-dong" and moved.lead_image.file.name.startswith(
            f"sap-nhap/{absorbed.schema_name}/"
        )
        # The moved rows took their ids from the coordinator's sequences: a page written
        # on the absorbing site after the merge gets a fresh one.
        home = moved.get_parent().get_parent()
        later = home.add_child(instance=StandardPage(title="Trang sau sáp nhập", slug="sau"))
        assert later.pk > max(
            UnionMergeMap.objects.filter(merge=merge, table="wagtailcore_page").values_list(
                "new_id", flat=True
            )
        )

    new_host = union_host(absorbing.schema_name)
    page = Client(HTTP_HOST=new_host).get(f"/{absorbed.schema_name}/tin-tuc/hoi-thao/")
    assert page.status_code == 200 and "Hội thảo khoa học Hải Dương" in page.content.decode()
    assert third.sentinel_title not in page.content.decode()
    old = Client(HTTP_HOST=union_host(absorbed.schema_name)).get("/tin-tuc/hoi-thao/")
    assert old.status_code == 301
    assert old["Location"] == f"http://{new_host}/{absorbed.schema_name}/tin-tuc/hoi-thao/"
    assert row_counts(third.schema_name) == third_before
