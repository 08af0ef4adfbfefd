"""Importing an old NukeViet site at scale: the Hải Dương fixture grown to 10,000 articles
and 5,000 images, imported by a real Celery worker into a fresh union.

Prints: the import's wall time (goal ≤ 3 min), the worker's peak resident memory (goal
≤ 500 MB), and another union's p95 page time while idle and during the import (goal
≤ 1.5×), measured side by side on one server process.

    .venv/bin/python bench/nukeviet.py [--articles 10000] [--images 5000]

It needs the platform's database (`manage.py migrate_platform`, `load_initial_data`):
the other union is the demo union `thanhhoa`; the imported union is made and dropped.
"""

import argparse
import gzip
import io
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import script_path  # noqa: F401  (bench/ off sys.path, before Django)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lhh.settings.dev")

import django

django.setup()

import psutil  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from lhh.demo.seed import demo_unions_load  # noqa: E402
from tenants.models import Domain, Union  # noqa: E402
from tenants.services import union_create  # noqa: E402

FIXTURE = Path("/work/shared/fixtures/nukeviet/haiduong")
ROOT = Path(__file__).resolve().parents[1]
OTHER = "thanhhoa"
OTHER_PATH = "/tin-tuc/"
_ROW = re.compile(r"^\((\d+),(.*)\)[,;]$")


def scaled_dump(folder: Path, articles: int, images: int) -> Path:
    """The fixture's dump plus `articles` new articles, every one with a body, the first
    `images` with a lead image of their own, in extended INSERTs of 200 rows."""
    text = gzip.decompress((FIXTURE / "haiduong.sql.gz").read_bytes()).decode("utf-8")
    rows = _rows(text, "nv4_vi_news_rows")
    details = _rows(text, "nv4_vi_news_detail")
    template_ids = sorted(set(rows) & set(details))
    extra = io.StringIO()
    for start in range(0, articles, 200):
        batch_rows, batch_details = [], []
        for n in range(start, min(start + 200, articles)):
            source = template_ids[n % len(template_ids)]
            new_id = 1000 + n
            row = rows[source]
            # id, then the rest: the alias gains the new id, the lead image a file of its own.
            row = re.sub(
                r"','([a-z0-9-]+)','",
                lambda m, new_id=new_id: f"','{m.group(1)}-{new_id}','",
                row,
                count=1,
            )
            image = f"bench/anh-{n}.jpg" if n < images else ""
            row = re.sub(
                r"'(\d{4}_\d{2}/[^']+|)','([^']*)',(\d)",
                lambda m, image=image: f"'{image}','{m.group(2)}',{1 if image else 0}",
                row,
                count=1,
            )
            batch_rows.append(f"({new_id},{row})")
            batch_details.append(f"({new_id},{details[source]})")
        extra.write("INSERT INTO `nv4_vi_news_rows` VALUES " + ",\n".join(batch_rows) + ";\n")
        extra.write("INSERT INTO `nv4_vi_news_detail` VALUES " + ",\n".join(batch_details) + ";\n")
    text = text.replace("-- Dump completed", extra.getvalue() + "-- Dump completed")
    path = folder / "scaled.sql.gz"
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=1))
    return path


def _rows(text: str, table: str) -> dict[int, str]:
    start = text.index(f"INSERT INTO `{table}` VALUES")
    end = text.index(";\n", start)
    found = {}
    for line in text[start : end + 2].splitlines()[1:]:
        match = _ROW.match(line)
        if match:
            found[int(match.group(1))] = match.group(2)
    return found


