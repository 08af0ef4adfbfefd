"""Writes to the tenant registry: the one way a union is created, and its lifecycle.

Creating a union is a single transaction: the Union and Domain rows, the schema
(a renamed warm-pool spare, or else a fresh clone of the template) and the
Wagtail fix-up inside the new schema commit together or not at all. PostgreSQL
DDL is transactional, so a failure leaves no half-made union behind.
"""

import json
import logging
import os
import shutil
import tarfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_context, schema_exists

from cms.services import site_setup
from tenants import backups
from tenants.citus import schema_distribute, schemas_local
from tenants.migration_state import code_fingerprint, template_is_current
from tenants.models import Domain, Province, SpareSchema, Union, UnionDeletion
from tenants.schema_names import validate_schema_name
from tenants.selectors import union_host

logger = logging.getLogger(__name__)

_WARM_POOL_LOCK = 7_310_001  # pg advisory lock key: one warm-pool refill at a time
NATIONAL_NAME = "Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam"


class TemplateStaleError(RuntimeError):
    """The template schema lacks migrations the code ships; cloning it would break unions."""


def _quote(schema_name: str) -> str:
    return connection.ops.quote_name(schema_name)


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
            cursor.execute(f"CREATE SCHEMA {_quote(template.schema_name)}")
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
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER SCHEMA {_quote(spare.schema_name)} RENAME TO {_quote(schema_name)}")
    return True


def _template_clone(schema_name: str) -> None:
    if not template_is_current():
        raise TemplateStaleError(
            "Lược đồ mẫu chưa được cập nhật migration; hãy chạy `manage.py migrate_platform`."
        )
    with schemas_local():
        CloneSchema().clone_schema(settings.TEMPLATE_SCHEMA_NAME, schema_name)


def schema_name_check_free(schema_name: str) -> None:
    """Refuse a bad name, or one a union, a host or a schema already holds."""
    validate_schema_name(schema_name)
    if (
        Union.objects.filter(schema_name=schema_name).exists()
        or Domain.objects.filter(domain=union_host(schema_name)).exists()
        or schema_exists(schema_name, case_sensitive=False)
    ):
        raise ValidationError(
            "Tên miền con “%(name)s” đã có Liên hiệp Hội khác sử dụng.",
            code="schema_name_taken",
            params={"name": schema_name},
        )


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
                former_province=former_province,
                contact_name=contact_name,
                contact_email=contact_email,
                contact_phone=contact_phone,
                kind=Union.Kind.PROVINCIAL,
                status=Union.Status.PROVISIONING,
            )
            Domain.objects.create(domain=host, tenant=union, is_primary=True)
            if not (use_warm_pool and _spare_take(schema_name)):
                _template_clone(schema_name)
            # On Citus: the schema's tables go to a worker now (a no-op on one server).
            schema_distribute(schema_name)
            _test_pause_point()
            with schema_context(schema_name):
                site_setup(hostname=host, site_name=name)
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


def _test_pause_point() -> None:
    """Stop here, mid-creation, when a test asks for it (LHH_PAUSE_UNION_CREATE=<file>).

    The recovery test (tests/tenants/test_onboarding_recovery.py) sets it for one
    worker subprocess only: the worker writes its pid into the file and waits,
    inside the creation transaction, until the test SIGKILLs it. Unset, this is a
    dictionary lookup.
    """
    pause_file = os.environ.get("LHH_PAUSE_UNION_CREATE")
    if not pause_file:
        return
    Path(pause_file).write_text(str(os.getpid()))
    while True:
        time.sleep(1)


def warm_pool_prune() -> int:
    """Drop spares cloned from an older set of migrations. Returns how many."""
    dropped = 0
    for spare in SpareSchema.objects.exclude(fingerprint=code_fingerprint()):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {_quote(spare.schema_name)} CASCADE")
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


