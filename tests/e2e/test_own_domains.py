"""A union admin adds and proves its own domain in Debian's chromium, against the
platform's own server process and a real DNS server holding the TXT record."""

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.conftest import PROJECT_ROOT, free_port, subprocess_env
from tests.domains.conftest import Zone, zone_serving
from tests.e2e.conftest import SCREENSHOTS

DOMAIN = "lienhiephoi-thanhhoa.test"


@pytest.fixture
def server_with_dns(demo_union, committed) -> Iterator[tuple[str, Zone]]:
    """A server process whose proofs are read from the test's DNS server."""
    from tenants.models import Domain, DomainClaim

    with zone_serving() as (zone, dns_port):
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                "--insecure",
                f"127.0.0.1:{port}",
            ],
            cwd=PROJECT_ROOT,
            env=subprocess_env(OWN_DOMAIN_RESOLVER=f"127.0.0.1:{dns_port}"),
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except (urllib.error.URLError, OSError):
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
            yield str(port), zone
        finally:
            server.terminate()
            server.wait(timeout=10)
            DomainClaim.objects.filter(domain=DOMAIN).delete()
            Domain.objects.filter(domain=DOMAIN).delete()


def test_a_union_admin_adds_and_proves_its_domain(server_with_dns, demo_union, page):
    from tenants.models import Domain, DomainClaim

    port, zone = server_with_dns
    base = f"http://{demo_union.schema_name}.localhost:{port}"
    page.goto(base + "/admin/login/", wait_until="networkidle")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "lienhiephoi2025")
    with page.expect_navigation():
        page.click("button[type=submit]")
    # Found where an admin looks for it: Cài đặt → Tên miền riêng.
    page.click("text=Cài đặt")
    with page.expect_navigation():
        page.click("text=Tên miền riêng")

    page.fill("#id_domain", "khong hop le")
    with page.expect_navigation():
        page.click("text=Thêm tên miền")
    expect(page.locator(".error-message")).to_contain_text("không phải là một tên miền hợp lệ")

    page.fill("#id_domain", f"https://{DOMAIN}/")
    with page.expect_navigation():
        page.click("text=Thêm tên miền")
    claim = DomainClaim.objects.get(union=demo_union, domain=DOMAIN)
    row = page.locator(f'tr[data-domain="{DOMAIN}"]')
    expect(row).to_contain_text("Chờ xác minh")
    expect(row).to_contain_text(f"_lienhiephoi.{DOMAIN}")
    expect(row).to_contain_text(claim.token)
    page.screenshot(path=str(SCREENSHOTS / "own-domain-pending.png"), full_page=True)

    with page.expect_navigation():
        row.locator("text=Kiểm tra bản ghi DNS").click()
    expect(page.locator(".messages")).to_contain_text("Chưa thấy bản ghi TXT")
    assert not Domain.objects.filter(domain=DOMAIN).exists()

    zone.txt(DOMAIN, claim.token)
    with page.expect_navigation():
        page.locator(f'tr[data-domain="{DOMAIN}"]').locator("text=Kiểm tra bản ghi DNS").click()
    expect(page.locator(".messages")).to_contain_text(f"Đã xác minh {DOMAIN}")
    expect(page.locator(f'tr[data-domain="{DOMAIN}"]')).to_contain_text("Đã xác minh")
    page.screenshot(path=str(SCREENSHOTS / "own-domain-verified.png"), full_page=True)
    assert Domain.objects.get(domain=DOMAIN).tenant_id == demo_union.pk
