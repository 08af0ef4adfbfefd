"""Importing 10,000 activity rows: time and peak Python memory, against a naive baseline.

- project: `cms.records.imports.parse` then `apply` (validate every row, then bulk insert).
- baseline: the same rows saved one by one through the service (`activity_save`, which
  runs `full_clean` with the model's check constraints and one INSERT per row): what a
  straightforward per-row import would do.

Both run in one process on the demo union `thanhhoa`, in a throw-away period that is
deleted afterwards. Run after `manage.py migrate_platform` and `manage.py load_initial_data`:

    .venv/bin/python bench/imports.py [--rows 10000]
"""

import argparse
import csv
import io
import os
import sys
import time
import tracemalloc

import script_path  # noqa: F401  (bench/ off sys.path, before Django)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lhh.settings.dev")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from cms.records import imports, services  # noqa: E402
from cms.records.models import Activity, ReportingPeriod  # noqa: E402
from lhh.demo.seed import demo_unions_load  # noqa: E402
from tenants.models import Union  # noqa: E402

SCHEMA = "thanhhoa"
BENCH_YEAR = 2099


def csv_content(rows: int) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["Loại hoạt động", "Tên hoạt động", "Lượt người tham dự", "Địa điểm"])
    for n in range(rows):
        writer.writerow(
            ["Lớp tập huấn, đào tạo", f"Lớp tập huấn kỹ thuật số {n}", 30 + n % 50, "Hội trường"]
        )
    return output.getvalue().encode()


def measure(label: str, work) -> tuple[float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<10} {seconds:>8.2f} s {peak / 2**20:>9.1f} MiB peak", flush=True)
    return seconds, peak / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    if not Union.objects.filter(schema_name=SCHEMA).exists():
        demo_unions_load()
    content = csv_content(args.rows)
    with schema_context(SCHEMA):
        period = services.period_get_or_create(kind="year", year=BENCH_YEAR)
        try:

            def project() -> None:
                result = imports.parse(
                    content=content,
                    filename="bench.csv",
                    kind=imports.ImportKind.ACTIVITIES,
                    period=period,
                )
                assert result.ok, result.errors[:3]
                imports.apply(result=result, period=period)

            def baseline() -> None:
                result = imports.parse(
                    content=content,
                    filename="bench.csv",
                    kind=imports.ImportKind.ACTIVITIES,
                    period=period,
                )
                with transaction.atomic():
                    for row in result.rows:
                        values = {
                            k: v
                            for k, v in row.items()
                            if k not in {"_row", "organiser"} and v is not None
                        }
                        services.activity_save(activity=Activity(period=period, **values))

            print(f"Import of {args.rows} activity rows (CSV), {os.cpu_count()} CPUs")
            print(f"{'variant':<10} {'time':>10} {'memory':>15}")
            project_s, project_mb = measure("project", project)
            assert Activity.objects.filter(period=period).count() == args.rows
            Activity.objects.filter(period=period).delete()
            baseline_s, baseline_mb = measure("baseline", baseline)
            assert Activity.objects.filter(period=period).count() == args.rows
            print(f"ratio baseline/project time: {baseline_s / project_s:.1f}x")
            print(f"rows per second (project): {args.rows / project_s:,.0f}")
        finally:
            Activity.objects.filter(period=period).delete()
            ReportingPeriod.objects.filter(pk=period.pk).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
