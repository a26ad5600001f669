"""A clerk signs in and lands on the home page (我的工作台, issue 15.13) in a real browser:
the draft and the return with its reason and deadline are there, the page reads at a
phone's 360 px without scrolling sideways, and a link leads to the nomination's form."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.campaigns.models import DeadlineKind, UnitDeadline
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Decision, SignOff
from jiangxuan.nominations.tests.factories import NominationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Changchun-Union-2026"  # noqa: S105 - a throwaway test user
PHONE = 360
REASON = "请补充省级技能大赛获奖证书复印件，并由所在单位加盖公章后重新上传"


def _arrange(seed_campaign, orgs) -> tuple[User, str]:
    """Seed 000 with a clerk of 长春市总工会, a draft and a return of hers, and an internal
    deadline for the union three days from now; returns the clerk and the draft's name."""
    campaign = seed_campaign("000")
    unit, workplace = orgs["cc-union"], orgs["cc-huarui-machinery"]
    clerk = User.objects.create_user("cc-clerk", password=PASSWORD, display_name="长春经办人")
    Membership.objects.create(user=clerk, org_unit=unit, role=Role.CLERK)
    NominationFactory.create(
        campaign=campaign, nominating_unit=unit, workplace=workplace, name="王建国"
    )
    returned = NominationFactory.create(
        campaign=campaign,
        nominating_unit=unit,
        workplace=workplace,
        name="李秀梅",
        state=NominationState.RETURNED,
        level="workplace",
    )
    SignOff.objects.create(
        nomination=returned,
        level="workplace",
        round=1,
        signer="workplace",
        body=workplace,
        decision=Decision.RETURN,
        opinion=REASON,
        decided_by=clerk,
    )
    UnitDeadline.objects.create(
        campaign=campaign,
        org_unit=unit,
        kind=DeadlineKind.INTERNAL,
        closes_at=timezone.now() + dt.timedelta(days=3),
        set_by=clerk,
    )
    return clerk, campaign.specification.form.title


def test_clerk_lands_on_home_and_follows_a_link(page: Page, live_server, seed_campaign, orgs):
    _clerk, form_title = _arrange(seed_campaign, orgs)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "cc-clerk")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", name="我的工作台", exact=True)).to_be_visible()
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link").first).to_have_text("工作台")
    section = page.locator(
        "section", has=page.get_by_role("heading", name="推荐申报：草稿和退回修改")
    )
    expect(section.get_by_role("link", name="李秀梅")).to_be_visible()
    expect(section.get_by_role("link", name="王建国")).to_be_visible()
    expect(section.get_by_text(REASON)).to_be_visible()
    expect(section.get_by_text("还剩 3 天")).to_have_count(2)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE, f"the home page scrolls sideways at {PHONE} px: {width}px wide"

    section.get_by_role("link", name="李秀梅").click()

    expect(page.get_by_role("heading", name=form_title, level=1)).to_be_visible()
    assert "/edit/" in page.url
    assert console_errors == []
