"""The production recipe, run for real on loopback: gunicorn with lhh.settings.production
behind Debian's nginx, configured from the shipped deploy/nginx templates, with TLS from
a certificate made here. No piece is replaced by a stand-in."""

import http.client
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from lhh.settings.env import LOCAL_STATE
from tests.conftest import (
    API_UNTHROTTLED,
    free_port,
    production_env,
    server_database_url,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
# Collected once, like the Docker image does at build time; later runs reuse it.
STATIC_ROOT = LOCAL_STATE / "deploy-test-static"
# A union's own domain, outside PLATFORM_DOMAIN (tests add it to union A while they run).
CUSTOM_DOMAIN = "lienhiephoi-a.test"


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass(frozen=True)
class Stack:
    https_port: int
    http_port: int
    gunicorn_port: int
    media_root: Path
    static_root: Path
    metrics_token: str
    gunicorn_log: Path
    # nginx's own files: its config folder (NGINX_CONF_DIR), ACME webroot, and command line.
    nginx_conf_dir: Path
    acme_root: Path
    nginx_cmd: tuple[str, ...]
    _tls: ssl.SSLContext

    def get(
        self,
        host: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        source: str | None = None,
    ) -> Response:
        """A request through nginx over TLS, as a browser on `host` would send it.

        `source` is the client's own address: any of 127.0.0.0/8, so that nginx sees
        different clients on one machine.
        """
        return _request(self._tls_connection(source), host, path, headers)

    def _tls_connection(self, source: str | None) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection(
            "127.0.0.1",
            self.https_port,
            context=self._tls,
            timeout=10,
            source_address=(source, 0) if source else None,
        )

    def post(
        self,
        host: str,
        path: str,
        form: dict[str, str],
        *,
        headers: dict[str, str] | None = None,
        source: str | None = None,
    ) -> Response:
        """A form posted through nginx over TLS, with the Origin a browser on `host` sends."""
        return _request(
            self._tls_connection(source),
            host,
            path,
            {
                "Origin": f"https://{host}",
                "Content-Type": "application/x-www-form-urlencoded",
                **(headers or {}),
            },
            method="POST",
            body=urllib.parse.urlencode(form).encode(),
        )

    def get_plain(self, host: str, path: str) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
        return _request(conn, host, path, None)

    def get_gunicorn(self, path: str, *, headers: dict[str, str] | None = None) -> Response:
        """Straight to gunicorn, as a scraper on the private network would."""
        conn = http.client.HTTPConnection("127.0.0.1", self.gunicorn_port, timeout=10)
        return _request(conn, "127.0.0.1", path, headers)


def _request(
    conn,
    host: str,
    path: str,
    headers: dict[str, str] | None,
    *,
    method: str = "GET",
    body: bytes | None = None,
) -> Response:
    try:
        conn.request(method, path, body=body, headers={"Host": host, **(headers or {})})
        answer = conn.getresponse()
        cookies = SimpleCookie()
        for header in answer.msg.get_all("Set-Cookie") or []:
            cookies.load(header)
        return Response(
            answer.status,
            {k.lower(): v for k, v in answer.getheaders()},
            answer.read(),
            {name: morsel.value for name, morsel in cookies.items()},
        )
    finally:
        conn.close()


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, timeout=120, **kwargs)
    assert result.returncode == 0, f"{args[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    _run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,DNS:*.localhost",
            "-keyout", str(key), "-out", str(cert),
        ]
    )  # fmt: skip
    return cert, key


def _client_tls(cert: Path) -> ssl.SSLContext:
    # The chain must be ours; the name is not checked because the client connects to
    # 127.0.0.1 while the Host header names the union.
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False
    return context


def _wait_until_up(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, f"{what} exited with {process.returncode}"
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"{what} did not start"
            time.sleep(0.2)


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _stop(process: subprocess.Popen, how: signal.Signals) -> None:
    process.send_signal(how)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="session")
def stack(union_pair, tmp_path_factory) -> Iterator[Stack]:
    # Its tests send a few requests of one union at once; the shipped per-union limit
    # follows the machine's cores (deploy/nginx/defaults.envsh) and has a stack of its own
    # (test_union_fairness.py), so this one holds as many as it has workers.
    with run_stack(
        tmp_path_factory.mktemp("stack"),
        nginx={"NGINX_UNION_CONNECTIONS_MAX": "2"},
        **API_UNTHROTTLED,
    ) as running:
        yield running


