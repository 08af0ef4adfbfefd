"""Self-service onboarding: sign up, verify, approve, create; bad input, abuse, isolation."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from tenants.models import OnboardingPolicy, Province, SignupApplication, Union
from tenants.onboarding import services, tasks
from tenants.onboarding.reconciler import onboarding_reconcile
from tests.captcha import solved_captcha
from tests.conftest import login_with_second_step

Status = SignupApplication.Status
SIGNUP = "/dang-ky/"


def _national() -> Client:
    return Client(HTTP_HOST="localhost")


def _form(**overrides) -> dict:
    data = {
        "province": Province.objects.get(name="Lâm Đồng", is_current=True).pk,
        "name": "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Lâm Đồng",
        "short_name": "Liên hiệp Hội Lâm Đồng",
        "subdomain": "lamdong",
        "contact_name": "Trần Thị Bình",
        "email": "binh@lamdong.example.vn",
        "phone": "0912 345 678",
    }
    data.update(overrides)
    return data


def _post_signup(client: Client, **overrides):
    return client.post(SIGNUP, {**_form(**overrides), **solved_captcha(client)})


def _submit(**overrides) -> SignupApplication:
    data = _form(**overrides)
    data["province"] = Province.objects.get(pk=data["province"])
    return services.signup_submit(**data)


def _schema_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace")
        return cursor.fetchone()[0]


def _verification_link(application: SignupApplication) -> str:
    mail.outbox.clear()
    tasks.signup_verification_send(application.pk)
    (message,) = mail.outbox
    assert message.to == [application.email]
    return re.search(r"http://localhost(/dang-ky/xac-minh/[^/\s]+/)", message.body).group(1)


# -- the page ---------------------------------------------------------------------------


def test_the_sign_up_page_offers_the_34_current_provinces(db):
    body = _national().get(SIGNUP).content.decode()
    assert "Đăng ký trang thông tin điện tử" in body
    options = re.findall(
        r'<option value="\d+"', body.split('name="province"', 1)[1].split("</select>")[0]
    )
    assert len(options) == 34
    assert "Hải Dương" not in body.split("</select>")[0].split('name="province"')[1]  # former


def test_a_sign_up_makes_one_row_no_schema_and_queues_the_verification_mail(
    db, django_capture_on_commit_callbacks
):
    schemas = _schema_count()
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post_signup(_national())
    application = SignupApplication.objects.get(subdomain="lamdong")
    assert response.status_code == 302
    assert response["Location"] == f"/dang-ky/tien-do/{application.public_id}/"
    assert application.status == Status.UNVERIFIED
    assert application.phone == "0912345678"
    assert len(callbacks) == 1  # the verification e-mail, queued on commit
    assert _schema_count() == schemas
    progress = _national().get(response["Location"]).content.decode()
    assert "Chờ xác minh thư điện tử" in progress and "binh@lamdong.example.vn" in progress


def test_the_verification_link_works_once_and_only_by_post(db, django_capture_on_commit_callbacks):
    application = _submit()
    link = _verification_link(application)
    client = _national()
    assert "Xác minh địa chỉ thư điện tử" in client.get(link).content.decode()
    application.refresh_from_db()
    assert application.status == Status.UNVERIFIED  # a mail scanner's GET changes nothing
    assert client.post(link).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.VERIFIED and application.verified_at
    again = client.post(link)
    assert again.status_code == 400
    assert "không hợp lệ hoặc đã được sử dụng" in again.content.decode()


def test_an_old_verification_link_has_expired(db):
    application = _submit()
    link = _verification_link(application)
    SignupApplication.objects.filter(pk=application.pk).update(
        email_token_sent_at=timezone.now() - timedelta(hours=49)
    )
    response = _national().post(link)
    assert response.status_code == 400
    assert "đã hết hạn" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.UNVERIFIED


def test_a_second_mail_replaces_the_first_link(db):
    application = _submit()
    first = _verification_link(application)
    second = _verification_link(application)
    assert _national().post(first).status_code == 400
    assert _national().post(second).status_code == 302


# -- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("province", "", "Vui lòng chọn tỉnh, thành phố."),
        ("province", "999999", "Vui lòng chọn một trong 34 tỉnh"),
        ("name", "", "Vui lòng nhập tên chính thức"),
        ("name", "LHH", "Tên chính thức quá ngắn"),
        ("short_name", "", "Vui lòng nhập tên viết tắt."),
        ("subdomain", "", "Vui lòng nhập tên miền con."),
        ("subdomain", "lam-dong", "chỉ gồm chữ thường không dấu"),
        ("subdomain", "lâmđồng", "chỉ gồm chữ thường không dấu"),
        ("subdomain", "admin", "đã được hệ thống dành riêng"),
        ("subdomain", "www", "đã được hệ thống dành riêng"),
        ("subdomain", "spare1", "đã được hệ thống dành riêng"),
        ("subdomain", "pgtemp", "đã được hệ thống dành riêng"),
        ("subdomain", "uniona", "đã có Liên hiệp Hội khác sử dụng"),
        ("contact_name", "", "Vui lòng nhập họ tên người liên hệ."),
        ("email", "", "Vui lòng nhập địa chỉ thư điện tử."),
        ("email", "binh@", "Địa chỉ thư điện tử không hợp lệ."),
        ("phone", "", "Vui lòng nhập số điện thoại."),
        ("phone", "12ab", "Số điện thoại không hợp lệ"),
    ],
)
def test_each_bad_field_gets_a_vietnamese_message_next_to_it_and_nothing_is_kept(
    union_a, field, value, message
):
    schemas = _schema_count()
    response = _post_signup(_national(), **{field: value})
    assert response.status_code == 400
    body = response.content.decode()
    errors = body.split(f'id="field-{field}"', 1)[1].split("</div>", 1)[0]
    assert message in errors
    assert not SignupApplication.objects.exists()
    assert _schema_count() == schemas


def test_a_wrong_captcha_is_refused(union_a):
    client = _national()
    assert "<altcha-widget" in client.get(SIGNUP).content.decode()
    response = client.post(SIGNUP, _form())
    assert response.status_code == 400
    assert "Vui lòng bấm «Tôi không phải là máy»" in response.content.decode()
    # A challenge solved on a union's site does not pass on the national one.
    response = client.post(SIGNUP, {**_form(), **solved_captcha(union_a.client())})
    assert response.status_code == 400
    assert "Mã xác minh không đúng" in response.content.decode()
    assert not SignupApplication.objects.exists()


def test_a_former_province_is_refused_by_the_service_too(db):
    with pytest.raises(Exception) as error:
        _submit(province=Province.objects.filter(is_current=False).first().pk)
    assert "34 tỉnh" in str(error.value)


def test_a_province_with_a_union_is_refused_unless_the_national_union_allows_it(db, demo_union):
    thanh_hoa = demo_union.province.pk
    response = _post_signup(_national(), province=thanh_hoa, subdomain="thanhhoa2")
    errors = response.content.decode().split('id="field-province"', 1)[1].split("</div>")[0]
    assert "Thanh Hóa đã có Liên hiệp Hội hoạt động" in errors
    policy = OnboardingPolicy.load()
    policy.several_unions_per_province = True
    policy.save()
    assert _post_signup(_national(), province=thanh_hoa, subdomain="thanhhoa2").status_code == 302


def test_an_open_application_holds_its_subdomain(db):
    _submit()
    response = _post_signup(_national(), email="khac@example.vn")
    assert "đang đăng ký" in response.content.decode()
    # The database refuses a second open claim even past the service.
    first = SignupApplication.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        SignupApplication.objects.create(
            province=first.province,
            name="x",
            short_name="x",
            subdomain="lamdong",
            contact_name="x",
            email="x@example.vn",
            phone="0912345678",
        )
    # A rejected application frees it.
    services.signup_reject(application=first, actor="vusta", reason="Trùng đơn")
    assert _post_signup(_national(), email="khac@example.vn").status_code == 302


def test_the_live_availability_check(union_a):
    check = lambda name: _national().get("/dang-ky/kiem-tra-ten-mien/", {"ten": name}).json()  # noqa: E731
    assert check("lamdong") == {
        "available": True,
        "message": "lamdong.localhost chưa có ai sử dụng.",
    }
    assert check("uniona")["available"] is False
    assert "đã có Liên hiệp Hội khác" in check("uniona")["message"]
    assert "dành riêng" in check("template")["message"]
    assert "chữ thường" in check("LAM DONG")["message"]


# -- national host only; nothing crosses to a union host ----------------------------------


def test_sign_up_pages_are_404_on_a_union_host_and_show_no_application(union_a):
    application = _submit()
    client = union_a.client()
    for path in (
        SIGNUP,
        "/dang-ky/kiem-tra-ten-mien/?ten=lamdong",
        f"/dang-ky/tien-do/{application.public_id}/",
        f"/dang-ky/tien-do/{application.public_id}/trang-thai.json",
        "/dang-ky/xac-minh/abc/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert application.name not in response.content.decode()
    assert client.post(SIGNUP, _form()).status_code == 404
    assert SignupApplication.objects.count() == 1


def test_the_console_list_is_404_on_a_union_host(admin_a):
    assert admin_a.get("/admin/toan-quoc/don-dang-ky/").status_code == 404


def test_a_union_has_no_application_table(union_a):
    with schema_context(union_a.schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('tenants_signupapplication')::text")
        # search_path is "uniona, public": the name resolves only to public's table.
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE tablename = 'tenants_signupapplication' "
            "AND schemaname = %s",
            [union_a.schema_name],
        )
        assert cursor.fetchone()[0] == 0


# -- approval and creation ----------------------------------------------------------------


@pytest.fixture
def national_staff(db) -> Client:
    user = get_user_model().objects.create_superuser("vusta-dk", "vusta-dk@example.vn", "x")
    return login_with_second_step(_national(), user)


def _verified(**overrides) -> SignupApplication:
    application = _submit(**overrides)
    services.signup_verify(token=services.verification_token_issue(application=application))
    application.refresh_from_db()
    return application


def test_national_staff_list_and_approve_then_the_union_is_made_with_a_welcome_mail(
    national_staff, django_capture_on_commit_callbacks
):
    application = _verified()
    _verified(
        subdomain="lamdong2",
        email="b@example.vn",
        province=Province.objects.get(name="Điện Biên", is_current=True).pk,
    )
    national_staff.get("/admin/toan-quoc/don-dang-ky/")  # the policy row is made on first use
    with CaptureQueriesContext(connection) as queries:
        page = national_staff.get("/admin/toan-quoc/don-dang-ky/")
    two = len(queries)
    _verified(
        subdomain="lamdong3",
        email="c@example.vn",
        province=Province.objects.get(name="Lai Châu", is_current=True).pk,
    )
    with CaptureQueriesContext(connection) as queries:
        national_staff.get("/admin/toan-quoc/don-dang-ky/")
    assert len(queries) == two  # no query per application
    assert "Liên hiệp Hội Lâm Đồng" in page.content.decode()

    with django_capture_on_commit_callbacks() as callbacks:
        response = national_staff.post(
            f"/admin/toan-quoc/don-dang-ky/{application.pk}/quyet-dinh/", {"decision": "approve"}
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.decided_by == "vusta-dk"
    assert len(callbacks) == 1  # the creation task
    assert not schema_exists("lamdong")  # nothing before the worker runs

    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        tasks.signup_provision_run(application.pk)  # what the worker runs
    assert len(callbacks) == 2  # the welcome mail and a warm-pool refill, queued on commit
    application.refresh_from_db()
    assert application.status == Status.LIVE
    union = application.union
    assert union.status == Union.Status.ACTIVE and union.province.name == "Lâm Đồng"
    assert Client(HTTP_HOST="lamdong.localhost").get("/").status_code == 200
    status = national_staff.get(f"/dang-ky/tien-do/{application.public_id}/trang-thai.json").json()
    assert status["site_ready"] is True and status["status"] == "live"

    tasks.signup_welcome_send(application.pk)  # what the worker runs next
    (welcome,) = mail.outbox
    assert welcome.to == ["binh@lamdong.example.vn"]
    assert "Tên đăng nhập: binh@lamdong.example.vn" in welcome.body
    assert "mật khẩu:" not in welcome.body.lower().replace("đặt mật khẩu", "")
    with schema_context("lamdong"):
        admin = get_user_model().objects.get()
        assert admin.is_superuser and not admin.has_usable_password()
    link = re.search(r"http://lamdong\.localhost(/admin/password_reset/confirm/\S+/)", welcome.body)
    site = Client(HTTP_HOST="lamdong.localhost")
    form_url = site.get(link.group(1))["Location"]
    assert "set-password" in form_url
    done = site.post(
        form_url, {"new_password1": "Mat-khau-moi-2025", "new_password2": "Mat-khau-moi-2025"}
    )
    assert done.status_code == 302
    login = Client(HTTP_HOST="lamdong.localhost").post(
        "/admin/login/", {"username": "binh@lamdong.example.vn", "password": "Mat-khau-moi-2025"}
    )
    assert login.status_code == 302 and login["Location"] == "/admin/"
    # The set-password link is single-use.
    assert "set-password" not in Client(HTTP_HOST="lamdong.localhost").get(link.group(1)).get(
        "Location", ""
    )


def test_rejecting_needs_a_reason_and_mails_it(national_staff, django_capture_on_commit_callbacks):
    application = _verified()
    url = f"/admin/toan-quoc/don-dang-ky/{application.pk}/quyet-dinh/"
    page = national_staff.post(url, {"decision": "reject", "reason": ""}, follow=True)
    assert "Vui lòng ghi lý do từ chối" in page.content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        national_staff.post(url, {"decision": "reject", "reason": "Chưa có quyết định thành lập"})
    assert len(callbacks) == 1
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    tasks.signup_rejection_send(application.pk)
    assert "Chưa có quyết định thành lập" in mail.outbox[-1].body


def test_only_verified_applications_can_be_approved(db):
    application = _submit()
    with pytest.raises(Exception, match="Chỉ duyệt được đơn đã xác minh"):
        services.signup_approve(application=application, actor="vusta")


def test_a_subdomain_taken_since_the_sign_up_fails_the_approval(db):
    application = _verified(subdomain="muonsau")
    Union.objects.create(schema_name="muonsau", name="Tạo tay", status=Union.Status.ARCHIVED)
    with pytest.raises(Exception, match="đã có Liên hiệp Hội khác sử dụng"):
        services.signup_approve(application=application, actor="vusta")


def test_auto_approval_for_verified_addresses_of_allowed_domains(
    db, django_capture_on_commit_callbacks
):
    policy = OnboardingPolicy.load()
    policy.auto_approve = True
    policy.auto_approve_domains = "lamdong.example.vn\n@vusta.vn"
    policy.save()
    allowed = _verified()
    other = _verified(
        subdomain="dienbien",
        email="a@gmail.example",
        province=Province.objects.get(name="Điện Biên", is_current=True).pk,
    )
    assert allowed.status == Status.APPROVED and allowed.decided_by == "tự động"
    assert other.status == Status.VERIFIED


def test_creation_runs_once_however_often_it_is_queued(db):
    application = _verified()
    services.signup_approve(application=application, actor="vusta")
    services.signup_provision(application_id=application.pk)
    again = services.signup_provision(application_id=application.pk)
    assert again.status == Status.LIVE
    assert Union.objects.filter(schema_name="lamdong").count() == 1


# -- abuse --------------------------------------------------------------------------------


def test_sign_ups_are_rate_limited_per_address_and_per_email(db):
    client = _national()
    for n in range(3):
        assert _post_signup(client, subdomain=f"hanoi{n}", email="x@example.vn").status_code in (
            302,
            400,
        )
    # the fourth from the same e-mail address, whatever the subdomain
    assert _post_signup(client, subdomain="hanoi9", email="x@example.vn").status_code == 429
    for _ in range(6):
        _post_signup(client, name="")
    assert _post_signup(client, subdomain="khac", email="y@example.vn").status_code == 429
    # another address is not held back by the first
    other = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.0.0.2")
    assert _post_signup(other, subdomain="khac", email="y@example.vn").status_code == 302


def test_verification_attempts_are_rate_limited(db):
    client = _national()
    for _ in range(20):
        assert client.post("/dang-ky/xac-minh/doan-mo/").status_code == 400
    assert client.post("/dang-ky/xac-minh/doan-mo/").status_code == 429


def test_resending_the_verification_mail_is_rate_limited_per_email(db):
    application = _submit()
    url = f"/dang-ky/tien-do/{application.public_id}/"
    for n in range(3):
        client = Client(HTTP_HOST="localhost", REMOTE_ADDR=f"10.0.1.{n}")
        assert "Đã gửi lại thư xác minh" in client.post(url).content.decode()
    assert Client(HTTP_HOST="localhost", REMOTE_ADDR="10.0.1.9").post(url).status_code == 429


@pytest.mark.parametrize("host", ["localhost", "uniona.localhost"])
def test_admin_login_is_rate_limited_per_login_name_and_address(union_a, host):
    # per login name, from any address, however the name is padded
    for n in range(10):
        client = Client(HTTP_HOST=host, REMOTE_ADDR=f"10.0.2.{n}")
        name = ("admin", " admin", "admin ", "Admin")[n % 4]
        assert (
            client.post("/admin/login/", {"username": name, "password": "sai"}).status_code == 200
        )
    refused = Client(HTTP_HOST=host, REMOTE_ADDR="10.0.2.99").post(
        "/admin/login/", {"username": "admin", "password": "sai"}
    )
    assert refused.status_code == 429
    assert "quá nhiều lần" in refused.content.decode()
    # per address too: other names from the same address run out at 30 attempts
    client = Client(HTTP_HOST=host, REMOTE_ADDR="10.0.3.1")
    for n in range(30):
        assert (
            client.post("/admin/login/", {"username": f"khac{n}", "password": "sai"}).status_code
            == 200
        )
    assert client.post("/admin/login/", {"username": "moi", "password": "sai"}).status_code == 429


def test_a_thousand_unverified_sign_ups_create_no_schema(db):
    policy = OnboardingPolicy.load()
    province = Province.objects.get(name="Lâm Đồng", is_current=True)
    schemas = _schema_count()
    for n in range(1000):
        services.signup_submit(
            province=province,
            name=f"Liên hiệp Hội thử số {n}",
            short_name=f"LHH {n}",
            subdomain=f"thu{n}",
            contact_name="Người thử",
            email=f"thu{n}@example.vn",
            phone="0912345678",
        )
    assert SignupApplication.objects.filter(status=Status.UNVERIFIED).count() == 1000
    assert _schema_count() == schemas
    assert Union.objects.filter(schema_name__startswith="thu").count() == 0
    assert policy.several_unions_per_province is False  # the rule did not have to be relaxed


def test_an_approved_application_holds_its_province_until_its_union_is_live(db):
    application = _verified()
    services.signup_approve(application=application, actor="vusta")
    with pytest.raises(ValidationError) as refused:
        _submit(subdomain="thuhai", email="hai@example.vn")
    assert "đã có Liên hiệp Hội" in refused.value.message_dict["province"][0]


def test_a_reject_after_an_approval_changes_nothing(db):
    application = _verified()
    shown = SignupApplication.objects.get(pk=application.pk)  # the console page's copy
    services.signup_approve(application=application, actor="vusta")
    with pytest.raises(ValidationError, match="đã được xử lý"):
        services.signup_reject(application=shown, actor="vusta-2", reason="Trùng")
    assert SignupApplication.objects.get(pk=application.pk).status == Status.APPROVED


# -- reconciler ---------------------------------------------------------------------------


def test_the_reconciler_repairs_rows_and_schemas_that_do_not_match(db):
    from tenants.models import Domain, SpareSchema

    # A Union row left provisioning with no schema, and one with its schema.
    lost = Union.objects.create(schema_name="matluoc", name="Mất lược đồ", status="provisioning")
    Domain.objects.create(domain="matluoc.localhost", tenant=lost)
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "spare_orphan1"')
        cursor.execute('CREATE SCHEMA "lacloai"')
        cursor.execute('CREATE TABLE "lacloai".wagtailcore_site (id int)')
    SpareSchema.objects.create(schema_name="spare_rowonly", fingerprint="x")
    # An application whose worker died: approved, no union.
    application = _verified()
    services.signup_approve(application=application, actor="vusta")
    # Another province: Lâm Đồng's approved application holds its own until it is live.
    stale = _submit(
        subdomain="cu",
        email="cu@example.vn",
        province=Province.objects.get(name="Gia Lai", is_current=True).pk,
    )
    SignupApplication.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timedelta(days=8)
    )

    report = onboarding_reconcile(grace=timedelta(0))

    assert report.unions_removed == ["matluoc"]
    assert not Union.objects.filter(schema_name="matluoc").exists()
    assert not Domain.objects.filter(domain="matluoc.localhost").exists()
    assert report.spares_removed == ["spare_orphan1"] and not schema_exists("spare_orphan1")
    assert not SpareSchema.objects.filter(schema_name="spare_rowonly").exists()
    assert report.applications_finished == ["lamdong"]
    assert Client(HTTP_HOST="lamdong.localhost").get("/").status_code == 200
    assert report.applications_expired == 1
    # Unknown data is listed for a person, never dropped on its own.
    assert "lacloai" in report.orphan_schemas and schema_exists("lacloai")
    assert onboarding_reconcile(grace=timedelta(0), drop_orphans=True).orphan_schemas_dropped == [
        "lacloai"
    ]
    assert not schema_exists("lacloai")


def test_national_staff_set_the_sign_up_policy_in_the_console(national_staff, admin_a):
    response = national_staff.post(
        "/admin/toan-quoc/don-dang-ky/",
        {"auto_approve": "on", "auto_approve_domains": "vusta.vn\nlhh.example.vn"},
    )
    assert response.status_code == 302
    policy = OnboardingPolicy.load()
    assert policy.auto_approve and policy.domains() == {"vusta.vn", "lhh.example.vn"}
    assert policy.several_unions_per_province is False
    # A union's administrator cannot reach it on the union's host.
    refused = admin_a.post("/admin/toan-quoc/don-dang-ky/", {"auto_approve": ""})
    assert refused.status_code == 404
    assert OnboardingPolicy.load().auto_approve is True


def test_the_console_lists_applications_awaiting_a_decision_first(national_staff):
    waiting = _verified()
    newer = _submit(
        subdomain="moihon",
        email="moi@example.vn",
        province=Province.objects.get(name="Điện Biên", is_current=True).pk,
    )
    body = national_staff.get("/admin/toan-quoc/don-dang-ky/").content.decode()
    assert body.index(f'data-subdomain="{waiting.subdomain}"') < body.index(
        f'data-subdomain="{newer.subdomain}"'
    )
