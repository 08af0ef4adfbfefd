"""A local Citus cluster for the platform: one coordinator and N workers on loopback.

Run through `deploy/cluster` (which builds Citus first when it is missing):

    deploy/cluster start [--workers 2] [--port-base 57400]   # prints DATABASE_URL
    deploy/cluster url | status | stop | destroy

Each node is Debian's PostgreSQL 15 (`/usr/lib/postgresql/15/bin`, `PG_BIN_DIR` to
change it) with `shared_preload_libraries = 'citus'`, its data in
`.local/cluster/<node>/`, listening on 127.0.0.1 only (TCP, no socket), trust
authentication. The coordinator runs `citus.enable_schema_based_sharding = on`: every
union schema becomes a distributed schema on one worker; `public` stays on the
coordinator. Two databases are prepared on every node with the extension and the
workers registered: the platform's (`lhh`) and the test suite's (`test_lhh`, which
pytest reuses with --reuse-db).

PostgreSQL refuses to run as root, so as root the nodes run as the OS user
`lhhcluster` (created when missing), as pgserver does with its own user.

The ports are chosen once (N+1 consecutive free ones from `--port-base`, default
57400, never 5432) and kept in `.local/cluster/cluster.json`, so a restart keeps the
same DATABASE_URL. The cluster is for development and tests: durability is switched
off (fsync, synchronous_commit); production uses the same Citus settings with
durability on (deploy/SCALING.md).
"""

import argparse
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
STATE = Path(os.environ.get("LHH_LOCAL_STATE", PROJECT_ROOT / ".local")) / "cluster"
CONFIG = STATE / "cluster.json"
PG_BIN = Path(os.environ.get("PG_BIN_DIR") or "/usr/lib/postgresql/15/bin")
OS_USER = "lhhcluster"
DB_USER = "postgres"
DATABASES = ("lhh", "test_lhh")
HOST = "127.0.0.1"

# Same settings on every node; the coordinator adds schema-based sharding.
NODE_SETTINGS = """
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
shared_preload_libraries = 'citus'
max_connections = 300
shared_buffers = 128MB
max_locks_per_transaction = 256
# citus_schema_move copies a schema's tables by logical replication, then switches over.
wal_level = logical
max_replication_slots = 32
max_wal_senders = 32
max_worker_processes = 32
# Loopback only; nodes talk to each other without TLS.
citus.node_conninfo = 'sslmode=disable'
# A throwaway development cluster: speed over durability.
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
"""
COORDINATOR_SETTINGS = """citus.enable_schema_based_sharding = on
# While citus_schema_move switches a schema's tables over, a join of two of its tables can
# find them on different nodes for a moment; Citus refuses such a join unless it may
# repartition it (a live move answered one 500 in tests/citus/test_union_move.py).
citus.enable_repartition_joins = on
"""


def _as_root() -> bool:
    return os.geteuid() == 0


def _os_user() -> pwd.struct_passwd:
    if not _as_root():
        return pwd.getpwuid(os.geteuid())
    try:
        return pwd.getpwnam(OS_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OS_USER],
            check=True,
        )
        return pwd.getpwnam(OS_USER)


def _run_pg(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """A PostgreSQL binary, as the cluster's OS user when we are root."""
    user = _os_user()
    extra = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []} if _as_root() else {}
    return subprocess.run(args, cwd=STATE, **extra, **kwargs)


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        # As PostgreSQL binds: a port left in TIME_WAIT by a node just stopped is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def _ports_choose(base: int, count: int) -> list[int]:
    port = base
    while port < 65000:
        ports = list(range(port, port + count))
        if 5432 not in ports and all(_port_free(p) for p in ports):
            return ports
        port += count
    raise SystemExit("Không tìm được cổng trống cho cụm Citus.")


def _config_load() -> dict | None:
    return json.loads(CONFIG.read_text()) if CONFIG.exists() else None


def _nodes(config: dict) -> list[tuple[str, int]]:
    names = ["coordinator"] + [f"worker{i}" for i in range(1, config["workers"] + 1)]
    return list(zip(names, config["ports"], strict=True))


def database_url(config: dict, database: str = "lhh") -> str:
    return f"postgres://{DB_USER}@{HOST}:{config['ports'][0]}/{database}"


