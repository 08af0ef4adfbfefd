"""Union creation on whatever DATABASE_URL names: one PostgreSQL, or a Citus cluster.

Times `tenants.services.union_create` two ways, N times each, taking turns:
- clone: `use_warm_pool=False`, the template cloned (on Citus: locally, then the schema
  distributed to a worker with `citus_schema_distribute`);
- warm pool: a spare made beforehand (untimed; on Citus already distributed) renamed.
Each union is dropped right after its run (untimed). Prints the medians, and on Citus
the worker each union landed on. Run it once per database, in the same session, to put
the two side by side (docs/benchmarks.md, "Citus"):

    .venv/bin/python bench/cluster.py --runs 3
    DATABASE_URL=$(deploy/cluster url) .venv/bin/python bench/cluster.py --runs 3
"""

import argparse
import os
import secrets
import statistics
import sys
import time

import script_path  # noqa: F401  (bench/ off sys.path, before Django)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lhh.settings.dev")

import django

django.setup()

from django.db import connection  # noqa: E402

from tenants.citus import citus_active, schema_placements  # noqa: E402
from tenants.models import Domain, Union  # noqa: E402
from tenants.services import union_create, warm_pool_refill  # noqa: E402


def _drop(schema_name: str) -> None:
    Domain.objects.filter(tenant__schema_name=schema_name).delete()
    Union.objects.filter(schema_name=schema_name).delete()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cluster = citus_active()
    times: dict[str, list[float]] = {"clone": [], "warm pool": []}
    nodes: list[str] = []
    for _ in range(args.runs):
        for way in times:
            name = f"bcl{secrets.token_hex(4)}"
            if way == "warm pool":
                warm_pool_refill(size=1)
            started = time.perf_counter()
            union_create(schema_name=name, name="Bench", use_warm_pool=way == "warm pool")
            times[way].append(time.perf_counter() - started)
            if cluster:
                nodes.append(schema_placements([name])[name].node)
            _drop(name)
    kind = "Citus cluster" if cluster else "one PostgreSQL"
    print(f"{kind}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    for way, values in times.items():
        runs = " ".join(f"{v:.2f}" for v in values)
        print(f"  {way:<10} median {statistics.median(values):.2f} s  (runs: {runs})")
    if cluster:
        print(f"  placed on: {', '.join(nodes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
