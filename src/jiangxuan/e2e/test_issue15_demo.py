"""Issue 15's points in a real browser, on the demo taken to its decisions (the live server
reads a throwaway copy, ``decided_demo_copy``): what each person of the demo sees.

One world for the module and one test (the copy is emptied after its first test), one
browser context per person, as in ``test_staff_pages_phone.py``:

- a clerk of 南关区 (the practice campaign takes nominations, the seed campaigns are
  decided): her home (15.13); a decided campaign says before any form that it takes no
  new nomination (15.11); a new 长春技能大奖 draft whose honours table meets the any-of
  condition, the other branches shown neutrally (15.10); a photo uploaded in the
  background with its progress, the page not reloaded (15.2);
- the practice campaign's office: its home counts the nominees' e-mails, which it
  reviews, edits and sends (15.14); award counts and quotas (a refusal in the form's
  words, no codes: 15.9), the deadline with a reason, a panel's make-up per speciality in
  forms (15.4); Django's empty choice in Chinese (15.5);
- an expert of 威海工匠: a home of their own (15.13), the evidence named without internal
  codes (15.9) and opened as a watermarked copy (15.8);
- a reviewer: a home listing the batch to forward (15.13); 报送 before the level's notice
  ended is refused, saying who and what is missing (15.3);
- the auditor: the trail by Chinese names, no codes (15.9);
- 焦作工匠's office: the certificates ZIP packed in the background, its progress
  polled on the same page (15.15);
- the public on a phone: the practice campaign's notices, each once and named by unit,
  shown as upcoming before their first day, objections refused before the form (15.6,
  15.12); long sections folded (15.12); the icon (15.16); an English browser gets whole
  Chinese pages and no language menu (15.5).
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from jiangxuan.campaigns.models import Campaign
from jiangxuan.demo.build import DEMO_PASSWORD, PRACTICE_CODE
from jiangxuan.documents.bundles import build_bundle
from jiangxuan.documents.models import DocumentBundle
from jiangxuan.experts.models import Assignment, Panel
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Evidence, Nomination
from jiangxuan.notices.enums import NoticeState
from jiangxuan.notices.models import PublicNotice
from jiangxuan.notifications.enums import OutboxState
from jiangxuan.notifications.models import OutboxMessage
from jiangxuan.notifications.services import draft_nominee_notice

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DECIDED = "changchun-jineng-2022"
JIAOZUO = "jiaozuo-gongjiang-2018"
#: Internal codes no page may show (issue 15.9): audit actions and role values look like
#: ``nomination.create`` and ``campaign_office``.
ACTION_CODE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
ROLE_CODE = re.compile(r"^[a-z_]+$")


def _person(browser: Browser, args: dict, live_server, username: str | None, **extra) -> Page:
    """A browser context of its own, signed in as ``username`` (None: the public)."""
    page = browser.new_context(**{**args, **extra}).new_page()
    if username:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="我的工作台", exact=True)).to_be_visible()
    return page


def _png(width: int, height: int) -> bytes:
    """A noisy PNG (about 1 MB at 600x600), so its upload takes several progress events."""
    noise = random.Random(15).randbytes(width * height * 3)  # noqa: S311 - pixels, no secret
    image = Image.frombytes("RGB", (width, height), noise)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _codes_on(page: Page, codes: set[str]) -> list[str]:
    text = page.locator("main").inner_text()
    return sorted(
        code for code in codes if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)
    )


def _clerk(page: Page, live_server, tmp_path) -> None:
    url = live_server.url
    # 15.13: her home lists her draft with its deadline.
    drafts = page.locator(
        "section", has=page.get_by_role("heading", name="推荐申报：草稿和退回修改")
    )
    expect(drafts.get_by_role("link", name="袁鹏")).to_be_visible()
    expect(drafts).to_contain_text(re.compile(r"还剩 \d+ 天"))

    # 15.11: a decided campaign says so before any form opens, and offers no new draft.
    page.goto(f"{url}{reverse('campaigns:detail', args=[DECIDED])}")
    expect(page.locator("#draft-refusal")).to_contain_text("不再受理新的推荐")
    expect(page.get_by_role("link", name="新建推荐")).to_have_count(0)

    # The practice campaign takes nominations: a new 长春技能大奖 draft.
    page.goto(f"{url}{reverse('campaigns:detail', args=[PRACTICE_CODE])}")
    expect(page.locator("#draft-refusal")).to_have_count(0)
    page.get_by_role("link", name="新建推荐").click()
    page.get_by_label("长春技能大奖", exact=True).check()
    page.get_by_role("button", name="创建并填写推荐表").click()
    expect(page.get_by_role("heading", name=re.compile("候选人推荐表"), level=1)).to_be_visible()

    # 15.10: with nothing claimed the any-of fails, every branch with it.
    panel = page.locator("#eligibility-panel")
    any_of = panel.locator("li.rule", has_text="具备以下条件之一").first
    expect(any_of.locator(".rule-head .badge").first).to_have_text("不符合")
    # A 市级劳动模范 in the honours table meets it through its first branch; the four
    # other branches are alternatives, neutral, not failures.
    page.select_option("#id_honours__0__code", "model_worker")
    page.select_option("#id_honours__0__level", "city")
    page.fill("#id_honours__0__name", "长春市劳动模范")
    page.locator("#id_honours__0__name").blur()
    expect(any_of.locator(".rule-head .badge").first).to_have_text("符合", timeout=10_000)
    branches = any_of.locator("li.rule")
    expect(branches).to_have_count(5)
    expect(branches.locator(".rule-head .badge")).to_have_text(
        ["符合", "其他可选条件", "其他可选条件", "其他可选条件", "其他可选条件"]
    )
    expect(branches.first).to_contain_text("已获：劳动模范（市级及以上）。")
    expect(any_of).not_to_contain_text("不符合")

    # 15.2: the photo uploads in the background with a progress bar; the page is not
    # reloaded (a mark set on the window survives, the text being typed stays).
    page.evaluate(
        """() => {
          window.__notReloaded = true;
          window.__progress = [];
          document.body.addEventListener('htmx:xhr:progress', (e) => {
            const bar = e.detail.elt.querySelector('.upload-progress');
            if (bar) setTimeout(() => window.__progress.push([bar.hidden, bar.value]), 0);
          });
        }"""
    )
    page.fill("#id_occupation", "供热管网维修工")
    photo = tmp_path / "工作照.png"
    photo.write_bytes(_png(600, 600))
    page.set_input_files("#upload-photo", str(photo))
    page.locator("#upload-photo").locator("xpath=..").get_by_role(
        "button", name="上传", exact=True
    ).click()
    expect(page.get_by_role("link", name="工作照.png")).to_be_visible(timeout=15_000)
    assert page.evaluate("window.__notReloaded") is True
    progress = page.evaluate("window.__progress")
    assert progress, "no upload progress was drawn"
    assert all(hidden is False for hidden, _value in progress), progress
    assert max(value for _hidden, value in progress) == 100, progress
    expect(page.locator("#id_occupation")).to_have_value("供热管网维修工")


def _office(page: Page, live_server) -> None:
    url = live_server.url
    campaign = Campaign.objects.get(code=PRACTICE_CODE)
    drafts = OutboxMessage.objects.filter(campaign=campaign, state=OutboxState.DRAFT)
    waiting = drafts.count()
    assert waiting > 0, "the demo's outbox holds no e-mail to review"

    # 15.13 and 15.14: the home counts the e-mails waiting; the office reviews one.
    tally = page.locator(".ov-kpis li", has_text="邮件待审核")
    expect(tally.locator(".ov-kpi-value")).to_have_text(str(waiting))
    page.goto(f"{url}{reverse('notifications:outbox')}")
    rows = page.locator("tbody tr", has_text="待审核")
    expect(rows).to_have_count(waiting)
    first = rows.first
    nominee = first.locator("td").nth(1).inner_text()
    first.get_by_role("link").first.click()
    body = page.get_by_label("正文")
    expect(body).to_contain_text(nominee)
    body.fill(body.input_value() + "\n如有疑问，请致电活动办公室。")
    page.get_by_role("button", name=re.compile("审核通过")).click()
    expect(page.locator(".messages")).to_contain_text("邮件已审核通过")
    sent = OutboxMessage.objects.get(campaign=campaign, to_name=nominee)
    assert sent.state != OutboxState.DRAFT
    assert sent.body.endswith("如有疑问，请致电活动办公室。")
    assert drafts.count() == waiting - 1

    # 15.4: award counts and quotas in a form; a quota above its award's count is
    # refused naming the award, what was typed stays.
    page.goto(f"{url}{reverse('campaigns:numbers', args=[PRACTICE_CODE])}")
    count = page.get_by_label("长春技能大奖 表彰名额")
    quota = page.get_by_label("各县（市）区人社部门 · 长春技能大奖 最多推荐")
    quota.fill("30")
    page.get_by_label("调整理由").fill("市领导小组第二次会议决定增加名额")
    page.get_by_role("button", name="保存调整").click()
    expect(page.locator("main")).to_contain_text("推荐名额 30 超过“长春技能大奖”的表彰名额 10。")
    assert _codes_on(page, {"jineng-dajiang", "jishu-nengshou", "quotas"}) == []
    expect(quota).to_have_value("30")
    count.fill("12")
    quota.fill("4")
    page.get_by_role("button", name="保存调整").click()
    expect(page.locator(".messages")).to_contain_text("名额已调整")
    expect(page.locator("#versions")).to_contain_text("市领导小组第二次会议决定增加名额")
    awards = {a["code"]: a for a in Campaign.objects.get(code=PRACTICE_CODE).spec["awards"]}
    assert awards["jineng-dajiang"]["count"] == 12

    # The deadline extended for everyone, with its reason.
    page.goto(f"{url}{reverse('campaigns:extend_window', args=[PRACTICE_CODE])}")
    closes = campaign.specification.timeline.submission.closes_at
    assert closes is not None
    later = timezone.localtime(closes) + dt.timedelta(days=10)
    page.get_by_label(re.compile("新的申报截止时间")).fill(later.strftime("%Y-%m-%dT%H:%M"))
    reason = page.get_by_label("延期理由")
    page.get_by_role("button", name="确认延期").click()
    assert reason.evaluate("e => e.validity.valueMissing") is True  # no reason, not sent
    expect(page.get_by_role("heading", name="整体延长申报期限")).to_be_visible()
    reason.fill("部分县区受寒潮影响，材料报送推迟")
    page.get_by_role("button", name="确认延期").click()
    expect(page.locator(".messages")).to_contain_text("申报截止时间已延长")
    expect(page.locator("#versions")).to_contain_text("部分县区受寒潮影响，材料报送推迟")
    page.goto(f"{url}{reverse('campaigns:detail', args=[PRACTICE_CODE])}")
    expect(page.locator("main")).to_contain_text(later.strftime("%Y-%m-%d %H:%M"))

    # A panel's make-up per speciality; Django's empty choice reads in Chinese (15.5).
    page.goto(f"{url}{reverse('experts:panel_list', args=[PRACTICE_CODE])}")
    award = page.get_by_label("奖项")
    expect(award.locator("option").first).to_have_text("— 请选择 —")
    assert "Select an option" not in page.content()
    page.get_by_label("名称").fill("长春技能大奖评审组")
    award.select_option(label="长春技能大奖")
    page.get_by_label("专家人数").fill("5")
    page.get_by_label("专业领域“数控加工”至少").fill("2")
    page.get_by_label("地区“长春市”至少").fill("3")
    page.get_by_role("button", name="创建").click()
    expect(page.locator(".messages")).to_contain_text("评审组已创建")
    makeup = page.locator("dt", has_text="构成要求").locator("xpath=following-sibling::dd[1]")
    expect(makeup).to_contain_text("数控加工 ≥ 2")
    assert sorted(makeup.inner_text().strip().split("；")) == ["数控加工 ≥ 2", "长春市 ≥ 3"]
    created = Panel.objects.get(campaign=campaign, name="长春技能大奖评审组")
    assert created.mix == {"speciality": {"数控加工": 2}, "region": {"长春市": 3}}


def _expert(page: Page, live_server) -> None:
    # 15.13: an expert's home shows the panel and what is left to score.
    scoring = page.locator("section", has=page.get_by_role("heading", name="专家评审"))
    expect(scoring).to_contain_text("威海工匠评审组（示例）")
    expect(page.locator("main")).not_to_contain_text("您尚未被分配角色")
    assignment = (
        Assignment.objects.filter(
            member__expert__user__username="expert01", nomination__evidence__material="photo"
        )
        .select_related("nomination")
        .first()
    )
    assert assignment is not None
    nomination = assignment.nomination
    page.goto(f"{live_server.url}{reverse('experts:scoring_sheet', args=[assignment.pk])}")
    evidence = page.locator("section", has=page.get_by_role("heading", name="佐证材料"))
    items = evidence.locator("li")
    expect(items.first).to_be_visible()
    # 15.9: every file under its material's name, the photo under the form's label.
    codes = {e.material for e in Evidence.objects.filter(nomination=nomination)}
    labels = [text.split("：", 1)[0] for text in items.all_inner_texts()]
    assert not codes & set(labels), labels
    photo = Evidence.objects.filter(nomination=nomination, material="photo").first()
    assert photo is not None
    # 15.8: the photo opens in a new window as a copy marked for the expert.
    item = items.filter(has_text=photo.original_name)
    with page.expect_popup() as popup_info:
        item.get_by_role("link", name="查看").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    response = popup.request.get(popup.url)
    assert response.headers["content-type"] == "image/png"
    assert response.headers["cache-control"] == "no-store"
    marked = Image.open(io.BytesIO(response.body())).convert("RGB")
    with photo.file.open("rb") as stored:
        original = Image.open(io.BytesIO(stored.read())).convert("RGB")
    assert marked.size == original.size
    assert marked.tobytes() != original.tobytes()
    popup.close()


def _reviewer(page: Page) -> None:
    waiting = page.locator("section", has=page.get_by_role("heading", name="待我审核"))
    expect(waiting).to_contain_text("吉林大学第一医院")
    expect(waiting).to_contain_text(re.compile(r"\d+ 名待排序报送"))
    # 15.3: forwarding (报送) before the level's notice has ended is refused, saying who
    # and what is missing; nothing is forwarded.
    waiting.get_by_role("link", name=re.compile("吉林大学第一医院")).first.click()
    expect(page.get_by_role("heading", name=re.compile("排序报送"), level=1)).to_be_visible()
    ready = page.locator("tbody tr")
    name = ready.first.locator("td").nth(2).inner_text()
    page.get_by_role("button", name="按此顺序报送上一级").click()
    expect(page.locator("main")).to_contain_text(
        f"“{name}”的本单位公示尚未结束或仍有异议未处理，不能报送。"
    )
    expect(ready).to_have_count(1)


def _auditor(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}{reverse('core:audit_trail')}")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    actions = rows.locator("td:nth-child(4)").all_inner_texts()
    roles = rows.locator("td:nth-child(3)").all_inner_texts()
    results = rows.locator("td:nth-child(6)").all_inner_texts()
    assert [a for a in actions if ACTION_CODE.match(a.strip())] == []
    assert [r for r in roles if ROLE_CODE.match(r.strip())] == []
    assert [r for r in results if ROLE_CODE.match(r.strip())] == []
    assert "领导小组办公室" in roles


def _certificates(page: Page, live_server, settings) -> None:
    # The packing waits in the queue (no worker), so the page shows it queued and polls.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    page.goto(f"{live_server.url}{reverse('decisions:overview', args=[JIAOZUO])}")
    page.get_by_role("button", name="下载全部证书").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("排队中")
    expect(status.locator("progress")).to_be_visible()
    page.evaluate("() => { window.__notReloaded = true; }")
    bundle = DocumentBundle.objects.filter(campaign__code=JIAOZUO).latest("id")
    build_bundle(bundle.pk)  # the worker's job
    expect(status).to_contain_text("生成完毕", timeout=15_000)
    assert page.evaluate("window.__notReloaded") is True
    with page.expect_download() as info:
        status.get_by_role("link", name="下载 ZIP 文件").click()
    assert info.value.suggested_filename.endswith("-全部荣誉证书.zip")


def _public(page: Page, live_server) -> None:
    url = live_server.url
    campaign = Campaign.objects.get(code=PRACTICE_CODE)
    notices = list(
        PublicNotice.objects.filter(campaign=campaign, state=NoticeState.RUNNING)
        .select_related("body")
        .order_by("id")
    )
    today = timezone.localdate()
    assert notices, "the practice campaign has no running notice"
    assert all(n.starts_on > today for n in notices), "its notices have started"
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(f"{url}{reverse('portal:campaign', args=[PRACTICE_CODE])}")
    # 15.12: one entry per notice, each naming its unit (their titles are the same).
    section = page.locator("section", has=page.get_by_role("heading", name="公示", exact=True))
    entries = section.locator("li")
    expect(entries).to_have_count(len(notices))
    newest_first = sorted(notices, key=lambda n: (n.starts_on, n.id), reverse=True)
    units = [n.body.name for n in newest_first if n.body is not None]
    assert len(units) == len(notices)
    expect(entries.locator(".notice-body")).to_have_text(units)
    # 15.6: before their first day they are upcoming: no 公示中, no objection link.
    expect(entries.locator(".badge")).to_have_text(["即将公示"] * len(notices))
    expect(section).not_to_contain_text("公示中")
    expect(section.get_by_role("link", name="提出异议")).to_have_count(0)
    # 15.12: on a phone the long sections are folded and open on a tap.
    folded = page.locator("details.collapsible")
    assert folded.count() >= 3
    rules = folded.first.locator(":scope > ul.rule-tree")
    expect(rules).to_be_hidden()
    folded.first.locator("summary").click()
    expect(rules).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The notice's page gives its state and dates first; the objection form is refused
    # before anything is typed.
    notice = notices[0]
    entries.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(notice.title))
    start = f"{notice.starts_on.year}年{notice.starts_on.month}月{notice.starts_on.day}日"
    expect(page.locator("main")).to_contain_text(f"本公示自{start}开始")
    expect(page.get_by_role("link", name="提出异议")).to_have_count(0)
    page.goto(f"{url}{reverse('notices:object', args=[notices[-1].pk])}")
    expect(page.locator("main")).to_contain_text("本公示尚未开始")
    expect(page.locator("main textarea")).to_have_count(0)

    # 15.16: the icon the pages link and the one browsers ask for both answer.
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon == "/static/core/favicon.svg"
    answer = page.request.get(f"{url}{icon}")
    assert (answer.status, answer.headers["content-type"]) == (200, "image/svg+xml")
    answer = page.request.get(f"{url}/favicon.ico")
    assert answer.status == 200
    assert answer.url.endswith("/static/core/favicon.svg")
    assert failed == []


def _english(page: Page, live_server) -> None:
    # 15.5: English is not offered until its catalogue is complete; an English browser
    # gets the whole page in Chinese and no language menu.
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    expect(page.locator("select[name=language]")).to_have_count(0)
    page.goto(f"{live_server.url}{reverse('portal:campaign', args=[PRACTICE_CODE])}")
    expect(page.get_by_role("heading", name="公示", exact=True)).to_be_visible()
    assert "Select an option" not in page.content()


def _console_errors(page: Page) -> list[str]:
    """The console errors of ``page`` from now on (a CSP violation shows up there)."""
    errors: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", keep)
    return errors


def _nominee_notices() -> None:
    """The e-mails telling the practice campaign's nominees (drafted after each first
    submission commits, in the demo as run: ``demo/tests/test_demo.py``; the decided demo's
    fixture drops after-commit hooks, so the test drafts them as the hook does)."""
    submitted = Nomination.objects.filter(campaign__code=PRACTICE_CODE).exclude(
        state=NominationState.DRAFT
    )
    for nomination in submitted:
        draft_nominee_notice(nomination)


def _walks(live_server, tmp_path, settings) -> list[tuple[str | None, Callable, dict]]:
    """Who walks which part: ``(username or None for the public, walk, context options)``."""
    return [
        ("changchun_nanguan_clerk", lambda p: _clerk(p, live_server, tmp_path), {}),
        ("practice_office", lambda p: _office(p, live_server), {}),
        ("expert01", lambda p: _expert(p, live_server), {}),
        ("cc_jdyy_reviewer", _reviewer, {}),
        ("auditor", lambda p: _auditor(p, live_server), {}),
        ("jiaozuo_office", lambda p: _certificates(p, live_server, settings), {}),
        (None, lambda p: _public(p, live_server), {"viewport": PHONE, "is_mobile": True}),
        (None, lambda p: _english(p, live_server), {"locale": "en-US"}),
    ]


def test_issue_15_points_in_the_demo(
    browser: Browser, browser_context_args, live_server, decided_demo_copy, tmp_path, settings
):
    cache.clear()  # public pages are cached in the live server's process
    _nominee_notices()
    problems = []
    for username, walk, extra in _walks(live_server, tmp_path, settings):
        page = _person(browser, browser_context_args, live_server, username, **extra)
        errors = _console_errors(page)
        walk(page)
        problems += [f"{username}: {e}" for e in errors if "Content Security Policy" in e]
        page.context.close()
    assert problems == []
