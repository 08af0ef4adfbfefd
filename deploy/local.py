"""Run the whole platform locally in one process group: web, Celery worker and beat.

Started by `deploy/up`. Without DATABASE_URL it starts the embedded PostgreSQL;
without CELERY_BROKER_URL the settings use kombu's filesystem broker. Running it
again keeps the data: migrations and the demo seed are idempotent.
"""

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--no-demo", action="store_true", help="skip the demo unions")
    args = parser.parse_args()

    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "lhh.settings.dev")
    env.setdefault("SITE_PORT", str(args.port))
    env.setdefault("WAGTAILADMIN_BASE_URL", f"http://localhost:{args.port}")
    if not env.get("DATABASE_URL"):
        sys.path.insert(0, str(ROOT))
        from lhh.embedded import embedded_database_url

        # One server for every process below, started before any of them.
        env["DATABASE_URL"] = embedded_database_url()

    def manage(*argv: str) -> None:
        subprocess.run([PYTHON, "manage.py", *argv], cwd=ROOT, env=env, check=True)

    manage("migrate_platform", "-v", "0")
    if not args.no_demo:
        manage("load_initial_data")
    # The console reads rollups; fill them before the first visit rather than on the first beat.
    manage("rollups_reconcile")

    celery = [PYTHON, "-m", "celery", "-A", "lhh.celery"]
    commands = {
        "web": [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{args.port}"],
        "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2"],
        "beat": [*celery, "beat", "--loglevel=INFO"],
    }
    processes = {
        name: subprocess.Popen(command, cwd=ROOT, env=env) for name, command in commands.items()
    }
    os.environ.update(env)
    _print_welcome(args.port, no_demo=args.no_demo)

    def stop(*_: object) -> None:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # Any process that dies takes the others down with it: a half-running platform misleads.
    os.wait()
    stop()
    for process in processes.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    return 0


def _print_welcome(port: int, *, no_demo: bool) -> None:
    import django

    django.setup()
    from lhh.demo.seed import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME, DEMO_UNIONS

    lines = [
        "",
        "Liên hiệp Hội Cloud is running (Ctrl-C stops everything).",
        f"  National site     http://localhost:{port}/",
        f"  National admin    http://localhost:{port}/admin/   vusta / {DEMO_ADMIN_PASSWORD}",
    ]
    if not no_demo:
        for demo in DEMO_UNIONS:
            host = f"http://{demo.schema_name}.localhost:{port}"
            lines.append(f"  {demo.short_name:<26} {host}/   admin: {host}/admin/")
        lines.append(f"  Union admin login  {DEMO_ADMIN_USERNAME} / {DEMO_ADMIN_PASSWORD}")
    print("\n".join(lines) + "\n", flush=True)


if __name__ == "__main__":
    sys.exit(main())
