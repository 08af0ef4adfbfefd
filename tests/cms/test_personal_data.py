"""Personal data of the people a union records: consent kept with what they send, export
and erasure on request (admin and command) with a deadline, a breach register, retention
purges; and none of it ever reaches another union."""

import datetime as dt
import io
import json

from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import schema_context
from wagtail.contrib.forms.models import FormSubmission

from cms.models import (
    ContactPage,
    EventIndexPage,
    EventPage,
    EventRegistration,
    HomePage,
    NewsArticlePage,
    PersonalDataBreach,
    PersonalDataRequest,
    ReaderComment,
)
from cms.personal_data import COMMENT_CONSENT, personal_data_purge
from cms.records.models import Person
from tests.captcha import solved_captcha

EMAIL = "hoa@example.vn"
ARTICLE = "/tin-tuc/tin-canh-gioi/"


def _holdings(union, *, starts_at=None) -> None:
    """A comment, a registration, a contact message and a committee member, all `EMAIL`."""
    with schema_context(union.schema_name):
        home = HomePage.objects.get()
        index = home.add_child(instance=EventIndexPage(title="Sự kiện", slug="su-kien-pd"))
        event = index.add_child(
            instance=EventPage(
                title="Hội nghị", place="Hội trường", starts_at=starts_at or timezone.now()
            )
        )
        contact = home.add_child(
            instance=ContactPage(title="Liên hệ", slug="lien-he-pd", to_address="a@example.vn")
        )
        ReaderComment.objects.create(
            article=NewsArticlePage.objects.get(slug="tin-canh-gioi"),
            name="Lê Thị Hoa",
            email=EMAIL,
            body=f"Ý kiến của Hoa ở {union.schema_name}",
        )
        EventRegistration.objects.create(event=event, name="Lê Thị Hoa", email=EMAIL)
        FormSubmission.objects.create(page=contact, form_data={"thu": EMAIL, "noi_dung": "Chào"})
        Person.objects.create(name="Lê Thị Hoa", email=EMAIL)


def _counts(union) -> tuple[int, int, int, int]:
    with schema_context(union.schema_name):
        return (
            ReaderComment.objects.filter(email=EMAIL).count(),
            EventRegistration.objects.filter(email=EMAIL).count(),
            FormSubmission.objects.filter(form_data__icontains=EMAIL).count(),
            Person.objects.filter(email=EMAIL).count(),
        )


def test_a_comment_needs_consent_and_keeps_its_wording(union_a):
    client = union_a.client()
    html = client.get(ARTICLE).content.decode()
    assert COMMENT_CONSENT in html
    form = {"name": "An", "email": "an@example.vn", "body": "Hay quá", **solved_captcha(client)}
    action = f"/y-kien-ban-doc/{html.split('/y-kien-ban-doc/')[1].split('/')[0]}/"
    refused = client.post(action, form)
    assert refused.status_code == 400 and "Vui lòng đánh dấu đồng ý" in refused.content.decode()
    assert (
        client.post(action, {**form, **solved_captcha(client), "consent": "on"}).status_code == 302
    )
    with schema_context(union_a.schema_name):
        comment = ReaderComment.objects.get(email="an@example.vn")
        assert comment.consent_text == COMMENT_CONSENT and comment.consented_at is not None


def test_erasing_a_person_in_a_leaves_union_b_untouched(union_a, union_b, admin_a):
    _holdings(union_a)
    _holdings(union_b)
    assert _counts(union_a) == _counts(union_b) == (1, 1, 1, 1)
    with schema_context(union_a.schema_name):
        request = PersonalDataRequest.objects.create(kind="erase", email=EMAIL)
        assert request.due_at - request.received_at == dt.timedelta(hours=72)
    listing = admin_a.get("/admin/snippets/cms/personaldatarequest/").content.decode()
    carry_out = f"/admin/snippets/cms/personaldatarequest/carry-out/{request.pk}/"
    assert carry_out in listing
    assert admin_a.post(carry_out).status_code == 302
    assert _counts(union_a) == (0, 0, 0, 0)
    assert _counts(union_b) == (1, 1, 1, 1)
    with schema_context(union_a.schema_name):
        request.refresh_from_db()
        assert request.completed_at is not None
        assert request.summary == {
            "y_kien_ban_doc": 1,
            "dang_ky_su_kien": 1,
            "lien_he": 1,
            "nhan_su": 1,
        }
        # The committee member's positions keep an anonymous holder.
        assert Person.objects.filter(name="(đã xóa dữ liệu cá nhân)").exists()


def test_an_export_holds_this_unions_data_only(union_a, union_b):
    _holdings(union_a)
    _holdings(union_b)
    out = io.StringIO()
    call_command("personal_data", union_a.schema_name, "export", EMAIL, stdout=out)
    exported = json.loads(out.getvalue())
    assert [c["noi_dung"] for c in exported["y_kien_ban_doc"]] == ["Ý kiến của Hoa ở uniona"]
    assert len(exported["dang_ky_su_kien"]) == 1 and len(exported["lien_he"]) == 1
    assert exported["nhan_su"][0]["thu_dien_tu"] == EMAIL
    assert "unionb" not in out.getvalue()
    with schema_context(union_a.schema_name):
        assert PersonalDataRequest.objects.get(kind="export").completed_at is not None
    with schema_context(union_b.schema_name):
        assert not PersonalDataRequest.objects.exists()


def test_retention_purges_old_visitor_data_and_keeps_recent(union_a, union_b):
    long_ago = timezone.now() - dt.timedelta(days=400)
    _holdings(union_a, starts_at=long_ago)
    _holdings(union_b, starts_at=long_ago)
    with schema_context(union_a.schema_name):
        ReaderComment.objects.update(created_at=long_ago)
        FormSubmission.objects.update(submit_time=long_ago)
        fresh = ReaderComment.objects.create(
            article=NewsArticlePage.objects.get(slug="tin-canh-gioi"),
            name="Mới",
            email="moi@example.vn",
            body="Vừa gửi",
        )
        removed = personal_data_purge()
        assert removed == {
            "dang_ky_su_kien": 1,
            "y_kien_chua_dang": 1,
            "thu_dien_tu_y_kien": 0,
            "lien_he": 1,
        }
        assert ReaderComment.objects.filter(pk=fresh.pk).exists()
    assert _counts(union_b)[:3] == (1, 1, 1)  # B's purge is B's own, by its own beat run


def test_the_breach_register_shows_the_notification_deadline(union_a, admin_a):
    with schema_context(union_a.schema_name):
        breach = PersonalDataBreach.objects.create(
            description="Máy tính xách tay chứa danh sách đăng ký bị mất",
            data_affected="Họ tên, thư điện tử, điện thoại",
            people_affected=120,
        )
        assert breach.notify_by - breach.discovered_at == dt.timedelta(hours=72)
    listing = admin_a.get("/admin/snippets/cms/personaldatabreach/").content.decode()
    assert "Máy tính xách tay chứa danh sách" in listing
