"""The office revises an approved list by name in a real browser (issue 15.4: office forms
instead of YAML or typed ids), seed 002 焦作工匠: the revision form starts from the
current list, each candidate named with a choice of 表彰 / 焦作工匠入围奖 / 不列入 and a
rank; without a reason it is refused and the choices stay; with one, a new version waits
for the leading group."""

import pytest
from playwright.sync_api import Page, expect

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.steps import override_step
from jiangxuan.decisions import services
from jiangxuan.decisions.enums import ListState
from jiangxuan.decisions.models import ApprovalList
from jiangxuan.decisions.tests.conftest import MEETING, approved, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Jiaozuo-Office-2026"  # noqa: S105 - a throwaway test user
REASON = "领导小组第三次会议：王秀英改列表彰，李红军改列入围"


def test_office_revises_an_approved_list_by_name(page: Page, live_server, seed_campaign):
    campaign = seed_campaign("002")
    award = campaign.awards.get(code="jiaozuo-gongjiang")
    noms = approved(campaign, "002", "jiaozuo-gongjiang", 4)
    names = [n.name for n in noms]
    office = user_with_role("jz-union", Role.CAMPAIGN_OFFICE, campaign=campaign)
    office.set_password(PASSWORD)
    office.save()
    override_step(
        campaign, "leading_group_approval", reason="专家评审不在本测试范围内", actor=office
    )
    # Version 1, approved: the first three awarded, the fourth a finalist.
    first = services.propose_list(
        campaign, award, nominations=[n.pk for n in noms[:3]], finalists=[noms[3].pk], actor=office
    )
    services.approve_list(first, actor=office, **MEETING)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", office.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作台", exact=True)).to_be_visible()
    page.goto(f"{live_server.url}/decisions/campaign/{campaign.code}/")
    page.get_by_text("修订名单（生成新版本）").click()

    # The form starts from the approved list, by name; no ids are shown.
    def outcome(name: str):
        return page.get_by_label(f"{name}的结果")

    def rank(name: str):
        return page.get_by_label(f"{name}的排序")

    for name, chosen in zip(names, ["表彰", "表彰", "表彰", "焦作工匠入围奖"], strict=True):
        expect(outcome(name).locator("option:checked")).to_have_text(chosen)
    table = page.locator("details table")
    expect(table.locator("tbody tr td:nth-child(2)")).to_have_text(names)

    # The fourth moves up, the second becomes the finalist; no reason: refused, kept.
    outcome(names[3]).select_option(label="表彰")
    rank(names[3]).fill("2")
    rank(names[2]).fill("3")
    outcome(names[1]).select_option(label="焦作工匠入围奖")
    rank(names[1]).fill("1")
    page.get_by_role("button", name="生成新版本").click()
    expect(page.get_by_role("alert")).to_contain_text("理由")
    expect(outcome(names[3]).locator("option:checked")).to_have_text("表彰")
    expect(outcome(names[1]).locator("option:checked")).to_have_text("焦作工匠入围奖")
    assert ApprovalList.objects.filter(award=award).count() == 1

    page.get_by_label("修订理由").fill(REASON)
    page.get_by_role("button", name="生成新版本").click()
    expect(page.locator(".messages")).to_contain_text("已生成名单新版本，待领导小组审定。")
    expect(page.get_by_text(f"修订理由：{REASON}")).to_be_visible()
    second = ApprovalList.objects.get(award=award, version=2)
    assert second.state == ListState.DRAFT
    entries = [
        (e.nomination.name, e.outcome, e.rank)
        for e in second.entries.select_related("nomination").order_by("outcome", "rank")
    ]
    assert entries == [
        (names[0], "awardee", 1),
        (names[3], "awardee", 2),
        (names[2], "awardee", 3),
        (names[1], "finalist", 1),
    ]
