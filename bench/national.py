"""The national dashboard at 1,000 unions, against the two ways of reading every schema.

The script creates N bench unions (`bnat0001`, `bnat0002`, ...; default 1,000), fills
each with records for one period (the first half of 2025: 20 member organisations
with their member counts and 50 activities of every kind) and refreshes its national
rollups with `lhh.national.rollups.rollup_refresh`, as the pipeline does after a
commit. Then it times three ways of getting the national figures for that period,
side by side in one run, the ways taking turns run by run:

1. dashboard: what the console does, reading only the public `national_rollup` table.
   Timed twice: the selector alone (`selectors.dashboard(PeriodKey("half", 2025, 1),
   Scope())`), and the whole page (`GET /admin/toan-quoc/?ky=2025-1` on `localhost`
   through Django's test client, signed in as the superuser `bench-vusta`), which adds
   the middleware, the filters' queries and the template.
2. loop: what a naive national view would do per request. For each bench union it
   enters the schema (`schema_context`), looks up the period, sums the member counts
   and counts the activities by kind through the ORM.
3. union all: one SQL statement that reads every bench schema at once, `SELECT ...
   FROM "bnat0001".records_membercount ... UNION ALL SELECT ... FROM "bnat0002"...`,
   summing the members and counting the activities by kind. Each schema adds 17 locks
   to it (three tables, 14 indexes), and a transaction's locks must fit PostgreSQL's
   shared lock table: with the default `max_locks_per_transaction` of 64 that is about
   450 schemas. Past that PostgreSQL answers "out of shared memory", and the script
   then splits the statement into statements of `--chunk` schemas (250), run one after
   the other, and says so in its report.

Each way runs R times (default 20) after two warm-up runs, and the medians are
reported with the ratios loop/dashboard and union-all/dashboard and the goal, the
dashboard page in at most 50 ms at 1,000 unions. The number of queries of the
dashboard page and of the selector is counted with `CaptureQueriesContext`. With
`--at`, the same measurement is also taken while the unions are being created (at
10 and 100 unions by default), to show which way grows with N. The three ways must
agree on the totals, and the script checks that they do. With `--history K`, the
dashboard is timed once more with K earlier half-years of rollups in the table, because
some of its queries read every period: the bench unions' rows for 2025 H1 are copied
into the K half-years before it, inside a transaction that is rolled back afterwards.

How the unions are made. The first is made by `tenants.services.union_create(...,
use_warm_pool=False)`, which clones the template schema with django-tenants'
`clone_schema`. That clone reads `information_schema` once per table and column, and
those views span every schema in the database, so each clone costs more than the one
before it: 0.5 s for the first, 4.9 s with 1,000 unions present (`--clone-probe`),
so about 45 minutes for all 1,000 if the growth is linear. With `--method dump` (the
default), the others are copies of the first instead, about 11 minutes for 1,000:
`pg_dump --schema=bnat0001` (its records tables without their rows) is taken once,
and its DDL and data are replayed with the name replaced, inside one transaction per
union that also writes the Union and Domain rows as `union_create` does. A copy holds
the same tables, indexes, constraints and rows as a clone, and its Wagtail site carries
its own host name. `--method clone` uses `union_create` for every union.
`--clone-probe` times one real `union_create` clone once all N unions exist, then
drops it.

`--national-report-only N` measures only that, at N unions of which one is made and
filled as above and N-1 exist in the public registry only (Union and Rollup rows copied
from the first, no schema: the report reads nothing else), so it takes a minute instead
of the hour 1,000 real unions take on a loaded 2-core machine.

With `--national-report`, every bench union's report for the period is recorded as sent
(a `ReportSubmission` with a narrative in each section) and the national report is timed
as the worker builds it (`national_report_data`, then its DOCX and XLSX), beside the
dashboard selector in the same run; the goal is at most 5 s at 1,000 unions. The
submissions are deleted afterwards.

Re-running reuses the bench unions that already exist and fills only what is missing.
At the end they are dropped (Rollup, Domain and Union rows, then the schema), with the
bench superuser, unless `--keep` is given; `--cleanup` only drops them. A failure,
Ctrl-C or SIGTERM also drops them, unless `--keep` is given.

Run from the project root, on a migrated database (`manage.py migrate_platform`):

    .venv/bin/python bench/national.py                   # 1,000 unions, 20 runs, cleaned up
    .venv/bin/python bench/national.py --history 19      # and with ten years of rollups
    .venv/bin/python bench/national.py --unions 300 --runs 10 --keep
    .venv/bin/python bench/national.py --cleanup

DJANGO_SETTINGS_MODULE defaults to `lhh.settings.dev`: the embedded PostgreSQL
when DATABASE_URL is unset, or the database DATABASE_URL names.
"""

import argparse
import datetime as dt
import importlib.util
import logging
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

# The project is installed in the venv (editable); adding the root to sys.path would let
# `platform/` shadow the standard library's `platform`.
import script_path  # noqa: F401  (bench/ off sys.path, before Django)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lhh.settings.dev")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import DatabaseError, connection, transaction  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django_tenants.utils import schema_context, schema_exists  # noqa: E402

