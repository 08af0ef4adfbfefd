"""A union moves to the other worker while its site is read and written, and back.

Over real HTTP (the platform's server process): two threads read union A's and union B's
news through the API, one writes A's member counts, before, during and after
`union_move`. No answer may carry the other union's content, no request may fail, the
longest wait of a write (the block window) is reported and bounded, and the last write
is there after the move.
"""

import time
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_tenants.utils import schema_context

from api.models import ApiToken
from api.services import token_create
from cms.records.models import MemberCount, MemberOrganisation
from cms.records.services import period_get_or_create
from tenants.citus import schema_placements
from tests.citus.load import SiteLoad

pytestmark = pytest.mark.citus

# Seconds of load before and after each move, so the window is measured against normal.
_SETTLE = 1.5


@pytest.fixture
def load(cluster, site_server, union_pair, committed) -> Iterator[SiteLoad]:
    # union_pair, not the union_a/union_b fixtures: those hold a test transaction, and
    # the server process must see the token and the organisation.
    union_a, union_b = union_pair
    with schema_context(union_a.schema_name):
        user = get_user_model().objects.get(username="admin")
        _row, key = token_create(user=user, name="chuyển máy chủ", scope="write")
        organisation, _ = MemberOrganisation.objects.get_or_create(name="Hội Chuyển máy chủ")
        period_get_or_create(kind="half", year=2021, half=1)
    yield SiteLoad(
        port=site_server,
        host_a=union_a.host,
        host_b=union_b.host,
        sentinel_a=union_a.sentinel_title,
        sentinel_b=union_b.sentinel_title,
        token_a=key,
        organisation_a=organisation.pk,
    )
    # Committed rows in A would change what A's other tests count.
    with schema_context(union_a.schema_name):
        MemberCount.objects.filter(organisation=organisation).delete()
        organisation.delete()
        ApiToken.objects.filter(name="chuyển máy chủ").delete()


def test_a_union_moves_live_with_no_wrong_or_failed_answer(cluster, load, union_pair, capsys):
    schema = union_pair[0].schema_name
    home = schema_placements([schema])[schema].node
    away = next(node for node in cluster if node != home)
    windows = []
    load.start()
    try:
        for target in (away, home):
            time.sleep(_SETTLE)
            started = time.monotonic()
            call_command("union_move", schema, "--to", target)
            ended = time.monotonic()
            assert schema_placements([schema])[schema].node == target
            windows.append((ended - started, load.longest_write(started, ended)))
        time.sleep(_SETTLE)
    finally:
        load.stop()
    by_kind = {
        kind: [a for a in load.answers if a.kind == kind]
        for kind in ("read-a", "read-b", "write-a")
    }
    for kind, answers in by_kind.items():
        assert len(answers) > 10, f"too few {kind} requests to show anything: {len(answers)}"
    failed = [a for a in load.answers if a.status not in (200, 201)]
    assert failed == [], failed[:5]
    assert load.wrong() == [], load.wrong()[:5]
    with schema_context(schema):
        stored = MemberCount.objects.get(organisation__name="Hội Chuyển máy chủ").members
    assert stored == load.last_written
    baseline = sorted(a.ended - a.started for a in by_kind["write-a"])[len(by_kind["write-a"]) // 2]
    for move_seconds, block in windows:
        print(
            f"move {move_seconds:.2f} s; longest write wait during it {block:.3f} s "
            f"(median write {baseline:.3f} s); {len(load.answers)} answers, none failed or wrong"
        )
        assert block < 10.0
    with capsys.disabled():
        print(capsys.readouterr().out)
