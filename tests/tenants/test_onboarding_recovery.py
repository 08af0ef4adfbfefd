"""A real Celery worker is SIGKILLed in the middle of creating a union.

The worker is a separate process started with LHH_PAUSE_UNION_CREATE, so it stops
inside `union_create`'s transaction, after the schema is made and before the
Wagtail fix-up (its `pause_point`). The test kills it there and
checks that the union is not routable, then that the reconciler, run on demand
through its management command, finishes the creation so rows and schemas match.
"""

import io

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context, schema_exists

from tenants.models import Province, SignupApplication, Union
from tenants.onboarding import services
from tenants.onboarding.reconciler import orphan_schemas
from tests.conftest import wait_for


def _verified(subdomain: str) -> SignupApplication:
    """A sign-up whose address is verified, committed, waiting for approval."""
    application = services.signup_submit(
        province=Province.objects.get(name="Cao Bằng", is_current=True),
        name=f"Liên hiệp Hội Thử nghiệm {subdomain}",
        short_name="LHH thử nghiệm",
        subdomain=subdomain,
        contact_name="Người thử",
        email=f"{subdomain}@example.vn",
        phone="0912345678",
    )
    services.signup_verify(token=services.verification_token_issue(application=application))
    return application


def test_a_worker_killed_mid_creation_leaves_nothing_routable_and_the_reconciler_finishes(
    committed, paused_worker, fresh_subdomain
):
    subdomain = fresh_subdomain
    worker = paused_worker("union_create")
    application = _verified(subdomain)
    services.signup_approve(application=application, actor="vusta")  # queues the creation

    worker.wait_paused(timeout=90)
    application.refresh_from_db()
    assert application.status == SignupApplication.Status.PROVISIONING
    site = Client(HTTP_HOST=f"{subdomain}.localhost")
    assert site.get("/").status_code == 404  # mid-creation: not routable

    worker.kill()

    # PostgreSQL rolled the creation back with the dead connection: no row, no schema.
    wait_for(lambda: not schema_exists(subdomain), timeout=10, what="the rollback")
    assert not Union.objects.filter(schema_name=subdomain).exists()
    assert site.get("/").status_code == 404
    application.refresh_from_db()
    assert application.status == SignupApplication.Status.PROVISIONING

    def reconciled() -> bool:
        call_command("onboarding_reconcile", grace_seconds=0, stdout=io.StringIO())
        application.refresh_from_db()
        return application.status == SignupApplication.Status.LIVE

    wait_for(reconciled, timeout=30, what="the reconciler to finish the creation")
    union = Union.objects.get(schema_name=subdomain)
    assert application.union == union and union.status == Union.Status.ACTIVE
    assert schema_exists(subdomain)
    assert site.get("/").status_code == 200
    # Rows and schemas match: every union row has its schema, no schema lacks its row.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schema_name FROM tenants_union WHERE schema_name NOT IN "
            "(SELECT nspname FROM pg_namespace)"
        )
        assert cursor.fetchall() == []
    assert subdomain not in orphan_schemas()


def test_a_creation_queued_from_a_union_schema_still_runs_in_public(
    union_pair,
    celery_worker,
    fresh_subdomain,
):
    """A national task carries public, wherever it was queued from."""
    union_a, _ = union_pair
    application = _verified(fresh_subdomain)
    with schema_context(union_a.schema_name):
        services.signup_approve(application=application, actor="vusta")  # queued on commit here

    def live() -> bool:
        application.refresh_from_db()
        return application.status == SignupApplication.Status.LIVE

    wait_for(live, timeout=30, what="the worker to create the union")
    assert Union.objects.get(schema_name=fresh_subdomain).status == Union.Status.ACTIVE
