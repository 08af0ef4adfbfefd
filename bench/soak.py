"""Soak of the real server (issue 14): a cross-union canary and a noisy neighbour.

Two servers to choose from (`--server`):

- `recipe` (default): the production recipe, as tests/deploy runs it: gunicorn
  (deploy/gunicorn.conf.py, lhh.settings.production, `--workers`) behind Debian's nginx
  with the shipped config (deploy/nginx, TLS, the per-union limit
  NGINX_UNION_CONNECTIONS_MAX = `--union-limit`), over the configured database. The
  noisy union's load comes from `wrk` (Debian package `wrk`), niced so that the load
  generator, which in production sits on other machines, does not take the server's CPU.
- `runserver`: the development server (threaded, one process); the noisy clients are
  threads of this script.

Over real HTTP it runs:

(a) canary: on every union used, signed-in staff sessions and anonymous visitors ask
    for cached pages (home, news list, the sentinel article), uncached ones (a
    query string the page cache skips), the API and admin pages, from several threads
    at once. Each union carries a sentinel article whose title no other union has; any
    response holding another union's sentinel is counted as foreign content (must be 0).
(b) noisy neighbour, `--repeat` rounds back to back: another union is sampled one
    request at a time while the machine is otherwise quiet (idle), then while one union
    gets `--clients` concurrent clients without back-off for `--seconds` (during). The
    noisy union's 503s are the fairness limit at work (nginx's per-union limit, or
    `UNION_CONCURRENT_REQUESTS_MAX` under runserver) and are counted apart.

Every loop is bounded by a count or a deadline; the servers are stopped at the end.

    .venv/bin/python bench/soak.py                     # dev database (lhh.settings.dev)
    .venv/bin/python bench/soak.py --server runserver --seconds 30 --clients 20
    DATABASE_URL=postgresql://… .venv/bin/python bench/soak.py --repeat 5
"""

import argparse
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import script_path  # noqa: F401  (bench/ off sys.path, before Django)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lhh.settings.dev")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# tests/deploy starts the production recipe; the root goes last on sys.path, so that
# `platform/` cannot shadow the standard library's `platform`.
sys.path.append(str(PROJECT_ROOT))

import django  # noqa: E402

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

SENTINEL_SLUG = "soak-canh-gioi"
STAFF_NAME = "soak-staff"
# A new one each run, so that no password of the soak's account is known beyond it.
STAFF_PASSWORD = secrets.token_urlsafe(24)
GOAL_P95_RATIO = 2.0
# The busy page's words, nginx's and the application's alike (tenants/host_routing.py).
BUSY_TEXT = "quá nhiều truy cập cùng lúc"
CANARY_RETRIES = 20
WRK = shutil.which("wrk") or "/usr/bin/wrk"


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
    retried: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, *, foreign: bool, own: bool) -> None:
        with self.lock:
            self.requests += 1
            self.foreign += foreign
            self.own_seen += own
            self.statuses[status] = self.statuses.get(status, 0) + 1


# (host, path, cookie) -> (status, body, seconds)
Fetch = Callable[[str, str, str], tuple[int, str, float]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def soak_union_prepare(union: Union) -> SoakUnion:
    """A sentinel article and a staff account in the union (made once, kept)."""
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
        user.set_password(STAFF_PASSWORD)
        user.save(update_fields=["password"])
    return SoakUnion(union.schema_name, union_host(union.schema_name), sentinel, path)


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


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an answer of its own: counted, not followed


urllib.request.install_opener(urllib.request.build_opener(NoRedirect))


def _cookie_header(cookie: str) -> dict[str, str]:
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"} if cookie else {}


def runserver_fetch(port: int) -> Fetch:
    def fetch(host: str, path: str, cookie: str = "") -> tuple[int, str, float]:
        headers = {"Host": host, "Accept-Language": "vi", **_cookie_header(cookie)}
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

    return fetch


@contextmanager
def runserver_run() -> Iterator[tuple[Fetch, object]]:
    port = free_port()
    fetch = runserver_fetch(port)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while fetch("localhost", "/healthz")[0] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.3)
        yield fetch, None
    finally:
        server.terminate()
        server.wait(timeout=20)


def recipe_fetch(stack: object) -> Fetch:
    def fetch(host: str, path: str, cookie: str = "") -> tuple[int, str, float]:
        started = time.perf_counter()
        try:
            answer = stack.get(
                host, path, headers={"Accept-Language": "vi", **_cookie_header(cookie)}
            )
            status, body = answer.status, answer.text
        except OSError:
            status, body = 0, ""
        return status, body, time.perf_counter() - started

    return fetch


