"""Upgrading many unions: the platform's `migrate_platform` against django-tenants'
standard `migrate_schemas --tenant`, side by side in one run.

It works on the unions already in the database (make 1,000 with
`bench/national.py --keep` first) and times:

1. nothing to do, new: `manage.py migrate_platform` as a process of its own (start-up,
   system checks, public, template and every union checked; what an operator waits
   for), and `tenants.upgrade.unions_migrate` alone, in this process.
2. nothing to do, standard: django-tenants' standard executor, the one
   `migrate_schemas --tenant` uses, over the first `--standard N` bench schemas (one
   migration executor per schema, in turn), in this process; extrapolated linearly to
   every schema and labelled so. `--standard-all` times the real command on all of
   them instead, as a process of its own.
3. something to do (`--pending P`): the sessions app's migration is forgotten in P
   bench schemas (its table dropped, its row deleted), then applied again by
   `unions_migrate` with 1, 2 and 3 jobs, and by the standard executor: the time to
   migrate P unions, and whether processes in parallel help on this machine.

The standard way runs with django-tenants' stock table listing; the project's backend
(`tenants.postgresql_backend`) lists a schema's tables from an index instead of
scanning the whole catalog, which the new way uses.

Every way runs `--runs` times (median reported) except the standard one (once: it is
slow). Before and after, every schema must be current (`schemas_behind`); a failure
or Ctrl-C applies the forgotten migration again, so nothing is left behind.

    .venv/bin/python bench/migrate.py                          # standard on 100, pending 100
    .venv/bin/python bench/migrate.py --standard 50 --pending 0
    .venv/bin/python bench/migrate.py --standard-all

DJANGO_SETTINGS_MODULE defaults to `lhh.settings.dev`: the embedded PostgreSQL
when DATABASE_URL is unset, or the database DATABASE_URL names.
"""

import argparse
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import script_path  # noqa: F401  (bench/ off sys.path, before Django)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lhh.settings.dev")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.management.commands.migrate_schemas import Command as MigrateSchemas  # noqa: E402
from django_tenants.migration_executors.standard import StandardExecutor  # noqa: E402
from django_tenants.postgresql_backend.introspection import (  # noqa: E402
    DatabaseSchemaIntrospection,
)
from django_tenants.utils import get_public_schema_name  # noqa: E402

from tenants.migration_state import schemas_behind  # noqa: E402
from tenants.models import Union  # noqa: E402
from tenants.upgrade import unions_migrate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 10.0
GOAL_UNIONS = 1000
logging.getLogger("tenants").setLevel(logging.WARNING)


def all_schemas() -> list[str]:
    return list(
        Union.objects.exclude(schema_name=get_public_schema_name())
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )


def bench_schemas() -> list[str]:
    return [name for name in all_schemas() if name.startswith("bnat")]


def assert_current(schemas: list[str]) -> None:
    behind, missing = schemas_behind(schemas)
    if behind:
        raise SystemExit(f"{len(behind)} schemas are behind the code, e.g. {behind[:3]}")
    if missing:
        raise SystemExit(f"{len(missing)} unions have no schema, e.g. {missing[:3]}")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def migrate_platform_process() -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate_platform", "--verbosity", "0"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def standard(schemas: list[str]) -> None:
    """What `migrate_schemas --tenant` runs: one migration executor per schema, in turn,
    with django-tenants' own table listing (the project's backend lists tables faster,
    which would speed this way up too; the baseline is django-tenants as shipped)."""
    command = MigrateSchemas()
    options = vars(command.create_parser("manage.py", "migrate_schemas").parse_args([]))
    options.update(verbosity=0, interactive=False, skip_checks=True)
    ours = connection.introspection
    connection.introspection = DatabaseSchemaIntrospection(connection)
    try:
        StandardExecutor([], options).run_migrations(tenants=list(schemas))
    finally:
        connection.introspection = ours
        connection.set_schema_to_public()