@contextmanager
def run_stack(
    work: Path, *, workers: int = 2, nginx: dict[str, str] | None = None, **env: str
) -> Iterator[Stack]:
    """gunicorn (`workers` processes) and nginx of the production recipe in `work`, with
    `env` on top of the application's environment and `nginx` on top of the config's."""
    assert Path(NGINX).exists(), "Debian's nginx is missing: ./deploy/test installs it as root"
    media_root = work / "media"
    token = secrets.token_urlsafe(32)
    redis_port = free_port()
    redis = subprocess.Popen(
        [REDIS, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--dir", str(work)],
        stdout=subprocess.DEVNULL,
    )
    wait_for(lambda: _redis_answers(redis_port), timeout=30, what="redis-server")
    base_env = production_env(
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=server_database_url(),
        # Nothing in these requests queues a task; the in-memory transport still goes
        # through kombu for the readiness check.
        CELERY_BROKER_URL="memory://",
        # Production requires a shared cache: a private redis-server of this run's own.
        CACHE_URL=f"redis://127.0.0.1:{redis_port}/0",
        PLATFORM_DOMAIN="localhost",
        ALLOWED_HOSTS=f"localhost,.localhost,{CUSTOM_DOMAIN}",
        LHH_LOCAL_STATE=str(work / "state"),
        MEDIA_ROOT=str(media_root),
        STATIC_ROOT=str(STATIC_ROOT),
        METRICS_TOKEN=token,
        **env,
    )
    if not (STATIC_ROOT / "wagtailadmin").is_dir():
        _run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=base_env,
        )

    gunicorn_port, http_port, https_port = free_port(), free_port(), free_port()
    gunicorn_log = work / "gunicorn.log"
    with gunicorn_log.open("w") as log:
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py")],
            cwd=ROOT,
            env={
                **base_env,
                "GUNICORN_BIND": f"127.0.0.1:{gunicorn_port}",
                "WEB_CONCURRENCY": str(workers),
                "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics"),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(gunicorn_port, gunicorn, "gunicorn")
        cert, key = _self_signed_certificate(work)
        conf = work / "nginx"
        _run(
            [str(DEPLOY / "nginx" / "render"), str(conf)],
            env={
                **os.environ,
                "NGINX_UPSTREAM": f"127.0.0.1:{gunicorn_port}",
                "NGINX_HTTP_LISTEN": f"127.0.0.1:{http_port}",
                "NGINX_HTTPS_LISTEN": f"127.0.0.1:{https_port}",
                "NGINX_CONF_DIR": str(conf),
                "NGINX_ACME_ROOT": str(work / "acme"),
                "NGINX_TLS_CERTIFICATE": str(cert),
                "NGINX_TLS_CERTIFICATE_KEY": str(key),
                "NGINX_STATIC_ROOT": str(STATIC_ROOT),
                "NGINX_MEDIA_ROOT": str(media_root),
                "MAX_UPLOAD_MB": "20",
                # Low enough for a test to cross, above MAX_UPLOAD_MB to show the two differ.
                "NUKEVIET_MAX_UPLOAD_MB": "25",
                **(nginx or {}),
            },
        )
        # The main file Debian's nginx.conf would be; the site config is the shipped one.
        (work / "nginx.conf").write_text(
            f"""
user {pwd.getpwuid(os.geteuid()).pw_name};
worker_processes 1;
pid {work}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {work}/access.log;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {conf}/lhh.conf;
}}
"""
        )
        nginx_cmd = [
            NGINX,
            "-p",
            str(work),
            "-e",
            str(work / "error.log"),
            "-c",
            str(work / "nginx.conf"),
        ]
        _run([*nginx_cmd, "-t"])
        nginx = subprocess.Popen([*nginx_cmd, "-g", "daemon off;"])
        try:
            _wait_until_up(http_port, nginx, "nginx")
            yield Stack(
                https_port=https_port,
                http_port=http_port,
                gunicorn_port=gunicorn_port,
                media_root=media_root,
                static_root=STATIC_ROOT,
                metrics_token=token,
                gunicorn_log=gunicorn_log,
                nginx_conf_dir=conf,
                acme_root=work / "acme",
                nginx_cmd=tuple(nginx_cmd),
                _tls=_client_tls(cert),
            )
        finally:
            _stop(nginx, signal.SIGTERM)  # nginx: fast shutdown
    finally:
        _stop(gunicorn, signal.SIGINT)  # gunicorn: quick shutdown
        _stop(redis, signal.SIGTERM)
