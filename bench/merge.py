"""Merging a large union into another: the whole job, the worker's memory, the redirect.

Two bench unions are made (untimed): the absorbed one holds 2,000 news articles,
300 images, 500 documents (files and register entries), 300 member organisations
with 10 years of half-year counts, and 3,000 activities; the absorbing one holds a
little of everything. A real Celery worker (a subprocess, solo pool) then runs the
merge exactly as the console queues it (`tenants.merging.merge_request`), and the
clock runs from the request to the row's DONE: backup, file copy, the copy
transaction and the switch. Peak memory is the worker's maximum resident set
(`getrusage` of the reaped child).

The redirect's cost is measured through Django's full middleware stack, side by
side with its baseline: the same request to an archived union's host, which the
same middleware answers (410) after the same host lookup, without the redirect's
query. Every bench union is removed at the end.

    .venv/bin/python manage.py migrate_platform     # once
    .venv/bin/python bench/merge.py                 # 2,000 news …
    .venv/bin/python bench/merge.py --scale 0.1     # a quick look
"""

import argparse
import datetime as dt
import io
import os
import resource
import secrets
import shutil
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

logging.getLogger("wagtail").setLevel(logging.WARNING)
# Each 410 of the baseline would log a line, and the logging would be measured.
logging.getLogger("django.request").setLevel(logging.ERROR)

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402
from PIL import Image as PILImage  # noqa: E402

from lhh.celery import worker_argv  # noqa: E402
from tenants import backups  # noqa: E402
from tenants.merging import merge_request  # noqa: E402
from tenants.models import MergeRedirect, Union, UnionMerge  # noqa: E402
from tenants.selectors import union_host  # noqa: E402
from tenants.services import union_create  # noqa: E402

