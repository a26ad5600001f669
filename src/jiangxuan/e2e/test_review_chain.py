"""The level-by-level review in a real browser (issue 3, "Done when"), seed 003 威海工匠:
workplace → district [union, HR bureau] → city [union, HR bureau].

A district reviewer returns a nomination with a reason; the clerk sees the reason, fixes
the nomination and resubmits it; after the district forwards it, the city's union and HR
bureau each sign in and approve it; the HR bureau forwards it (the last level: approved);
the office opens the 社会公示 and the nominee is on the public notice page.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.services import load_campaign
from jiangxuan.campaigns.steps import override_step
from jiangxuan.conftest import seed_spec_path
from jiangxuan.nominations import review, services
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Decision, SignOff
from jiangxuan.nominations.tests.conftest import complete, make_id_number, nominate  # noqa: F401
from jiangxuan.nominations.tests.review_setup import MP4_BYTES, WEIHAI_HONOURS, forward_level
from jiangxuan.notices.services import open_public_notice

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Weihai-Review-2026"  # noqa: S105 - throwaway test users
SCREENSHOT_DIR = Path(__file__).resolve().parents[3] / "var" / "screenshots"
REASON = "事迹简介缺少近三年技术革新成果的具体数据，请补充后重新报送。"


def _open_window_spec() -> str:
    """Seed 003 with its submission window (2023-06-21..29) moved around today, so the
    clerk can resubmit from the live server (whose clock cannot be frozen)."""
    text = seed_spec_path("003").read_text(encoding="utf-8")
    now = timezone.localtime()
    opens = (now - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    closes = (now + dt.timedelta(days=7)).strftime("%Y-%m-%d %H:%M:%S")
    text, opened = re.subn(r"opens_at: 2023-06-21 00:00:00", f"opens_at: {opens}", text)
    text, closed = re.subn(r"closes_at: 2023-06-29 23:59:59", f"closes_at: {closes}", text)
    assert (opened, closed) == (1, 1)
    return text


def _user(orgs, username: str, unit: str, role: str, display: str, **membership) -> User:
    user = User.objects.create_user(username, password=PASSWORD, display_name=display)
    Membership.objects.create(user=user, org_unit=orgs[unit], role=role, **membership)
    return user


def _log_in(page: Page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作台", exact=True)).to_be_visible()


def _approve_from_queue(page: Page, live_server, name: str, body: str) -> None:
    page.goto(f"{live_server.url}{reverse('nominations:review_queue')}")
    expect(page.get_by_role("heading", name=f"市总工会、市人社局意见 · {body}")).to_be_visible()
    page.get_by_role("link", name=name).click()
    page.get_by_label("同意推荐").check()
    page.get_by_label("意见内容").fill("同意推荐。")
    page.get_by_role("button", name="签署意见").click()
    expect(page.locator(".messages")).to_contain_text("已签署意见：同意推荐。")


def test_review_chain_return_resubmit_dual_city_approval_public_notice(
    page: Page,
    live_server,
    orgs,
    nominate,  # noqa: F811 - the nominations tests' fixture, imported above
    complete,  # noqa: F811
):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    # Arrange: the campaign open for submissions, its people, a nomination at the district.
    campaign = load_campaign(_open_window_spec(), state=CampaignState.PUBLISHED)
    clerk = _user(orgs, "gw-clerk", "wh-huancui-fishing-gear", Role.CLERK, "光威经办人")
    workplace = _user(orgs, "gw-union", "wh-huancui-fishing-gear", Role.REVIEWER, "光威工会")
    district_union = _user(orgs, "hc-union", "wh-huancui-union", Role.REVIEWER, "环翠区总工会")
    district_hr = _user(orgs, "hc-hrss", "wh-huancui-hrss", Role.REVIEWER, "环翠区人社局")
    _user(orgs, "wh-union-rev", "wh-union", Role.REVIEWER, "市总工会审核员")
    _user(orgs, "wh-hrss-rev", "wh-hrss", Role.REVIEWER, "市人社局审核员")
    office = User.objects.create_user("wh-office", password=PASSWORD, display_name="活动办公室")
    assert campaign.organizer_unit is not None
    Membership.objects.create(
        user=office, org_unit=campaign.organizer_unit, role=Role.CAMPAIGN_OFFICE, campaign=campaign
    )
    n = nominate(
        campaign,
        "weihai-gongjiang",
        clerk,
        honours=WEIHAI_HONOURS,
        id_number=make_id_number(),
        name="于海波",
        achievement_summary="长期从事渔具碳纤维竿体成型工艺改进。",
    )
    video = SimpleUploadedFile("事迹.mp4", MP4_BYTES, "video/mp4")
    services.add_evidence(n, actor=clerk, material="video", upload=video)
    n = complete(n, clerk)
    services.save_nomination(n, actor=clerk, core={}, extra={}, publication_consent=True)
    services.submit_nomination(n, actor=clerk)
    forward_level(n, workplace, orgs["wh-huancui-fishing-gear"], ["workplace_union"])
    assert (n.state, n.level) == (NominationState.IN_REVIEW, "district")
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    # The district union returns it with a reason.
    _log_in(page, live_server, "hc-union")
    page.goto(f"{live_server.url}{reverse('nominations:review_queue')}")
    expect(page.get_by_role("heading", name=re.compile("威海市环翠区总工会"))).to_be_visible()
    page.screenshot(path=str(SCREENSHOT_DIR / "review-queue.png"), full_page=True)
    page.get_by_role("link", name="于海波").click()
    page.get_by_label("退回修改").check()
    page.get_by_role("button", name="签署意见").click()
    expect(page.locator("#sign-off-error")).to_have_text("退回或不予推荐须填写理由。")
    page.get_by_label("意见内容").fill(REASON)
    page.get_by_role("button", name="签署意见").click()
    expect(page.locator(".messages")).to_contain_text("已签署意见：退回修改。")
    expect(page.locator("h1 .badge")).to_have_text("退回修改")
    n.refresh_from_db()
    assert n.state == NominationState.RETURNED

    # The clerk sees the reason, fixes the nomination and resubmits it.
    _log_in(page, live_server, "gw-clerk")
    page.goto(f"{live_server.url}{reverse('nominations:edit', args=[n.pk])}")
    expect(page.locator("#return-reasons")).to_contain_text(REASON)
    expect(page.locator("#return-reasons")).to_contain_text("威海市环翠区总工会")
    page.screenshot(path=str(SCREENSHOT_DIR / "review-returned-edit.png"), full_page=True)
    page.fill(
        "#id_innovation_contribution",
        "近三年完成竿体成型技术革新5项，年节约成本120万元，获威海市职工技术创新成果奖。",
    )
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("heading", name="确认提交")).to_be_visible()
    expect(page.locator("main")).to_contain_text("将送交")
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator(".messages")).to_contain_text("推荐已提交")
    n.refresh_from_db()
    assert (n.state, n.level, n.review_round) == (NominationState.SUBMITTED, "district", 2)
    assert "年节约成本120万元" in n.extra["innovation_contribution"]

    # The district's two bodies approve in the new round and forward it to the city.
    review.sign_off(n, actor=district_union, signer="union", decision=Decision.APPROVE)
    forward_level(n, district_hr, orgs["wh-huancui-hrss"], ["hr_bureau"])
    assert (n.state, n.level) == (NominationState.IN_REVIEW, "city")

    # The city union and the city HR bureau each sign in and approve.
    _log_in(page, live_server, "wh-union-rev")
    _approve_from_queue(page, live_server, "于海波", "威海市总工会")
    n.refresh_from_db()
    assert n.level_ready is False  # the HR bureau has not signed yet
    _log_in(page, live_server, "wh-hrss-rev")
    _approve_from_queue(page, live_server, "于海波", "威海市人力资源和社会保障局")
    page.screenshot(path=str(SCREENSHOT_DIR / "review-city-signed.png"), full_page=True)
    n.refresh_from_db()
    assert n.level_ready is True
    assert sorted(
        SignOff.objects.filter(nomination=n, level="city").values_list("body__code", flat=True)
    ) == ["wh-hrss", "wh-union"]

    # The city HR bureau forwards it from its queue: the last level, so it is approved.
    page.goto(f"{live_server.url}{reverse('nominations:review_queue')}")
    page.get_by_role(
        "link", name=re.compile("市总工会、市人社局意见 · 威海市人力资源和社会保障局")
    ).click()
    expect(page.get_by_role("link", name="于海波")).to_be_visible()
    page.screenshot(path=str(SCREENSHOT_DIR / "review-forward.png"), full_page=True)
    page.get_by_role("button", name="按此顺序报送上一级").click()
    # What happens is said first (issue 15.3): the last level's forward approves.
    confirm = page.locator("#forward-confirm")
    expect(confirm).to_contain_text("确认报送以下1名？")
    expect(confirm.locator("li")).to_have_text(["于海波（威海工匠）→ 审核通过"])
    confirm.get_by_role("button", name="确认报送").click()
    expect(page.locator(".messages")).to_contain_text("已按顺序报送1名：于海波。")
    n.refresh_from_db()
    assert n.state == NominationState.APPROVED

    # The office opens the 社会公示; the nominee is on the public page. The steps the notice
    # puts before it (二(二)2-5) are not part of this test: the office moves on with a
    # recorded reason (issue 13).
    override_step(campaign, "social_notice", reason="只测逐级审核与公示页面", actor=office)
    notice = open_public_notice(
        campaign,
        stage="social_notice",
        body=None,
        nominations=[n],
        starts_on=timezone.localdate(),
        actor=office,
    )
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{reverse('notices:public_detail', args=[notice.pk])}")
    expect(page.get_by_text("于海波")).to_be_visible()
    expect(page.get_by_text("长期从事渔具碳纤维竿体成型工艺改进。")).to_be_visible()
    page.screenshot(path=str(SCREENSHOT_DIR / "review-public-notice.png"), full_page=True)
    assert n.id_number not in page.content()
    assert [e for e in console_errors if "Content Security Policy" in e] == []
