"""Tenant rows and schemas always match: finish or clean up what a creation left.

`union_create` is one transaction, so a worker killed mid-way leaves no schema
and no Union row behind: PostgreSQL rolls it back when the connection dies. What
it can leave is an application stuck in `approved`/`provisioning`; the reconciler
runs its creation again. It also repairs drift from any other cause: a Union row
still `provisioning` (finished if its schema is there, dropped if not), a warm-pool
row without its schema or a spare schema without its row, and unverified
sign-ups whose link expired (their subdomain is freed).

A schema that looks like a union's (it has Wagtail's tables) but has no row is
listed, not dropped: it may be a backup restored by hand, and only a person
should delete data (`manage.py onboarding_reconcile --drop-orphans`).
"""

import logging
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from cms.services import site_setup
from tenants.models import Domain, SignupApplication, SpareSchema, Union
from tenants.onboarding import services
from tenants.selectors import union_host

logger = logging.getLogger(__name__)

Status = SignupApplication.Status
# A creation younger than this may still be queued behind other tasks.
DEFAULT_GRACE = timedelta(minutes=2)
UNVERIFIED_KEPT = timedelta(days=7)


@dataclass
class ReconcileReport:
    applications_finished: list[str] = field(default_factory=list)
    applications_failed: list[str] = field(default_factory=list)
    applications_retrying: list[int] = field(default_factory=list)
    applications_expired: int = 0
    unions_finished: list[str] = field(default_factory=list)
    unions_removed: list[str] = field(default_factory=list)
    spares_removed: list[str] = field(default_factory=list)
    orphan_schemas: list[str] = field(default_factory=list)
    orphan_schemas_dropped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _stuck_unions(report: ReconcileReport, cutoff) -> None:
    """Union rows left `provisioning` by a path that committed its rows first."""
    for union_id in Union.objects.filter(
        kind=Union.Kind.PROVINCIAL, status=Union.Status.PROVISIONING, updated_at__lt=cutoff
    ).values_list("pk", flat=True):
        with transaction.atomic():
            union = (
                Union.objects.select_for_update(skip_locked=True)
                .filter(pk=union_id, status=Union.Status.PROVISIONING)
                .first()
            )
            if union is None:
                continue
            if schema_exists(union.schema_name):
                with schema_context(union.schema_name):
                    site_setup(hostname=union_host(union.schema_name), site_name=union.name)
                union.status = Union.Status.ACTIVE
                union.save(update_fields=["status", "updated_at"])
                report.unions_finished.append(union.schema_name)
            else:
                SignupApplication.objects.filter(union=union).update(
                    status=Status.PROVISIONING, union=None
                )
                Domain.objects.filter(tenant=union).delete()
                union.delete()
                report.unions_removed.append(union.schema_name)


def _stuck_applications(report: ReconcileReport, cutoff) -> None:
    stuck = SignupApplication.objects.filter(
        Q(status=Status.APPROVED, decided_at__lt=cutoff)
        | Q(status=Status.PROVISIONING, provisioning_started_at__lt=cutoff)
    ).values_list("pk", flat=True)
    for application_id in stuck:
        try:
            application = services.signup_provision(application_id=application_id)
        except Exception:
            # Left `provisioning` for the next run (a stale template, a lost connection):
            # one application must not stop the warm-pool repair and expiry below.
            logger.exception("reconciler: creation of application %s failed", application_id)
            report.applications_retrying.append(application_id)
            continue
        if application is None:
            continue  # a live creation holds it
        if application.status == Status.LIVE:
            report.applications_finished.append(application.subdomain)
        elif application.status == Status.FAILED:
            report.applications_failed.append(application.subdomain)


def _warm_pool(report: ReconcileReport) -> None:
    # Each side is one statement, one snapshot: a refill committing in between is
    # seen whole (row and schema) or not at all, never as a half to "repair".
    SpareSchema.objects.exclude(
        schema_name__in=RawSQL("SELECT nspname FROM pg_namespace", ())
    ).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT nspname FROM pg_namespace
            WHERE nspname LIKE 'spare\\_%%'
              AND nspname NOT IN (SELECT schema_name FROM tenants_spareschema)
            """
        )
        orphans = [row[0] for row in cursor.fetchall()]
    for name in orphans:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {_quote(name)} CASCADE")
        report.spares_removed.append(name)


def orphan_schemas() -> list[str]:
    """Schemas with a union's tables but no Union or warm-pool row."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname FROM pg_namespace n
            WHERE to_regclass(quote_ident(n.nspname) || '.wagtailcore_site') IS NOT NULL
              AND n.nspname NOT LIKE 'spare\\_%%'
              AND n.nspname <> %s
              AND NOT EXISTS (SELECT 1 FROM tenants_union u WHERE u.schema_name = n.nspname)
            ORDER BY n.nspname
            """,
            [settings.PUBLIC_SCHEMA_NAME],
        )
        return [row[0] for row in cursor.fetchall()]


def onboarding_reconcile(
    *, grace: timedelta = DEFAULT_GRACE, drop_orphans: bool = False
) -> ReconcileReport:
    report = ReconcileReport()
    cutoff = timezone.now() - grace
    _stuck_unions(report, cutoff)
    _stuck_applications(report, cutoff)
    _warm_pool(report)
    report.applications_expired = SignupApplication.objects.filter(
        status=Status.UNVERIFIED, created_at__lt=timezone.now() - UNVERIFIED_KEPT
    ).update(status=Status.EXPIRED, email_token_hash="")
    report.orphan_schemas = orphan_schemas()
    if drop_orphans:
        for name in report.orphan_schemas:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA {_quote(name)} CASCADE")
            report.orphan_schemas_dropped.append(name)
    if any(v for k, v in report.as_dict().items() if k != "orphan_schemas"):
        logger.warning("onboarding reconciled: %s", report.as_dict())
    return report
