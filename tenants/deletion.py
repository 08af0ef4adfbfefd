"""Deleting a union for good, backed up first, and the queue the console deletes through."""

import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tenants import backups
from tenants.lifecycle import provincial_only
from tenants.models import Union, UnionDeletion
from tenants.schema_names import schema_quoted
from tenants.signals import union_deleting

logger = logging.getLogger(__name__)


def _deletion_archive_keep(archive: Path) -> Path:
    """Move a deleted union's last archive out of the folder nightly pruning empties: a
    new union may take the freed name, and its backups would prune this one away."""
    with backups.file_errors_reported():
        folder = Path(settings.BACKUP_ROOT) / "deleted"
        folder.mkdir(parents=True, exist_ok=True)
        return archive.rename(folder / archive.name)


def _deletion_confirm(union: Union, confirm_name: str) -> None:
    provincial_only(union)
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
        archive = _deletion_archive_keep(backups.union_backup(union=union))
        # The layers above audit the deletion and take the union out of their totals.
        union_deleting.send(sender=Union, union=union, actor=actor, archive=archive)
        # These rows are PROTECTed against accidental loss; they are in the backup.
        for rows in backups.union_rows_in_public(union):
            rows.delete()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA {schema_quoted(schema_name)} CASCADE")
        union.delete()
        # Files are not transactional: they go only once the rows and schema are gone.
        media = backups.media_folder(schema_name)
        transaction.on_commit(lambda: shutil.rmtree(media, ignore_errors=True))
    logger.info("union deleted", extra={"schema": schema_name, "archive": str(archive)})
    return archive
