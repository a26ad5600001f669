"""Expert review to certificates in a real browser (issue 4, "Done when"), seed 002 焦作工匠.

An expert confirms the confidentiality undertaking (before it the scoring list is empty),
scores two nominations on the scoring screen and votes in a ballot (1 to 2 of 3); the
office sees the aggregation; the panel's chair closes the ballot, sees the count and signs
it; the office publishes the decision and downloads the certificates (a ZIP of PDFs).

The pool, the witnessed draw, the other experts' scores and votes, the list and its
approval meeting are arranged through the services: the browser drives the steps the
issue names.
"""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.decisions import services as decisions
from jiangxuan.decisions.models import Certificate
from jiangxuan.decisions.tests.conftest import MEETING, approved, hold_social_notices
from jiangxuan.experts import services, services_ballots, services_scoring
from jiangxuan.experts.enums import BallotState
from jiangxuan.experts.models import PanelMember, ScoreSheet

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Jiaozuo-Experts-2026"  # noqa: S105 - throwaway test users
SCREENSHOT_DIR = Path(__file__).resolve().parents[3] / "var" / "screenshots"
#: The pool: exactly the panel's three experts, so the draw takes all of them.
POOL = [
    {"user": "jz-expert-a", "name": "周立新", "speciality": "数控", "organization": "焦作大学"},
    {"user": "jz-expert-b", "name": "孙美玲", "speciality": "焊接", "organization": "河南理工大学"},
    {"user": "jz-expert-c", "name": "王建国", "speciality": "电工", "organization": "焦作技师学院"},
]
#: Expert A's rubric on the screen: 政治素质, 技能, 主要工作业绩, 职工群众评价 (each of 25).
SCORES_A = {"李红军": ("20", "22", "18", "24"), "张卫东": ("23", "24", "22", "21")}


def _user(username: str, display: str) -> User:
    return User.objects.create_user(username, password=PASSWORD, display_name=display)