from cms.records.models import (  # noqa: E402
    Activity,
    MemberCount,
    MemberOrganisation,
    ReportingPeriod,
)
from lhh.national import selectors  # noqa: E402
from lhh.national.models import Rollup  # noqa: E402
from lhh.national.rollups import rollup_refresh, rollup_totals_rebuild  # noqa: E402
from lhh.national.selectors import PeriodKey, Scope  # noqa: E402
from tenants import services  # noqa: E402
from tenants.citus import schema_distribute, schemas_local  # noqa: E402
from tenants.migration_state import template_is_current  # noqa: E402
from tenants.models import Domain, Province, Union, UnionFormerProvince  # noqa: E402
from tenants.selectors import union_host  # noqa: E402

# One line per created page/union is noise among the figures.
logging.getLogger("wagtail").setLevel(logging.WARNING)
logging.getLogger("tenants").setLevel(logging.WARNING)

PREFIX = "bnat"
# Only [a-z0-9] passes tenants.schema_names.validate_schema_name; four digits keep
# every name the same length, so no name is a prefix of another.
BENCH_NAME = re.compile(rf"^{PREFIX}[0-9]{{4}}$")
PROBE_NAME = f"{PREFIX}probe"
PERIOD = PeriodKey("half", 2025, 1)
USERNAME = "bench-vusta"
DASHBOARD_URL = "/admin/toan-quoc/"
GOAL_MS = 50.0
GOAL_UNIONS = 1000
ORGANISATIONS = 20
ACTIVITIES = 50


def schema_name(number: int) -> str:
    return f"{PREFIX}{number:04d}"


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def bench_schemas() -> list[str]:
    """The bench unions in the registry, in order."""
    names = Union.objects.filter(schema_name__startswith=PREFIX).values_list(
        "schema_name", flat=True
    )
    return sorted(name for name in names if BENCH_NAME.fullmatch(name))


# ---------------------------------------------------------------------------
# Making the unions
# ---------------------------------------------------------------------------


@dataclass
class Places:
    """Provinces handed out in turn, so the dashboard groups by real places."""

    pairs: list[tuple[Province | None, Province | None]]

    @classmethod
    def load(cls) -> "Places":
        former = list(Province.objects.filter(is_current=False).select_related("successor"))
        current = list(Province.objects.filter(is_current=True))
        pairs: list[tuple[Province | None, Province | None]] = [
            (p.successor, p) for p in former if p.successor_id
        ] + [(p, None) for p in current]
        return cls(pairs or [(None, None)])

    def get(self, number: int) -> tuple[Province | None, Province | None]:
        return self.pairs[number % len(self.pairs)]


def create_by_clone(name: str, places: Places, number: int) -> None:
    province, former = places.get(number)
    services.union_create(
        schema_name=name,
        name=f"Bench {name}",
        province=province,
        former_province=former,
        use_warm_pool=False,
    )


def pg_dump_path() -> str:
    """pgserver's own pg_dump (the server's version) or else the one on PATH."""
    spec = importlib.util.find_spec("pgserver")
    if spec and spec.origin:
        bundled = Path(spec.origin).parent / "pginstall" / "bin" / "pg_dump"
        if bundled.exists():
            return str(bundled)
    found = shutil.which("pg_dump")
    if found is None:
        raise SystemExit("pg_dump not found; use --method clone")
    return found


# Lines of a plain pg_dump that change the session, not the schema: `SET ...` and the
# empty search_path would outlive the replay on Django's connection, behind
# django-tenants' back. Meta-commands (`\restrict` in newer pg_dumps) are psql's.
_SESSION_LINE = re.compile(r"^(SET |SELECT pg_catalog\.set_config\(|\\)")


class DumpCopier:
    """Copies of one union's schema: its pg_dump replayed under another name."""

    def __init__(self, source: str) -> None:
        self.source = source
        db = connection.settings_dict
        command = [
            pg_dump_path(),
            "--schema",
            source,
            "--no-owner",
            "--no-privileges",
            "--no-comments",
            "--no-publications",
            "--no-subscriptions",
            "--no-security-labels",
            "--no-tablespaces",
            # A new union starts with no records, as a clone of the template does.
            "--exclude-table-data",
            f"{source}.records_*",
            # Data as INSERTs: COPY ... FROM stdin cannot go through a cursor.
            "--rows-per-insert",
            "500",
            "--dbname",
            db["NAME"],
        ]
        for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if db.get(key):
                command += [option, str(db[key])]
        env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
        dump = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
        lines = [
            line
            for line in dump.splitlines()
            if not line.startswith("--") and not _SESSION_LINE.match(line)
        ]
        self.sql = "\n".join(lines)
        if f"CREATE SCHEMA {source};" not in self.sql:
            raise RuntimeError(f"pg_dump of {source!r} holds no CREATE SCHEMA")
        self.statements = self.sql.count(";\n") + 1

    def create(self, name: str, places: Places, number: int) -> None:
        """Union, Domain and schema in one transaction, the rows as `union_create` writes them."""
        province, former = places.get(number)
        with transaction.atomic():
            union = Union.objects.create(
                schema_name=name,
                name=f"Bench {name}",
                province=province,
                kind=Union.Kind.PROVINCIAL,
                status=Union.Status.PROVISIONING,
            )
            if former is not None:
                UnionFormerProvince.objects.create(union=union, province=former)
            Domain.objects.create(domain=union_host(name), tenant=union, is_primary=True)
            # The source name is unique and fixed-length, so a plain replace renames the
            # schema in every qualified name and the site's host and name, and nothing else.
            # On a Citus cluster, made locally then distributed whole, as union_create does.
            with schemas_local(), connection.cursor() as cursor:
                cursor.execute(self.sql.replace(self.source, name))
            schema_distribute(name)
            union.status = Union.Status.ACTIVE
            union.save(update_fields=["status", "updated_at"])


