"""From approval to the new union's first 200: the warm-pool path against the clone path.

Each run makes a verified sign-up application (untimed, straight into the table, so
no verification mail is queued), then starts the clock and calls
`tenants.onboarding.services.signup_approve`, exactly what the console's "Duyệt"
button does. Approval queues the creation on commit; a real Celery worker (a
subprocess started by this script, solo pool) runs it through
`tenants.services.union_create`; the script requests `/` on the new host through
Django's full middleware stack every 5 ms and stops the clock at the first 200.

- end to end: approval call → first 200 (includes the broker hop and the poll).
- DB work: `provisioning_started_at` → `live_at` on the application, i.e. the
  worker's whole creation (schema rename or clone, Wagtail fix-up, first admin).

Two phases, N runs each, after one untimed warm-up run per phase:
1. clone: the warm pool is emptied first, so `union_create` clones the template.
2. warm pool: the pool is filled with N spares (untimed) before the phase.
The worker runs with WARM_POOL_SIZE=0, so the refill that every creation queues
is a no-op and never competes for the 2 CPUs during a timed run. The national
policy is set to allow several unions per province for the run and restored
after. Every bench union, application and spare is removed at the end, and the
pool is refilled to the size it had.

    .venv/bin/python manage.py migrate_platform     # once
    .venv/bin/python bench/onboarding.py            # 5 runs per path
    .venv/bin/python bench/onboarding.py --runs 9
"""

import argparse
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import script_path  # noqa: F401  (bench/ off sys.path, before Django)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lhh.settings.dev")

import django

django.setup()

import logging  # noqa: E402

# Every poll before the site answers is a 404; one log line each would drown the figures.
logging.getLogger("django.request").setLevel(logging.ERROR)

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from lhh.celery import app, worker_argv  # noqa: E402
from tenants import services as union_services  # noqa: E402
from tenants.migration_state import template_is_current  # noqa: E402
from tenants.models import (  # noqa: E402
    Domain,
    OnboardingPolicy,
    Province,
    SignupApplication,
    SpareSchema,
    Union,
)
from tenants.onboarding import services  # noqa: E402
from tenants.selectors import union_host  # noqa: E402

PREFIX = "benchdk"
GOAL_END_TO_END = 1.0
GOAL_DB = 0.1
POLL_SECONDS = 0.005
TIMEOUT_SECONDS = 60


def application_make(province: Province) -> SignupApplication:
    name = f"{PREFIX}{secrets.token_hex(5)}"
    return SignupApplication.objects.create(
        province=province,
        name=f"Liên hiệp Hội đo thời gian {name}",
        short_name=name,
        subdomain=name,
        contact_name="Đo thời gian",
        email=f"{name}@example.vn",
        phone="0912345678",
        status=SignupApplication.Status.VERIFIED,
        verified_at=timezone.now(),
    )


def one_run(province: Province) -> tuple[float, float, bool]:
    """(end-to-end seconds, DB-work seconds, whether a spare was taken)."""
    application = application_make(province)
    client = Client(HTTP_HOST=union_host(application.subdomain))
    spares = SpareSchema.objects.count()
    start = time.perf_counter()
    services.signup_approve(application=application, actor="bench")
    while client.get("/").status_code != 200:
        connection.set_schema_to_public()
        if time.perf_counter() - start > TIMEOUT_SECONDS:
            raise RuntimeError(f"{application.subdomain} did not answer within {TIMEOUT_SECONDS} s")
        time.sleep(POLL_SECONDS)
    end_to_end = time.perf_counter() - start
    # The in-process request left this connection in the new union's schema; the next
    # approval starts in public, as the console's request on the national host does.
    connection.set_schema_to_public()
    application.refresh_from_db()
    db_work = (application.live_at - application.provisioning_started_at).total_seconds()
    return end_to_end, db_work, SpareSchema.objects.count() == spares - 1


def drop_bench_unions() -> int:
    names = list(
        SignupApplication.objects.filter(subdomain__startswith=PREFIX).values_list(
            "subdomain", flat=True
        )
    )
    for name in names:
        with transaction.atomic():
            SignupApplication.objects.filter(subdomain=name).delete()
            Domain.objects.filter(domain=union_host(name)).delete()
            Union.objects.filter(schema_name=name).delete()
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(name)} CASCADE")
    return len(names)


def spares_drop() -> None:
    for spare in SpareSchema.objects.all():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(spare.schema_name)} CASCADE"
                )
            spare.delete()


def worker_start() -> subprocess.Popen:
    app.control.purge()  # a stale message in the local broker would run before ours
    return subprocess.Popen(
        worker_argv(),
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "WARM_POOL_SIZE": "0"},
    )


def phase(label: str, province: Province, runs: int) -> list[tuple[float, float, bool]]:
    rows = []
    for i in range(runs + 1):
        row = one_run(province)
        which = "warm-up (untimed)" if i == 0 else f"run {i}/{runs}"
        print(f"{label:<10} {which}: {row[0]:.3f} s end to end, {row[1]:.3f} s DB", flush=True)
        if i:
            rows.append(row)
    return rows


def summary(label: str, rows: list[tuple[float, float, bool]]) -> dict:
    totals = [r[0] for r in rows]
    db = [r[1] for r in rows]
    return {
        "label": label,
        "total": statistics.median(totals),
        "total_min": min(totals),
        "total_max": max(totals),
        "db": statistics.median(db),
        "db_min": min(db),
        "db_max": max(db),
        "spares": sum(r[2] for r in rows),
    }


def report(clone: dict, warm: dict, runs: int) -> None:
    database = settings.DATABASES["default"]["NAME"]
    print(
        f"\nApproval → first 200, {runs} runs per path (database {database!r}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the end)"
    )
    print(f"{'':<24}{'clone':>12}{'warm pool':>12}{'clone/warm':>12}")
    for key, label in (
        ("total", "end to end median s"),
        ("total_min", "end to end min s"),
        ("total_max", "end to end max s"),
        ("db", "DB work median s"),
        ("db_min", "DB work min s"),
        ("db_max", "DB work max s"),
    ):
        print(f"{label:<24}{clone[key]:>12.3f}{warm[key]:>12.3f}{clone[key] / warm[key]:>11.1f}x")
    print(f"{'spares taken':<24}{clone['spares']:>12}{warm['spares']:>12}")
    for path in (warm, clone):
        print(
            f"goal {path['label']}: end to end < {GOAL_END_TO_END} s "
            f"{'met' if path['total'] < GOAL_END_TO_END else 'NOT met'}; "
            f"DB work < {GOAL_DB} s {'met' if path['db'] < GOAL_DB else 'NOT met'}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not template_is_current():
        print("Run `manage.py migrate_platform` first.", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    province = Province.objects.filter(is_current=True).first()
    policy = OnboardingPolicy.load()
    several_before = policy.several_unions_per_province
    pool_before = SpareSchema.objects.count()
    policy.several_unions_per_province = True
    policy.save(update_fields=["several_unions_per_province", "updated_at"])
    worker = worker_start()
    try:
        spares_drop()
        clone_rows = phase("clone", province, args.runs)
        union_services.warm_pool_refill(size=args.runs + 1)
        warm_rows = phase("warm pool", province, args.runs)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        removed = drop_bench_unions()
        spares_drop()
        union_services.warm_pool_refill(size=pool_before)
        policy.several_unions_per_province = several_before
        policy.save(update_fields=["several_unions_per_province", "updated_at"])
        print(f"removed {removed} bench unions; warm pool back to {SpareSchema.objects.count()}")
    report(summary("clone", clone_rows), summary("warm pool", warm_rows), args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
