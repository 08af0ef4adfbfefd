"""Writes to a union's records. Each is atomic and tells the national statistics after commit."""

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from cms.records import imports
from cms.records.models import (
    Activity,
    ContestEntry,
    ImportJob,
    MemberCount,
    MemberOrganisation,
    Person,
    Report,
    ReportingPeriod,
)
from cms.records.models.reports import REPORT_SECTIONS
from cms.records.selectors import period_figures, periods_frozen
from cms.records.signals import records_changed_on_commit, report_submitted
from lhh.web.pause_points import pause_point

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


def _all_periods_changed() -> None:
    """An organisation joining, leaving or changing kind moves the count of every period
    whose end falls after the change: tell the national figures about all of them."""
    records_changed_on_commit(*ReportingPeriod.objects.values_list("pk", flat=True))


# What an organisation's count in a period depends on.
_COUNTED_FIELDS = ("kind", "status", "joined_on", "left_on")


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


@transaction.atomic
def organisation_save(*, organisation: MemberOrganisation) -> MemberOrganisation:
    previous = (
        MemberOrganisation.objects.filter(pk=organisation.pk).values(*_COUNTED_FIELDS).first()
        if organisation.pk
        else None
    )
    active = organisation.status == MemberOrganisation.Status.ACTIVE
    if not active and organisation.left_on is None:
        # It leaves today: the periods that ended before still count it.
        organisation.left_on = timezone.localdate()
    elif active and previous and previous["status"] != MemberOrganisation.Status.ACTIVE:
        organisation.left_on = None  # back in the union
    organisation.full_clean()
    organisation.save()
    if previous is None or any(
        previous[name] != getattr(organisation, name) for name in _COUNTED_FIELDS
    ):
        _all_periods_changed()
    return organisation


@transaction.atomic
def organisation_delete(*, organisation: MemberOrganisation) -> str:
    """Delete an organisation, or archive it when it has history. Returns which was done."""
    if organisation.member_counts.exists() or organisation.activities.exists():
        organisation.status = MemberOrganisation.Status.ARCHIVED
        organisation_save(organisation=organisation)
        return "archived"
    organisation.delete()
    _all_periods_changed()
    return "deleted"


def _frozen_check(*period_ids: int | None) -> None:
    """Figures of a period whose report was sent are frozen until national staff return it.
    A year's report covers its halves too."""
    frozen = periods_frozen(pk for pk in period_ids if pk is not None)
    if frozen:
        raise ValidationError(
            f"{frozen[0]} đã gửi Trung ương nên số liệu của kỳ này đã chốt. Muốn sửa, "
            "cần đề nghị Trung ương trả lại báo cáo để bổ sung.",
            code="report_frozen",
        )


@transaction.atomic
def member_count_set(
    *, organisation: MemberOrganisation, period: ReportingPeriod, members: int
) -> MemberCount:
    if members is None or members < 0:
        raise ValidationError({"members": "Số hội viên phải là số nguyên không âm."})
    _frozen_check(period.pk)
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
    _frozen_check(activity.period_id, previous_period)
    activity.full_clean()
    activity.save()
    records_changed_on_commit(activity.period_id, previous_period)
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity) -> None:
    period_id = activity.period_id
    _frozen_check(period_id)
    activity.delete()
    records_changed_on_commit(period_id)


def _periods_holding(day) -> list[int]:
    if day is None:
        return []
    return list(
        ReportingPeriod.objects.filter(year=day.year)
        .filter(Q(kind=ReportingPeriod.Kind.YEAR) | Q(half=1 if day.month <= 6 else 2))
        .values_list("pk", flat=True)
    )


@transaction.atomic
def contest_entry_save(*, entry: ContestEntry) -> ContestEntry:
    previous = (
        ContestEntry.objects.filter(pk=entry.pk)
        .values_list("contest__awarded_on", flat=True)
        .first()
        if entry.pk
        else None
    )
    entry.full_clean()
    entry.save()
    records_changed_on_commit(
        *_periods_holding(entry.contest.awarded_on), *_periods_holding(previous)
    )
    return entry