def records_fill(name: str, number: int) -> bool:
    """Records for PERIOD in `name`, then its rollups. False when already there."""
    with schema_context(name):
        period, _ = ReportingPeriod.objects.get_or_create(
            kind=PERIOD.kind, year=PERIOD.year, half=PERIOD.half
        )
        has_rollups = Rollup.objects.filter(PERIOD.filter(), union__schema_name=name).exists()
        if Activity.objects.filter(period=period).exists() and has_rollups:
            return False
        with transaction.atomic():
            MemberCount.objects.filter(period=period).delete()
            Activity.objects.filter(period=period).delete()
            MemberOrganisation.objects.filter(name__startswith="Bench ").delete()
            kinds = list(MemberOrganisation.Kind)
            organisations = MemberOrganisation.objects.bulk_create(
                MemberOrganisation(name=f"Bench hội {i + 1}", kind=kinds[i % len(kinds)])
                for i in range(ORGANISATIONS)
            )
            # Deterministic, different per union, so the totals can be cross-checked.
            MemberCount.objects.bulk_create(
                MemberCount(
                    organisation=organisation, period=period, members=50 + (number * 37 + i) % 900
                )
                for i, organisation in enumerate(organisations)
            )
            Activity.objects.bulk_create(
                activity(i, period, organisations) for i in range(ACTIVITIES)
            )
        # What the real pipeline does after the records commit (through Celery).
        rollup_refresh([period.pk])
    return True


def activity(i: int, period: ReportingPeriod, organisations: list[MemberOrganisation]) -> Activity:
    """One activity of the i-th kind in turn, with the fields its kind requires."""
    kinds = list(Activity.Kind)
    kind = kinds[i % len(kinds)]
    held_on = dt.date(period.year, 1 + i % 6, 1 + i % 28)
    row = Activity(
        kind=kind,
        title=f"Bench {kind} {i + 1}",
        period=period,
        held_on=held_on,
        organiser=organisations[i % len(organisations)] if i % 3 else None,
        status=Activity.Status.DONE if i % 4 else Activity.Status.IN_PROGRESS,
        participants=30 + i,
    )
    if kind == Activity.Kind.TVPB:
        row.requested_by = "UBND tỉnh"
        row.assigned_on = held_on
        row.completed_on = held_on if row.status == Activity.Status.DONE else None
    elif kind == Activity.Kind.PUBLICATION:
        row.issue = f"Số {i}"
        row.copies = 500
    elif kind == Activity.Kind.PROJECT:
        row.level = Activity.ProjectLevel.PROVINCIAL
        row.budget_vnd = 300_000_000
    elif kind == Activity.Kind.CONTEST:
        row.entries, row.prizes = 40, 12
    elif kind in {Activity.Kind.HONOURING, Activity.Kind.LEGAL_ADVICE, Activity.Kind.REVIEW}:
        row.quantity = 5
    return row


# ---------------------------------------------------------------------------
# The three ways of reading the national figures
# ---------------------------------------------------------------------------


@dataclass
class Figures:
    """What every way must agree on: members and activities by kind, bench unions only."""

    members: int
    activities: dict[str, int]


def by_dashboard_selector() -> dict:
    return selectors.dashboard(PERIOD, Scope())


def by_loop(schemas: list[str]) -> Figures:
    members = 0
    activities: Counter[str] = Counter()
    for name in schemas:
        with schema_context(name):
            period = ReportingPeriod.objects.get(
                kind=PERIOD.kind, year=PERIOD.year, half=PERIOD.half
            )
            members += MemberCount.objects.filter(period=period).aggregate(
                n=Sum("members", default=0)
            )["n"]
            for kind, n in (
                Activity.objects.filter(period=period)
                .order_by()
                .values_list("kind")
                .annotate(n=Count("id"))
            ):
                activities[kind] += n
    return Figures(members, dict(activities))


def union_all_sql(schemas: list[str]) -> str:
    """One statement over every schema; identifiers quoted, the period as literals."""
    period = (
        f"p.kind = '{PERIOD.kind}' AND p.year = {int(PERIOD.year)} AND p.half = {int(PERIOD.half)}"
    )
    members = " UNION ALL ".join(
        f"SELECT m.members FROM {quote(s)}.records_membercount m "
        f"JOIN {quote(s)}.records_reportingperiod p ON p.id = m.period_id WHERE {period}"
        for s in schemas
    )
    activities = " UNION ALL ".join(
        f"SELECT a.kind FROM {quote(s)}.records_activity a "
        f"JOIN {quote(s)}.records_reportingperiod p ON p.id = a.period_id WHERE {period}"
        for s in schemas
    )
    return (
        f"SELECT '', COALESCE(SUM(members), 0) FROM ({members}) AS m "
        f"UNION ALL SELECT kind, COUNT(*) FROM ({activities}) AS a GROUP BY kind"
    )


