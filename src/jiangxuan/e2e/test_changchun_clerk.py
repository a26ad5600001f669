"""A Changchun clerk nominates a 长春技术能手 end to end in a real browser (seed 001)."""

import datetime as dt
import io
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from django.utils import timezone
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image
from playwright.sync_api import Page, expect
from stdnum.cn import ric

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.services import load_campaign
from jiangxuan.conftest import seed_spec_path
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Changchun-Clerk-2026"  # noqa: S105 - a throwaway test user
#: Screenshots for a human look (git-ignored var/).
SCREENSHOT_DIR = Path(__file__).resolve().parents[3] / "var" / "screenshots"


def _open_window_spec() -> str:
    """Seed 001 with its submission window (2022-10-24..26) moved around today: the
    server's clock cannot be frozen for the live server's thread without also expiring
    the browser's session cookie."""
    text = seed_spec_path("001").read_text(encoding="utf-8")
    now = timezone.localtime()
    opens = (now - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    closes = (now + dt.timedelta(days=7)).strftime("%Y-%m-%d %H:%M:%S")
    text, opened = re.subn(r"opens_at: 2022-10-24 00:00:00", f"opens_at: {opens}", text)
    text, closed = re.subn(r"closes_at: 2022-10-26 23:59:59", f"closes_at: {closes}", text)
    assert (opened, closed) == (1, 1)
    return text


def _id_number() -> str:
    body = "22010419880612003"
    return body + ric.calc_check_digit(body + "0")


def _png(path: Path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (120, 160), (30, 90, 160)).save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return path


def _autosaved(page: Page) -> None:
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存", timeout=10_000)


def test_changchun_clerk_nominates_and_downloads(page: Page, live_server, orgs, tmp_path):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    # Arrange: the campaign open for submissions, a clerk of 朝阳区人社局.
    campaign = load_campaign(_open_window_spec(), state=CampaignState.PUBLISHED)
    clerk = User.objects.create_user("cy-clerk", password=PASSWORD, display_name="朝阳区经办人")
    Membership.objects.create(user=clerk, org_unit=orgs["cc-chaoyang-hrss"], role=Role.CLERK)

    # Any CSP violation (inline script or style) shows up on the console.
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    # Sign in through the login page.
    page.goto(f"{live_server.url}/accounts/login/")
    page.screenshot(path=str(SCREENSHOT_DIR / "login.png"))
    page.fill("#id_username", "cy-clerk")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作台", exact=True)).to_be_visible()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="评选活动").click()
    expect(page.get_by_role("heading", name="评选活动", exact=True)).to_be_visible()

    # Start a 长春技术能手 nomination from the campaign page.
    page.get_by_role("link", name=campaign.title).click()
    expect(page.get_by_text("受理中")).to_be_visible()
    page.screenshot(path=str(SCREENSHOT_DIR / "campaign.png"), full_page=True)
    page.get_by_role("link", name="新建推荐").click()
    page.get_by_label("长春技术能手").check()
    page.get_by_role("button", name="创建并填写推荐表").click()
    expect(
        page.get_by_role("heading", name="长春技能大奖（长春技术能手）候选人推荐表")
    ).to_be_visible()
    nomination = Nomination.objects.get(created_by=clerk)

    # Fill the official form in Chinese, with 中级工 first.
    page.select_option("#id_award_category", "长春技术能手")
    page.fill("#id_name", "张卫东")
    page.fill("#id_workplace_name", "长春华锐精密机械有限公司")
    page.fill("#id_id_number", _id_number())
    page.select_option("#id_sex", "男")
    page.fill("#id_birth_date", "1988-06-12")
    page.fill("#id_ethnic_group", "汉族")
    page.select_option("#id_political_status", "中共党员")
    page.select_option("#id_education", "大专（高职、技师学院）")
    page.fill("#id_occupation", "数控车工")
    page.select_option("#id_skill_level", "intermediate")
    page.select_option("#id_professional_title", "none")
    page.fill("#id_work_start_date", "2008-07")
    page.fill("#id_occupation_start_date", "2008-07")
    page.fill("#id_bank_account", "6214830100001234")
    page.fill("#id_address", "长春市朝阳区红旗街88号")
    page.fill("#id_phone", "13904318888")
    page.fill("#id_work_history__0__period", "2008.07—至今")
    page.fill("#id_work_history__0__place", "长春华锐精密机械有限公司")
    page.fill("#id_work_history__0__witness", "李红")
    page.select_option("#id_is_unit_leader", "false")
    page.select_option("#id_is_retired", "false")
    page.select_option("#id_post_kind", "生产操作岗位")
    page.fill("#id_achievement_summary", "长期从事精密零件数控加工，带徒12名，改进夹具3项。")
    page.fill("#id_postal_code", "1300")
    page.locator("#id_postal_code").blur()
    _autosaved(page)

    # An invalid value is not saved; its error shows next to it and the typed text stays.
    expect(page.locator("#id_postal_code_error")).to_have_text("邮政编码应为6位数字。")
    expect(page.locator("#id_postal_code")).to_have_value("1300")
    page.fill("#id_postal_code", "130000")
    page.locator("#id_postal_code").blur()
    expect(page.locator("#id_postal_code_error")).to_be_empty(timeout=10_000)

    # The skill-level rule fails and says why, with its clause.
    panel = page.locator("#eligibility-panel")
    expect(panel).to_contain_text("技能等级为中级工（四级），须达到高级工（三级）及以上。")
    skill_rule = panel.locator(
        "li.rule", has_text="高级工及以上职业资格（或职业技能等级），或"
    ).first
    expect(skill_rule.locator(".rule-head .badge").first).to_have_text("不符合")
    expect(skill_rule).to_contain_text("依据：二(二)")
    expect(panel.locator("h2 .badge")).to_have_text("不符合")

    # Fix: 高级工, and claim the mentoring condition.
    page.select_option("#id_skill_level", "senior")
    page.get_by_label(
        "在本职业（工种）中具备较高技艺，并在培养徒弟、传授技术技能方面作出重要贡献"
    ).check()
    expect(panel).to_contain_text("技能等级为高级工（三级）。", timeout=10_000)
    expect(panel).to_contain_text("已申报，待评审核实证明材料。")
    expect(skill_rule.locator(".rule-head .badge").first).to_have_text("符合")
    expect(panel.locator("h2 .badge")).to_have_text("待核实")

    # Evidence: the photo and the skill certificate as PNG scans.
    photo = _png(tmp_path / "证件照.png")
    page.set_input_files("#upload-photo", str(photo))
    page.locator("#upload-photo").locator("xpath=..").get_by_role(
        "button", name="上传", exact=True
    ).click()
    expect(page.get_by_role("link", name="证件照.png")).to_be_visible()
    scan = _png(tmp_path / "高级工证书.png")
    page.set_input_files("#upload-skill-certificate", str(scan))
    page.locator("#upload-skill-certificate").locator("xpath=..").get_by_role(
        "button", name="上传", exact=True
    ).click()
    expect(page.get_by_role("link", name="高级工证书.png")).to_be_visible()
    page.screenshot(path=str(SCREENSHOT_DIR / "edit.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOT_DIR / "edit-mobile.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    # Consent and submit.
    page.get_by_label("同意在公示中公开姓名、性别、工作单位、岗位/工种及事迹").check()
    page.get_by_role("button", name="提交", exact=True).click()
    # The confirmation lists the required materials still missing and offers no submit.
    expect(page.get_by_role("heading", name="尚不能提交")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "以下必备材料尚未上传：加盖公章的长春技能大奖（长春技术能手）候选人推荐表；身份证复印件；"
    )
    expect(page.get_by_role("button", name="确认提交")).to_have_count(0)
    page.get_by_role("link", name="返回修改").click()
    expect(page.locator("#id_publication_consent")).to_be_checked()  # nothing typed was lost
    spec = nomination.campaign.specification
    for m in spec.materials:
        if not (m.required and m.upload and m.per == "nomination") or m.code == "skill-certificate":
            continue
        page.set_input_files(f"#upload-{m.code}", str(_png(tmp_path / f"{m.code}.png")))
        page.locator(f"#upload-{m.code}").locator("xpath=..").get_by_role(
            "button", name="上传", exact=True
        ).click()
        expect(page.get_by_role("link", name=f"{m.code}.png")).to_be_visible()
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("heading", name="确认提交")).to_be_visible()
    expect(page.locator("main")).to_contain_text("将送交")
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator(".messages")).to_contain_text("推荐已提交")
    expect(page.locator("h1 .badge")).to_have_text("已提交")
    page.screenshot(path=str(SCREENSHOT_DIR / "detail.png"), full_page=True)
    nomination.refresh_from_db()
    assert nomination.state == NominationState.SUBMITTED
    assert nomination.skill_level == "senior"
    assert nomination.publication_consent is True
    assert nomination.evidence.count() == 8  # the photo and the seven required materials

    assert [e for e in console_errors if "Content Security Policy" in e] == []

    # Download the nomination form (DOCX, PDF) and the campaign's summary sheet (XLSX).
    files = {}
    for label in ("下载推荐表（DOCX）", "下载推荐表（PDF）", "下载汇总表（XLSX）"):
        with page.expect_download() as info:
            page.get_by_role("link", name=label).click()
        download = info.value
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        files[target.suffix] = target
    assert sorted(files) == [".docx", ".pdf", ".xlsx"]
    assert all(path.stat().st_size > 1000 for path in files.values())
    document = docx.Document(str(files[".docx"]))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "张卫东" in text
    assert files[".pdf"].read_bytes().startswith(b"%PDF")
    sheet = openpyxl.load_workbook(files[".xlsx"]).active
    assert isinstance(sheet, Worksheet)
    assert "张卫东" in [cell.value for row in sheet.iter_rows() for cell in row]
