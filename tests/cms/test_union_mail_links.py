"""Mail a union's staff get links to that union's own host, never the national one."""

import re

from django.core import mail
from django.test import Client


def test_a_password_reset_mail_links_to_the_unions_host_and_the_link_works(union_a):
    mail.outbox.clear()
    client = union_a.client()
    answer = client.post(
        "/admin/password_reset/", {"email": f"admin@{union_a.schema_name}.example.vn"}
    )
    assert answer.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/admin/password_reset/confirm/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    url = link.group(0)
    assert re.match(rf"http://{re.escape(union_a.host)}(:\d+)?/admin/", url), url
    path = "/" + url.split(union_a.host, 1)[1].split("/", 1)[1]
    # Followed on the union's host, the link opens the form to set a new password.
    opened = Client(HTTP_HOST=union_a.host).get(path, follow=True)
    assert opened.status_code == 200
    assert 'name="new_password1"' in opened.content.decode()


def test_workflow_notifications_link_to_the_unions_host(union_a):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.template.loader import render_to_string

    connection.set_schema(union_a.schema_name)
    user = get_user_model().objects.get(username="admin")
    body = render_to_string("wagtailadmin/notifications/base.txt", {"user": user})
    assert re.search(rf"http://{re.escape(union_a.host)}(:\d+)?/admin/account/", body), body
    assert "http://localhost" not in body