def by_union_all(statements: list[str]) -> Figures:
    """Run the statement(s); more than one only when one would exceed the lock table."""
    members = 0
    activities: Counter[str] = Counter()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            for kind, value in cursor.fetchall():
                if kind:
                    activities[kind] += value
                else:
                    members += value
    return Figures(members, dict(activities))


def union_all_statements(schemas: list[str], chunk: int) -> tuple[list[str], str]:
    """One statement if PostgreSQL can run it, else statements of `chunk` schemas each.

    Each schema adds three tables and their indexes to the statement's locks, and a
    transaction's locks must fit the shared lock table (`max_locks_per_transaction`
    times the connection slots): past that, PostgreSQL answers "out of shared memory".
    """
    sql = union_all_sql(schemas)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()
        return [sql], ""
    except DatabaseError as error:
        reason = str(error).splitlines()[0]
    chunks = [schemas[i : i + chunk] for i in range(0, len(schemas), chunk)]
    return [union_all_sql(part) for part in chunks], reason


class DashboardPage:
    """The console's dashboard page through the test client, as a signed-in superuser."""

    def __init__(self) -> None:
        user_model = get_user_model()
        user = user_model.objects.filter(username=USERNAME).first()
        if user is None:
            user = user_model.objects.create_superuser(USERNAME, f"{USERNAME}@example.vn", None)
        self.client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
        self.client.force_login(user)
        # National staff pass the second login step (tenants.two_factor): the session
        # records a confirmed device the way django-otp's login does.
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="Bench", defaults={"confirmed": True}
        )
        session = self.client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    def get(self) -> str:
        response = self.client.get(DASHBOARD_URL, {"ky": PERIOD.code})
        if response.status_code != 200:
            raise RuntimeError(f"{DASHBOARD_URL} answered {response.status_code}")
        return response.content.decode()

    def close(self) -> None:
        self.client.logout()


def reporting_unions(body: str) -> int:
    found = re.search(r'data-total="unions">(\d+)<', body)
    if found is None:
        raise RuntimeError("the dashboard page shows no reporting unions")
    return int(found.group(1))


@dataclass
class Way:
    label: str
    run: Callable[[], object]
    seconds: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000


@dataclass
class Measurement:
    unions: int
    ways: dict[str, Way]
    page_queries: int
    selector_queries: int
    # Earlier half-years of rollups in the table besides PERIOD (`--history`).
    history: int = 0
    union_all_statements: int = 0
    union_all_note: str = ""

    def ms(self, key: str) -> float | None:
        return self.ways[key].median_ms if key in self.ways else None


def timed_runs(ways: dict[str, Way], runs: int) -> None:
    """One warm-up round, then the timed runs.

    The ways take turns, the order rotating, so a burst of load from elsewhere on the
    machine hits all alike.
    """
    order = list(ways)
    for i in range(runs + 1):
        for way in (ways[key] for key in order[i % len(order) :] + order[: i % len(order)]):
            start = time.perf_counter()
            way.run()
            if i:
                way.seconds.append(time.perf_counter() - start)


def dashboard_queries(page: DashboardPage) -> tuple[int, int]:
    # Counted at once: `captured_queries` reads the connection's log, which every
    # request through the client clears when it starts.
    with CaptureQueriesContext(connection) as captured:
        page.get()
    page_queries = len(captured.captured_queries)
    with CaptureQueriesContext(connection) as captured:
        by_dashboard_selector()
    return page_queries, len(captured.captured_queries)


def measure(schemas: list[str], page: DashboardPage, runs: int, chunk: int) -> Measurement:
    statements, note = union_all_statements(schemas, chunk)
    ways = {
        "page": Way("dashboard page", page.get),
        "selector": Way("dashboard selector", by_dashboard_selector),
        "loop": Way("loop over schemas", lambda: by_loop(schemas)),
        "union_all": Way("UNION ALL", lambda: by_union_all(statements)),
    }
    check_agreement(schemas, {key: way.run() for key, way in ways.items()})
    page_queries, selector_queries = dashboard_queries(page)
    timed_runs(ways, runs)
    return Measurement(
        len(schemas),
        ways,
        page_queries,
        selector_queries,
        union_all_statements=len(statements),
        union_all_note=note,
    )


def measure_with_history(
    schemas: list[str], page: DashboardPage, runs: int, halves: int
) -> Measurement:
    """The dashboard again, with `halves` earlier half-years of rollups in the table.

    A real console holds years of periods, and some of its queries read every period.
    The bench unions' rollups for PERIOD are copied into the half-years before it (rows
    only: the loop and the UNION ALL read the records of PERIOD alone, so they are not
    run again), inside a transaction that is rolled back, so nothing is left behind.
    The test client does not close the connection at the end of a request, so the
    requests run inside that transaction.
    """
    earlier: list[PeriodKey] = []
    key = PERIOD
    for _ in range(halves):
        key = key.previous()
        earlier.append(key)
    union_ids = list(Union.objects.filter(schema_name__in=schemas).values_list("pk", flat=True))
    with transaction.atomic():
        with connection.cursor() as cursor:
            for key in earlier:
                cursor.execute(
                    "INSERT INTO national_rollup "
                    "(union_id, period_kind, year, half, metric, value, computed_at) "
                    "SELECT union_id, period_kind, %s, %s, metric, value, computed_at "
                    "FROM national_rollup WHERE period_kind = %s AND year = %s AND half = %s "
                    "AND union_id = ANY(%s)",
                    [key.year, key.half, PERIOD.kind, PERIOD.year, PERIOD.half, union_ids],
                )
        # The totals of those periods, as the refreshes would have kept them.
        rollup_totals_rebuild()
        with connection.cursor() as cursor:
            # Fresh statistics, as autovacuum would have them for a table that grew slowly.
            cursor.execute("ANALYZE national_rollup")
            cursor.execute("ANALYZE national_rolluptotal")
        ways = {
            "page": Way("dashboard page", page.get),
            "selector": Way("dashboard selector", by_dashboard_selector),
        }
        page_queries, selector_queries = dashboard_queries(page)
        timed_runs(ways, runs)
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE national_rollup")
    return Measurement(len(schemas), ways, page_queries, selector_queries, history=halves)