@contextmanager
def recipe_run(workers: int, union_limit: int) -> Iterator[tuple[Fetch, object]]:
    from tests.deploy.conftest import run_stack

    with tempfile.TemporaryDirectory(prefix="lhh-soak-") as work:
        with run_stack(
            Path(work),
            workers=workers,
            nginx={"NGINX_UNION_CONNECTIONS_MAX": str(union_limit)},
            API_RATE_ANON="100000/minute",
            API_RATE_USER="100000/minute",
        ) as stack:
            yield recipe_fetch(stack), stack


def recipe_login(stack: object, union: SoakUnion) -> str:
    """The staff session a browser gets from the admin's login form through nginx."""
    page = stack.get(union.host, "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = stack.post(
        union.host,
        "/admin/login/",
        {"csrfmiddlewaretoken": token, "username": STAFF_NAME, "password": STAFF_PASSWORD},
        headers={"Cookie": f"csrftoken={page.cookies['csrftoken']}"},
    )
    if answer.status != 302 or settings.SESSION_COOKIE_NAME not in answer.cookies:
        raise SystemExit(f"signing in on {union.host} failed: {answer.status}")
    return answer.cookies[settings.SESSION_COOKIE_NAME]


def canary(fetch: Fetch, unions: list[SoakUnion], rounds: int, threads: int) -> Tally:
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
    retried, retried_lock = [0], threading.Lock()
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
        status, body, _ = fetch(union.host, path, cookie)
        # The canary looks for leaks, not for the limit: a refusal of the per-union
        # limit is asked again after a pause, as a browser's visitor would.
        for _ in range(CANARY_RETRIES):
            if status != 503 or BUSY_TEXT not in body:
                break
            with retried_lock:
                retried[0] += 1
            time.sleep(0.5)
            status, body, _ = fetch(union.host, path, cookie)
        foreign = any(other.sentinel in body for other in unions if other is not union)
        tally.add(status, foreign=foreign, own=union.sentinel in body)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(run, jobs))
    tally.retried = retried[0]
    return tally


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 2 else float("nan")


def sample(fetch: Fetch, union: SoakUnion, until: float) -> list[float]:
    """The quiet union's uncached news list, one request at a time, until `until`."""
    times = []
    n = 0
    while time.monotonic() < until:
        n += 1
        status, _, seconds = fetch(union.host, f"/tin-tuc/?mau={n}-{secrets.token_hex(3)}", "")
        if status == 200:
            times.append(seconds)
    return times


def threads_hammer(
    fetch: Fetch, noisy: SoakUnion, others: list[SoakUnion], *, clients: int, seconds: float
) -> tuple[Callable[[], Tally], Callable[[], None]]:
    """Python clients (runserver): started now, the tally once they end."""
    tally = Tally()
    deadline = time.monotonic() + seconds

    def hammer(worker: int) -> None:
        n = 0
        while time.monotonic() < deadline:
            n += 1
            path = f"/tin-tuc/?on={worker}-{n}" if n % 2 else f"/?on={worker}-{n}"
            status, body, _ = fetch(noisy.host, path, "")
            foreign = any(o.sentinel in body for o in others if o is not noisy)
            tally.add(status, foreign=foreign, own=noisy.sentinel in body)

    pool = ThreadPoolExecutor(max_workers=clients)
    for worker in range(clients):
        pool.submit(hammer, worker)

    def finish() -> Tally:
        pool.shutdown(wait=True)
        return tally

    return finish, lambda: None


WRK_SCRIPT = """
-- Written by bench/soak.py: the noisy union's clients, uncached pages without back-off.
-- Every answer's body is searched for the other unions' sentinels.
others = {%(others)s}
mine = [==[%(mine)s]==]
n, total, foreign, own = 0, 0, 0, 0
statuses = {}
threads = {}

function setup(thread) table.insert(threads, thread) end

function request()
  n = n + 1
  if n %% 2 == 1 then return wrk.format("GET", "/tin-tuc/?on=" .. n) end
  return wrk.format("GET", "/?on=" .. n)
end

function response(status, headers, body)
  total = total + 1
  statuses[status] = (statuses[status] or 0) + 1
  if body then
    for _, s in ipairs(others) do
      if string.find(body, s, 1, true) then foreign = foreign + 1; break end
    end
    if string.find(body, mine, 1, true) then own = own + 1 end
  end
end

function done(summary, latency, requests)
  local t, f, o, all = 0, 0, 0, {}
  for _, thread in ipairs(threads) do
    t = t + thread:get("total"); f = f + thread:get("foreign"); o = o + thread:get("own")
    for k, v in pairs(thread:get("statuses")) do all[k] = (all[k] or 0) + v end
  end
  local e = summary.errors
  io.write(string.format("SOAK total=%%d foreign=%%d own=%%d errors=%%d", t, f, o,
    e.connect + e.read + e.write + e.timeout))
  for k, v in pairs(all) do io.write(string.format(" %%d:%%d", k, v)) end
  io.write("\\n")
end
"""


