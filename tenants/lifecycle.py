"""A union's status: suspend, reactivate, archive.

Every lifecycle action (status, deletion, restore) is announced by a signal in
`tenants.signals`; the national layer keeps the audit of them in public.
"""

import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from tenants.models import Province, Union, UnionFormerProvince
from tenants.signals import union_provinces_changed, union_status_changed

logger = logging.getLogger(__name__)

LIFECYCLE_STATUSES = (Union.Status.ACTIVE, Union.Status.SUSPENDED, Union.Status.ARCHIVED)


def provincial_only(union: Union) -> None:
    if union.kind != Union.Kind.PROVINCIAL:
        raise ValidationError(
            "Chỉ thao tác được với Liên hiệp Hội địa phương.", code="not_provincial"
        )


def _copy_province_check(union: Union) -> None:
    """A restored copy goes live only if no other working union holds its province."""
    province = union.province
    if province is None:
        return
    holder = (
        Union.objects.filter(kind=Union.Kind.PROVINCIAL, province_id=union.province_id)
        .exclude(pk=union.pk)
        .exclude(status=Union.Status.ARCHIVED)
        .first()
    )
    if holder is not None:
        raise ValidationError(
            "%(province)s đã có Liên hiệp Hội hoạt động (%(holder)s); lưu trữ Liên hiệp Hội "
            "đó trước khi kích hoạt bản khôi phục.",
            code="province_taken",
            params={"province": province.name, "holder": holder.name},
        )


@transaction.atomic
def union_set_status(*, union: Union, status: str, actor: str, reason: str = "") -> Union:
    """Suspend, reactivate or archive a union (audited by the signal's receiver).

    Suspended: notice on the site, read-only admin, API 403 (tenants.host_routing).
    Archived: 410, and its Celery work is skipped (lhh.celery.UnionTask); data kept.
    """
    provincial_only(union)
    if status not in LIFECYCLE_STATUSES:
        raise ValidationError("Trạng thái không hợp lệ.", code="bad_status")
    successor = union.merged_into
    if successor is not None and status != Union.Status.ARCHIVED:
        raise ValidationError(
            "Liên hiệp Hội này đã sáp nhập vào “%(name)s”: chỉ có thể chuyển sang lưu trữ.",
            code="merged",
            params={"name": successor.name},
        )
    previous = union.status
    fields = ["status", "updated_at"]
    copy_activated = union.review_pending and status == Union.Status.ACTIVE
    if copy_activated:
        _copy_province_check(union)
        union.review_pending = False
        fields.append("review_pending")
    union.status = status
    union.save(update_fields=fields)
    union_status_changed.send(
        sender=Union,
        union=union,
        previous=previous,
        actor=actor,
        reason=reason,
        copy_activated=copy_activated,
    )
    logger.info("union status changed", extra={"schema": union.schema_name, "status": status})
    return union


def provinces_label(union: Union) -> str:
    """`Hải Phòng / Hải Phòng, Hải Dương (từ 01/01/2026)`: for the audit log."""
    covered = ", ".join(
        row.province.name + (f" (từ {row.since:%d/%m/%Y})" if row.since else "")
        for row in union.coverage.select_related("province")
    )
    return f"{union.province or '—'} / {covered or '—'}"


@transaction.atomic
def restored_copy_decide(*, union: Union, activate: bool, actor: str, reason: str = "") -> Union:
    """National staff's decision on a restored copy awaiting it: live (only if no other
    working union holds its province), or archived. An archived copy keeps
    `review_pending` and so stays out of the national figures and feed; it can be
    deleted afterwards like any union (tenants.deletion)."""
    # Locked: two staff deciding at once, or a double click, decide once.
    union = Union.objects.select_for_update().get(pk=union.pk)
    if not union.review_pending or union.status != Union.Status.SUSPENDED:
        raise ValidationError(
            "“%(name)s” không phải bản khôi phục đang chờ quyết định.",
            code="not_a_pending_copy",
            params={"name": union.name},
        )
    return union_set_status(
        union=union,
        status=Union.Status.ACTIVE if activate else Union.Status.ARCHIVED,
        actor=actor,
        reason=reason
        or ("Kích hoạt bản khôi phục." if activate else "Lưu trữ bản khôi phục, không kích hoạt."),
    )


@transaction.atomic
def union_provinces_set(
    *,
    union: Union,
    province: Province | None,
    former_provinces: list[tuple[Province, date | None]],
    actor: str,
) -> Union:
    """The province a union serves now and the former provinces whose figures and history
    it carries, each from a date (None: from the start), settable by national staff in
    the console: Hải Phòng's union covers former Hải Phòng, and Hải Dương from the day
    Hải Dương's union merged into it."""
    provincial_only(union)
    if province is not None and not province.is_current:
        raise ValidationError("Tỉnh hiện hành phải là một trong 34 tỉnh, thành phố.")
    seen: set[int] = set()
    for former, _since in former_provinces:
        if former.is_current:
            raise ValidationError("Tỉnh cũ phải là một trong 63 tỉnh, thành phố trước 1/7/2025.")
        if former.pk in seen:
            raise ValidationError("%(former)s được chọn hai lần.", params={"former": former.name})
        seen.add(former.pk)
        successor = former.successor
        if province is not None and successor != province:
            raise ValidationError(
                "%(former)s đã hợp nhất vào %(successor)s, không phải %(province)s.",
                params={
                    "former": former.name,
                    "successor": successor.name if successor else "—",
                    "province": province.name,
                },
            )
    union = Union.objects.select_for_update().get(pk=union.pk)
    before = provinces_label(union)
    union.province = province
    union.save(update_fields=["province", "updated_at"])
    union.coverage.exclude(province__in=seen).delete()
    for former, since in former_provinces:
        UnionFormerProvince.objects.update_or_create(
            union=union, province=former, defaults={"since": since}
        )
    union_provinces_changed.send(
        sender=Union, union=union, before=before, after=provinces_label(union), actor=actor
    )
    return union
