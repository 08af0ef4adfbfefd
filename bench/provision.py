"""How long it takes to create a union, three ways, side by side in one run.

1. migrations: what django-tenants does with no base schema -- `CREATE SCHEMA` and
   `migrate_schemas --tenant -s <schema>`, then the project's Wagtail fix-up
   (`cms.services.site_setup`), with the same Union and Domain rows as the real path.
2. clone: `tenants.services.union_create(..., use_warm_pool=False)`, i.e.
   django-tenants' `CloneSchema().clone_schema(template, name)` plus the fix-up.
3. fast: `tenants.services.union_create(...)` taking a spare from the warm pool; the
   pool is filled with `warm_pool_refill` before the clock starts and only
   `union_create` is timed.

Each way runs N times (median reported) and the ratios migrations/fast and
clone/fast are printed. Each union is dropped (schema, Union and Domain rows)
right after its run, untimed, so every run sees the same database; whatever is
left after a failure or Ctrl-C is dropped at the end. The warm pool is left with
as many spares as it had (`warm_pool_refill` also prunes stale spares, as always).

Run from the project root, on a migrated database (`manage.py migrate_platform`):

    .venv/bin/python bench/provision.py            # 5 runs of each
    .venv/bin/python bench/provision.py --runs 9

DJANGO_SETTINGS_MODULE defaults to `lhh.settings.dev`: the embedded PostgreSQL
when DATABASE_URL is unset, or the database DATABASE_URL names.
"""

import argparse
import logging
import os
import secrets
import signal
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from unittest import mock

# The project is installed in the venv (editable); adding the root to sys.path would let
# `platform/` shadow the standard library's `platform`.
import script_path  # noqa: F401  (bench/ off sys.path, before Django)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lhh.settings.dev")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from cms.services import site_setup  # noqa: E402
from tenants import services  # noqa: E402
from tenants.migration_state import code_fingerprint, template_is_current  # noqa: E402
from tenants.models import Domain, SpareSchema, Union  # noqa: E402
from tenants.selectors import union_host  # noqa: E402

# One line per created page/union is noise among the figures.
logging.getLogger("wagtail").setLevel(logging.WARNING)
logging.getLogger("tenants").setLevel(logging.WARNING)

NAME_PREFIX = "benchprov"
GOAL_FAST_SECONDS = 0.1
GOAL_SPEEDUP = 50.0


@dataclass
class Method:
    label: str
    create: Callable[[str], None]
    seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def new_schema_name() -> str:
    # Only [a-z0-9] passes tenants.schema_names.validate_schema_name.
    return f"{NAME_PREFIX}{secrets.token_hex(6)}"


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def current_spares() -> int:
    return SpareSchema.objects.filter(fingerprint=code_fingerprint()).count()


def create_by_migrations(schema_name: str) -> None:
    """django-tenants' own path without TENANT_BASE_SCHEMA (TenantMixin.create_schema),
    with the same registry rows and Wagtail fix-up as union_create, so only the way
    the schema is made differs."""
    host = union_host(schema_name)
    union = Union.objects.create(
        schema_name=schema_name,
        name=f"Bench {schema_name}",
        kind=Union.Kind.PROVINCIAL,
        status=Union.Status.PROVISIONING,
    )
    Domain.objects.create(domain=host, tenant=union, is_primary=True)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quote(schema_name)}")
    call_command(
        "migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=0
    )
    with schema_context(schema_name):
        site_setup(hostname=host, site_name=union.name)
    union.status = Union.Status.ACTIVE
    union.save(update_fields=["status", "updated_at"])


def create_by_clone(schema_name: str) -> None:
    services.union_create(schema_name=schema_name, name=f"Bench {schema_name}", use_warm_pool=False)


def create_fast(schema_name: str) -> None:
    services.union_create(schema_name=schema_name, name=f"Bench {schema_name}")


def drop_union(name: str) -> None:
    """Remove a bench union: its schema, its Domain and Union rows."""
    connection.set_schema_to_public()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {quote(name)} CASCADE")
        # The Domain rows go with their Union (on_delete=CASCADE); deleted
        # explicitly too, in case a failure left a Domain without its Union.
        Domain.objects.filter(domain=union_host(name)).delete()
        Union.objects.filter(schema_name=name).delete()


def time_one(method: Method, created: list[str]) -> float:
    name = new_schema_name()
    # Recorded before the attempt, so a half-made union is cleaned up too.
    created.append(name)
    connection.set_schema_to_public()
    start = time.perf_counter()
    method.create(name)
    elapsed = time.perf_counter() - start
    # Dropped at once, untimed: cloning reads information_schema across the whole
    # database, so every schema left behind would slow the next clone (~25 ms each
    # here) and the methods would not be measured on the same database.
    drop_union(name)
    return elapsed


