"""A clerk's draft is never lost without her being told (issue 15, points 1 and 2), in a
real browser: an ID number already nominated in the campaign is refused while the rest
of the form is saved, and an autosave after the session ended keeps what was typed and
saves it after a new sign-in."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from stdnum.cn import ric

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.services import load_campaign
from jiangxuan.e2e.test_changchun_clerk import _open_window_spec
from jiangxuan.nominations import services
from jiangxuan.nominations.models import Nomination

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Changchun-Clerk-2026"  # noqa: S105 - a throwaway test user
TAKEN = "220104198506120031"
#: Screenshots for a human look (git-ignored var/).
SCREENSHOT_DIR = Path(__file__).resolve().parents[3] / "var" / "screenshots"
NOTICE = (
    "身份证号码未保存：此身份证号码在本活动中已有推荐，同一人只能申报一个奖项（依据：三(二)3）。"
)


def _id_number(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def _drafts(orgs) -> tuple[Nomination, Nomination]:
    """Two drafts of one clerk in seed 001: the first holds the ID number ``TAKEN``."""
    campaign = load_campaign(_open_window_spec(), state=CampaignState.PUBLISHED)
    clerk = User.objects.create_user("cy-clerk", password=PASSWORD, display_name="朝阳区经办人")
    Membership.objects.create(user=clerk, org_unit=orgs["cc-chaoyang-hrss"], role=Role.CLERK)
    drafts = []
    for code in ("jishu-nengshou", "jineng-dajiang"):
        award = campaign.awards.get(code=code)
        drafts.append(services.create_nomination(campaign=campaign, award=award, actor=clerk))
    services.save_nomination(
        drafts[0], actor=clerk, core={"name": "王建国", "id_number": _taken()}, extra={}
    )
    return drafts[0], drafts[1]


def _taken() -> str:
    return _id_number(TAKEN[:17])


def _sign_in(page: Page, url: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "cy-clerk")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作台", exact=True)).to_be_visible()


def test_refused_id_number_keeps_the_rest_of_the_draft(page: Page, live_server, orgs):
    _first, draft = _drafts(orgs)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/nominations/{draft.pk}/edit/")

    # The whole form, with the ID number of the clerk's other draft.
    page.fill("#id_name", "张卫东")
    page.fill("#id_workplace_name", "长春华锐精密机械有限公司")
    page.fill("#id_id_number", _taken())
    page.fill("#id_ethnic_group", "汉族")
    page.select_option("#id_political_status", "中共党员")
    page.select_option("#id_education", "大专（高职、技师学院）")
    page.fill("#id_occupation", "数控车工")
    page.select_option("#id_skill_level", "senior")
    page.fill("#id_work_start_date", "2008-07")
    page.fill("#id_address", "长春市朝阳区红旗街88号")
    page.fill("#id_phone", "13904318888")
    page.fill("#id_work_history__0__period", "2008.07—至今")
    page.fill("#id_achievement_summary", "长期从事精密零件数控加工，带徒12名，改进夹具3项。")
    page.fill("#id_postal_code", "130000")
    page.locator("#id_postal_code").blur()

    # The status line says what was saved and exactly what was not.
    status = page.locator("#autosave-status")
    expect(status).to_contain_text("其余内容已自动保存", timeout=10_000)
    expect(status).to_contain_text(NOTICE)
    expect(page.locator("#unsaved-alert")).to_contain_text(NOTICE)

    page.reload()

    expect(page.locator("#id_name")).to_have_value("张卫东")
    expect(page.locator("#id_occupation")).to_have_value("数控车工")
    expect(page.locator("#id_address")).to_have_value("长春市朝阳区红旗街88号")
    expect(page.locator("#id_work_history__0__period")).to_have_value("2008.07—至今")
    expect(page.locator("#id_postal_code")).to_have_value("130000")
    expect(page.locator("#unsaved-alert")).to_contain_text(NOTICE)
    expect(page.locator("#id_id_number")).to_have_value(_taken())
    expect(page.locator("#id_id_number_error")).to_contain_text("此身份证号码在本活动中已有推荐")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.locator("h1").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOT_DIR / "edit-unsaved-id.png"))
    draft.refresh_from_db()
    assert (draft.name, draft.id_number, draft.phone) == ("张卫东", "", "13904318888")

    # A number of her own is saved and the notice goes.
    page.fill("#id_id_number", _id_number("22010419880612003"))
    page.locator("#id_id_number").blur()
    expect(status).to_contain_text("已自动保存", timeout=10_000)
    expect(status).not_to_contain_text("未保存")
    expect(page.locator("#unsaved-alert")).to_be_empty()
    assert [e for e in console_errors if "Content Security Policy" in e] == []


def test_autosave_after_the_session_ended_keeps_the_typing_and_saves_after_sign_in(
    page: Page, live_server, orgs
):
    _first, draft = _drafts(orgs)
    _sign_in(page, live_server.url)
    edit = f"{live_server.url}/nominations/{draft.pk}/edit/"
    page.goto(edit)

    # The session ends (signed out elsewhere, or expired) while the form is open.
    page.context.clear_cookies(name="sessionid")
    page.fill("#id_name", "张卫东")
    page.locator("#id_name").blur()

    expired = page.locator("#session-expired")
    expect(expired).to_be_visible(timeout=10_000)
    expect(page.locator("#autosave-status")).to_contain_text("登录已过期，本次修改未保存")
    expect(page.locator("#nomination-form")).not_to_contain_text("登录")
    expect(page.locator("#id_name")).to_have_value("张卫东")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "edit-session-expired.png"))
    link = page.get_by_role("link", name="在新标签页中重新登录")
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("href") == f"/accounts/login/?next=/nominations/{draft.pk}/edit/"

    # She signs in again in another tab, comes back and the save goes through.
    other = page.context.new_page()
    _sign_in(other, live_server.url)
    other.close()
    page.bring_to_front()
    page.get_by_role("button", name="我已登录，重新保存").click()

    expect(page.locator("#autosave-status")).to_contain_text("已自动保存", timeout=10_000)
    expect(expired).to_be_hidden()
    draft.refresh_from_db()
    assert draft.name == "张卫东"
