"""Creating a union, the one way it is done, and the warm pool that makes it instant.

Creating a union is a single transaction: the Union and Domain rows, the schema
(a renamed warm-pool spare, or else a fresh clone of the template) and the
Wagtail fix-up inside the new schema commit together or not at all. PostgreSQL
DDL is transactional, so a failure leaves no half-made union behind.

The rest of a union's life is in `lifecycle.py` (status), `backups.py` (back up,
restore) and `deletion.py`.
"""

import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_context, schema_exists
from wagtail.log_actions import LogContext

from cms.services import news_sections_ensure, site_setup
from lhh.web.pause_points import pause_point
from tenants.citus import schema_distribute, schemas_local
from tenants.migration_state import code_fingerprint, template_is_current
from tenants.models import Domain, Province, SpareSchema, Union, UnionFormerProvince
from tenants.schema_names import schema_quoted
from tenants.selectors import province_namesake, schema_name_check_free, union_host

logger = logging.getLogger(__name__)

_WARM_POOL_LOCK = 7_310_001  # pg advisory lock key: one warm-pool refill at a time
NATIONAL_NAME = "Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam"


class TemplateStaleError(RuntimeError):
    """The template schema lacks migrations the code ships; cloning it would break unions."""


def national_union_ensure() -> Union:
    """The public schema's own row, serving the national host. Idempotent."""
    union, _ = Union.objects.get_or_create(
        schema_name=settings.PUBLIC_SCHEMA_NAME,
        defaults={
            "name": NATIONAL_NAME,
            "short_name": "VUSTA",
            "kind": Union.Kind.NATIONAL,
            "status": Union.Status.ACTIVE,
        },
    )
    Domain.objects.get_or_create(
        domain=settings.PLATFORM_DOMAIN, defaults={"tenant": union, "is_primary": True}
    )
    return union


def template_ensure() -> Union:
    """The template row and schema. As a row, every `migrate_schemas` run migrates it."""
    template, _ = Union.objects.get_or_create(
        schema_name=settings.TEMPLATE_SCHEMA_NAME,
        defaults={
            "name": "Mẫu Liên hiệp Hội",
            "kind": Union.Kind.TEMPLATE,
            "status": Union.Status.ACTIVE,
        },
    )
    if not schema_exists(template.schema_name):
        # On Citus the template stays on the coordinator: it is only ever copied.
        with schemas_local(), connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {schema_quoted(template.schema_name)}")
        call_command(
            "migrate_schemas",
            tenant=True,
            schema_name=template.schema_name,
            interactive=False,
            verbosity=0,
        )
        with schema_context(template.schema_name):
            site_setup(hostname=union_host(template.schema_name), site_name=template.name)
    return template


def _spare_take(schema_name: str) -> bool:
    """Rename a current spare to `schema_name`, inside the caller's transaction."""
    spare = (
        SpareSchema.objects.select_for_update(skip_locked=True)
        .filter(fingerprint=code_fingerprint())
        .first()
    )
    if spare is None:
        return False
    spare.delete()
    old, new = schema_quoted(spare.schema_name), schema_quoted(schema_name)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER SCHEMA {old} RENAME TO {new}")
    return True


def _template_clone(schema_name: str) -> None:
    if not template_is_current():
        raise TemplateStaleError(
            "Lược đồ mẫu chưa được cập nhật migration; hãy chạy `manage.py migrate_platform`."
        )
    with schemas_local():
        CloneSchema().clone_schema(settings.TEMPLATE_SCHEMA_NAME, schema_name)


def union_create(
    *,
    schema_name: str,
    name: str,
    short_name: str = "",
    province: Province | None = None,
    former_province: Province | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    admin_email: str = "",
    use_warm_pool: bool = True,
) -> Union:
    """Create a live union at `<schema_name>.<PLATFORM_DOMAIN>`.

    With `admin_email`, the union's first administrator is made in its schema, in
    the same transaction, with that address as login and no usable password: the
    welcome e-mail carries a link to set one.

    `former_province` makes it the union of that former province (Sóc Trăng's, now in
    Cần Thơ); without it, the union of `province`'s current name, covering the former
    province of that name.
    """
    schema_name_check_free(schema_name)
    host = union_host(schema_name)
    try:
        with transaction.atomic():
            union = Union.objects.create(
                schema_name=schema_name,
                name=name,
                short_name=short_name,
                province=province,
                contact_name=contact_name,
                contact_email=contact_email,
                contact_phone=contact_phone,
                kind=Union.Kind.PROVINCIAL,
                status=Union.Status.PROVISIONING,
            )
            Domain.objects.create(domain=host, tenant=union, is_primary=True)
            covered = former_province or (province_namesake(province) if province else None)
            if covered is not None:
                UnionFormerProvince.objects.create(union=union, province=covered)
            if not (use_warm_pool and _spare_take(schema_name)):
                _template_clone(schema_name)
            # On Citus: the schema's tables go to a worker now (a no-op on one server).
            schema_distribute(schema_name)
            pause_point("union_create")
            # Made from a console request, the pages would be logged as by national staff,
            # whose account lives in public: no such user exists in the new schema, and
            # Wagtail's log entry refuses to save. The platform makes them, no one else.
            with schema_context(schema_name), LogContext(user=None):
                site_setup(hostname=host, site_name=name)
                news_sections_ensure()
                if admin_email:
                    _first_admin_create(admin_email)
            union.status = Union.Status.ACTIVE
            union.save(update_fields=["status", "updated_at"])
    except IntegrityError as exc:
        # A concurrent creation took the same name between the check and the insert.
        raise ValidationError(
            "Tên miền con “%(name)s” đã có Liên hiệp Hội khác sử dụng.",
            code="schema_name_taken",
            params={"name": schema_name},
        ) from exc
    if use_warm_pool:
        from tenants.tasks import warm_pool_refill

        transaction.on_commit(warm_pool_refill.delay)
    logger.info("union created", extra={"schema": schema_name})
    return union


def _first_admin_create(email: str) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model()(username=email, email=email, is_staff=True, is_superuser=True)
    user.set_unusable_password()
    user.save()



def warm_pool_prune() -> int:
    """Drop spares cloned from an older set of migrations. Returns how many."""
    dropped = 0
    for spare in SpareSchema.objects.exclude(fingerprint=code_fingerprint()):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {schema_quoted(spare.schema_name)} CASCADE")
            spare.delete()
        dropped += 1
    return dropped


def warm_pool_refill(*, size: int | None = None) -> int:
    """Clone spares from the template until the pool holds `size`. Returns how many."""
    size = settings.WARM_POOL_SIZE if size is None else size
    with connection.cursor() as cursor:
        # Refills queued by several creations at once would each fill the pool.
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_WARM_POOL_LOCK])
        if not cursor.fetchone()[0]:
            return 0
    try:
        warm_pool_prune()
        if not template_is_current():
            logger.warning("warm pool not refilled: the template schema is not migrated")
            return 0
        created = 0
        while SpareSchema.objects.filter(fingerprint=code_fingerprint()).count() < size:
            spare_name = f"spare_{uuid.uuid4().hex[:16]}"
            with transaction.atomic():
                with schemas_local():
                    CloneSchema().clone_schema(settings.TEMPLATE_SCHEMA_NAME, spare_name)
                # On Citus a spare waits on a worker: taking it is then only a rename.
                schema_distribute(spare_name)
                SpareSchema.objects.create(schema_name=spare_name, fingerprint=code_fingerprint())
            created += 1
        return created
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_WARM_POOL_LOCK])
