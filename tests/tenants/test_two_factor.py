"""Two-step login (django-otp): required of national staff, open to every union admin,
with recovery codes, and a union's devices unknown to every other union."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

VERIFY = "/admin/xac-thuc-2-buoc/"
SETUP = "/admin/xac-thuc-2-buoc/thiet-lap/"


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _unthrottle(device) -> None:
    """A refused code makes the device wait before the next try (django-otp's throttling,
    1 s and doubling); a test does not wait."""
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save(update_fields=["throttling_failure_count", "throttling_failure_timestamp"])


def _password_login(client: Client, username: str, password: str) -> None:
    """The first step, through the real login form."""
    response = client.post("/admin/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.status_code


@pytest.fixture
def national_staff(db):
    return get_user_model().objects.create_superuser("vusta-2fa", "2fa@example.vn", "Mat-khau-1")


def test_national_staff_without_two_step_login_cannot_reach_the_console(national_staff):
    client = Client(HTTP_HOST="localhost")
    _password_login(client, "vusta-2fa", "Mat-khau-1")
    for url in ("/admin/", "/admin/toan-quoc/", "/admin/toan-quoc/lien-hiep-hoi/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(SETUP), url
    # Nor through the API with the session.
    assert client.get("/api/v1/unions/").status_code in (401, 403)
    page = client.get(SETUP).content.decode()
    assert "bắt buộc dùng xác thực hai bước" in page and 'src="data:image/svg+xml' in page

    # Setting it up: the first code switches it on and shows the recovery codes once.
    device = TOTPDevice.objects.get(user=national_staff, confirmed=False)
    wrong = client.post(SETUP, {"code": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "Mã không đúng" in wrong.content.decode()
    _unthrottle(device)
    assert (
        client.post(SETUP, {"code": _code(device)})["Location"]
        == "/admin/xac-thuc-2-buoc/ma-du-phong/"
    )
    codes = re.findall(
        r"<li><code>(\w+)</code></li>",
        client.get("/admin/xac-thuc-2-buoc/ma-du-phong/").content.decode(),
    )
    assert len(codes) == 10
    assert client.get("/admin/xac-thuc-2-buoc/ma-du-phong/").status_code == 302  # once only
    assert client.get("/admin/toan-quoc/").status_code == 200


def test_a_valid_code_completes_the_login_and_a_wrong_one_does_not(union_a):
    with schema_context(union_a.schema_name):
        admin = get_user_model().objects.get(username="admin")
        device = TOTPDevice.objects.create(user=admin, name="Điện thoại", confirmed=True)
    client = union_a.client()
    _password_login(client, "admin", union_a.editor_password)
    # Past the password only: the admin sends to the second step, the API sees no one.
    assert client.get("/admin/pages/")["Location"] == f"{VERIFY}?next=%2Fadmin%2Fpages%2F"
    assert client.get("/api/v1/organisations/").status_code in (401, 403)
    refused = client.post(VERIFY, {"code": "12345", "next": "/admin/pages/"})
    assert refused.status_code == 400 and "Mã không đúng" in refused.content.decode()
    with schema_context(union_a.schema_name):
        _unthrottle(device)
        code = _code(device)
    done = client.post(VERIFY, {"code": code, "next": "/admin/pages/"})
    assert done["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200
    assert client.get("/api/v1/organisations/").status_code == 200


def test_a_recovery_code_works_once(union_a):
    with schema_context(union_a.schema_name):
        admin = get_user_model().objects.get(username="admin")
        TOTPDevice.objects.create(user=admin, name="Điện thoại", confirmed=True)
        from tenants.two_factor import _recovery_codes_issue

        recovery = _recovery_codes_issue(admin)[0]
    for attempt in range(2):
        client = union_a.client()
        _password_login(client, "admin", union_a.editor_password)
        answer = client.post(VERIFY, {"code": recovery})
        if attempt == 0:
            assert answer["Location"] == "/admin/"
        else:
            assert answer.status_code == 400
    with schema_context(union_a.schema_name):
        assert not StaticToken.objects.filter(token=recovery).exists()


def test_a_union_admin_without_a_device_is_not_asked(union_b):
    client = union_b.client()
    _password_login(client, "admin", union_b.editor_password)
    assert client.get("/admin/").status_code == 200
    # And the account page offers to switch it on.
    assert SETUP in client.get("/admin/account/").content.decode()


def test_a_device_of_union_a_never_works_on_union_b(union_a, union_b):
    with schema_context(union_a.schema_name):
        device_a = TOTPDevice.objects.create(
            user=get_user_model().objects.get(username="admin"), name="A", confirmed=True
        )
        code_a = _code(device_a)
    with schema_context(union_b.schema_name):
        # B's "admin" is another person, with a device of their own.
        TOTPDevice.objects.create(
            user=get_user_model().objects.get(username="admin"), name="B", confirmed=True
        )
        assert not TOTPDevice.objects.filter(name="A").exists()
    client = union_b.client()
    _password_login(client, "admin", union_b.editor_password)
    refused = client.post(VERIFY, {"code": code_a})
    assert refused.status_code == 400
    assert client.get("/admin/")["Location"].startswith(VERIFY)