# --- Lifecycle: suspend, archive, delete, back up, restore --------------------
# Every action is audited in public (lhh.national.models.AuditEntry); an entry
# outlives the union it names, so a deletion stays on record.

LIFECYCLE_STATUSES = (Union.Status.ACTIVE, Union.Status.SUSPENDED, Union.Status.ARCHIVED)


def _audit(*, union: Union, actor: str, action: str, detail: str) -> None:
    from lhh.national.models import AuditEntry

    AuditEntry.objects.create(
        union=union,
        schema_name=union.schema_name,
        union_name=union.name,
        actor=actor,
        action=action,
        detail=detail,
    )


def _provincial_only(union: Union) -> None:
    if union.kind != Union.Kind.PROVINCIAL:
        raise ValidationError(
            "Chỉ thao tác được với Liên hiệp Hội địa phương.", code="not_provincial"
        )


@transaction.atomic
def union_set_status(*, union: Union, status: str, actor: str, reason: str = "") -> Union:
    """Suspend, reactivate or archive a union, with an audit entry.

    Suspended: notice on the site, read-only admin, API 403 (tenants.middleware).
    Archived: 410, and its Celery work is skipped (lhh.celery.UnionTask); data kept.
    """
    _provincial_only(union)
    if status not in LIFECYCLE_STATUSES:
        raise ValidationError("Trạng thái không hợp lệ.", code="bad_status")
    previous = union.get_status_display()
    union.status = status
    union.save(update_fields=["status", "updated_at"])
    _audit(
        union=union,
        actor=actor,
        action=status,
        detail=f"{previous} → {union.get_status_display()}"
        + (f". Lý do: {reason}" if reason else ""),
    )
    logger.info("union status changed", extra={"schema": union.schema_name, "status": status})
    return union


def _public_rows(union: Union) -> list:
    """The union's rows in public that its schema cannot rebuild: report submissions.

    Rollups and the news feed are derived from the schema and are recomputed on restore.
    """
    from django.core import serializers

    from lhh.national.models import ReportSubmission

    return json.loads(serializers.serialize("json", ReportSubmission.objects.filter(union=union)))


def union_backup(*, union: Union) -> Path:
    """Archive a union's schema, media and public rows; keep the BACKUP_KEEP newest."""
    _provincial_only(union)
    with backups.file_errors_reported():
        with backups.scratch() as work:
            sql_path = Path(work) / backups.DUMP
            backups.dump(sql_path, schema=union.schema_name)
            public_rows = _public_rows(union)
            manifest = {
                "kind": "union",
                "schema_name": union.schema_name,
                "union": {
                    "name": union.name,
                    "short_name": union.short_name,
                    "province": union.province.name if union.province_id else None,
                    "former_province": (
                        union.former_province.name if union.former_province_id else None
                    ),
                    "contact_name": union.contact_name,
                    "contact_email": union.contact_email,
                    "contact_phone": union.contact_phone,
                    "status": union.status,
                },
                "counts": backups.row_counts(sql_path),
                "public_counts": {"national.reportsubmission": len(public_rows)},
            }
            folder = Path(settings.BACKUP_ROOT) / "unions" / union.schema_name
            path = backups.archive_write(
                folder=folder,
                stem=union.schema_name,
                manifest=manifest,
                sql_path=sql_path,
                media=backups.media_folder(union.schema_name),
                public_rows=public_rows,
            )
        backups.prune(folder, keep=settings.BACKUP_KEEP)
        logger.info("union backed up", extra={"schema": union.schema_name, "archive": str(path)})
    return path


