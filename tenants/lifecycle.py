"""A union's status: suspend, reactivate, archive; and the audit every lifecycle action leaves.

Every action is audited in public (lhh.national.models.AuditEntry); an entry
outlives the union it names, so a deletion stays on record.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from tenants.models import Union

logger = logging.getLogger(__name__)

LIFECYCLE_STATUSES = (Union.Status.ACTIVE, Union.Status.SUSPENDED, Union.Status.ARCHIVED)


def audit_record(*, union: Union, actor: str, action: str, detail: str) -> None:
    from lhh.national.models import AuditEntry

    AuditEntry.objects.create(
        union=union,
        schema_name=union.schema_name,
        union_name=union.name,
        actor=actor,
        action=action,
        detail=detail,
    )


def provincial_only(union: Union) -> None:
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
    provincial_only(union)
    if status not in LIFECYCLE_STATUSES:
        raise ValidationError("Trạng thái không hợp lệ.", code="bad_status")
    previous = union.get_status_display()
    union.status = status
    union.save(update_fields=["status", "updated_at"])
    audit_record(
        union=union,
        actor=actor,
        action=status,
        detail=f"{previous} → {union.get_status_display()}"
        + (f". Lý do: {reason}" if reason else ""),
    )
    logger.info("union status changed", extra={"schema": union.schema_name, "status": status})
    return union