def cleanup(created: list[str], spares_before: set[str], pool_target: int) -> None:
    """Drop every schema and row this run made, and trim the spares it added."""
    for name in created:
        drop_union(name)
    # The pool was topped up to `before + runs`; whatever this run added beyond the
    # count it started with goes (newest first), so the pool is as big as before.
    surplus = SpareSchema.objects.exclude(schema_name__in=spares_before).order_by("-created_at")
    extra = max(0, SpareSchema.objects.count() - pool_target)
    for spare in list(surplus[:extra]):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {quote(spare.schema_name)} CASCADE")
            spare.delete()
    leftovers = Union.objects.filter(schema_name__startswith=NAME_PREFIX).count()
    if leftovers:
        print(f"warning: {leftovers} {NAME_PREFIX}* union rows remain", file=sys.stderr)


def report(methods: dict[str, Method], runs: int) -> None:
    db = connection.settings_dict
    where = "DATABASE_URL" if settings.DATABASE_URL else "embedded pgserver"
    print(
        f"\nUnion creation, {runs} runs each ({where}, database {db['NAME']!r}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the end)"
    )
    print(f"{'method':<12}{'median s':>10}{'min s':>10}{'max s':>10}")
    for key in ("migrations", "clone", "fast"):
        m = methods[key]
        print(f"{m.label:<12}{m.median:>10.3f}{min(m.seconds):>10.3f}{max(m.seconds):>10.3f}")
    fast = methods["fast"].median
    ratio_migrations = methods["migrations"].median / fast
    ratio_clone = methods["clone"].median / fast
    print(f"ratio migrations/fast: {ratio_migrations:.1f}x")
    print(f"ratio clone/fast: {ratio_clone:.1f}x")
    met_time = fast <= GOAL_FAST_SECONDS
    met_ratio = ratio_migrations >= GOAL_SPEEDUP
    print(f"goal fast median <= {GOAL_FAST_SECONDS} s: {'met' if met_time else 'NOT met'}")
    print(f"goal migrations/fast >= {GOAL_SPEEDUP:.0f}x: {'met' if met_ratio else 'NOT met'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per method (default 5)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    if not template_is_current():
        print(
            "The template schema is not migrated; run `manage.py migrate_platform`.",
            file=sys.stderr,
        )
        return 2

    # A plain `kill` should clean up like Ctrl-C does: turn SIGTERM into SystemExit so
    # the `finally` below runs.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    methods = {
        "migrations": Method("migrations", create_by_migrations),
        "clone": Method("clone", create_by_clone),
        "fast": Method("fast", create_fast),
    }
    created: list[str] = []
    spares_before = set(SpareSchema.objects.values_list("schema_name", flat=True))
    pool_target = len(spares_before)
    # union_create queues a pool refill on commit. Stubbed here: the script fills the
    # pool itself, and a worker cloning spares during the timed runs would compete for
    # the 2 CPUs (and leave queued messages behind). Queueing cost 0.4 ms (filesystem broker).
    refill_stub = mock.patch("tenants.tasks.warm_pool_refill")
    try:
        with refill_stub as stub:
            # The migration-set fingerprint is computed once per process; a server pays
            # it once at start-up, not per union, so it is warmed before any timing.
            code_fingerprint()
            for key in ("migrations", "clone"):
                for i in range(args.runs):
                    seconds = time_one(methods[key], created)
                    methods[key].seconds.append(seconds)
                    print(f"{key:<11} run {i + 1}/{args.runs}: {seconds:.3f} s", flush=True)

            # Top the pool up by `runs` over what it holds, untimed, so the timed runs
            # never find it empty and the pool ends as big as it started.
            start = time.perf_counter()
            needed = current_spares() + args.runs
            added = services.warm_pool_refill(size=needed)
            print(
                f"warm pool: cloned {added} spares in {time.perf_counter() - start:.2f} s "
                "(untimed)",
                flush=True,
            )
            if current_spares() < needed:
                # warm_pool_refill backs off while another process holds its lock.
                raise RuntimeError(
                    f"warm pool holds {current_spares()} spares, {needed} needed; "
                    "another refill is probably running, try again"
                )
            for i in range(args.runs):
                spares = current_spares()
                seconds = time_one(methods["fast"], created)
                methods["fast"].seconds.append(seconds)
                # A concurrent union_create could take our spare; then this run cloned.
                took_spare = current_spares() == spares - 1
                note = "" if took_spare else "  (no spare taken: fell back to clone!)"
                print(f"fast        run {i + 1}/{args.runs}: {seconds:.3f} s{note}", flush=True)
            print(f"(refill tasks queued by union_create and stubbed: {stub.delay.call_count})")
    finally:
        cleanup(created, spares_before, pool_target)
        print(
            f"removed all {len(created)} bench unions; warm pool back to "
            f"{SpareSchema.objects.count()} spares",
            flush=True,
        )

    report(methods, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