def platform_backup() -> Path:
    """Archive every schema (public and the template included, spares left out) and all media."""
    with backups.file_errors_reported():
        with backups.scratch() as work:
            sql_path = Path(work) / backups.DUMP
            backups.dump(sql_path, schema=None)
            manifest = {
                "kind": "platform",
                "schemas": sorted(
                    Union.objects.exclude(kind=Union.Kind.NATIONAL).values_list(
                        "schema_name", flat=True
                    )
                ),
                "counts": backups.row_counts(sql_path),
            }
            folder = Path(settings.BACKUP_ROOT) / "platform"
            path = backups.archive_write(
                folder=folder,
                stem="platform",
                manifest=manifest,
                sql_path=sql_path,
                media=Path(settings.MEDIA_ROOT),
            )
        backups.prune(folder, keep=settings.BACKUP_KEEP)
        logger.info("platform backed up", extra={"archive": str(path)})
    return path


def _deletion_archive_keep(archive: Path) -> Path:
    """Move a deleted union's last archive out of the folder nightly pruning empties: a
    new union may take the freed name, and its backups would prune this one away."""
    with backups.file_errors_reported():
        folder = Path(settings.BACKUP_ROOT) / "deleted"
        folder.mkdir(parents=True, exist_ok=True)
        return archive.rename(folder / archive.name)


def _deletion_confirm(union: Union, confirm_name: str) -> None:
    _provincial_only(union)
    if confirm_name.strip() != union.name:
        raise ValidationError(
            {"confirm_name": "Tên xác nhận không khớp với tên Liên hiệp Hội; chưa xoá gì."},
            code="confirm_mismatch",
        )


def union_delete_request(*, union: Union, confirm_name: str, actor: str) -> UnionDeletion:
    """Queue `union_delete` for the worker: the console's way to delete a union."""
    from tenants.tasks import union_delete_run

    _deletion_confirm(union, confirm_name)
    try:
        with transaction.atomic():
            deletion = UnionDeletion.objects.create(
                union=union,
                schema_name=union.schema_name,
                union_name=union.name,
                requested_by=actor,
            )
            transaction.on_commit(lambda: union_delete_run.delay(deletion.pk))
    except IntegrityError:  # one_open_deletion_per_union
        raise ValidationError(
            "Liên hiệp Hội này đang được sao lưu và xoá; hãy chờ kết quả.",
            code="deletion_queued",
        ) from None
    return deletion


def union_deletion_carry_out(*, deletion_id: int) -> UnionDeletion | None:
    """Carry out a queued deletion once, however often the task is delivered.

    One transaction, with the request's row locked, holds `union_delete`: a worker
    killed half-way leaves the union whole and the request queued, to run again.
    """
    try:
        with transaction.atomic():
            deletion = UnionDeletion.objects.select_for_update().filter(pk=deletion_id).first()
            if deletion is None or deletion.state != UnionDeletion.State.QUEUED:
                return deletion
            try:
                if deletion.union is None:
                    raise ValidationError("Liên hiệp Hội này không còn trên hệ thống.")
                # Its own atomic block is a savepoint here: a refusal leaves this usable.
                archive = union_delete(
                    union=deletion.union,
                    confirm_name=deletion.union_name,
                    actor=deletion.requested_by,
                )
            except (ValidationError, backups.BackupError) as error:
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                deletion.state = UnionDeletion.State.FAILED
                deletion.error = f"Chưa xoá gì: {' '.join(messages)}"
            else:
                deletion.state = UnionDeletion.State.DONE
                deletion.archive_name = archive.name
                deletion.union = None  # gone; the row's own copy went by SET_NULL
            deletion.finished_at = timezone.now()
            deletion.save(update_fields=["state", "error", "archive_name", "finished_at"])
        return deletion
    except Exception:
        # Everything above rolled back; the request must not stay queued (and block
        # the next one) when the failure would only repeat.
        logger.exception("union deletion failed", extra={"deletion": deletion_id})
        UnionDeletion.objects.filter(pk=deletion_id, state=UnionDeletion.State.QUEUED).update(
            state=UnionDeletion.State.FAILED,
            error="Chưa xoá gì: lỗi ngoài dự kiến, chi tiết trong nhật ký máy chủ.",
            finished_at=timezone.now(),
        )
        raise


