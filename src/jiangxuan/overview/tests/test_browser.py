"""The overview page in Debian's Chromium: the charts draw under the strict CSP, and when
the chart library does not load the page says so and keeps its tables."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from playwright.sync_api import Page, expect

from jiangxuan.nominations.tests.factories import USER_PASSWORD

from ..views import ECHARTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
#: Screenshots for a human look (git-ignored var/).
SCREENSHOT_DIR = Path(__file__).resolve().parents[4] / "var" / "screenshots"


def _sign_in(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", USER_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作台", exact=True)).to_be_visible()


def test_overview_draws_its_charts(page: Page, live_server, jilin, in_motion, office):
    if finders.find(ECHARTS) is None:
        pytest.skip("static/vendor/echarts.min.js is missing: run scripts/ensure-node-assets.sh")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    in_motion(3)
    # A CSP violation or a script error shows up on the console; a missing file as a
    # failed response.
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    _sign_in(page, live_server, office)

    page.goto(f"{live_server.url}{reverse('campaigns:detail', args=[jilin.code])}")
    page.get_by_role("link", name="活动总览").click()

    expect(page.get_by_role("heading", name="活动总览")).to_be_visible()
    expect(page.locator(".ov-chart canvas")).to_have_count(2)
    expect(page.locator("#ov-charts-missing")).to_be_hidden()
    expect(page.locator("#h-waiting + p + div")).to_contain_text("长春市总工会")
    page.screenshot(path=str(SCREENSHOT_DIR / "overview.png"), full_page=True)
    assert [e for e in errors if "Failed to load resource" not in e] == []
    assert missing == []


def test_overview_without_the_chart_library_keeps_the_tables(
    page: Page, live_server, jilin, in_motion, office
):
    if finders.find(ECHARTS) is None:
        pytest.skip("static/vendor/echarts.min.js is missing: run scripts/ensure-node-assets.sh")
    in_motion(1)
    _sign_in(page, live_server, office)
    # The library fails to load although the server has it (a proxy, a broken copy).
    page.route("**/static/vendor/**", lambda route: route.abort())

    page.goto(f"{live_server.url}{reverse('overview:campaign', args=[jilin.code])}")

    expect(page.locator("#ov-charts-missing")).to_be_visible()
    expect(page.locator(".ov-chart").first).to_be_hidden()
    expect(page.locator(".ov-table").first).to_contain_text("长春市总工会")
