"""The office's forms in a real browser (issue 15.4): a notice text edited with a reason
is kept as a new version whose diff shows the change, and a bad specification typed in
the editor is refused with the message beside the offending line, the typed text kept."""

import pytest
from playwright.sync_api import Page, expect

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.campaigns.models import Campaign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Changchun-Office-2026"  # noqa: S105 - a throwaway test user


def _office(orgs) -> None:
    user = User.objects.create_user("cc-office", password=PASSWORD, display_name="长春市人社局")
    Membership.objects.create(user=user, org_unit=orgs["cc-hrss"], role=Role.CAMPAIGN_OFFICE)


def _sign_in(page: Page, url: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "cc-office")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作台", exact=True)).to_be_visible()


def test_office_edits_a_notice_text_and_sees_the_new_version_and_its_diff(
    page: Page, live_server, orgs, seed_campaign
):
    campaign = seed_campaign("001")
    _office(orgs)
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/campaigns/{campaign.code}/")
    page.get_by_role("link", name="通知文字").click()

    expect(page.get_by_role("heading", name="通知文字")).to_be_visible()
    cc = page.get_by_label("版记：抄送机关")
    expect(cc).to_have_value("长春市总工会")
    cc.fill("长春市总工会，长春市财政局")
    # A placeholder the certificate cannot use is refused beside it, the text kept.
    certificate = page.get_by_label("证书正文")
    certificate.fill("{name}同志：\n被授予“{award}”称号。{issuer}")
    page.get_by_label("修改理由").fill("市财政局承担奖金，抄送市财政局")
    page.get_by_role("button", name="保存修改").click()
    expect(
        page.get_by_text("不认识的占位 {issuer}；可用的占位：{name}、{award}、{campaign}。")
    ).to_be_visible()
    expect(page.get_by_label("版记：抄送机关")).to_have_value("长春市总工会，长春市财政局")

    page.get_by_label("证书正文").fill("{name}同志：\n被授予“{award}”称号。")
    page.get_by_label("修改理由").fill("市财政局承担奖金，抄送市财政局")
    page.get_by_role("button", name="保存修改").click()

    expect(page.get_by_role("heading", name="活动规范版本记录")).to_be_visible()
    versions = page.locator("#versions")
    expect(versions).to_contain_text("市财政局承担奖金，抄送市财政局")
    expect(page.get_by_text("cc: 长春市总工会，长春市财政局")).to_be_visible()
    assert Campaign.objects.get(pk=campaign.pk).specification.decision.cc == (
        "长春市总工会，长春市财政局"
    )


def test_a_bad_spec_shows_the_message_beside_its_line_and_keeps_the_text(
    page: Page, live_server, orgs, seed_campaign
):
    campaign = seed_campaign("001")
    _office(orgs)
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/campaigns/{campaign.code}/spec/")
    typed = campaign.spec_yaml.replace("max: 3, source: 附件1", "max: 30, source: 附件1", 1)
    number = next(
        n for n, line in enumerate(typed.splitlines(), 1) if "max: 30, source: 附件1" in line
    )

    page.get_by_label("活动规范（YAML）").fill(typed)
    page.get_by_label("变更理由").fill("县区名额")
    page.get_by_role("button", name="保存活动规范").click()

    row = page.locator(f"#spec-line-{number}")
    expect(row).to_contain_text("max: 30, source: 附件1")
    expect(row.locator(".spec-line-message")).to_contain_text(
        f"第 {number} 行：quotas[0].max：每个单位的名额 30 大于"
    )
    # The list links to the line; the text typed is still in the editor.
    page.locator("#spec-errors a").first.click()
    expect(page).to_have_url(
        f"{live_server.url}/campaigns/{campaign.code}/spec/#spec-line-{number}"
    )
    assert page.get_by_label("活动规范（YAML）").input_value() == typed
