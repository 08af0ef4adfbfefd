"""A union's status: suspend, reactivate, archive.

Every lifecycle action (status, deletion, restore) is announced by a signal in
`tenants.signals`; the national layer keeps the audit of them in public.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from tenants.models import Union
from tenants.signals import union_status_changed

logger = logging.getLogger(__name__)

LIFECYCLE_STATUSES = (Union.Status.ACTIVE, Union.Status.SUSPENDED, Union.Status.ARCHIVED)


def provincial_only(union: Union) -> None:
    if union.kind != Union.Kind.PROVINCIAL:
        raise ValidationError(
            "Chỉ thao tác được với Liên hiệp Hội địa phương.", code="not_provincial"
        )


@transaction.atomic
def union_set_status(*, union: Union, status: str, actor: str, reason: str = "") -> Union:
    """Suspend, reactivate or archive a union (audited by the signal's receiver).

    Suspended: notice on the site, read-only admin, API 403 (tenants.middleware).
    Archived: 410, and its Celery work is skipped (lhh.celery.UnionTask); data kept.
    """
    provincial_only(union)
    if status not in LIFECYCLE_STATUSES:
        raise ValidationError("Trạng thái không hợp lệ.", code="bad_status")
    previous = union.status
    union.status = status
    union.save(update_fields=["status", "updated_at"])
    union_status_changed.send(
        sender=Union, union=union, previous=previous, actor=actor, reason=reason
    )
    logger.info("union status changed", extra={"schema": union.schema_name, "status": status})
    return union