def _parents_open(path: Path) -> None:
    """The cluster's OS user must traverse the folders down to the data (pgserver does so)."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)


def _initdb(name: str, port: int, coordinator: bool) -> None:
    data = STATE / name
    if (data / "PG_VERSION").exists():
        return
    data.mkdir(parents=True, exist_ok=True)
    if _as_root():
        user = _os_user()
        os.chown(data, user.pw_uid, user.pw_gid)
    data.chmod(0o700)
    _run_pg(
        [
            str(PG_BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            DB_USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    settings = NODE_SETTINGS + f"port = {port}\n" + (COORDINATOR_SETTINGS if coordinator else "")
    conf = data / "postgresql.conf"
    conf.write_text(conf.read_text() + "\n# deploy/cluster\n" + settings)


def _running(name: str) -> bool:
    return (
        _run_pg(
            [str(PG_BIN / "pg_ctl"), "status", "-D", str(STATE / name)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ).returncode
        == 0
    )


def _psql(port: int, database: str, sql: str) -> str:
    result = subprocess.run(
        [
            str(PG_BIN / "psql"),
            "-h",
            HOST,
            "-p",
            str(port),
            "-U",
            DB_USER,
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-qAtc",
            sql,
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"psql on port {port}/{database} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def _database_prepare(config: dict, database: str) -> None:
    """The database on every node with Citus in it; the workers registered on the coordinator."""
    nodes = _nodes(config)
    for _name, port in nodes:
        if not _psql(port, "postgres", f"SELECT 1 FROM pg_database WHERE datname = '{database}'"):
            _psql(port, "postgres", f'CREATE DATABASE "{database}"')
        _psql(port, database, "CREATE EXTENSION IF NOT EXISTS citus")
    coordinator_port = nodes[0][1]
    _psql(
        coordinator_port,
        database,
        f"SELECT citus_set_coordinator_host('{HOST}', {coordinator_port})",
    )
    registered = set(_psql(coordinator_port, database, "SELECT nodeport FROM pg_dist_node").split())
    for _name, port in nodes[1:]:
        if str(port) not in registered:
            _psql(coordinator_port, database, f"SELECT citus_add_node('{HOST}', {port})")


def start(workers: int, port_base: int) -> dict:
    if not (PG_BIN / "postgres").exists():
        raise SystemExit(f"Không thấy PostgreSQL 15 tại {PG_BIN} (apt-get install postgresql-15).")
    STATE.mkdir(parents=True, exist_ok=True)
    _parents_open(STATE)
    if _as_root():
        user = _os_user()
        os.chown(STATE, user.pw_uid, user.pw_gid)
    config = _config_load()
    if config is None or config["workers"] != workers:
        if config is not None:
            raise SystemExit(
                f"Cụm đã có {config['workers']} worker; `deploy/cluster destroy` trước khi đổi."
            )
        config = {"workers": workers, "ports": _ports_choose(port_base, workers + 1)}
        CONFIG.write_text(json.dumps(config))
    for index, (name, port) in enumerate(_nodes(config)):
        _initdb(name, port, coordinator=index == 0)
        if not _running(name):
            if not _port_free(port):
                raise SystemExit(f"Cổng {port} của {name} đang bị tiến trình khác dùng.")
            _run_pg(
                [
                    str(PG_BIN / "pg_ctl"),
                    "start",
                    "-w",
                    "-t",
                    "60",
                    "-D",
                    str(STATE / name),
                    "-l",
                    str(STATE / f"{name}.log"),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
    for database in DATABASES:
        _database_prepare(config, database)
    return config


def stop() -> None:
    config = _config_load()
    if config is None:
        return
    for name, _port in reversed(_nodes(config)):
        if _running(name):
            _run_pg(
                [str(PG_BIN / "pg_ctl"), "stop", "-m", "fast", "-w", "-D", str(STATE / name)],
                check=True,
                stdout=subprocess.DEVNULL,
            )


def status(config: dict) -> None:
    for name, port in _nodes(config):
        print(f"{name:<12} {HOST}:{port:<6} {'running' if _running(name) else 'stopped'}")
    if _running("coordinator"):
        print(
            _psql(
                config["ports"][0],
                "lhh",
                "SELECT string_agg(nodename || ':' || nodeport || ' ' || "
                "CASE WHEN groupid = 0 THEN 'coordinator' ELSE 'worker' END, E'\\n' "
                "ORDER BY groupid) FROM pg_dist_node",
            )
        )


def main() -> int:
    parser = argparse.ArgumentParser(description="A local Citus cluster (coordinator + workers).")
    parser.add_argument(
        "action", nargs="?", default="start", choices=["start", "stop", "status", "url", "destroy"]
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("CLUSTER_WORKERS", 2)))
    parser.add_argument(
        "--port-base", type=int, default=int(os.environ.get("CLUSTER_PORT_BASE", 57400))
    )
    parser.add_argument("--database", default="lhh", help="database named in the printed URL")
    args = parser.parse_args()
    if args.action == "start":
        started = time.perf_counter()
        config = start(args.workers, args.port_base)
        print(
            f"Cụm Citus chạy: điều phối {HOST}:{config['ports'][0]}, "
            f"{config['workers']} worker ({time.perf_counter() - started:.1f} s).",
            file=sys.stderr,
        )
        print(database_url(config, args.database))
    elif args.action == "url":
        config = _config_load()
        if config is None:
            raise SystemExit("Chưa có cụm: chạy `deploy/cluster start`.")
        print(database_url(config, args.database))
    elif args.action == "status":
        config = _config_load()
        if config is None:
            print("Chưa có cụm.")
        else:
            status(config)
    elif args.action == "stop":
        stop()
    elif args.action == "destroy":
        stop()
        shutil.rmtree(STATE, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