def wrk_hammer(
    stack: object,
    noisy: SoakUnion,
    others: list[SoakUnion],
    *,
    clients: int,
    seconds: float,
    work: Path,
) -> tuple[Callable[[], Tally], Callable[[], None]]:
    """wrk (compiled, one thread, nice 19) on the noisy union through nginx."""
    script = work / "noisy.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "others": ", ".join(f"[==[{o.sentinel}]==]" for o in others if o is not noisy),
            "mine": noisy.sentinel,
        }
    )
    process = subprocess.Popen(
        [
            "nice", "-n", "19", WRK, "-t1", f"-c{clients}", f"-d{seconds:.0f}s",
            "--timeout", "60s", "-s", str(script),
            "-H", f"Host: {noisy.host}", "-H", "Accept-Language: vi",
            f"https://127.0.0.1:{stack.https_port}/",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip

    def finish() -> Tally:
        out, _ = process.communicate(timeout=seconds + 120)
        line = next((x for x in out.splitlines() if x.startswith("SOAK ")), None)
        if line is None:
            raise SystemExit(f"wrk gave no tally:\n{out}")
        values = dict(item.split("=") for item in line.split()[1:5])
        tally = Tally(
            requests=int(values["total"]),
            foreign=int(values["foreign"]),
            own_seen=int(values["own"]),
        )
        for item in line.split()[5:]:
            status, count = item.split(":")
            tally.statuses[int(status)] = int(count)
        if int(values["errors"]):
            tally.statuses[0] = int(values["errors"])  # connection errors and timeouts
        return tally

    return finish, process.kill


def load_average() -> str:
    return f"{os.getloadavg()[0]:.2f}"


_TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent, name, CPU seconds so far) of every process readable in /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        name_end = stat.rindex(")")
        fields = stat[name_end + 2 :].split()
        name = "gunicorn" if "gunicorn" in cmdline else stat[stat.index("(") + 1 : name_end]
        # utime + stime, and cutime + cstime: what children already waited for used
        # (PostgreSQL's ended backends, gunicorn's recycled workers).
        ticks = sum(int(value) for value in fields[11:15])
        found[int(entry.name)] = (int(fields[1]), name, ticks / _TICKS)
    return found


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by this soak's own processes, by kind: the servers it
    started (nginx, gunicorn, redis-server, wrk, runserver's python), PostgreSQL (the
    backends of DATABASE_URL's server when it runs here) and the soak itself (sampler)."""
    processes = _processes()
    postmaster = Path(settings.DATABASES["default"]["HOST"] or "/nonexistent") / "postmaster.pid"
    roots = {os.getpid(): "soak"}
    if postmaster.exists():
        roots[int(postmaster.read_text().split()[0])] = "postgres"
    totals: dict[str, float] = {}
    for pid, (_parent, _name, seconds) in processes.items():
        kind, walk = None, pid
        while walk in processes and kind is None:
            parent, name, _ = processes[walk]
            if walk in roots:
                kind = roots[walk]
            elif parent == os.getpid():
                kind = name  # a server this soak started, and its workers
            walk = parent
        if kind:
            totals[kind] = totals.get(kind, 0.0) + seconds
    # The soak's own children that ended are wrk's runs (the servers end last).
    own = Path(f"/proc/{os.getpid()}/stat").read_text()
    fields = own[own.rindex(")") + 2 :].split()
    reaped = (int(fields[13]) + int(fields[14])) / _TICKS
    totals["soak"] -= reaped
    totals["wrk"] = totals.get("wrk", 0.0) + reaped
    return totals


def cpu_used(before: dict[str, float], after: dict[str, float]) -> str:
    used = {kind: after[kind] - before.get(kind, 0.0) for kind in after}
    return ", ".join(
        f"{kind} {seconds:.1f}" for kind, seconds in sorted(used.items()) if seconds >= 0.05
    )


def noisy_round(
    fetch: Fetch,
    start_noise: Callable[[], tuple[Callable[[], Tally], Callable[[], None]]],
    quiet: SoakUnion,
    *,
    idle_seconds: float,
    seconds: float,
) -> dict:
    load_idle, cpu_idle = load_average(), cpu_seconds()
    idle = sample(fetch, quiet, time.monotonic() + idle_seconds)
    load_during, cpu_during = load_average(), cpu_seconds()
    finish, kill = start_noise()
    try:
        during = sample(fetch, quiet, time.monotonic() + seconds)
        noisy = finish()
    except BaseException:
        kill()
        raise
    cpu_end = cpu_seconds()
    return {
        "idle": idle,
        "during": during,
        "noisy": noisy,
        "load": (load_idle, load_during, load_average()),
        "cpu": (cpu_used(cpu_idle, cpu_during), cpu_used(cpu_during, cpu_end)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=["recipe", "runserver"], default="recipe")
    parser.add_argument("--unions", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=20, help="canary rounds")
    parser.add_argument("--threads", type=int, default=8, help="canary threads")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--idle-seconds", type=float, help="default: --seconds")
    parser.add_argument("--repeat", type=int, default=3, help="noisy-neighbour rounds")
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="recipe: gunicorn's"
    )
    parser.add_argument(
        "--union-limit",
        type=int,
        default=max(1, (os.cpu_count() or 2) // 2),
        help="recipe: NGINX_UNION_CONNECTIONS_MAX (default: the recipe's, half the cores)",
    )
    args = parser.parse_args()
    if args.server == "recipe" and not Path(WRK).exists():
        raise SystemExit("wrk is missing: apt-get install wrk")

    unions = unions_choose(args.unions)
    if len(unions) < 2:
        raise SystemExit("need at least two ready unions")
    print("unions:", ", ".join(u.schema_name for u in unions), flush=True)
    print(f"server: {args.server}", end="", flush=True)
    if args.server == "recipe":
        print(f", gunicorn {args.workers} sync workers, nginx per-union limit {args.union_limit}")
        running = recipe_run(args.workers, args.union_limit)
    else:
        limit = settings.UNION_CONCURRENT_REQUESTS_MAX
        print(f", UNION_CONCURRENT_REQUESTS_MAX {limit}")
        running = runserver_run()
    print(f"load average before: {load_average()} ({os.cpu_count()} CPUs)", flush=True)
    noisy_union, quiet_union = unions[0], unions[1]
    with running as (fetch, stack), tempfile.TemporaryDirectory(prefix="lhh-soak-") as work:
        for union in unions:
            if stack is not None:
                union.session_cookie = recipe_login(stack, union)
            else:
                client = Client(HTTP_HOST=union.host)
                with schema_context(union.schema_name):
                    client.force_login(get_user_model().objects.get(username=STAFF_NAME))
                union.session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        started = time.monotonic()
        tally = canary(fetch, unions, args.rounds, args.threads)
        print(
            f"canary: {tally.requests} requests in {time.monotonic() - started:.0f} s, "
            f"statuses {dict(sorted(tally.statuses.items()))}, own sentinel seen "
            f"{tally.own_seen}, refusals of the limit asked again {tally.retried}, "
            f"FOREIGN CONTENT {tally.foreign}",
            flush=True,
        )
        foreign = tally.foreign

        def start_noise() -> tuple[Callable[[], Tally], Callable[[], None]]:
            if stack is not None:
                return wrk_hammer(
                    stack,
                    noisy_union,
                    unions,
                    clients=args.clients,
                    seconds=args.seconds,
                    work=Path(work),
                )
            return threads_hammer(
                fetch, noisy_union, unions, clients=args.clients, seconds=args.seconds
            )

        ratios, all_idle, all_during = [], [], []
        for n in range(1, args.repeat + 1):
            run = noisy_round(
                fetch,
                start_noise,
                quiet_union,
                idle_seconds=args.idle_seconds or args.seconds,
                seconds=args.seconds,
            )
            noisy = run["noisy"]
            foreign += noisy.foreign
            idle, during = p95(run["idle"]), p95(run["during"])
            ratios.append(during / idle)
            all_idle += run["idle"]
            all_during += run["during"]
            print(
                f"round {n}: {noisy_union.schema_name} x{args.clients} clients for "
                f"{args.seconds:.0f} s: {noisy.requests} requests, statuses "
                f"{dict(sorted(noisy.statuses.items()))}, own sentinel seen {noisy.own_seen}, "
                f"FOREIGN CONTENT {noisy.foreign}; {quiet_union.schema_name} p95 idle "
                f"{idle * 1000:.0f} ms ({len(run['idle'])}) -> during {during * 1000:.0f} ms "
                f"({len(run['during'])}): {during / idle:.2f}x; load average "
                f"{' / '.join(run['load'])} (idle start / noisy start / end)",
                flush=True,
            )
            print(
                f"  CPU seconds of the soak's processes: idle: {run['cpu'][0]}; "
                f"during: {run['cpu'][1]}",
                flush=True,
            )
        print(
            f"{quiet_union.schema_name} p95 over {args.repeat} rounds: idle "
            f"{p95(all_idle) * 1000:.0f} ms -> during {p95(all_during) * 1000:.0f} ms "
            f"({p95(all_during) / p95(all_idle):.2f}x); ratio per round: median "
            f"{statistics.median(ratios):.2f}, worst {max(ratios):.2f} (goal <= {GOAL_P95_RATIO})",
            flush=True,
        )
        print(f"load average after: {load_average()}", flush=True)
        if foreign:
            raise SystemExit("FOREIGN CONTENT SEEN")


if __name__ == "__main__":
    main()
