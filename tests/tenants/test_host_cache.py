"""The host → union cache (tenants.routing): no query on a hit, and every change of a
union's status or domains is seen by the very next request, in this process
and in another one."""

import urllib.error
import urllib.request

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.lifecycle import union_set_status
from tenants.models import Domain, Union
from tenants.routing import VERSION_SQL
from tenants.selectors import union_for_host, union_host
from tenants.services import union_create

pytestmark = pytest.mark.usefixtures("committed")


def _other_connection() -> psycopg.Connection:
    """A second session, as another web process or an operator's psql would be."""
    params = {
        key: value
        for key, value in connection.get_connection_params().items()
        if key not in ("cursor_factory", "context")
    }
    return psycopg.connect(**params, autocommit=True)


@pytest.fixture
def fresh_union(fresh_subdomain) -> Union:
    return union_create(
        schema_name=fresh_subdomain, name="Liên hiệp Hội Bộ đệm", use_warm_pool=False
    )


def test_a_hit_reads_only_the_version_and_a_change_elsewhere_is_seen_at_once(fresh_union):
    host = union_host(fresh_union.schema_name)
    assert union_for_host(host).status == Union.Status.ACTIVE
    with CaptureQueriesContext(connection) as hit:
        again = union_for_host(host)
    # At most the version (none when it rides on Django's per-request connection check).
    assert [q["sql"] for q in hit] in ([], [VERSION_SQL])
    assert again.schema_name == fresh_union.schema_name
    with _other_connection() as other:
        for status in ["suspended", "active", "archived", "active"]:
            other.execute(
                "UPDATE tenants_union SET status = %s WHERE id = %s", [status, fresh_union.pk]
            )
            # No wait: the very next lookup must see it.
            assert union_for_host(host).status == status
        other.execute(
            "UPDATE tenants_domain SET domain = 'doi-ten.' || domain WHERE tenant_id = %s",
            [fresh_union.pk],
        )
        assert union_for_host(host) is None
        other.execute(
            "UPDATE tenants_domain SET domain = substr(domain, 9) WHERE tenant_id = %s",
            [fresh_union.pk],
        )
        assert union_for_host(host).schema_name == fresh_union.schema_name
        # And with no change, the next lookup is a hit again.
        union_for_host(host)
        with CaptureQueriesContext(connection) as hit:
            union_for_host(host)
        assert [q["sql"] for q in hit] in ([], [VERSION_SQL])


def test_a_rolled_back_change_is_never_remembered(fresh_union):
    host = union_host(fresh_union.schema_name)
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        Union.objects.filter(pk=fresh_union.pk).update(status=Union.Status.SUSPENDED)
        assert union_for_host(host).status == Union.Status.SUSPENDED  # inside: no cache
        raise RuntimeError("rollback")
    assert union_for_host(host).status == Union.Status.ACTIVE


def _get(port: str, host: str, path: str = "/") -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_another_process_refuses_a_suspended_union_on_its_next_request(site_server, fresh_union):
    """The server is another process with its own cache; the status changes here."""
    host = union_host(fresh_union.schema_name)
    for _ in range(3):  # warm that process's cache for this host
        assert _get(site_server, host)[0] == 200
    for _ in range(5):
        union_set_status(union=fresh_union, status=Union.Status.SUSPENDED, actor="kiểm thử")
        status, body = _get(site_server, host)  # no wait
        assert status == 503 and "tạm ngừng" in body
        union_set_status(union=fresh_union, status=Union.Status.ACTIVE, actor="kiểm thử")
        assert _get(site_server, host)[0] == 200
    # A domain taken away is a 404 on the next request; given back, served again.
    Domain.objects.filter(tenant=fresh_union).update(domain="khac.example.vn")
    assert _get(site_server, host)[0] == 404
    Domain.objects.filter(tenant=fresh_union).update(domain=host)
    assert _get(site_server, host)[0] == 200