GOAL_JOB_S = 60.0
GOAL_PEAK_MB = 500
GOAL_REDIRECT_MS = 1.0


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def content_fill(scale: float) -> dict[str, int]:
    """The absorbed union's content, in the current schema; returns what was made."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from cms.models import HomePage, NewsArticlePage, NewsCategory, NewsIndexPage, OfficialDocument
    from cms.records.models import Activity, MemberCount, MemberOrganisation, ReportingPeriod

    n = {
        "news": int(2000 * scale),
        "images": int(300 * scale),
        "documents": int(500 * scale),
        "organisations": int(300 * scale),
        "activities": int(3000 * scale),
    }
    png = _png()
    images = [
        get_image_model().objects.create(title=f"Ảnh {i}", file=ContentFile(png, name=f"a{i}.png"))
        for i in range(n["images"])
    ]
    documents = [
        get_document_model().objects.create(
            title=f"Tệp {i}", file=ContentFile(b"%PDF-1.4 bench", name=f"t{i}.pdf")
        )
        for i in range(n["documents"])
    ]
    OfficialDocument.objects.bulk_create(
        OfficialDocument(
            number=f"{i}/QĐ-LHH",
            issuing_body="Liên hiệp Hội",
            issued_on=dt.date(2020, 1, 1) + dt.timedelta(days=i),
            abstract=f"Văn bản {i}",
            file=documents[i],
        )
        for i in range(n["documents"])
    )
    category = NewsCategory.objects.create(name="Hoạt động", slug="hoat-dong")
    index = HomePage.objects.get().add_child(
        instance=NewsIndexPage(title="Tin tức", slug="tin-tuc")
    )
    for i in range(n["news"]):
        index.add_child(
            instance=NewsArticlePage(
                title=f"Bài tin số {i}",
                slug=f"bai-{i}",
                published_on=dt.date(2016, 1, 1) + dt.timedelta(days=i),
                category=category,
                lead_image=images[i % len(images)] if images else None,
                body=[("paragraph", f'<p>Xem <a linktype="page" id="{index.pk}">tin</a>.</p>')],
            )
        )
    periods = [
        ReportingPeriod.objects.create(kind="half", year=year, half=half)
        for year in range(2016, 2026)
        for half in (1, 2)
    ]
    organisations = MemberOrganisation.objects.bulk_create(
        MemberOrganisation(name=f"Hội số {i}") for i in range(n["organisations"])
    )
    MemberCount.objects.bulk_create(
        MemberCount(organisation=o, period=p, members=100) for o in organisations for p in periods
    )
    Activity.objects.bulk_create(
        Activity(kind="seminar", title=f"Hội thảo {i}", period=periods[i % len(periods)])
        for i in range(n["activities"])
    )
    return n


def unions_make(scale: float) -> tuple[Union, Union, Union, dict]:
    tag = secrets.token_hex(3)
    absorbed = union_create(schema_name=f"benchhd{tag}", name="Bench Hải Dương")
    absorbing = union_create(schema_name=f"benchhp{tag}", name="Bench Hải Phòng")
    archived = union_create(schema_name=f"benchlt{tag}", name="Bench lưu trữ")
    Union.objects.filter(pk=archived.pk).update(status=Union.Status.ARCHIVED)
    started = time.perf_counter()
    with schema_context(absorbed.schema_name):
        made = content_fill(scale)
    with schema_context(absorbing.schema_name):
        content_fill(0.01)
    print(f"content made in {time.perf_counter() - started:.0f} s: {made}", flush=True)
    return absorbed, absorbing, archived, made


def merge_timed(absorbed: Union, absorbing: Union) -> tuple[float, float, float, UnionMerge]:
    """(request → switch committed, request → the task's end, worker peak MB, merge).

    The task ends after the switch with derived data (the moved pages' search entries,
    the national figures): a warm shutdown, asked for at the switch, waits for it."""
    worker = subprocess.Popen(worker_argv(), env={**os.environ, "WARM_POOL_SIZE": "0"})
    try:
        time.sleep(5)  # the worker's start-up is not the merge's
        started = time.perf_counter()
        merge = merge_request(absorbed=absorbed, absorbing=absorbing, actor="bench")
        while True:
            merge.refresh_from_db()
            if merge.state in (UnionMerge.State.DONE, UnionMerge.State.FAILED):
                break
            if time.perf_counter() - started > 1200:
                raise SystemExit("the merge did not end within 20 minutes")
            time.sleep(0.1)
        switched = time.perf_counter() - started
        worker.terminate()
        worker.wait(timeout=1200)
        ended = time.perf_counter() - started
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return switched, ended, peak_mb, merge


def merge_phase_s(merge: UnionMerge) -> float:
    """The backup: from the task's start to the archive written."""
    archive = Path(settings.BACKUP_ROOT) / "unions" / merge.absorbed.schema_name / merge.backup_name
    return archive.stat().st_mtime - merge.started_at.timestamp()


def request_ms(client: Client, path: str, runs: int) -> float:
    for _ in range(20):
        client.get(path)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def drop(union: Union) -> None:
    UnionMerge.objects.filter(absorbed=union).delete()
    UnionMerge.objects.filter(absorbing=union).delete()
    MergeRedirect.objects.filter(union=union).delete()
    Union.objects.filter(merged_into=union).update(merged_into=None)
    Union.objects.filter(pk=union.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{union.schema_name}" CASCADE')
    shutil.rmtree(backups.media_folder(union.schema_name), ignore_errors=True)
    shutil.rmtree(Path(settings.BACKUP_ROOT) / "unions" / union.schema_name, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    from lhh.celery import app

    app.control.purge()  # a stale message of an earlier run would run first
    absorbed, absorbing, archived, made = unions_make(args.scale)
    try:
        elapsed, ended, peak_mb, merge = merge_timed(absorbed, absorbing)
        if merge.state != UnionMerge.State.DONE:
            print(f"merge failed: {merge.error}")
            return 1
        old = Client(HTTP_HOST=union_host(absorbed.schema_name))
        gone = Client(HTTP_HOST=union_host(archived.schema_name))
        path = "/tin-tuc/bai-7/"
        assert old.get(path).status_code == 301
        redirect_ms = request_ms(old, path, args.requests)
        baseline_ms = request_ms(gone, path, args.requests)
        added = redirect_ms - baseline_ms
        print()
        print(f"merged: {made}; rows copied: {sum(merge.counts.values())}")
        print(f"{'':<34}{'measured':>12}{'goal':>10}")
        print(f"{'request → switch committed':<34}{elapsed:>10.1f} s{GOAL_JOB_S:>8.0f} s")
        print(f"{'request → task ended':<34}{ended:>10.1f} s{GOAL_JOB_S:>8.0f} s")
        print(f"{'  of which the backup':<34}{merge_phase_s(merge):>10.1f} s")
        print(f"{'worker peak memory':<34}{peak_mb:>9.0f} MB{GOAL_PEAK_MB:>7} MB")
        print(
            f"{'301 on the old host (median)':<34}{redirect_ms:>9.2f} ms"
            f"   baseline 410 {baseline_ms:.2f} ms, ratio {redirect_ms / baseline_ms:.2f}x"
        )
        print(f"{'redirect adds':<34}{added:>9.2f} ms{GOAL_REDIRECT_MS:>7.0f} ms")
        ok = ended <= GOAL_JOB_S and peak_mb <= GOAL_PEAK_MB and added <= GOAL_REDIRECT_MS
        return 0 if ok else 1
    finally:
        for union in (absorbed, absorbing, archived):
            drop(union)


if __name__ == "__main__":
    sys.exit(main())
