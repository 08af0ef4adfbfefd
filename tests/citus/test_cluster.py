"""The platform on a Citus cluster: each union's schema is a distributed schema on one
worker, the unions spread over the workers, public and the template stay on the
coordinator, and a new union (warm pool or clone) is distributed and served."""

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from tenants.citus import schema_distributed, schema_placements
from tenants.models import SpareSchema
from tenants.selectors import union_host
from tenants.services import union_create, warm_pool_refill

pytestmark = pytest.mark.citus


def _worker(node: str, database: str) -> psycopg.Connection:
    host, port = node.rsplit(":", 1)
    user = connection.settings_dict["USER"] or "postgres"
    return psycopg.connect(host=host, port=int(port), dbname=database, user=user, autocommit=True)


def test_unions_live_on_the_workers_spread_and_public_and_template_on_the_coordinator(
    cluster, union_a, union_b, demo_union
):
    schemas = [union_a.schema_name, union_b.schema_name, demo_union.schema_name]
    placements = schema_placements()
    assert set(schemas) <= set(placements)
    assert {placements[name].node for name in schemas} == set(cluster)
    assert "template" not in placements and "public" not in placements
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
        )
        assert cursor.fetchone()[0] == 0  # the registry and the national layer stay local


def test_a_unions_rows_are_on_its_worker_only(cluster, union_a, union_b):
    """A's pages are in a shard on A's worker, with A's sentinel and not B's; the other
    worker holds no shard of A."""
    node_a = schema_placements([union_a.schema_name])[union_a.schema_name].node
    database = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shard_name FROM citus_shards WHERE table_name = %s::regclass",
            [f"{union_a.schema_name}.wagtailcore_page"],
        )
        [(shard,)] = cursor.fetchall()
    for node in cluster:
        with _worker(node, database) as worker:
            exists = worker.execute("SELECT to_regclass(%s) IS NOT NULL", [shard]).fetchone()[0]
            assert exists == (node == node_a), node
            if exists:
                titles = {row[0] for row in worker.execute(f"SELECT title FROM {shard}")}
                assert union_a.sentinel_title in titles
                assert union_b.sentinel_title not in titles


def test_union_list_names_each_unions_worker(cluster, union_a, union_b, capsys):
    call_command("union_list")
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    placements = schema_placements()
    for test_union in (union_a, union_b):
        assert placements[test_union.schema_name].node in lines[test_union.schema_name]


@pytest.mark.parametrize("use_warm_pool", [True, False], ids=["warm-pool", "clone"])
def test_a_new_union_is_distributed_and_serves_only_its_own_site(
    cluster, union_pair, fresh_subdomain, use_warm_pool
):
    union_a = union_pair[0]  # not the `union_a` fixture: this test commits
    if use_warm_pool:
        warm_pool_refill(size=1)
        assert SpareSchema.objects.exists()
        spare = SpareSchema.objects.first().schema_name
    union = union_create(
        schema_name=fresh_subdomain, name="Liên hiệp Hội Mới", use_warm_pool=use_warm_pool
    )
    if use_warm_pool:
        assert not SpareSchema.objects.filter(schema_name=spare).exists()
    assert schema_distributed(union.schema_name)
    assert schema_placements([union.schema_name])[union.schema_name].node in cluster
    page = Client(HTTP_HOST=union_host(union.schema_name)).get("/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Liên hiệp Hội Mới" in body and union_a.sentinel_title not in body
    news_a = union_a.client().get("/api/v1/news/").json()
    assert union_a.sentinel_title in [item["title"] for item in news_a["results"]]