def standard_process() -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "--tenant", "--verbosity", "0"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def forget_sessions(schemas: list[str]) -> None:
    with connection.cursor() as cursor:
        for name in schemas:
            quoted = connection.ops.quote_name(name)
            cursor.execute(f"DROP TABLE IF EXISTS {quoted}.django_session")
            cursor.execute(f"DELETE FROM {quoted}.django_migrations WHERE app = 'sessions'")


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each fast way (3)")
    parser.add_argument("--standard", type=int, default=100, help="schemas for the standard run")
    parser.add_argument("--standard-all", action="store_true", help="standard run on all")
    parser.add_argument("--pending", type=int, default=100, help="schemas made to need a migration")
    args = parser.parse_args()

    schemas = all_schemas()
    bench = bench_schemas()
    total = len(schemas)
    print(f"{total} schemas besides public ({len(bench)} bench unions); load {os.getloadavg()}")
    assert_current(schemas)
    call_command("migrate_platform", verbosity=0)  # warm caches, as a second deploy would

    rows: list[tuple[str, float, str]] = []
    behind_s = [timed(lambda: schemas_behind(schemas)) for _ in range(args.runs)]
    rows.append(("schemas_behind alone (which schemas need work)", median(behind_s), "measured"))
    inner = [timed(lambda: unions_migrate(jobs=2, verbosity=0)) for _ in range(args.runs)]
    rows.append(("new: unions_migrate, nothing to do", median(inner), "measured"))
    command = [timed(migrate_platform_process) for _ in range(args.runs)]
    new_seconds = median(command)
    rows.append(("new: manage.py migrate_platform (process)", new_seconds, "measured"))

    if args.standard_all:
        standard_seconds = timed(standard_process)
        rows.append(
            (f"standard: manage.py migrate_schemas --tenant, {total}", standard_seconds, "measured")
        )
    else:
        subset = (bench or schemas)[: args.standard]
        part = timed(lambda: standard(subset))
        standard_seconds = part / len(subset) * total
        rows.append((f"standard executor, {len(subset)} schemas", part, "measured"))
        rows.append(
            (
                f"standard executor, {total} schemas",
                standard_seconds,
                f"extrapolated ×{total / len(subset):.1f}",
            )
        )
    print(f"\nnothing to do, {total} schemas (load {os.getloadavg()[0]:.2f}):")
    for label, seconds, how in rows:
        print(f"  {label:<58}{seconds:>9.2f} s  {how}")
    print(f"  standard / new (whole command): {standard_seconds / new_seconds:.1f}×")
    scaled = new_seconds if total >= GOAL_UNIONS else None
    if scaled is not None:
        verdict = "met" if scaled <= GOAL_SECONDS else "NOT met"
        print(f"  goal ≤ {GOAL_SECONDS:.0f} s at {GOAL_UNIONS} unions: {scaled:.2f} s, {verdict}")

    if args.pending:
        pending = bench[: args.pending]
        if not pending:
            raise SystemExit("no bench unions to make pending; run bench/national.py --keep")
        print(f"\none migration pending in {len(pending)} schemas:")
        try:
            for jobs in (1, 2, 3):
                runs = []
                for _ in range(args.runs):
                    forget_sessions(pending)
                    start = time.perf_counter()
                    result = unions_migrate(jobs=jobs, verbosity=0)
                    runs.append(time.perf_counter() - start)
                    if result.failed or len(result.migrated) != len(pending):
                        raise SystemExit(f"the run did not migrate them all: {result}")
                seconds = median(runs)
                print(
                    f"  new, {jobs} job(s): {seconds:.2f} s, "
                    f"{seconds / len(pending) * 100:.1f} s per 100 unions"
                )
            forget_sessions(pending)
            seconds = timed(lambda: standard(pending))
            print(
                f"  standard executor: {seconds:.2f} s, "
                f"{seconds / len(pending) * 100:.1f} s per 100 unions"
            )
        finally:
            unions_migrate(jobs=2, verbosity=0)
    assert_current(schemas)
    print(f"\nall {total} schemas current at the end; load {os.getloadavg()}")


if __name__ == "__main__":
    main()
