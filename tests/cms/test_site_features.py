"""What a union's readers find: search, feeds, robots, registration, organisation."""

import re

from django_tenants.utils import schema_context

from cms.models import EventIndexPage, EventRegistration, HomePage, OrganisationPage
from tests.cms.test_comments import _captcha


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
    token, answer = _captcha(html)
    action = re.search(r'action="(/dang-ky-su-kien/\d+/)"', html).group(1)
    return client.post(
        action,
        {
            "name": "Phạm Thị Dung",
            "organisation": "Hội Tin học tỉnh",
            "email": email,
            "phone": "0912 345 678",
            "captcha_token": token,
            "captcha_answer": answer,
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
    token, answer = _captcha(client.get("/lien-he/").content.decode())
    wrong = client.post(
        "/lien-he/", {"noi_dung": "Xin chào", "captcha_token": token, "captcha_answer": "0"}
    )
    assert "Mã bảo mật không đúng" in wrong.content.decode()
    token, answer = _captcha(wrong.content.decode())
    response = client.post(
        "/lien-he/",
        {
            "noi_dung": "Đề nghị phối hợp tổ chức hội thảo",
            "captcha_token": token,
            "captcha_answer": answer,
        },
    )
    assert response.status_code == 200 and "Cảm ơn" in response.content.decode()
    with schema_context(union_a.schema_name):
        submission = FormSubmission.objects.get(page=page)
        assert submission.form_data["noi_dung"] == "Đề nghị phối hợp tổ chức hội thảo"
        assert "captcha_token" not in submission.form_data
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


def test_numbers_on_a_vietnamese_page_are_vietnamese_whatever_the_browser(demo_union, db):
    from django.test import Client

    from tenants.selectors import union_host

    client = Client(HTTP_HOST=union_host(demo_union.schema_name))
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    total = re.search(r'data-visits="total">([^<]*)<', html).group(1)
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+", total), total