def measure_registry(unions: int, page: DashboardPage, runs: int) -> Measurement:
    """The dashboard (page and selector) with `unions` unions in the registry, most of
    them without a schema (`--registry-to`): the loop and the UNION ALL need schemas, and
    are not timed."""
    counted = reporting_unions(page.get())
    if counted < unions:  # the demo's unions, if loaded, report too
        raise RuntimeError(f"the dashboard counts {counted} reporting unions, not {unions}")
    print(f"the dashboard counts {counted} reporting unions", flush=True)
    ways = {
        "page": Way("dashboard page", page.get),
        "selector": Way("dashboard selector", by_dashboard_selector),
    }
    page_queries, selector_queries = dashboard_queries(page)
    timed_runs(ways, runs)
    return Measurement(unions, ways, page_queries, selector_queries)


def check_agreement(schemas: list[str], results: dict[str, object]) -> None:
    """The three ways must report the same figures, or the timings compare nothing."""
    loop, union_all = results["loop"], results["union_all"]
    rollups = Rollup.objects.filter(PERIOD.filter(), union__schema_name__in=schemas)
    from_rollups = Figures(
        rollups.filter(metric="members").aggregate(n=Sum("value", default=0))["n"],
        {
            metric.split(".")[1]: value
            for metric, value in rollups.filter(metric__regex=r"^activities\.[a-z_]+\.count$")
            .values_list("metric")
            .annotate(value=Sum("value"))
        },
    )
    if not loop == union_all == from_rollups:
        raise RuntimeError(f"the ways disagree: {loop} / {union_all} / {from_rollups}")
    shown = reporting_unions(str(results["page"]))
    if shown < len(schemas):
        raise RuntimeError(f"the dashboard shows {shown} reporting unions, {len(schemas)} exist")
    dashboard = results["selector"]
    if dashboard["totals"]["members"] < loop.members:
        raise RuntimeError("the dashboard counts fewer members than the bench unions hold")
    # The kept totals the dashboard reads must equal every counted union's rows summed.
    summed = dict(
        Rollup.objects.filter(PERIOD.filter(), union__in=Scope().unions())
        .values_list("metric")
        .annotate(total=Sum("value"))
    )
    if selectors._metric_totals(PERIOD, Scope()) != summed:
        raise RuntimeError("the national totals differ from the per-union rollups")


# ---------------------------------------------------------------------------
# Cleaning up
# ---------------------------------------------------------------------------


def drop_union(name: str) -> None:
    """A bench union's rollups, Domain and Union rows, then its schema; one transaction.

    One union per transaction: dropping a schema locks each of its ~440 relations, and
    a few unions at once would overflow the lock table.
    """
    connection.set_schema_to_public()
    with transaction.atomic():
        Rollup.objects.filter(union__schema_name=name).delete()
        Domain.objects.filter(domain=union_host(name)).delete()
        Union.objects.filter(schema_name=name).delete()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {quote(name)} CASCADE")


def cleanup() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", [f"{PREFIX}%"])
        schemas = {row[0] for row in cursor.fetchall()}
    names = sorted(
        {n for n in schemas if BENCH_NAME.fullmatch(n) or n == PROBE_NAME}
        | set(bench_schemas())
        | set(Union.objects.filter(schema_name=PROBE_NAME).values_list("schema_name", flat=True))
    )
    start = time.perf_counter()
    for i, name in enumerate(names, 1):
        drop_union(name)
        if i % 100 == 0 or i == len(names):
            print(f"  dropped {i}/{len(names)} ({time.perf_counter() - start:.0f} s)", flush=True)
    get_user_model().objects.filter(username=USERNAME).delete()
    # The rows went without a refresh: recompute the totals from what is left.
    rollup_totals_rebuild()
    left = len(bench_schemas())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname ~ %s",
            [f"^{PREFIX}([0-9]{{4}}|probe)$"],
        )
        left_schemas = cursor.fetchone()[0]
    print(
        f"cleanup: dropped {len(names)} bench unions in {time.perf_counter() - start:.1f} s; "
        f"left: {left} Union rows, {left_schemas} schemas",
        flush=True,
    )
    if names:
        compact()


# The catalogs that a thousand schemas fill, and the rollup table.
BLOATED = (
    "pg_catalog.pg_class",
    "pg_catalog.pg_attribute",
    "pg_catalog.pg_attrdef",
    "pg_catalog.pg_depend",
    "pg_catalog.pg_constraint",
    "pg_catalog.pg_trigger",
    "pg_catalog.pg_index",
    "pg_catalog.pg_type",
    "pg_catalog.pg_sequence",
    "pg_catalog.pg_statistic",
    "public.national_rollup",
)