def scaled_uploads(folder: Path, images: int) -> Path:
    """The fixture's uploads plus `images` photographs (the fixture's own, cycled)."""
    photos = []
    with tarfile.open(FIXTURE / "uploads.tar.gz") as source:
        for member in source:
            if (
                member.isfile()
                and member.name.startswith("uploads/news/2")
                and (member.name.endswith(".jpg"))
            ):
                photos.append(source.extractfile(member).read())
    path = folder / "scaled-uploads.tar.gz"
    with tarfile.open(path, "w:gz", compresslevel=1) as bundle:
        with tarfile.open(FIXTURE / "uploads.tar.gz") as source:
            for member in source:
                bundle.addfile(member, source.extractfile(member) if member.isfile() else None)
        for n in range(images):
            data = photos[n % len(photos)]
            member = tarfile.TarInfo(f"uploads/news/bench/anh-{n}.jpg")
            member.size = len(data)
            bundle.addfile(member, io.BytesIO(data))
    return path


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] * 1000


def sample_pages(port: int, host: str, stop: threading.Event, out: list[float]) -> None:
    while not stop.is_set():
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{OTHER_PATH}", headers={"Host": f"{host}:{port}"}
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()
        out.append(time.perf_counter() - started)
        time.sleep(0.05)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--images", type=int, default=5_000)
    args = parser.parse_args()
    if not Union.objects.filter(schema_name=OTHER).exists():
        demo_unions_load()
    folder = Path(tempfile.mkdtemp(prefix="bench-nukeviet-"))
    schema = f"bench{secrets.token_hex(3)}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
    server = worker = None
    try:
        started = time.perf_counter()
        dump = scaled_dump(folder, args.articles, args.images)
        uploads = scaled_uploads(folder, args.images)
        print(
            f"input: {args.articles} articles, {args.images} images; dump "
            f"{dump.stat().st_size / 2**20:.1f} MiB gz, uploads "
            f"{uploads.stat().st_size / 2**20:.1f} MiB ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        union_create(schema_name=schema, name="Liên hiệp Hội đo tải", use_warm_pool=False)

        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "lhh.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        _wait_up(port)
        other_host = f"{OTHER}.{settings.PLATFORM_DOMAIN}"
        idle: list[float] = []
        stop = threading.Event()
        sampler = threading.Thread(target=sample_pages, args=(port, other_host, stop, idle))
        sampler.start()
        time.sleep(20)
        stop.set()
        sampler.join()

        # The import as staff run it: the command's code path, in its own worker process.
        worker_code = (
            "import os, django; django.setup();"
            "from django_tenants.utils import schema_context;"
            "from cms.nukeviet.services import import_from_paths;"
            f"ctx = schema_context({schema!r}); ctx.__enter__();"
            f"r = import_from_paths(dump_path={str(dump)!r}, uploads_path={str(uploads)!r});"
            "print(r.lines()[1:4], flush=True)"
        )
        during: list[float] = []
        stop = threading.Event()
        sampler = threading.Thread(target=sample_pages, args=(port, other_host, stop, during))
        started = time.perf_counter()
        worker = psutil.Popen([sys.executable, "-c", worker_code], cwd=ROOT, env=env)
        sampler.start()
        peak = 0
        while worker.poll() is None:
            try:
                peak = max(peak, worker.memory_info().rss)
            except psutil.NoSuchProcess:
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        stop.set()
        sampler.join()
        if worker.returncode != 0:
            print("the import failed", file=sys.stderr)
            return 1
        idle_p95, during_p95 = p95(idle), p95(during)
        print(f"import          {seconds:>8.1f} s   (goal ≤ 180 s)")
        print(f"worker peak RSS {peak / 2**20:>8.0f} MiB (goal ≤ 500 MiB)")
        print(
            f"{OTHER} p95    {idle_p95:>8.1f} ms idle, {during_p95:.1f} ms during: "
            f"{during_p95 / idle_p95:.2f}x (goal ≤ 1.5x; {len(idle)}/{len(during)} requests)"
        )
        return 0
    finally:
        for process in (server, worker):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
        Domain.objects.filter(tenant__schema_name=schema).delete()
        Union.objects.filter(schema_name=schema).delete()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        shutil.rmtree(Path(settings.MEDIA_ROOT) / schema, ignore_errors=True)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_up(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start")


if __name__ == "__main__":
    with schema_context("public"):
        sys.exit(main())
