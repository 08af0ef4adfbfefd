"""Free text from visitors and API clients has a length limit, refused in Vietnamese with
nothing stored (a 5 MB contact message used to be kept whole)."""

from django_tenants.utils import schema_context
from wagtail.contrib.forms.models import FormSubmission

from cms.models import ContactFormField, ContactPage, HomePage
from cms.records.models import Activity
from cms.records.services import period_get_or_create
from tests.api.test_api import _bearer, _token
from tests.captcha import solved_captcha

FIVE_MB = "a" * (5 * 1024 * 1024)


def test_a_five_megabyte_contact_message_is_refused_and_not_stored(union_a):
    with schema_context(union_a.schema_name):
        page = HomePage.objects.get().add_child(
            instance=ContactPage(title="Liên hệ", slug="lien-he", to_address="a@example.vn")
        )
        ContactFormField.objects.create(page=page, label="Nội dung", field_type="multiline")
        ContactFormField.objects.create(page=page, label="Họ tên", field_type="singleline")
    client = union_a.client()
    refused = client.post(
        "/lien-he/", {"noi_dung": FIVE_MB, "ho_ten": "An", **solved_captcha(client)}
    )
    body = refused.content.decode()
    assert "tối đa 5000 kí tự" in body
    long_name = client.post(
        "/lien-he/", {"noi_dung": "Xin chào", "ho_ten": "b" * 300, **solved_captcha(client)}
    )
    assert "tối đa 255 kí tự" in long_name.content.decode()
    # A message within the limits still goes through.
    kept = client.post(
        "/lien-he/", {"noi_dung": "c" * 5000, "ho_ten": "An", **solved_captcha(client)}
    )
    assert "Cảm ơn" in kept.content.decode()
    with schema_context(union_a.schema_name):
        assert [len(s.form_data["noi_dung"]) for s in FormSubmission.objects.filter(page=page)] == [
            5000
        ]


def test_an_api_activity_note_over_the_limit_is_refused_in_vietnamese(union_a):
    with schema_context(union_a.schema_name):
        period_get_or_create(kind="half", year=2021, half=1)
    response = union_a.client().post(
        "/api/v1/activities/",
        {
            "kind": "training",
            "title": "Tập huấn",
            "period": "2021-1",
            "participants": 10,
            "note": "x" * 5001,
        },
        content_type="application/json",
        **_bearer(_token(union_a)),
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert "5000" in str(error["details"]) and "ký tự" in str(error["details"])
    with schema_context(union_a.schema_name):
        assert not Activity.objects.filter(title="Tập huấn").exists()