def compact() -> None:
    """Give back the space the dropped schemas leave in the catalogs.

    After dropping 1,000 schemas the catalogs keep their size (pg_class 180 MB for
    3,000 live rows), and django-tenants' clone, which scans them through
    `information_schema`, took 9 to 17 s instead of 0.5 s until autovacuum had run,
    and 0.7 s after. `VACUUM FULL` rewrites each in a fraction of a second, but holds
    an exclusive lock meanwhile, so it waits at most 3 s and skips a busy table.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        before = cursor.fetchone()[0]
        cursor.execute("SET lock_timeout = '3s'")
        skipped = []
        for table in BLOATED:
            try:
                cursor.execute(f"VACUUM FULL {table}")
            except DatabaseError:
                skipped.append(table)
        cursor.execute("RESET lock_timeout")
        cursor.execute("SELECT pg_database_size(current_database())")
        after = cursor.fetchone()[0]
    note = f", skipped (busy): {', '.join(skipped)}" if skipped else ""
    print(f"VACUUM FULL: database {before / 2**20:.0f} MB -> {after / 2**20:.0f} MB{note}")


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------


def ensure_unions(
    count: int, method: str, checkpoints: set[int], on_checkpoint: Callable[[int], None]
) -> tuple[float, int]:
    """Create (or reuse) bnat0001..N with their records; returns seconds and how many made."""
    places = Places.load()
    existing = set(bench_schemas())
    copier: DumpCopier | None = None
    made = 0
    create_seconds = fill_seconds = 0.0
    start = time.perf_counter()
    for number in range(1, count + 1):
        name = schema_name(number)
        if name not in existing:
            if schema_exists(name):
                raise SystemExit(f"schema {name} exists without its Union row; run --cleanup")
            t0 = time.perf_counter()
            if method == "clone" or number == 1:
                create_by_clone(name, places, number)
            else:
                if copier is None:
                    # The dump of the first union, made by union_create, is the master copy.
                    copier = DumpCopier(schema_name(1))
                    print(
                        f"pg_dump of {schema_name(1)}: {len(copier.sql) / 1024:.0f} KiB, "
                        f"~{copier.statements} statements",
                        flush=True,
                    )
                copier.create(name, places, number)
            made += 1
            create_seconds += time.perf_counter() - t0
            if number == 1:
                print(f"{name}: union_create (clone) {create_seconds:.2f} s", flush=True)
        t0 = time.perf_counter()
        records_fill(name, number)
        fill_seconds += time.perf_counter() - t0
        if number % 50 == 0 or number == count:
            elapsed = time.perf_counter() - start
            print(
                f"unions {number}/{count}: {made} made ({create_seconds:.1f} s), "
                f"records and rollups {fill_seconds:.1f} s, elapsed {elapsed:.0f} s",
                flush=True,
            )
        if number in checkpoints and made == number:
            on_checkpoint(number)
    return create_seconds + fill_seconds, made


def clone_probe() -> float:
    """One real union_create clone with every bench union in the database, then dropped."""
    if Union.objects.filter(schema_name=PROBE_NAME).exists():
        drop_union(PROBE_NAME)
    start = time.perf_counter()
    services.union_create(schema_name=PROBE_NAME, name="Bench probe", use_warm_pool=False)
    seconds = time.perf_counter() - start
    drop_union(PROBE_NAME)
    return seconds


def _cell(value: float | None, width: int, suffix: str = "") -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width - len(suffix)}.1f}{suffix}"


def report(results: list[Measurement], runs: int) -> None:
    db = connection.settings_dict
    where = "DATABASE_URL" if settings.DATABASE_URL else "embedded pgserver"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM national_rollup")
        rollup_rows = cursor.fetchone()[0]
    print(
        f"\nNational figures for {PERIOD.label}, median of {runs} runs each ({where}, "
        f"PostgreSQL {version}, database {db['NAME']!r}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} at the end, {rollup_rows} rollup rows "
        "without the history)"
    )
    print(
        f"{'unions':>7}{'history':>9}{'page ms':>10}{'selector ms':>13}{'loop ms':>11}"
        f"{'UNION ALL ms':>14}{'loop/page':>11}{'UA/page':>9}{'page q':>8}{'sel q':>7}"
        f"{'UA stmts':>10}"
    )
    for m in results:
        page, loop, union_all = m.ms("page"), m.ms("loop"), m.ms("union_all")
        print(
            f"{m.unions:>7}{m.history:>9}{_cell(page, 10)}{_cell(m.ms('selector'), 13)}"
            f"{_cell(loop, 11)}{_cell(union_all, 14)}"
            f"{_cell(loop and loop / page, 11, 'x')}{_cell(union_all and union_all / page, 9, 'x')}"
            f"{m.page_queries:>8}{m.selector_queries:>7}{m.union_all_statements or '-':>10}"
        )
    for m in results[-2:]:
        if m.unions != results[-1].unions:
            continue
        for way in m.ways.values():
            low, high = min(way.seconds) * 1000, max(way.seconds) * 1000
            print(
                f"  {m.unions} unions, history {m.history}, {way.label}: "
                f"min {low:.1f} ms, max {high:.1f} ms"
            )
    final = [m for m in results if not m.history][-1]
    if final.union_all_note:
        print(
            f"  one UNION ALL over {final.unions} schemas failed ({final.union_all_note}); "
            f"timed as {final.union_all_statements} statements"
        )
    page = final.ways["page"].median_ms
    status = "met" if page <= GOAL_MS else "NOT met"
    if final.unions < GOAL_UNIONS:
        status += f" (at {final.unions} unions, not {GOAL_UNIONS})"
    print(f"goal dashboard page <= {GOAL_MS:.0f} ms at {GOAL_UNIONS} unions: {status}")


REPORT_GOAL_S = 5.0


def national_report_case(schemas: list[str], runs: int) -> None:
    """The national report of PERIOD (its data, DOCX and XLSX, as the worker builds it)
    with every bench union's report sent, against the dashboard selector in the same run."""
    from cms.records.models.reports import REPORT_SECTIONS
    from lhh.national.models import ReportSubmission
    from lhh.national.national_report import (
        national_report_data,
        national_report_docx,
        national_report_xlsx,
    )

    unions = list(Union.objects.filter(schema_name__in=schemas))
    sentences = "Kết quả nổi bật của kỳ, số liệu và đánh giá của đơn vị. " * 3
    ReportSubmission.objects.filter(union__in=unions).delete()
    ReportSubmission.objects.bulk_create(
        ReportSubmission(
            union=union,
            period_kind=PERIOD.kind,
            year=PERIOD.year,
            half=PERIOD.half,
            period_label=PERIOD.label,
            figures={},
            narrative={key: sentences for key, _label in REPORT_SECTIONS},
            submitted_at=dt.datetime(2025, 7, 10, tzinfo=dt.UTC),
        )
        for union in unions
    )
    steps: dict[str, list[float]] = {"data": [], "docx": [], "xlsx": []}

    def build() -> None:
        start = time.perf_counter()
        data = national_report_data(PERIOD)
        steps["data"].append(time.perf_counter() - start)
        start = time.perf_counter()
        national_report_docx(data)
        steps["docx"].append(time.perf_counter() - start)
        start = time.perf_counter()
        national_report_xlsx(data)
        steps["xlsx"].append(time.perf_counter() - start)

    try:
        ways = {
            "report": Way("national report (data + DOCX + XLSX)", build),
            "selector": Way("dashboard selector", by_dashboard_selector),
        }
        timed_runs(ways, runs)
    finally:
        ReportSubmission.objects.filter(union__in=unions).delete()
    report_ms, selector_ms = ways["report"].median_ms, ways["selector"].median_ms
    print(
        f"\nNational report of {PERIOD.label} at {len(unions)} unions, every report sent, "
        f"median of {runs} runs: {report_ms:.0f} ms (data "
        f"{statistics.median(steps['data'][1:]) * 1000:.0f} ms, DOCX "
        f"{statistics.median(steps['docx'][1:]) * 1000:.0f} ms, XLSX "
        f"{statistics.median(steps['xlsx'][1:]) * 1000:.0f} ms); dashboard selector "
        f"{selector_ms:.1f} ms in the same run, ratio {report_ms / selector_ms:.0f}x"
    )
    status = "met" if report_ms <= REPORT_GOAL_S * 1000 else "NOT met"
    if len(unions) < GOAL_UNIONS:
        status += f" (at {len(unions)} unions, not {GOAL_UNIONS})"
    print(f"goal national report <= {REPORT_GOAL_S:.0f} s at {GOAL_UNIONS} unions: {status}")