def union_delete(*, union: Union, confirm_name: str, actor: str) -> Path:
    """Delete a union for good: its schema, media folder and registry rows.

    A backup is taken first (restorable with `union_restore`); the union's exact
    name must be typed as confirmation. Returns the backup's path.
    """
    from lhh.national.models import ReportSubmission
    from lhh.national.rollups import union_rollups_forget

    _deletion_confirm(union, confirm_name)
    schema_name = union.schema_name
    with transaction.atomic():
        # Writers wait from here until the schema is dropped, so nothing saved after the
        # dump's snapshot is lost with it; pg_dump's own reads are not blocked by SHARE.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT string_agg(format('%%I.%%I', schemaname, tablename), ', ') "
                "FROM pg_tables WHERE schemaname = %s",
                [schema_name],
            )
            tables = cursor.fetchone()[0]
            if tables:
                cursor.execute(f"LOCK TABLE {tables} IN SHARE MODE")
        archive = _deletion_archive_keep(union_backup(union=union))
        _audit(
            union=union,
            actor=actor,
            action="deleted",
            detail=f"Đã xoá Liên hiệp Hội; bản sao lưu: {archive.name}",
        )
        # Submissions are PROTECTed against accidental loss; they are in the backup.
        ReportSubmission.objects.filter(union=union).delete()
        # Its rollups would go by cascade; the national totals must lose them too.
        union_rollups_forget(union)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA {_quote(schema_name)} CASCADE")
        union.delete()
        # Files are not transactional: they go only once the rows and schema are gone.
        media = backups.media_folder(schema_name)
        transaction.on_commit(lambda: shutil.rmtree(media, ignore_errors=True))
    logger.info("union deleted", extra={"schema": schema_name, "archive": str(archive)})
    return archive


def union_restore(*, archive_path: Path, actor: str, schema_name: str | None = None) -> Union:
    """Restore a union's archive beside the live unions, or into a fresh platform database.

    Under its own schema name or `schema_name`; a name in use is refused. Counts
    are checked against the manifest, and the Wagtail site is pointed at the host.
    A failure leaves no schema, rows or media behind.
    """
    archive = backups.archive_read(Path(archive_path))
    manifest = archive.manifest
    if manifest.get("kind") != "union":
        raise ValidationError(
            "Tệp này là bản sao lưu toàn hệ thống; hãy dùng `platform_restore`.",
            code="bad_archive",
        )
    source = manifest["schema_name"]
    target = schema_name or source
    schema_name_check_free(target)
    media = backups.media_folder(target)
    if media.exists() and any(media.iterdir()):
        raise ValidationError(
            "Thư mục tệp “%(path)s” đã có dữ liệu; không khôi phục đè lên.",
            code="media_in_use",
            params={"path": media},
        )
    expected = backups.counts_by_table(manifest["counts"], schema=source, new_schema=target)
    with backups.scratch() as work:
        work = Path(work)
        backups.archive_unpack(archive, work)
        sql_path = work / backups.DUMP
        if target != source:
            renamed = work / "renamed.sql"
            backups.dump_renamed(sql_path, renamed, old=source, new=target)
            sql_path = renamed
        # psql commits the schema on its own connection; everything after it is
        # undone by hand if it fails.
        backups.psql_file(sql_path)
        try:
            actual = backups.counts_in_database(expected)
            if actual != expected:
                raise backups.BackupError(
                    f"Số dòng sau khi khôi phục không khớp bản kê: {_count_diff(expected, actual)}"
                )
            schema_distribute(target)
            # Files first: the registry rows are the last step, and make the union routable.
            backups.media_place(work, media)
            union = _restored_union_register(
                manifest=manifest, target=target, actor=actor, archive=archive
            )
        except BaseException:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {_quote(target)} CASCADE")
            shutil.rmtree(media, ignore_errors=True)
            raise
    _derived_rows_refresh(union)
    logger.info("union restored", extra={"schema": target, "archive": str(archive.path)})
    return union


