"""The public portal on a phone (360x740, WeChat's user agent): the index, a campaign
page, the notice list, a notice and a candidate page. No page scrolls sideways, and every
link or button meant to be tapped is at least 44 px tall (WCAG 2.5.5)."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership
from jiangxuan.conftest import register_holiday_years
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.tests.factories import NominationFactory, UserFactory
from jiangxuan.notices.services import open_public_notice

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 360, 740
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 13; V2183A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.44"
)
TAP_TARGETS = ".btn, button, .public-nav a, .staff-login, .brand, .breadcrumb a, .card-link"


@pytest.fixture
def notice(seed_campaign, orgs):
    """Seed 000 with a running workplace notice of two consenting nominees."""
    register_holiday_years()  # the notice starts today (conftest: why)
    campaign = seed_campaign("000")
    office = UserFactory()
    Membership.objects.create(
        user=office, org_unit=campaign.organizer_unit, role=Role.CAMPAIGN_OFFICE, campaign=campaign
    )
    nominees = [
        NominationFactory(
            campaign=campaign,
            nominating_unit=orgs["cc-union"],
            workplace=orgs["cc-huarui-machinery"],
            name=name,
            state=NominationState.IN_REVIEW,
            publication_consent=True,
        )
        for name in ("王建国", "李秀英")
    ]
    return open_public_notice(
        campaign,
        stage="workplace",
        body=orgs["cc-union"],
        nominations=nominees,
        starts_on=timezone.localdate(),
        actor=office,
    )


def _check_phone_layout(page: Page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} scrolls sideways: {width}px wide"
    small = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter((el) => el.offsetParent !== null)
            .map((el) => [el.textContent.trim(), el.getBoundingClientRect().height])
            .filter(([, height]) => height < 44)""",
        TAP_TARGETS,
    )
    assert small == [], f"{page.url}: tap targets under 44 px: {small}"


@pytest.mark.browser_context_args(
    viewport={"width": WIDTH, "height": HEIGHT},
    user_agent=PHONE_UA,
    is_mobile=True,
    has_touch=True,
)
def test_public_pages_fit_a_phone(page: Page, live_server, notice):
    cache.clear()  # public pages are cached per process
    campaign = notice.campaign

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="评选活动", level=1)).to_be_visible()
    _check_phone_layout(page)

    page.get_by_role("link", name=campaign.title).click()
    expect(page.get_by_role("heading", name=campaign.title, level=1)).to_be_visible()
    _check_phone_layout(page)

    page.get_by_role("link", name=f"查看公示：{notice.title}").click()
    expect(page.get_by_role("heading", name="公示名单（2人）")).to_be_visible()
    _check_phone_layout(page)

    page.get_by_role("link", name="李秀英").click()
    expect(page.get_by_role("heading", name="李秀英", level=1)).to_be_visible()
    _check_phone_layout(page)

    page.goto(f"{live_server.url}{reverse('notices:public_list')}")
    expect(page.get_by_role("link", name=notice.title)).to_be_visible()
    _check_phone_layout(page)
    expect(page.get_by_role("link", name="工作人员登录")).to_have_attribute(
        "href", reverse("accounts:login")
    )
