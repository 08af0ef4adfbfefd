"""gunicorn settings for the web service (Compose and systemd alike).

Environment: GUNICORN_BIND (default 127.0.0.1:8000), WEB_CONCURRENCY (workers; default
2 x cores + 1), PROMETHEUS_MULTIPROC_DIR (where each worker writes its metrics).
"""

import os

from lhh.ops.logs import JsonFormatter
from lhh.ops.metrics import multiproc_dir_reset

wsgi_app = "lhh.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, one request each: nginx buffers slow clients, and its per-union limit
# (NGINX_UNION_CONNECTIONS_MAX, below this) then means one union holds at most that many
# workers and every other union's request finds one free. gunicorn's own default is 1.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
timeout = 60
graceful_timeout = 30
# nginx holds idle keep-alive connections to the upstream (proxy.conf).
keepalive = 75
# Recycle workers now and then, so no slow leak grows without bound.
max_requests = 2000
max_requests_jitter = 200
# nginx writes the access log; gunicorn's own lines are JSON like Django's.
accesslog = None
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": JsonFormatter}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}


def on_starting(server) -> None:
    multiproc_dir_reset()
