"""Writes to a union's records. Each is atomic and tells the national statistics after commit."""

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from cms.records.models import (
    Activity,
    MemberCount,
    MemberOrganisation,
    Person,
    Report,
    ReportingPeriod,
)
from cms.records.models.reports import REPORT_SECTIONS
from cms.records.selectors import period_figures
from cms.records.signals import records_changed_on_commit, report_submitted

_Model = TypeVar("_Model", bound=models.Model)


def period_get_or_create(*, kind: str, year: int, half: int | None = None) -> ReportingPeriod:
    period = ReportingPeriod(kind=kind, year=year, half=half if kind == "half" else None)
    existing = ReportingPeriod.objects.filter(
        kind=period.kind, year=period.year, half=period.half
    ).first()
    if existing:
        return existing
    period.full_clean(validate_unique=False)
    period.save()
    return period


@transaction.atomic
def _fields_set(instance: _Model, data: Mapping[str, Any]) -> _Model:
    for name, value in data.items():
        setattr(instance, name, value)
    return instance


def organisation_create(*, data: Mapping[str, Any]) -> MemberOrganisation:
    """A new member organisation from plain field values (how the API writes)."""
    return organisation_save(organisation=MemberOrganisation(**data))


def organisation_update(
    *, organisation: MemberOrganisation, data: Mapping[str, Any]
) -> MemberOrganisation:
    """These fields of an organisation changed, from plain values (how the API writes)."""
    return organisation_save(organisation=_fields_set(organisation, data))


def organisation_save(*, organisation: MemberOrganisation) -> MemberOrganisation:
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_delete(*, organisation: MemberOrganisation) -> str:
    """Delete an organisation, or archive it when it has history. Returns which was done."""
    if organisation.member_counts.exists() or organisation.activities.exists():
        organisation.status = MemberOrganisation.Status.ARCHIVED
        organisation.save(update_fields=["status"])
        records_changed_on_commit(*organisation.member_counts.values_list("period_id", flat=True))
        return "archived"
    organisation.delete()
    return "deleted"


@transaction.atomic
def member_count_set(
    *, organisation: MemberOrganisation, period: ReportingPeriod, members: int
) -> MemberCount:
    if members is None or members < 0:
        raise ValidationError({"members": "Số hội viên phải là số nguyên không âm."})
    count, _ = MemberCount.objects.update_or_create(
        organisation=organisation, period=period, defaults={"members": members}
    )
    records_changed_on_commit(period.pk)
    return count


def activity_create(*, data: Mapping[str, Any]) -> Activity:
    """A new activity from plain field values (how the API writes)."""
    return activity_save(activity=Activity(**data))


def activity_update(*, activity: Activity, data: Mapping[str, Any]) -> Activity:
    """These fields of an activity changed, from plain values (how the API writes)."""
    return activity_save(activity=_fields_set(activity, data))


@transaction.atomic
def activity_save(*, activity: Activity) -> Activity:
    previous_period = (
        Activity.objects.filter(pk=activity.pk).values_list("period_id", flat=True).first()
        if activity.pk
        else None
    )
    activity.full_clean()
    activity.save()
    records_changed_on_commit(activity.period_id, previous_period)
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity) -> None:
    period_id = activity.period_id
    activity.delete()
    records_changed_on_commit(period_id)


def person_export(*, person: Person) -> dict:
    """Everything the union holds about a person (the right of access)."""
    return {
        "ho_ten": person.name,
        "hoc_ham_hoc_vi": person.title,
        "co_quan": person.organisation,
        "thu_dien_tu": person.email,
        "dien_thoai": person.phone,
        "chuc_vu": [
            {
                "co_quan_lanh_dao": str(position.committee),
                "chuc_vu": position.get_role_display(),
                "tu_ngay": position.from_on.isoformat() if position.from_on else None,
                "den_ngay": position.to_on.isoformat() if position.to_on else None,
            }
            for position in person.positions.select_related("committee__congress")
        ],
    }


@transaction.atomic
def person_erase(*, person: Person) -> Person:
    """Erase a person's data; the positions stay, held by an anonymous record."""
    person.name = "(đã xóa dữ liệu cá nhân)"
    person.title = person.organisation = person.email = person.phone = ""
    person.erased_at = timezone.now()
    person.save(update_fields=["name", "title", "organisation", "email", "phone", "erased_at"])
    return person


def report_get_or_create(*, period: ReportingPeriod) -> Report:
    report, _ = Report.objects.get_or_create(
        period=period,
        moved_from="",
        defaults={"narrative": {key: "" for key, _label in REPORT_SECTIONS}},
    )
    return report


@transaction.atomic
def report_narrative_update(*, report: Report, narrative: dict[str, str]) -> Report:
    if report.is_frozen:
        raise ValidationError("Báo cáo đã gửi Trung ương, không thể sửa.", code="report_frozen")
    allowed = {key for key, _label in REPORT_SECTIONS}
    unknown = set(narrative) - allowed
    if unknown:
        raise ValidationError(f"Phần báo cáo không hợp lệ: {', '.join(sorted(unknown))}.")
    report.narrative = {**report.narrative, **narrative}
    report.save(update_fields=["narrative", "updated_at"])
    return report


@transaction.atomic
def report_submit(*, report: Report) -> Report:
    """Freeze the figures and send the report to the national union."""
    if report.is_frozen:
        raise ValidationError("Báo cáo này đã được gửi.", code="report_frozen")
    report.figures = period_figures(report.period)
    report.status = Report.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.national_comment = ""
    report.save(
        update_fields=["figures", "status", "submitted_at", "national_comment", "updated_at"]
    )
    report_submitted.send(sender=Report, report=report)
    return report
