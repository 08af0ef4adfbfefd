"""A union signs up in chromium and logs in to its new site, with a real worker doing the work.

The server is the platform's own process (`site_server`); the Celery worker runs in
this test process (as in tests/isolation/test_celery.py), so the mails it sends land
in Django's test outbox here.
"""

import re
import time

from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from tests.captcha import solve_captcha_in_browser
from tests.e2e.conftest import SCREENSHOTS, national_sign_in


def _mail_to(address: str, subject_part: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while True:
        for message in mail.outbox:
            if message.to == [address] and subject_part in message.subject:
                return message.body
        assert time.monotonic() < deadline, f"no mail “{subject_part}” to {address}"
        time.sleep(0.2)


def _path(body: str, pattern: str) -> str:
    # The worker writes links with the configured port; the test server has its own.
    return re.search(rf"http://[^/\s]+({pattern}\S*)", body).group(1)


def test_sign_up_verify_approve_and_log_in_to_the_new_site(
    site_server,
    committed,
    celery_worker,
    browser,
    page,
    fresh_subdomain,
):
    subdomain = fresh_subdomain
    email = f"{subdomain}@quangninh.example.vn"
    base = f"http://localhost:{site_server}"
    mail.outbox.clear()

    # 1. The applicant fills in the form; the subdomain is checked as it is typed.
    page.goto(base + "/dang-ky/", wait_until="networkidle")
    page.select_option("#id_province", label="Quảng Ninh")
    page.fill("#id_name", "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Quảng Ninh")
    page.fill("#id_short_name", "Liên hiệp Hội Quảng Ninh")
    page.fill("#id_subdomain", "admin")
    # The page's CSP forbids eval, so no string predicates: Playwright's own assertions.
    status = page.locator("#subdomain-status")
    expect(status).to_contain_text("dành riêng")
    page.fill("#id_subdomain", subdomain)
    expect(status).to_contain_text("chưa có ai sử dụng")
    page.fill("#id_contact_name", "Nguyễn Văn Hải")
    page.fill("#id_email", email)
    page.fill("#id_phone", "0203 3835 123")
    solve_captcha_in_browser(page)
    page.screenshot(path=SCREENSHOTS / "signup-form.png", full_page=True)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/dang-ky/tien-do/" in page.url
    assert "Chờ xác minh thư điện tử" in page.inner_text("#status-label")
    progress_url = page.url

    # 2. The verification mail, sent by the worker, holds a single-use link.
    verify_path = _path(_mail_to(email, "Xác minh"), "/dang-ky/xac-minh/")
    page.goto(base + verify_path)
    with page.expect_navigation():
        page.click("text=Xác minh địa chỉ thư điện tử")
    assert page.url == progress_url
    assert "Chờ duyệt" in page.inner_text("#status-label")

    # 3. National staff approve it in the console, in a browser of their own.
    users = get_user_model().objects
    if not users.filter(username="vusta-e2e").exists():
        users.create_superuser("vusta-e2e", "vusta-e2e@example.vn", "toan-quoc-2025")
    staff = browser.new_context(locale="vi-VN").new_page()
    national_sign_in(staff, base, "vusta-e2e", "toan-quoc-2025")
    staff.goto(base + "/admin/toan-quoc/don-dang-ky/")
    row = staff.locator(f"tr[data-subdomain={subdomain}]")
    assert "Chờ duyệt" in row.inner_text()
    with staff.expect_navigation():
        row.locator("button[value=approve]").click()
    assert "trang đang được khởi tạo" in staff.content()
    staff.screenshot(path=SCREENSHOTS / "signup-console.png", full_page=True)
    staff.context.close()

    # 4. The applicant's progress page, polling, shows the site once it answers.
    page.wait_for_selector("#site-links:not([hidden])", timeout=30_000)
    assert "Đã hoạt động" in page.inner_text("#status-label")
    page.screenshot(path=SCREENSHOTS / "signup-live.png", full_page=True)

    # 5. The welcome mail: login name and a set-password link, no password.
    welcome = _mail_to(email, "đã hoạt động")
    assert f"Tên đăng nhập: {email}" in welcome
    site = f"http://{subdomain}.localhost:{site_server}"
    page.goto(site + _path(welcome, "/admin/password_reset/confirm/"))
    page.fill("#id_new_password1", "Quang-Ninh-2025!")
    page.fill("#id_new_password2", "Quang-Ninh-2025!")
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(site + "/admin/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", "Quang-Ninh-2025!")
    with page.expect_navigation():
        page.click("button[type=submit]")
    # Signed in: the admin (or a first-login step in it), no longer the login form.
    assert page.url.startswith(site + "/admin/") and "/login/" not in page.url
    assert page.locator("#id_password").count() == 0
    page.screenshot(path=SCREENSHOTS / "signup-first-login.png", full_page=True)
    page.goto(site + "/")
    assert "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Quảng Ninh" in page.title()
