"""Memory and disk per union: the figures deploy/SCALING.md sizes machines with.

It works on the bench unions already in the database (`bench/national.py --keep`
makes 1,000) and measures, in one run:

1. disk: the database's size, the system catalogs' size and row counts (every union
   schema adds its ~440 relations to `pg_class`, `pg_attribute`, ...), and one union's
   own tables (the template: an empty union; `bnat0001`: one with a half-year of
   records), each divided per union.
2. memory while serving: one Django process (a web worker's code path, through
   Django's WSGI handler in this process, no network) requests the home page of the
   first 1, 10, 100, ... bench unions in turn over one persistent database
   connection. After each step it reads its own resident memory (VmRSS), the
   PostgreSQL backend's private memory (RssAnon of that backend's process, same
   machine) and what that backend reports in `pg_backend_memory_contexts` (its
   relation and catalog caches grow with every schema it has touched).

Run from the project root after `bench/national.py --keep`:

    .venv/bin/python bench/sizing.py
    .venv/bin/python bench/sizing.py --steps 1,10,100,1000

DJANGO_SETTINGS_MODULE defaults to `lhh.settings.dev`: the embedded PostgreSQL
when DATABASE_URL is unset, or the database DATABASE_URL names.
"""

import argparse
import os
import statistics
import time
from pathlib import Path

import script_path  # noqa: F401  (bench/ off sys.path, before Django)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lhh.settings.dev")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from tenants.models import Union  # noqa: E402
from tenants.selectors import union_host  # noqa: E402

MB = 1024 * 1024


def status_kb(pid: int | str, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def scalar(sql: str, params: list | None = None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def schema_bytes(name: str) -> int:
    return scalar(
        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
        [name],
    )


def disk(unions: int) -> None:
    connection.set_schema_to_public()
    database = scalar("SELECT pg_database_size(current_database())")
    catalog = scalar(
        "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
        "WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'r'"
    )
    relations = scalar("SELECT count(*) FROM pg_class")
    attributes = scalar("SELECT count(*) FROM pg_attribute")
    schemas = scalar("SELECT count(*) FROM pg_namespace")
    print(f"disk, {unions} unions ({schemas} schemas in the database):")
    print(f"  database {database / MB:,.0f} MB = {database / unions / 1024:,.0f} kB per union")
    print(
        f"  system catalogs {catalog / MB:,.0f} MB = {catalog / unions / 1024:,.0f} kB per union; "
        f"pg_class {relations:,} rows, pg_attribute {attributes:,} rows"
    )
    template = schema_bytes(settings.TEMPLATE_SCHEMA_NAME)
    print(f"  an empty union's tables (the template): {template / 1024:,.0f} kB")
    if Union.objects.filter(schema_name="bnat0001").exists():
        print(
            "  bnat0001's tables (a half-year of records): "
            f"{schema_bytes('bnat0001') / 1024:,.0f} kB"
        )


def memory(names: list[str], steps: list[int]) -> None:
    client = Client()
    backend = scalar("SELECT pg_backend_pid()")
    print(f"\nmemory while serving home pages (one process, one connection, backend {backend}):")
    print(
        f"{'unions':>8}{'worker RSS MB':>15}{'PG backend MB':>15}"
        f"{'PG contexts MB':>16}{'ms/page':>9}"
    )

    def report(served: int, times: list[float]) -> None:
        if scalar("SELECT pg_backend_pid()") != backend:
            raise SystemExit("the connection was replaced; the backend figures would mix two")
        contexts = scalar("SELECT sum(total_bytes) FROM pg_backend_memory_contexts")
        worker = status_kb("self", "VmRSS") / 1024
        pg = status_kb(backend, "RssAnon") / 1024
        ms = statistics.median(times) * 1000 if times else float("nan")
        print(f"{served:>8}{worker:>15.1f}{pg:>15.1f}{contexts / MB:>16.1f}{ms:>9.1f}", flush=True)

    report(0, [])
    served = 0
    for step in steps:
        times = []
        for name in names[served:step]:
            start = time.perf_counter()
            response = client.get("/", HTTP_HOST=union_host(name))
            times.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {response.status_code}")
        served = step
        connection.set_schema_to_public()
        report(served, times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default="1,10,100,1000", help="unions served at each report")
    args = parser.parse_args()
    names = sorted(
        Union.objects.filter(schema_name__regex=r"^bnat[0-9]{4}$").values_list(
            "schema_name", flat=True
        )
    )
    if not names:
        raise SystemExit("no bench unions: run bench/national.py --keep first")
    steps = sorted({min(int(s), len(names)) for s in args.steps.split(",")})
    print(f"{len(names)} bench unions; load average {os.getloadavg()}")
    disk(Union.objects.exclude(schema_name="public").count())
    with override_settings(DEBUG=False, CONN_MAX_AGE=None):
        memory(names, steps)


if __name__ == "__main__":
    main()