@transaction.atomic
def contest_entry_delete(*, entry: ContestEntry) -> None:
    periods = _periods_holding(entry.contest.awarded_on)
    entry.delete()
    records_changed_on_commit(*periods)


def contest_page_changed(**kwargs) -> None:
    """A contest page published, unpublished or moved to another day: the entries it
    counts move between periods (connected to Wagtail's page signals in apps.py)."""
    if type(kwargs.get("instance")).__name__ == "ContestPage":
        _all_periods_changed()


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
def report_narrative_update(
    *,
    report: Report,
    narrative: dict[str, str],
    number: str | None = None,
    issued_on=None,
) -> Report:
    if report.is_frozen:
        raise ValidationError("Báo cáo đã gửi Trung ương, không thể sửa.", code="report_frozen")
    allowed = {key for key, _label in REPORT_SECTIONS}
    unknown = set(narrative) - allowed
    if unknown:
        raise ValidationError(f"Phần báo cáo không hợp lệ: {', '.join(sorted(unknown))}.")
    report.narrative = {**report.narrative, **narrative}
    fields = ["narrative", "updated_at"]
    if number is not None:
        report.number, report.issued_on = number.strip(), issued_on
        fields += ["number", "issued_on"]
    report.save(update_fields=fields)
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


# -- imports ---------------------------------------------------------------------------------

# A queued job untouched this long lost its worker: the apply runs in one transaction
# holding the job's row, so a job still being applied is never taken for stale.
IMPORT_STALE_AFTER = dt.timedelta(minutes=30)
_IMPORT_LOST = (
    "Máy xử lý đã dừng giữa chừng nên chưa có dòng nào được ghi. Vui lòng tải tệp lên và nhập lại."
)


_IMPORT_READ_LOST = (
    "Máy xử lý đã dừng khi đang đọc tệp nên chưa đọc được. Hãy kiểm tra tệp (dung lượng, "
    "số dòng) rồi tải lên lại."
)
# What the preview page shows of a file: the first rows, the first errors.
IMPORT_PREVIEW_ROWS = 20
IMPORT_PREVIEW_ERRORS = 200


def import_job_upload(
    *, content: bytes, filename: str, kind: str, period: ReportingPeriod
) -> ImportJob:
    """Keep an uploaded file and queue its reading for the worker: the web process never
    unpacks a spreadsheet (a workbook can hold a zip bomb; the bounds are in `imports`)."""
    from cms.records.tasks import records_import_parse

    job = ImportJob.objects.create(
        content=content, filename=filename[:255], kind=kind, period=period
    )
    transaction.on_commit(lambda: records_import_parse.delay(str(job.pk)))
    return job


def import_job_parse(*, job_id: uuid.UUID | str) -> ImportJob | None:
    """Read an uploaded file, in the worker, and keep what the preview page shows.

    Run once: the job is marked `parsing` (committed) before the file is read, so a
    delivery that finds it `parsing` knows the reader before it died on this file (a
    worker killed by it, say) and ends the job failed instead of reading it again.
    None if the job is gone (a preview nobody confirmed, deleted meanwhile)."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update().select_related("period").filter(pk=job_id).first()
        )
        if job is None:
            return None
        if job.state == ImportJob.State.PARSING:
            return _import_job_failed(job, message=_IMPORT_READ_LOST)
        if job.state != ImportJob.State.UPLOADED:
            return job
        job.state = ImportJob.State.PARSING
        job.save(update_fields=["state", "changed_at"])
    # A worker killed here (a recovery test) leaves the job `parsing`, as a file that
    # exhausted the worker would.
    pause_point("import_parse")
    try:
        result = imports.parse(
            content=bytes(job.content), filename=job.filename, kind=job.kind, period=job.period
        )
    except imports.ImportFileError as error:
        return _import_job_read(job_id, state=ImportJob.State.FAILED, message=str(error))
    columns = imports.COLUMNS[job.kind]
    preview = {
        "rows": len(result.rows),
        "sample": [
            [_preview_value(row.get(column.key)) for column in columns]
            for row in result.rows[:IMPORT_PREVIEW_ROWS]
        ],
        "errors": [
            {"row": error.row, "column": error.column, "message": error.message}
            for error in result.errors[:IMPORT_PREVIEW_ERRORS]
        ],
        "error_count": len(result.errors),
    }
    if result.ok:
        return _import_job_read(job_id, state=ImportJob.State.PREVIEWED, preview=preview)
    return _import_job_read(
        job_id,
        state=ImportJob.State.FAILED,
        preview=preview,
        message=f"Tệp có {len(result.errors)} lỗi. Chưa có dữ liệu nào được ghi.",
    )


def _preview_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _import_job_read(
    job_id: uuid.UUID | str, *, state: str, message: str = "", preview: dict | None = None
) -> ImportJob | None:
    """The reading's outcome, written only if the job is still being read by us."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != ImportJob.State.PARSING:
            return job
        job.preview = preview or {}
        if state != ImportJob.State.PREVIEWED:
            return _import_job_failed(job, message=message)
        job.state = state
        job.save(update_fields=["preview", "state", "changed_at"])
        return job