REGISTRY_PREFIX = "bnrp"


def registry_unions_make(count: int, first: int = 2) -> list[str]:
    """Unions numbered `first`..`count` in the public registry only (Union and Rollup
    rows, no schema): the national report and the dashboard read nothing else. Their
    rollups copy the first bench union's (made and filled the ordinary way), each value
    varied per union. Returns the first union's schema and theirs."""
    pattern = list(
        Rollup.objects.filter(PERIOD.filter(), union__schema_name=schema_name(1)).values_list(
            "metric", "value"
        )
    )
    if not pattern:
        raise RuntimeError(f"{schema_name(1)} has no rollups for {PERIOD.label}")
    provinces = list(Province.objects.filter(is_current=True).order_by("pk"))
    former = list(Province.objects.filter(is_current=False).order_by("pk"))
    names = [f"{REGISTRY_PREFIX}{number:04d}" for number in range(first, count + 1)]
    unions = Union.objects.bulk_create(
        Union(
            schema_name=name,
            name=f"Liên hiệp Hội thử tải {number}",
            kind=Union.Kind.PROVINCIAL,
            status=Union.Status.ACTIVE,
            province=provinces[number % len(provinces)],
        )
        for number, name in enumerate(names, start=first)
    )
    UnionFormerProvince.objects.bulk_create(
        UnionFormerProvince(union=union, province=former[number % len(former)])
        for number, union in enumerate(unions, start=2)
        if number % 2
    )
    Rollup.objects.bulk_create(
        Rollup(
            union=union,
            period_kind=PERIOD.kind,
            year=PERIOD.year,
            half=PERIOD.half,
            metric=metric,
            value=value + union.pk % 7,
        )
        for union in unions
        for metric, value in pattern
    )
    rollup_totals_rebuild()
    return [schema_name(1), *names]


