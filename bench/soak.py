"""Soak of the real server (issue 14): a cross-union canary and a noisy neighbour.

Starts the platform's own server (`manage.py runserver`, threaded, loopback, a free
port) over the configured database and runs, over real HTTP:

(a) canary: on every union used, signed-in staff sessions and anonymous visitors ask
    for cached pages (home, news list, the sentinel article), uncached ones (a
    query string the page cache skips), the API and admin pages, from several threads
    at once. Each union carries a sentinel article whose title no other union has; any
    response holding another union's sentinel is counted as foreign content (must be 0).
(b) noisy neighbour: one union gets 20 concurrent clients for 30 s while another union
    is sampled one request at a time; its p95 is printed idle (before) and during.
    The noisy union's 503s are the fairness limit at work
    (`UNION_CONCURRENT_REQUESTS_MAX`, tenants/host_routing.py) and are counted apart.

Every loop is bounded by a count or a deadline; the server is stopped at the end.

    .venv/bin/python bench/soak.py                 # dev database (lhh.settings.dev)
    DATABASE_URL=postgresql://… .venv/bin/python bench/soak.py --seconds 30 --clients 20
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import script_path  # noqa: F401  (bench/ off sys.path, before Django)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lhh.settings.dev")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from cms.models import HomePage, NewsArticlePage, NewsIndexPage  # noqa: E402
from lhh.demo.seed import demo_unions_load  # noqa: E402
from tenants.models import Union  # noqa: E402
from tenants.readiness import union_ready  # noqa: E402
from tenants.selectors import union_host  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SENTINEL_SLUG = "soak-canh-gioi"
STAFF_NAME = "soak-staff"
GOAL_P95_RATIO = 2.0


@dataclass
class SoakUnion:
    schema_name: str
    host: str
    sentinel: str
    article_path: str
    session_cookie: str = ""


@dataclass
class Tally:
    requests: int = 0
    foreign: int = 0
    own_seen: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, *, foreign: bool, own: bool) -> None:
        with self.lock:
            self.requests += 1
            self.foreign += foreign
            self.own_seen += own
            self.statuses[status] = self.statuses.get(status, 0) + 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def soak_union_prepare(union: Union) -> SoakUnion:
    """A sentinel article and a staff session in the union (made once, kept)."""
    sentinel = f"Canh giới soak {union.schema_name} 5e1c"
    with schema_context(union.schema_name):
        article = NewsArticlePage.objects.filter(slug=SENTINEL_SLUG).first()
        if article is None:
            parent = NewsIndexPage.objects.first() or HomePage.objects.get()
            article = parent.add_child(
                instance=NewsArticlePage(title=sentinel, slug=SENTINEL_SLUG, summary=sentinel)
            )
        _site_id, _root, path = article.get_url_parts()
        user = get_user_model().objects.filter(username=STAFF_NAME).first()
        if user is None:
            user = get_user_model().objects.create_superuser(
                STAFF_NAME, f"{STAFF_NAME}@{union.schema_name}.example.vn", None
            )
        client = Client(HTTP_HOST=union_host(union.schema_name))
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    return SoakUnion(union.schema_name, union_host(union.schema_name), sentinel, path, cookie)


def _ready_unions() -> list[Union]:
    return [
        union
        for union in Union.objects.exclude(schema_name="public").order_by("schema_name")
        if union.is_routable and union.status == Union.Status.ACTIVE and union_ready(union)
    ]


def unions_choose(count: int) -> list[SoakUnion]:
    candidates = _ready_unions()
    if len(candidates) < 2:
        print("fewer than two ready unions: creating the demo unions...", flush=True)
        demo_unions_load()
        candidates = _ready_unions()
    return [soak_union_prepare(union) for union in candidates[:count]]


def fetch(port: int, host: str, path: str, cookie: str = "") -> tuple[int, str, float]:
    headers = {"Host": host, "Accept-Language": "vi"}
    if cookie:
        headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={cookie}"
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except OSError:
        status, body = 0, b""
    return status, body.decode("utf-8", "replace"), time.perf_counter() - started


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an answer of its own: counted, not followed


urllib.request.install_opener(urllib.request.build_opener(NoRedirect))


def server_start(port: int) -> subprocess.Popen:
    env = dict(os.environ)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while fetch(port, "localhost", "/healthz")[0] != 200:
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise SystemExit("the server did not start")
        time.sleep(0.3)
    return server


def canary(port: int, unions: list[SoakUnion], rounds: int, threads: int) -> Tally:
    tally = Tally()
    pages = [
        "/",  # cached for visitors
        "/tin-tuc/",
        None,  # the sentinel article
        "/?soak={n}",  # uncached: the page cache skips query strings
        "/tin-tuc/?trang=1&soak={n}",
        "/api/v1/news/",
        "/api/v1/news/?soak={n}",
        "/api/v1/statistics/",
    ]
    admin_pages = ["/admin/", "/admin/pages/", "/admin/snippets/cms/readercomment/"]
    jobs = []
    for n in range(rounds):
        for union in unions:
            for page in pages:
                path = union.article_path if page is None else page.format(n=n)
                jobs.append((union, path, ""))
                jobs.append((union, path, union.session_cookie))
            for path in admin_pages:
                jobs.append((union, path, union.session_cookie))

    def run(job: tuple[SoakUnion, str, str]) -> None:
        union, path, cookie = job
        status, body, _ = fetch(port, union.host, path, cookie)
        foreign = any(other.sentinel in body for other in unions if other is not union)
        tally.add(status, foreign=foreign, own=union.sentinel in body)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(run, jobs))
    return tally


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 2 else float("nan")


def sample(port: int, union: SoakUnion, until: float, stop: threading.Event) -> list[float]:
    times = []
    n = 0
    while time.monotonic() < until and not stop.is_set():
        n += 1
        status, _, seconds = fetch(port, union.host, f"/tin-tuc/?mau={n}")
        if status == 200:
            times.append(seconds)
    return times


def noisy_neighbour(
    port: int, noisy: SoakUnion, quiet: SoakUnion, *, clients: int, seconds: float, others: list
) -> dict:
    stop = threading.Event()
    idle = sample(port, quiet, time.monotonic() + min(seconds, 15), stop)
    tally = Tally()
    deadline = time.monotonic() + seconds

    def hammer(worker: int) -> None:
        n = 0
        while time.monotonic() < deadline:
            n += 1
            path = f"/tin-tuc/?on={worker}-{n}" if n % 2 else f"/?on={worker}-{n}"
            status, body, _ = fetch(port, noisy.host, path)
            foreign = any(o.sentinel in body for o in others if o is not noisy)
            tally.add(status, foreign=foreign, own=noisy.sentinel in body)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        for worker in range(clients):
            pool.submit(hammer, worker)
        during = sample(port, quiet, deadline, stop)
    return {"idle": idle, "during": during, "noisy": tally}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unions", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()

    unions = unions_choose(args.unions)
    if len(unions) < 2:
        raise SystemExit("need at least two ready unions")
    print("unions:", ", ".join(u.schema_name for u in unions), flush=True)
    print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)", flush=True)
    port = free_port()
    server = server_start(port)
    try:
        started = time.monotonic()
        tally = canary(port, unions, args.rounds, args.threads)
        print(
            f"canary: {tally.requests} requests in {time.monotonic() - started:.0f} s, "
            f"statuses {dict(sorted(tally.statuses.items()))}, own sentinel seen "
            f"{tally.own_seen}, FOREIGN CONTENT {tally.foreign}",
            flush=True,
        )
        run = noisy_neighbour(
            port,
            unions[0],
            unions[1],
            clients=args.clients,
            seconds=args.seconds,
            others=unions,
        )
        noisy = run["noisy"]
        idle, during = p95(run["idle"]), p95(run["during"])
        print(
            f"noisy neighbour: {unions[0].schema_name} x{args.clients} clients for "
            f"{args.seconds:.0f} s: {noisy.requests} requests, statuses "
            f"{dict(sorted(noisy.statuses.items()))}, FOREIGN CONTENT {noisy.foreign}",
            flush=True,
        )
        print(
            f"{unions[1].schema_name} p95: idle {idle * 1000:.0f} ms ({len(run['idle'])} samples), "
            f"during {during * 1000:.0f} ms ({len(run['during'])} samples), "
            f"ratio {during / idle:.2f} (goal <= {GOAL_P95_RATIO})",
            flush=True,
        )
        print(f"load average after: {os.getloadavg()[0]:.2f}", flush=True)
        if tally.foreign or noisy.foreign:
            raise SystemExit("FOREIGN CONTENT SEEN")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
