"""The client's own address behind the production recipe's nginx: every limit counts the
client nginx saw, not nginx, and nothing a client writes into X-Forwarded-For moves it.

Failed logins lock an account from one client (django-axes, in the union's schema), so
thirty strangers do not lock everyone out, and a name padded with spaces hits the same
lock as the name.
"""

import re
from collections.abc import Iterator

import pytest
from django_tenants.utils import schema_context

from tests.deploy.conftest import Response, Stack, run_stack

NATIONAL = "localhost"


def _login(stack: Stack, host: str, username: str, password: str, client: str) -> Response:
    """The admin login as a browser at address `client` goes through it: form, then post."""
    page = stack.get(host, "/admin/login/", source=client)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return stack.post(
        host,
        "/admin/login/",
        {"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={"Cookie": f"csrftoken={page.cookies['csrftoken']}"},
        source=client,
    )


@pytest.fixture
def no_lockouts(union_pair, committed) -> Iterator[None]:
    """The unions' `admin` can sign in to a production server, and the failed logins the
    servers recorded (committed, in each schema) go after the test."""
    from axes.models import AccessAttempt, AccessFailureLog
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.utils.crypto import get_random_string

    def forget() -> None:
        for schema in ("public", *(u.schema_name for u in union_pair)):
            with schema_context(schema):
                AccessAttempt.objects.all().delete()
                AccessFailureLog.objects.all().delete()

    # The test settings hash with MD5 for speed, which production does not accept.
    kept = {}
    for union in union_pair:
        with schema_context(union.schema_name):
            admin = get_user_model().objects.get(username="admin")
            kept[union.schema_name] = admin.password
            admin.password = PBKDF2PasswordHasher().encode(
                union.editor_password, get_random_string(16)
            )
            admin.save(update_fields=["password"])
    forget()
    yield
    forget()
    for union in union_pair:
        with schema_context(union.schema_name):
            get_user_model().objects.filter(username="admin").update(
                password=kept[union.schema_name]
            )


@pytest.fixture(scope="module")
def throttled_stack(union_pair, tmp_path_factory) -> Iterator[Stack]:
    """The production recipe as shipped (one proxy: nginx), with a small API allowance."""
    with run_stack(
        tmp_path_factory.mktemp("throttled"),
        API_RATE_ANON="5/minute",
        API_RATE_USER="100000/minute",
    ) as running:
        yield running


def test_thirty_failed_logins_from_thirty_clients_lock_no_one_else_out(
    throttled_stack, union_pair, no_lockouts
):
    union_a, _ = union_pair
    for n in range(30):
        failed = _login(throttled_stack, union_a.host, f"khach{n}", "sai", f"127.0.1.{n + 1}")
        assert failed.status == 200, failed.status
    admin = _login(throttled_stack, union_a.host, "admin", union_a.editor_password, "127.0.2.7")
    assert admin.status == 302 and admin.headers["location"] == "/admin/"


@pytest.mark.parametrize("host_of", ["union", "national"])
def test_an_account_is_locked_from_one_client_whatever_spaces_pad_its_name(
    throttled_stack, union_pair, no_lockouts, host_of
):
    union_a, union_b = union_pair
    host = union_a.host if host_of == "union" else NATIONAL
    attacker = "127.0.3.1"
    for name in ("admin", " admin", "admin ", " admin "):
        assert _login(throttled_stack, host, name, "sai", attacker).status == 200
    # The fifth failure locks the account from that client, in Vietnamese ...
    fifth = _login(throttled_stack, host, "ADMIN", "sai", attacker)
    assert fifth.status == 429 and "Tài khoản tạm khóa" in fifth.text
    # ... and even the right password is refused now. (On the national host `admin` has
    # no account at all: the lock is the same.)
    locked = _login(throttled_stack, host, "admin", union_a.editor_password, attacker)
    assert locked.status == 429
    assert "Tài khoản tạm khóa" in locked.text
    assert _login(throttled_stack, host, " admin", union_a.editor_password, attacker).status == 429
    if host_of == "union":
        # The account's owner elsewhere still signs in, and union B knows of no lock.
        owner = _login(throttled_stack, host, "admin", union_a.editor_password, "127.0.3.2")
        assert owner.status == 302
        other = _login(throttled_stack, union_b.host, "admin", union_b.editor_password, attacker)
        assert other.status == 302
        with schema_context(union_b.schema_name):
            from axes.models import AccessAttempt

            assert not AccessAttempt.objects.exists()


def test_a_forged_forwarded_address_does_not_escape_the_api_throttle(throttled_stack, union_pair):
    union_a, _ = union_pair
    statuses = [
        throttled_stack.get(
            union_a.host,
            "/api/v1/news/",
            # nginx appends the address it saw to whatever the client wrote.
            headers={"X-Forwarded-For": f"10.9.{n}.1"},
            source="127.0.4.1",
        ).status
        for n in range(8)
    ]
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}, statuses
    # Another client still has its own allowance.
    assert throttled_stack.get(union_a.host, "/api/v1/news/", source="127.0.4.2").status == 200


def test_the_comment_limit_counts_each_client_on_its_own(throttled_stack, union_pair, committed):
    union_a, _ = union_pair
    with schema_context(union_a.schema_name):
        article = union_a.sentinel().pk
    # Five comments a client per window: seven clients post one each and none is refused
    # for the others' sake (the captcha turns each away with 400, not 429) ...
    statuses = [
        throttled_stack.post(
            union_a.host,
            f"/y-kien-ban-doc/{article}/",
            {"name": "x", "body": "y"},
            source=f"127.0.5.{n + 1}",
        ).status
        for n in range(7)
    ]
    assert statuses == [400] * 7, statuses
    # ... while one client is stopped at its sixth, whatever it forwards.
    statuses = [
        throttled_stack.post(
            union_a.host,
            f"/y-kien-ban-doc/{article}/",
            {"name": "x", "body": "y"},
            headers={"X-Forwarded-For": f"10.8.{n}.1"},
            source="127.0.5.100",
        ).status
        for n in range(6)
    ]
    assert statuses == [400] * 5 + [429], statuses