def _count_diff(expected: dict[str, int], actual: dict[str, int]) -> str:
    return ", ".join(
        f"{table}: {expected.get(table)} ≠ {actual.get(table)}"
        for table in sorted(set(expected) | set(actual))
        if expected.get(table) != actual.get(table)
    )


@transaction.atomic
def _restored_union_register(
    *, manifest: dict, target: str, actor: str, archive: backups.Archive
) -> Union:
    from django.core import serializers

    data = manifest["union"]
    host = union_host(target)
    union = Union.objects.create(
        schema_name=target,
        name=data["name"],
        short_name=data["short_name"],
        province=Province.objects.filter(name=data["province"], is_current=True).first(),
        former_province=Province.objects.filter(
            name=data["former_province"], is_current=False
        ).first(),
        contact_name=data["contact_name"],
        contact_email=data["contact_email"],
        contact_phone=data["contact_phone"],
        kind=Union.Kind.PROVINCIAL,
        status=data["status"] if data["status"] in LIFECYCLE_STATUSES else Union.Status.ACTIVE,
    )
    Domain.objects.create(domain=host, tenant=union, is_primary=True)
    with tarfile.open(archive.path) as tar:
        rows = tar.extractfile(backups.PUBLIC_ROWS).read().decode()
    for row in serializers.deserialize("json", rows):
        row.object.pk = None
        row.object.union = union
        row.object.save()
    with schema_context(target):
        site_setup(hostname=host, site_name=union.name)
    _audit(
        union=union,
        actor=actor,
        action="restored",
        detail=f"Khôi phục từ {archive.path.name}"
        + (
            f" (lược đồ gốc: {manifest['schema_name']})"
            if target != manifest["schema_name"]
            else ""
        ),
    )
    return union


def _derived_rows_refresh(union: Union) -> None:
    """Rebuild what public derives from the schema: rollups, news feed, cached pages."""
    from cms.page_cache import page_cache_clear
    from lhh.national.news_feed import news_feed_refresh
    from lhh.national.rollups import rollup_refresh

    with schema_context(union.schema_name):
        rollup_refresh()
        news_feed_refresh()
        page_cache_clear()


def platform_restore(*, archive_path: Path) -> dict[str, int]:
    """Restore a whole-platform archive into an empty database. Returns the row counts."""
    archive = backups.archive_read(Path(archive_path))
    if archive.manifest.get("kind") != "platform":
        raise ValidationError(
            "Tệp này là bản sao lưu của một Liên hiệp Hội; hãy dùng `union_restore`.",
            code="bad_archive",
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
            "'information_schema')"
        )
        if cursor.fetchone()[0]:
            raise ValidationError(
                "Cơ sở dữ liệu đích đã có dữ liệu; chỉ khôi phục toàn hệ thống vào cơ sở dữ "
                "liệu trống.",
                code="database_not_empty",
            )
    expected = archive.manifest["counts"]
    media_root = Path(settings.MEDIA_ROOT)
    with backups.scratch() as work:
        work = Path(work)
        backups.archive_unpack(archive, work)
        folders = sorted((work / backups.MEDIA).glob("*"))
        taken = [f.name for f in folders if (media_root / f.name).exists()]
        if taken:
            raise ValidationError(
                "Thư mục tệp đích đã có: %(names)s; không khôi phục đè lên.",
                code="media_in_use",
                params={"names": ", ".join(taken)},
            )
        backups.psql_file(work / backups.DUMP)
        actual = backups.counts_in_database(expected)
        if actual != expected:
            raise backups.BackupError(
                f"Số dòng sau khi khôi phục không khớp bản kê: {_count_diff(expected, actual)}"
            )
        media_root.mkdir(parents=True, exist_ok=True)
        for folder in folders:
            shutil.move(folder, media_root / folder.name)
    logger.info("platform restored", extra={"archive": str(archive.path)})
    return actual