def _import_job_failed(job: ImportJob, *, message: str) -> ImportJob:
    """Failed: the file goes (the message and the preview say what was wrong with it)."""
    job.state = ImportJob.State.FAILED
    job.message = message
    job.content = b""
    job.save(update_fields=["state", "message", "content", "preview", "changed_at"])
    return job


def import_job_confirm(*, job_id: uuid.UUID | str) -> ImportJob:
    """Queue a previewed import, once: a second confirmation finds it queued already."""
    from cms.records.tasks import records_import_apply

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.state != ImportJob.State.PREVIEWED:
            return job
        job.state = ImportJob.State.QUEUED
        job.save(update_fields=["state", "changed_at"])
        transaction.on_commit(lambda: records_import_apply.delay(str(job.pk)))
    return job


def import_job_apply(
    *, job_id: uuid.UUID | str, progress: Callable[[int, int], None] | None = None
) -> ImportJob:
    """Write a queued import, all or nothing, and mark it done in the same transaction.

    Holding the job's row for the whole write makes a second delivery of the task (a
    re-delivery after a lost worker, a duplicate) wait, then find the job done.
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("period").get(pk=job_id)
        if job.state != ImportJob.State.QUEUED:
            return job
        # Parsed again: the records may have changed since the preview.
        result = imports.parse(
            content=bytes(job.content), filename=job.filename, kind=job.kind, period=job.period
        )
        if result.errors:
            raise ValidationError([str(error) for error in result.errors[:20]])
        job.written = imports.apply(result=result, period=job.period, progress=progress)
        pause_point("import_apply")
        job.state = ImportJob.State.DONE
        job.message = f"Đã nhập {job.written} dòng."
        job.content = b""
        job.save(update_fields=["written", "state", "message", "content", "changed_at"])
    return job


def import_job_fail(*, job_id: uuid.UUID | str, message: str) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.finished:
            return job
        return _import_job_failed(job, message=message)


# A previewed file nobody confirmed is not kept longer than this.
IMPORT_PREVIEW_KEPT = dt.timedelta(days=1)


def import_jobs_reconcile(*, stale_after: dt.timedelta = IMPORT_STALE_AFTER) -> int:
    """Mark failed, in Vietnamese, the imports whose worker was lost, while reading or
    applying. Returns how many. A job being applied right now holds its row and is
    skipped. Previews never confirmed go, with their file."""
    ImportJob.objects.filter(
        state=ImportJob.State.PREVIEWED, changed_at__lt=timezone.now() - IMPORT_PREVIEW_KEPT
    ).delete()
    stale_count = 0
    with transaction.atomic():
        for states, message in (
            ((ImportJob.State.QUEUED,), _IMPORT_LOST),
            ((ImportJob.State.UPLOADED, ImportJob.State.PARSING), _IMPORT_READ_LOST),
        ):
            stale = list(
                ImportJob.objects.select_for_update(skip_locked=True)
                .filter(state__in=states, changed_at__lt=timezone.now() - stale_after)
                .only("pk")
            )
            ImportJob.objects.filter(pk__in=[job.pk for job in stale]).update(
                state=ImportJob.State.FAILED,
                message=message,
                content=b"",
                changed_at=timezone.now(),
            )
            stale_count += len(stale)
    return stale_count
