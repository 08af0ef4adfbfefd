"""The Celery app. Tasks run in the schema they were queued from (tenant-schemas-celery).

A task that works on a union's data subclasses `UnionTask`, which refuses to run
in the public schema: tenant-schemas-celery falls back to public when a message
carries no schema, and that silent fallback must never touch national data.
It also skips the work of an archived union: the union's data is kept as it was
archived, and nothing (rollups, counters, mail) may change it or act for it.
"""

import logging
import os

from celery.signals import task_postrun, worker_init, worker_ready
from django.db import connection
from tenant_schemas_celery.app import CeleryApp
from tenant_schemas_celery.task import TenantTask

from lhh.ops.metrics import multiproc_dir_reset, task_count, worker_metrics_serve

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lhh.settings.dev")
logger = logging.getLogger(__name__)


class UnionTask(TenantTask):
    abstract = True

    def before_start(self, task_id, args, kwargs) -> None:
        from django_tenants.utils import get_public_schema_name

        if connection.schema_name == get_public_schema_name():
            raise RuntimeError(
                f"{self.name} needs a union's schema and was queued without one; refusing to run"
            )

    def __call__(self, *args, **kwargs):
        from tenants.models import Union
        from tenants.readiness import union_ready

        # Asked on every run, not from the worker's tenant cache: an archive must
        # stop work queued before it, at once. A suspended union's tasks still run:
        # suspension is temporary, its data stays counted nationally, and work its
        # staff queued just before (an import being applied) must not stop half-done.
        union = Union.objects.filter(schema_name=connection.schema_name).first()
        # A merged union's schema is kept as it was at the switch: nothing acts for it.
        if union is not None and union.status in (Union.Status.ARCHIVED, Union.Status.MERGED):
            logger.info(
                "task skipped: union archived or merged", extra={"schema": connection.schema_name}
            )
            return None
        # The routing's own check: a half-made or lagging schema is refused, never run.
        if union is None or not union_ready(union):
            raise RuntimeError(
                f"{self.name}: the schema {connection.schema_name} is not complete and "
                "current; refusing to run"
            )
        return super().__call__(*args, **kwargs)

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        from tenants.readiness import union_readiness_forget

        # A table gone since the union was found ready: check it in full next time.
        union_readiness_forget(connection.schema_name)


class NationalTask(TenantTask):
    """A task of the national layer or of the tenant registry: it runs in public."""

    abstract = True

    def apply_async(self, args=None, kwargs=None, **options):
        # Queued during a request on a union's host (or a test client's), the message
        # would carry that union's schema and the task would run there.
        from django_tenants.utils import get_public_schema_name

        options["headers"] = {
            **(options.get("headers") or {}),
            "_schema_name": get_public_schema_name(),
        }
        return super().apply_async(args, kwargs, **options)


app = CeleryApp("lhh", task_cls=UnionTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(
    ["tenants", "tenants.onboarding", "cms", "cms.records", "cms.nukeviet", "lhh.national"]
)


# Task counts per union for Prometheus; the worker serves them on CELERY_METRICS_PORT.
task_postrun.connect(task_count, dispatch_uid="lhh_task_count", weak=False)
worker_init.connect(lambda **_: multiproc_dir_reset(), dispatch_uid="lhh_metrics_reset", weak=False)
worker_ready.connect(worker_metrics_serve, dispatch_uid="lhh_metrics_serve", weak=False)


def worker_argv() -> list[str]:
    """A one-process worker of this app, for scripts and tests that start their own."""
    import sys

    return [
        sys.executable, "-m", "celery", "-A", "lhh.celery", "worker", "--pool=solo",
        "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "WARNING",
    ]  # fmt: skip
