"""A union's answers about the people it records (docs/personal-data.md): everything held
under an e-mail address, exported or erased on request, and visitors' data purged once
its retention period is over. Everything here works in the current union's schema only.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission

from cms.models import EventRegistration, PersonalDataRequest, ReaderComment
from cms.records.models import Person
from cms.records.services import person_erase, person_export

# The wording a visitor agrees to, stored with what they send.
COMMENT_CONSENT = (
    "Tôi đồng ý để Liên hiệp Hội lưu họ tên và thư điện tử của tôi nhằm duyệt và đăng ý kiến "
    "này (thư điện tử không được công bố); dữ liệu được xóa khi tôi yêu cầu."
)
REGISTRATION_CONSENT = (
    "Tôi đồng ý để Liên hiệp Hội lưu họ tên, đơn vị, thư điện tử và điện thoại của tôi nhằm "
    "tổ chức sự kiện này và liên hệ về sự kiện; dữ liệu được xóa sau thời hạn lưu trữ hoặc "
    "khi tôi yêu cầu."
)


def _submissions(email: str):
    # A contact message holds the address in whichever field the editor named.
    return FormSubmission.objects.filter(form_data__icontains=email)


def personal_data_export(*, email: str) -> dict:
    """Everything this union holds under `email` (the right of access)."""
    return {
        "thu_dien_tu": email,
        "y_kien_ban_doc": [
            {
                "ho_ten": c.name,
                "noi_dung": c.body,
                "bai_tin": c.article.title,
                "gui_luc": c.created_at.isoformat(),
                "dong_y": c.consent_text,
            }
            for c in ReaderComment.objects.filter(email__iexact=email).select_related("article")
        ],
        "dang_ky_su_kien": [
            {
                "ho_ten": r.name,
                "don_vi": r.organisation,
                "dien_thoai": r.phone,
                "su_kien": r.event.title,
                "dang_ky_luc": r.created_at.isoformat(),
                "dong_y": r.consent_text,
            }
            for r in EventRegistration.objects.filter(email__iexact=email).select_related("event")
        ],
        "lien_he": [
            {"noi_dung": s.form_data, "gui_luc": s.submit_time.isoformat()}
            for s in _submissions(email)
        ],
        "nhan_su": [
            person_export(person=p)
            for p in Person.objects.filter(email__iexact=email, erased_at__isnull=True)
        ],
    }


@transaction.atomic
def personal_data_erase(*, email: str) -> dict[str, int]:
    """Erase everything this union holds under `email` (the right to erasure). A committee
    member's positions stay, held by an anonymous record. Returns what went, by kind."""
    comments, _ = ReaderComment.objects.filter(email__iexact=email).delete()
    registrations, _ = EventRegistration.objects.filter(email__iexact=email).delete()
    messages, _ = _submissions(email).delete()
    people = list(Person.objects.filter(email__iexact=email, erased_at__isnull=True))
    for person in people:
        person_erase(person=person)
    return {
        "y_kien_ban_doc": comments,
        "dang_ky_su_kien": registrations,
        "lien_he": messages,
        "nhan_su": len(people),
    }


@transaction.atomic
def personal_data_request_complete(*, request: PersonalDataRequest) -> PersonalDataRequest:
    """Carry out a request: the export or the erasure, recorded with when it was done."""
    request = PersonalDataRequest.objects.select_for_update().get(pk=request.pk)
    if request.completed_at is None:
        if request.kind == PersonalDataRequest.Kind.EXPORT:
            request.summary = personal_data_export(email=request.email)
        else:
            request.summary = personal_data_erase(email=request.email)
        request.completed_at = timezone.now()
        request.save(update_fields=["summary", "completed_at"])
    return request


@transaction.atomic
def personal_data_purge(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remove visitors' data past its retention period (Celery beat, daily per union)."""
    now = now or timezone.now()
    registrations, _ = EventRegistration.objects.filter(
        event__starts_at__lt=now - dt.timedelta(days=settings.RETENTION_REGISTRATION_DAYS)
    ).delete()
    comment_cutoff = now - dt.timedelta(days=settings.RETENTION_COMMENT_DAYS)
    unpublished, _ = (
        ReaderComment.objects.filter(created_at__lt=comment_cutoff)
        .exclude(status=ReaderComment.Status.APPROVED)
        .delete()
    )
    addresses = (
        ReaderComment.objects.filter(
            created_at__lt=comment_cutoff, status=ReaderComment.Status.APPROVED
        )
        .filter(~Q(email=""))
        .update(email="")
    )
    messages, _ = FormSubmission.objects.filter(
        submit_time__lt=now - dt.timedelta(days=settings.RETENTION_CONTACT_DAYS)
    ).delete()
    return {
        "dang_ky_su_kien": registrations,
        "y_kien_chua_dang": unpublished,
        "thu_dien_tu_y_kien": addresses,
        "lien_he": messages,
    }
