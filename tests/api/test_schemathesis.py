"""The API against its own OpenAPI schema, on a union's host and on the national host.

schemathesis (its command line, as a person would run it) drives the platform's real
server process over HTTP with every check on: no 5xx, responses as documented, invalid
data refused, valid data accepted, credentials never ignored. The run is bounded: few
examples per operation, a fixed seed and deterministic generation, so it takes the same
requests every time.

It writes with a read-write token, so the union it fuzzes is one of its own (`apifuzz`,
seeded like the demo union, dropped after the run), never the demo union other tests read.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context

from api.models import ApiToken
from api.services import token_create
from cms.records.models import Committee, Congress, Person, Position, ReportingPeriod
from cms.records.services import report_get_or_create, report_submit
from lhh.demo.seed import DEMO_ADMIN_USERNAME, DEMO_UNIONS, demo_content_create, demo_records_create
from lhh.national.models import ReportSubmission
from lhh.national.rollups import rollup_refresh
from tenants.models import Province, Union
from tenants.selectors import union_host
from tenants.services import union_create

FUZZ_SCHEMA = "apifuzz"
# Both runs take well under a minute on a quiet 2-core machine; this only ends a hung run
# (speed is bench/'s business, not a test's).
TIMEOUT_SECONDS = 600


@pytest.fixture(scope="module")
def fuzz_union(django_db_setup, django_db_blocker) -> Iterator[Union]:
    """A fresh union seeded like the demo union, dropped again after this module.

    It must not outlive the run: its figures would count in every national total
    (the national console's own tests check those against the demo union's).
    """
    demo = next(d for d in DEMO_UNIONS if d.schema_name == "thanhhoa")
    with django_db_blocker.unblock():
        _fuzz_union_drop()  # left over from an interrupted run
        union = union_create(
            schema_name=FUZZ_SCHEMA,
            name="Liên hiệp Hội Kiểm thử API",
            province=Province.objects.get(name=demo.province, is_current=True),
            use_warm_pool=False,
        )
        with schema_context(FUZZ_SCHEMA):
            demo_content_create(demo)
            demo_records_create(demo)
            _leadership_seed()
            # One submitted report, so the national submissions have a row to show.
            period = ReportingPeriod.objects.filter(kind="half").order_by("year", "half").first()
            report_submit(report=report_get_or_create(period=period))
            # The national statistics read rollups; the pipeline fills them after commit.
            rollup_refresh()
    yield union
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        _fuzz_union_drop()


def _fuzz_union_drop() -> None:
    union = Union.objects.filter(schema_name=FUZZ_SCHEMA).first()
    if union is not None:
        # Submissions are kept when a union goes (PROTECT); this one was never real.
        ReportSubmission.objects.filter(union=union).delete()
        union.delete(force_drop=True)


def _leadership_seed() -> None:
    congress = Congress.objects.create(term_number=6, starts_year=2021, ends_year=2026)
    for kind, role, name in [
        (Committee.Kind.STANDING, Position.Role.PRESIDENT, "Lê Văn Kiểm"),
        (Committee.Kind.EXECUTIVE, Position.Role.MEMBER, "Trần Thị Thử"),
    ]:
        committee = Committee.objects.create(congress=congress, kind=kind)
        person = Person.objects.create(name=name, title="TS.", email="nguoi@example.vn")
        Position.objects.create(person=person, committee=committee, role=role)


@pytest.fixture
def tokens(fuzz_union, committed) -> Iterator[dict[str, str]]:
    """A read-write token of the fuzz union's admin and one of a national superuser."""
    with schema_context(FUZZ_SCHEMA):
        union_token, union_key = token_create(
            user=get_user_model().objects.get(username=DEMO_ADMIN_USERNAME),
            name="schemathesis",
            scope=ApiToken.Scope.WRITE,
        )
    national_user = get_user_model().objects.filter(username="vusta-schemathesis").first()
    if national_user is None:
        national_user = get_user_model().objects.create_superuser(
            "vusta-schemathesis", "schemathesis@vusta.example.vn", None
        )
    national_token, national_key = token_create(
        user=national_user, name="schemathesis", scope=ApiToken.Scope.WRITE
    )
    yield {"union": union_key, "national": national_key}
    with schema_context(FUZZ_SCHEMA):
        ApiToken.objects.filter(pk=union_token.pk).delete()
    ApiToken.objects.filter(pk=national_token.pk).delete()


