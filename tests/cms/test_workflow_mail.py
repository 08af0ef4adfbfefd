"""Workflow mail reaches a union's approvers in Vietnamese, with links to the union's own admin."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django_tenants.utils import schema_context

from cms.roles import APPROVER, EDITOR


def test_a_page_sent_for_approval_mails_the_approvers_in_vietnamese_with_union_links(
    union_a, settings
):
    settings.WAGTAILADMIN_BASE_URL = "http://national.example.vn"
    with schema_context(union_a.schema_name):
        users = get_user_model().objects
        editor = users.create_user("btv-a", email="btv@a.example.vn", password="x-2025-btv")
        editor.groups.add(Group.objects.get(name=EDITOR))
        approver = users.create_user("duyet-a", email="duyet@a.example.vn", password="x-2025-dt")
        approver.groups.add(Group.objects.get(name=APPROVER))
        page = union_a.sentinel()
        page.save_revision(user=editor)
        page.get_workflow().start(page, editor)

    to_approver = [m for m in mail.outbox if m.to == ["duyet@a.example.vn"]]
    assert to_approver, [(m.to, m.subject) for m in mail.outbox]
    message = to_approver[0]
    assert union_a.sentinel_title in message.subject
    assert "gửi duyệt" in message.subject, message.subject
    assert "Chào duyet-a," in message.body
    assert f"http://{union_a.host}" in message.body and "national.example.vn" not in message.body
    for english in ("Hello", "has been submitted", "You can", "preferences", "Moderators"):
        assert english not in message.body + message.subject, english
