"""Health, metrics and logs inside the process: readiness names the check that failed,
Celery task counts and log lines carry the union's schema."""

import logging

import pytest
from django.db import connection
from django.test import Client
from prometheus_client import REGISTRY

from lhh.celery import app
from lhh.ops.logs import SchemaFilter
from tests.conftest import free_port, wait_for


def test_readiness_is_503_and_names_a_stale_template(db):
    with connection.cursor() as cursor:
        # Rolled back with the test: the template loses one applied migration.
        cursor.execute(
            "DELETE FROM template.django_migrations WHERE id = "
            "(SELECT max(id) FROM template.django_migrations WHERE app = 'cms')"
        )
    answer = Client(HTTP_HOST="10.0.0.7").get("/readyz")
    assert answer.status_code == 503
    assert answer.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "broker": "ok", "template": "failed"},
    }
    assert answer["Cache-Control"] == "no-store"


@pytest.fixture
def broker_unreachable():
    """The broker URL points at a loopback port nobody listens on."""
    configured = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    yield
    app.conf.broker_url = configured


def test_readiness_is_503_and_names_an_unreachable_broker(db, broker_unreachable):
    answer = Client(HTTP_HOST="khongco.localhost").get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"] == {"database": "ok", "broker": "failed", "template": "ok"}
    # Liveness does not depend on the broker or the database.
    assert Client(HTTP_HOST="khongco.localhost").get("/healthz").status_code == 200


def test_metrics_need_the_token_and_are_off_without_one(db, settings, union_a):
    union_a.client().get("/")
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    settings.METRICS_TOKEN = "mot-ma-bi-mat-du-dai-cho-may-thu-thap-so-lieu"
    assert union_a.client().get("/metrics").status_code == 404
    scraped = union_a.client().get(
        "/metrics", HTTP_AUTHORIZATION=f"Bearer {settings.METRICS_TOKEN}"
    )
    assert scraped.status_code == 200
    assert 'lhh_http_requests_total{method="GET",schema="uniona",status="2xx"}' in (
        scraped.content.decode()
    )


def test_a_union_refused_for_a_missing_schema_is_counted_under_its_own_name(db):
    from tenants.models import Domain, Union

    lost = Union.objects.create(schema_name="mattich", name="Mất lược đồ", status="active")
    Domain.objects.create(domain="mattich.localhost", tenant=lost)
    errors = {"schema": "mattich"}
    before = REGISTRY.get_sample_value("lhh_http_errors_total", errors) or 0.0
    assert Client(HTTP_HOST="mattich.localhost").get("/").status_code == 503
    assert REGISTRY.get_sample_value("lhh_http_errors_total", errors) == before + 1


def _tasks_done(schema: str) -> float:
    labels = {"schema": schema, "task": "cms.tasks.visits_flush", "state": "SUCCESS"}
    return REGISTRY.get_sample_value("lhh_celery_tasks_total", labels) or 0.0


def test_celery_tasks_are_counted_and_logged_in_the_union_they_ran_in(
    union_pair, committed, celery_worker
):
    from tenants.tasks import union_fan_out

    union_a, union_b = union_pair
    before = {u.schema_name: _tasks_done(u.schema_name) for u in union_pair}
    # Listen on the worker's own logger: once a worker has run in this process,
    # celery stops its records from reaching the root logger (and pytest's caplog).
    trace_logger = logging.getLogger("celery.app.trace")
    records: list[logging.LogRecord] = []
    listener = logging.Handler(level=logging.INFO)
    listener.emit = records.append
    listener.addFilter(SchemaFilter())
    trace_logger.addHandler(listener)
    level = trace_logger.level
    trace_logger.setLevel(logging.INFO)
    # Celery builds a task's tracer once per process and decides then whether it logs
    # at INFO; a worker started earlier in this process built it with INFO off.
    app.tasks["cms.tasks.visits_flush"].__trace__ = None
    try:
        union_fan_out.delay("cms.tasks.visits_flush")
        wait_for(
            lambda: all(_tasks_done(s) > n for s, n in before.items()),
            timeout=10,
            what="the worker",
        )
    finally:
        trace_logger.removeHandler(listener)
        trace_logger.setLevel(level)
    assert _tasks_done(union_a.schema_name) == before[union_a.schema_name] + 1
    assert _tasks_done(union_b.schema_name) == before[union_b.schema_name] + 1
    # The worker's own "succeeded" line is written while the task's schema is selected.
    succeeded = {
        record.schema for record in records if "cms.tasks.visits_flush" in record.getMessage()
    }
    assert {union_a.schema_name, union_b.schema_name} <= succeeded