def _log_in(page: Page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作台", exact=True)).to_be_visible()


def _account(member: PanelMember) -> User:
    user = member.expert.user
    assert user is not None
    return user


def _score(member: PanelMember, nomination, points: float) -> None:
    """Another expert's sheet through the service: ``points`` on each of the four criteria."""
    assignment = member.assignments.get(nomination=nomination)
    services_scoring.submit_scores(
        assignment,
        actor=_account(member),
        scores=dict.fromkeys(("political", "skill", "performance", "peer-opinion"), points),
    )


def _row(page: Page, name: str):
    return page.locator("tbody tr", has=page.get_by_role("cell", name=name, exact=True))


def test_expert_scores_votes_chair_closes_office_downloads_certificates(
    page: Page, live_server, seed_campaign, tmp_path
):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    # Arrange: seed 002 with three approved nominations, the office, a pool of three.
    campaign = seed_campaign("002")
    li, zhang, wang = approved(campaign, "002", "jiaozuo-gongjiang", 3)
    assert [n.name for n in (li, zhang, wang)] == ["李红军", "张卫东", "王秀英"]
    office = _user("jz-office", "焦作工匠活动办公室")
    Membership.objects.create(
        user=office, org_unit=campaign.organizer_unit, role=Role.CAMPAIGN_OFFICE, campaign=campaign
    )
    for row in POOL:
        _user(row["user"], row["name"])
    services.import_experts(POOL, actor=office)

    # The witnessed draw of a panel of three; the office appoints 王建国 the chair.
    panel = services.create_panel(campaign, name="综合评审组", size=3, actor=office)
    services.draw_panel(
        panel, seed="3-5-1-6", seed_source="现场掷骰", witnesses=["市纪委 李明"], actor=office
    )
    members = {_account(m).username: m for m in panel.members.select_related("expert__user")}
    assert sorted(members) == ["jz-expert-a", "jz-expert-b", "jz-expert-c"]
    services.appoint_chair(panel, members["jz-expert-c"], actor=office)
    for username in ("jz-expert-b", "jz-expert-c"):
        services.confirm_confidentiality(members[username], actor=_account(members[username]))
    # Experts B and C score all three through the services.
    for nomination, (b, c) in ((li, (20, 22.5)), (zhang, (22, 23)), (wang, (17, 19))):
        _score(members["jz-expert-b"], nomination, b)
        _score(members["jz-expert-c"], nomination, c)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    # Expert A: nothing to score before the confidentiality undertaking.
    _log_in(page, live_server, "jz-expert-a")
    page.get_by_role("link", name="专家评审").click()
    expect(page.get_by_role("heading", name="我的评审任务")).to_be_visible()
    panel_link = page.get_by_role("link", name=f"{campaign.title} · 综合评审组")
    expect(panel_link.locator("xpath=..")).to_contain_text("待确认保密承诺")
    page.goto(f"{live_server.url}{reverse('experts:scoring_list')}")
    expect(page.locator("#h-assigned + p.empty")).to_have_text("暂无待评推荐对象。")

    # A reads and confirms the undertaking; the three nominees appear.
    page.get_by_role("link", name="我的评审任务").click()
    page.get_by_role("link", name=f"{campaign.title} · 综合评审组").click()
    expect(page.get_by_role("heading", name="保密承诺")).to_be_visible()
    expect(page.locator(".undertaking")).to_contain_text("严格保密")
    expect(page.get_by_role("heading", name="评审对象")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOT_DIR / "expert-undertaking.png"), full_page=True)
    page.get_by_label("本人已阅读并承诺遵守上述保密要求").check()
    page.get_by_role("button", name="确认保密承诺").click()
    expect(page.locator(".messages")).to_contain_text("已确认保密承诺。")
    expect(page.get_by_text(re.compile(r"^已于.+确认。$"))).to_be_visible()
    nominees = page.locator("section", has=page.get_by_role("heading", name="评审对象"))
    expect(nominees.locator("ul.list li")).to_have_text(
        ["李红军 · 焦作工匠", "张卫东 · 焦作工匠", "王秀英 · 焦作工匠"]
    )

    # A scores two nominations on the scoring screen.
    page.get_by_role("link", name="评分与投票").click()
    expect(page.get_by_role("heading", name="评分与投票", exact=True)).to_be_visible()
    expect(page.locator("#h-assigned ~ div tbody tr")).to_have_count(3)
    for name, (political, skill, performance, peers) in SCORES_A.items():
        page.get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
        expect(page.get_by_role("heading", name="资格核查")).to_be_visible()
        expect(page.get_by_role("heading", name="佐证材料")).to_be_visible()
        page.get_by_label("政治素质（满分 25）").fill(political)
        page.get_by_label("技能（满分 25）").fill(skill)
        page.get_by_label("主要工作业绩（满分 25）").fill(performance)
        if name == "李红军":
            # A criterion left empty is refused with its name; the others stay filled.
            page.get_by_role("button", name="提交评分").click()
            expect(page.get_by_role("alert")).to_have_text("请为“职工群众评价”打分。")
            expect(page.get_by_label("技能（满分 25）")).to_have_value(skill)
        page.get_by_label("职工群众评价（满分 25）").fill(peers)
        page.get_by_label("评语").fill("技艺精湛，带徒成效明显。")
        page.get_by_role("button", name="提交评分").click()
        expect(page.locator(".messages")).to_contain_text("评分已保存。")
        total = sum(int(v) for v in (political, skill, performance, peers))
        expect(page.get_by_text(f"当前总分 {total}.00。")).to_be_visible()
        expect(page.get_by_role("button", name="修改评分")).to_be_visible()
        if name == "李红军":
            page.screenshot(path=str(SCREENSHOT_DIR / "expert-scoring.png"), full_page=True)
        page.get_by_role("navigation", name="位置").get_by_role("link", name="评分与投票").click()
    expect(_row(page, "李红军")).to_contain_text("已评分（84.00 分）")
    expect(_row(page, "张卫东")).to_contain_text("已评分（90.00 分）")
    expect(_row(page, "王秀英")).to_contain_text("未评分")
    assert ScoreSheet.objects.filter(assignment__member=members["jz-expert-a"]).count() == 2

    # The office sees the aggregation: 张卫东 90/88/92, 李红军 84/80/90, 王秀英 68/76 (A
    # has not scored her, so no trimming).
    _log_in(page, live_server, "jz-office")
    page.goto(f"{live_server.url}{reverse('experts:panel_scores', args=[panel.pk])}")
    expect(page.get_by_role("heading", name="评分汇总 · 综合评审组")).to_be_visible()
    expect(page.locator(".formula").first).to_contain_text("排名依据：")
    table = page.locator("section", has=page.get_by_role("heading", name="排名"))
    # The first seven columns: rank, name, sheets, mean, median, trimmed mean, range.
    expected = [
        ["1", "张卫东", "3", "90.00", "90.00", "90.00", "4.00"],
        ["2", "李红军", "3", "84.67", "84.00", "84.00", "10.00"],
        ["3", "王秀英", "2", "72.00", "72.00", "72.00（不足3人，未去分）", "8.00"],
    ]
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)
    for i, cells in enumerate(expected):
        for j, text in enumerate(cells):
            expect(rows.nth(i).locator("td").nth(j)).to_have_text(text)
    expect(page.get_by_text("周立新：2 / 3")).to_be_visible()
    page.screenshot(path=str(SCREENSHOT_DIR / "expert-aggregation.png"), full_page=True)

    # The office opens a ballot: choose 1 to 2 of the three, 2 seats, more than half (2 of 3).
    ballot = services_ballots.open_ballot(
        panel,
        title="焦作工匠差额投票",
        candidates=[li, zhang, wang],
        choose_min=1,
        choose_max=2,
        seats=2,
        actor=office,
    )
    services_ballots.cast_ballot_vote(
        ballot,
        members["jz-expert-b"],
        nominations=[zhang, wang],
        actor=_account(members["jz-expert-b"]),
    )

    # Expert A votes: three is too many, two is accepted, once.
    _log_in(page, live_server, "jz-expert-a")
    page.goto(f"{live_server.url}{reverse('experts:scoring_list')}")
    ballots = page.locator("section", has=page.get_by_role("heading", name="投票", exact=True))
    expect(ballots.locator("li")).to_have_text("焦作工匠差额投票 · 综合评审组 · 投票中")
    ballots.get_by_role("link", name="焦作工匠差额投票").click()
    expect(page.get_by_role("heading", name="焦作工匠差额投票")).to_be_visible()
    expect(page.get_by_text("每人选 1 至 2 名，当选名额 2 名")).to_be_visible()
    for name in ("李红军", "张卫东", "王秀英"):
        page.get_by_label(name).check()
    page.get_by_role("button", name="提交选票").click()
    expect(page.get_by_role("alert")).to_have_text("请选择 1 至 2 名候选人，您选择了 3 名。")
    page.get_by_label("王秀英").uncheck()
    page.get_by_role("button", name="提交选票").click()
    expect(page.locator(".messages")).to_contain_text("投票已提交。")
    expect(page.get_by_text("您已投票。")).to_be_visible()
    expect(page.get_by_role("button", name="截止投票并计票")).to_have_count(0)  # not the chair

    # The chair votes, closes the ballot and sees the count: 张卫东 3, 李红军 2, 王秀英 1.
    _log_in(page, live_server, "jz-expert-c")
    page.goto(f"{live_server.url}{reverse('experts:ballot_vote', args=[ballot.pk])}")
    page.get_by_label("张卫东").check()
    page.get_by_label("李红军").check()
    page.get_by_role("button", name="提交选票").click()
    expect(page.locator(".messages")).to_contain_text("投票已提交。")
    page.get_by_role("button", name="截止投票并计票").click()
    expect(page.locator(".messages")).to_contain_text("投票已截止，计票完成。")
    result = page.locator("section", has=page.get_by_role("heading", name="计票结果"))
    expect(result).to_contain_text("评审组 3 人，实到投票 3 人；当选须得 2 票以上（含）。")
    expect(result.locator("tbody tr")).to_have_text(
        [
            re.compile(r"张卫东\s*3\s*当选"),
            re.compile(r"李红军\s*2\s*当选"),
            re.compile(r"王秀英\s*1\s*未过半数"),
        ]
    )
    page.get_by_role("button", name="组长签字确认").click()
    expect(page.locator(".messages")).to_contain_text("已签字确认投票结果。")
    expect(result).to_contain_text("评审组组长 王建国 已于")
    page.screenshot(path=str(SCREENSHOT_DIR / "expert-ballot-signed.png"), full_page=True)
    ballot.refresh_from_db()
    assert (ballot.state, ballot.signed_by) == (BallotState.SIGNED, members["jz-expert-c"])
    assert sorted(ballot.result["elected"]) == sorted([li.pk, zhang.pk])

    # The review ends (四(三) before 四(四), issue 13), the leading group approves the
    # elected two and the 媒体公示 passes (services).
    services_scoring.close_scoring(panel, actor=office)
    awardees = [zhang.pk, li.pk]
    approval = decisions.propose_list(
        campaign, campaign.awards.get(code="jiaozuo-gongjiang"), nominations=awardees, actor=office
    )
    decisions.approve_list(approval, actor=office, **MEETING)
    hold_social_notices(campaign, office)

    # The office publishes the decision and downloads the certificates.
    _log_in(page, live_server, "jz-office")
    page.goto(f"{live_server.url}{reverse('campaigns:detail', args=[campaign.code])}")
    page.get_by_role("link", name="审定与表彰").click()
    expect(page.get_by_role("heading", name="审定与表彰")).to_be_visible()
    expect(page.get_by_text("张卫东 · 表彰")).to_be_visible()
    page.get_by_label("文号").fill("焦工发〔2018〕10号")
    page.get_by_label("标题").fill("关于命名表彰首届焦作工匠的决定")
    page.get_by_label("印发日期").fill("2018-09-10")
    page.get_by_role("button", name="发布表彰决定").click()
    expect(page.locator(".messages")).to_contain_text("表彰决定已发布。")
    expect(page.get_by_text("焦工发〔2018〕10号 · 关于命名表彰首届焦作工匠的决定")).to_be_visible()
    page.screenshot(path=str(SCREENSHOT_DIR / "decision-published.png"), full_page=True)
    page.get_by_role("button", name="下载全部证书").click()
    expect(page.get_by_role("status")).to_contain_text("生成完毕")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 ZIP 文件").click()
    download = info.value
    assert download.suggested_filename == f"{campaign.title}-全部荣誉证书.zip"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    response = page.request.get(download.url)
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(target.read_bytes()))
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == ["焦工匠〔2018〕第001号", "焦工匠〔2018〕第002号"]
    assert len(archive.namelist()) == 2
    assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())
    assert [e for e in console_errors if "Content Security Policy" in e] == []