def registry_unions_drop() -> None:
    from lhh.national.models import ReportSubmission

    unions = Union.objects.filter(schema_name__startswith=REGISTRY_PREFIX)
    ReportSubmission.objects.filter(union__in=unions).delete()
    Rollup.objects.filter(union__in=unions).delete()
    unions.delete()
    rollup_totals_rebuild()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--unions", type=int, default=GOAL_UNIONS, help="bench unions (1000)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each way (20)")
    parser.add_argument(
        "--at",
        default="10,100",
        help="also measure when this many unions exist, while creating (10,100; '' for none)",
    )
    parser.add_argument(
        "--method",
        choices=["dump", "clone"],
        default="dump",
        help="copy the first union's pg_dump (dump, default) or union_create every union",
    )
    parser.add_argument(
        "--chunk",
        type=int,
        default=250,
        help="schemas per UNION ALL statement if one statement cannot run (250)",
    )
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        help="also time the dashboard with this many earlier half-years of rollups (0)",
    )
    parser.add_argument("--clone-probe", action="store_true", help="time one clone at N unions")
    parser.add_argument(
        "--national-report-only",
        type=int,
        metavar="N",
        help="only the national report at N unions: one made and filled, N-1 in the public "
        "registry only (Union and Rollup rows), all dropped afterwards",
    )
    parser.add_argument(
        "--national-report",
        action="store_true",
        help="also time the national report (DOCX and XLSX) with every union's report sent",
    )
    parser.add_argument(
        "--registry-to",
        type=int,
        metavar="N",
        help="then also time the dashboard with N unions in the registry: the --unions made "
        "and filled, the rest Union and Rollup rows only (the dashboard reads nothing else), "
        "dropped afterwards",
    )
    parser.add_argument("--keep", action="store_true", help="leave the bench unions in place")
    parser.add_argument("--cleanup", action="store_true", help="only drop the bench unions")
    args = parser.parse_args()
    if not 1 <= args.unions <= 9999:
        parser.error("--unions must be between 1 and 9999")
    if args.history < 0:
        parser.error("--history cannot be negative")
    if args.runs < 1 or args.chunk < 1:
        parser.error("--runs and --chunk must be at least 1")
    try:
        args.at = {int(n) for n in args.at.split(",") if n.strip()}
    except ValueError:
        parser.error("--at takes numbers separated by commas")
    args.at = {n for n in args.at if 0 < n < args.unions}
    return args


def main() -> int:
    args = parse_args()
    # A plain `kill` should clean up like Ctrl-C does: SIGTERM becomes SystemExit so
    # the `finally` below runs.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    if args.cleanup:
        cleanup()
        return 0
    if not template_is_current():
        print(
            "The template schema is not migrated; run `manage.py migrate_platform`.",
            file=sys.stderr,
        )
        return 2

    if args.national_report_only:
        try:
            with mock.patch("tenants.tasks.warm_pool_refill"), override_settings(DEBUG=False):
                ensure_unions(1, args.method, set(), lambda n: None)
                registry_unions_drop()
                schemas = registry_unions_make(args.national_report_only)
                national_report_case(schemas, min(args.runs, 5))
        finally:
            registry_unions_drop()
            cleanup()
        return 0

    results: list[Measurement] = []
    page: DashboardPage | None = None
    # union_create queues a warm-pool refill on commit only when it uses the pool; the
    # stub makes sure no worker clones spares while the timings run.
    refill_stub = mock.patch("tenants.tasks.warm_pool_refill")
    # DEBUG off: with it on, Django keeps every query (a replayed dump is ~1 MB of SQL)
    # in memory, and templates run in debug mode, neither of which production does.
    try:
        with override_settings(DEBUG=False), refill_stub:
            page = DashboardPage()

            def on_checkpoint(n: int) -> None:
                print(f"measuring at {n} unions...", flush=True)
                results.append(measure(bench_schemas()[:n], page, args.runs, args.chunk))

            start = time.perf_counter()
            seconds, made = ensure_unions(args.unions, args.method, args.at, on_checkpoint)
            total = time.perf_counter() - start
            print(
                f"{args.unions} bench unions ready ({made} made this run): "
                f"{seconds:.0f} s creating and filling, {total:.0f} s with checkpoints",
                flush=True,
            )
            print(f"measuring at {args.unions} unions...", flush=True)
            results.append(measure(bench_schemas(), page, args.runs, args.chunk))
            if args.registry_to and args.registry_to > args.unions:
                print(f"measuring at {args.registry_to} unions in the registry...", flush=True)
                registry_unions_drop()
                registry_unions_make(args.registry_to, first=args.unions + 1)
                results.append(measure_registry(args.registry_to, page, args.runs))
            if args.history:
                print(f"measuring with {args.history} earlier half-years of rollups...")
                results.append(measure_with_history(bench_schemas(), page, args.runs, args.history))
            report(results, args.runs)
            if args.national_report:
                national_report_case(bench_schemas(), min(args.runs, 5))
            if args.clone_probe:
                probe = clone_probe()
                print(
                    f"clone probe: one union_create(use_warm_pool=False) with "
                    f"{args.unions} bench unions present took {probe:.2f} s"
                )
    finally:
        if args.registry_to:
            registry_unions_drop()
        if page is not None:
            page.close()
        if args.keep:
            print(f"kept {len(bench_schemas())} bench unions (drop them with --cleanup)")
        else:
            cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