def _union_pins() -> dict[str, tuple[str, object]]:
    """A real id for each detail GET of the fuzz union: random ids only reach the 404."""
    from cms.models import EventPage, NewsArticlePage, OfficialDocument
    from cms.records.models import Activity, MemberCount, MemberOrganisation, Report

    with schema_context(FUZZ_SCHEMA):
        firsts = {
            "news": NewsArticlePage.objects.live().public().order_by("pk").first(),
            "documents": OfficialDocument.objects.order_by("pk").first(),
            "events": EventPage.objects.live().public().order_by("pk").first(),
            "congresses": Congress.objects.order_by("pk").first(),
            "organisations": MemberOrganisation.objects.order_by("pk").first(),
            "activities": Activity.objects.order_by("pk").first(),
            "member-counts": MemberCount.objects.order_by("pk").first(),
            "reports": Report.objects.order_by("pk").first(),
        }
    return {f"/api/v1/{name}/{{id}}/": ("id", row.pk) for name, row in firsts.items() if row}


def _national_pins(union: Union) -> dict[str, tuple[str, object]]:
    submission = ReportSubmission.objects.filter(union=union).order_by("pk").first()
    return {
        "/api/v1/unions/{schema_name}/": ("schema_name", f'"{FUZZ_SCHEMA}"'),
        "/api/v1/report-submissions/{id}/": ("id", submission.pk),
    }


def _config(path: Path, pins: dict[str, tuple[str, object]]) -> Path:
    """tests/api/schemathesis.toml, plus the pinned path parameters of detail GETs."""
    text = (Path(__file__).with_name("schemathesis.toml")).read_text()
    for operation, (name, value) in pins.items():
        text += (
            f'\n[[operations]]\ninclude-path = "{operation}"\ninclude-method = "GET"\n'
            f'parameters = {{ "path.{name}" = {value} }}\n'
        )
    path.write_text(text)
    return path


def _schemathesis(port: str, host: str, key: str, *, config: Path) -> tuple[int, str]:
    base = f"http://127.0.0.1:{port}"
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(config),
        "run",
        f"{base}/api/v1/schema/",
        "--url",
        base,
        "--header",
        f"Host: {host}:{port}",
        "--header",
        f"Authorization: Bearer {key}",
        "--checks",
        "all",
        # The coverage phase (every boundary of every parameter: about 2,000 requests on
        # the union host, two minutes here) passed as well; it is for a manual run.
        "--phases",
        "examples,fuzzing",
        "--max-examples",
        "6",
        "--seed",
        "20251",
        "--generation-deterministic",
        "--no-shrink",
        # One worker: with two threads, generation once died inside CPython's `compile`
        # ("SystemError: AST constructor recursion depth mismatch", Python 3.11.7).
        "--workers",
        "1",
        "--max-failures",
        "20",
        "--request-timeout",
        "10",
        "--no-color",
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def test_the_union_and_national_apis_hold_to_their_schemas(
    site_server, fuzz_union, tokens, tmp_path
):
    for host, key, pins in [
        (union_host(FUZZ_SCHEMA), tokens["union"], _union_pins),
        ("localhost", tokens["national"], lambda: _national_pins(fuzz_union)),
    ]:
        config = _config(tmp_path / f"{host}.toml", pins())
        code, output = _schemathesis(site_server, host, key, config=config)
        assert code == 0, f"schemathesis on {host}:\n{output[-6000:]}"
