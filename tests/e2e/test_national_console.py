"""National staff open the dashboard in chromium: charts draw, filters update in place."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.e2e.conftest import SCREENSHOTS, national_sign_in


def test_the_dashboard_draws_charts_and_filters_without_a_reload(
    site_server, demo_union, committed, page
):
    users = get_user_model().objects
    if not users.filter(username="vusta-e2e").exists():
        users.create_superuser("vusta-e2e", "vusta-e2e@example.vn", "toan-quoc-2025")
    call_command("rollups_reconcile", verbosity=0)
    base = f"http://localhost:{site_server}"
    national_sign_in(page, base, "vusta-e2e", "toan-quoc-2025")
    page.goto(base + "/admin/toan-quoc/?ky=2021-1", wait_until="networkidle")
    members = page.locator("[data-total=members]").inner_text()
    assert members.replace(",", "").replace(".", "") == "23628"
    bars = page.locator(".bar-chart .bar")
    assert bars.count() >= 10
    assert max(bars.nth(i).bounding_box()["width"] for i in range(bars.count())) > 50
    # The trend is drawn by Chart.js from the project's static files, every half-year on
    # its axis; its table stays for screen readers.
    trend = "Chart.getChart(document.getElementById('trend-chart'))"
    labels = page.evaluate(f"{trend}.data.labels")
    assert labels and page.locator("[data-trend-table] tbody tr").count() == len(labels)
    page.screenshot(path=SCREENSHOTS / "national-dashboard.png", full_page=True)

    page.evaluate("window.notReloaded = true")
    page.select_option("select[name=theo]", "tinh-cu")
    page.wait_for_function(
        "document.querySelector('#dashboard-body').innerText.includes('tỉnh cũ')"
    )
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate(f"{trend} !== undefined")  # drawn again in the new body
    assert "theo=tinh-cu" in page.url
    page.screenshot(path=SCREENSHOTS / "national-dashboard-former-provinces.png", full_page=True)
