"""The staff home page (我的工作台, issue 15.13): where ``/`` sends a signed-in user, the
section of each role through HTTP, and its queries at two sizes."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.models import DeadlineKind, UnitDeadline
from jiangxuan.campaigns.selectors import DeadlineBook, deadline_for, forward_deadline
from jiangxuan.campaigns.services import load_campaign
from jiangxuan.conftest import seed_spec_path
from jiangxuan.core.models import HolidayYear
from jiangxuan.experts.models import ScoreSheet
from jiangxuan.experts.tests.scoring_setup import approved_nominations, assign_all, drawn_panel
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Decision, Nomination, SignOff
from jiangxuan.nominations.tests.factories import NominationFactory
from jiangxuan.notifications.tests.factories import OutboxMessageFactory

from .conftest import at, member, workplace_of

pytestmark = pytest.mark.django_db
NOW = at(2026, 11, 8, 12, 0)
HOME = "/overview/"


def _get(client, user, *, now=NOW):
    client.force_login(user)
    with time_machine.travel(now, tick=False):
        return client.get(reverse("overview:home"))


def _deadline(campaign, unit, closes_at, setter):
    return UnitDeadline.objects.create(
        campaign=campaign,
        org_unit=unit,
        kind=DeadlineKind.INTERNAL,
        closes_at=closes_at,
        set_by=setter,
    )


def test_root_sends_signed_in_user_home(client, jilin, office):
    client.force_login(office)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == HOME


def test_anonymous_goes_to_login(client):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_nav_leads_with_the_home(client, jilin, office):
    html = _get(client, office).content.decode()

    nav = html[html.index('<nav class="main-nav"') : html.index("</nav>")]
    first = nav[nav.index("<li>") : nav.index("</li>")]
    assert first == f'<li><a href="{HOME}" aria-current="page">工作台</a>'


@pytest.fixture
def clerk_work(jilin, orgs, office):
    """A clerk of 长春市总工会 with a draft and a nomination returned with a reason, a draft
    of 吉林市总工会 (another unit), and the Changchun union's internal deadline of
    2026-11-11 17:00 set on the platform."""
    unit = orgs["cc-union"]
    clerk = member(unit, Role.CLERK)
    workplace = orgs["cc-huarui-machinery"]
    draft = NominationFactory.create(
        campaign=jilin, nominating_unit=unit, workplace=workplace, name="王建国"
    )
    returned = NominationFactory.create(
        campaign=jilin,
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
        opinion="请补充省级技能大赛获奖证书复印件",
        decided_by=office,
    )
    other = orgs["jlc-union"]
    NominationFactory.create(
        campaign=jilin,
        nominating_unit=other,
        workplace=workplace_of(orgs, "jlc-union", None),
        name="赵铁柱",
    )
    _deadline(jilin, unit, at(2026, 11, 11, 17, 0), office)
    return clerk, draft, returned


def test_clerk_sees_drafts_and_returns_with_deadline(client, jilin, orgs, clerk_work):
    clerk, draft, returned = clerk_work

    response = _get(client, clerk)

    html = response.content.decode()
    items = response.context["bench"].clerk
    assert [item.nomination for item in items] == [returned, draft]
    assert items[0].returned.opinion == "请补充省级技能大赛获奖证书复印件"
    assert items[1].returned is None
    expected = deadline_for(jilin, orgs["cc-union"])
    assert expected == at(2026, 11, 11, 17, 0)
    assert [item.deadline.at for item in items] == [expected, expected]
    assert "请补充省级技能大赛获奖证书复印件" in html
    assert f'href="{reverse("nominations:edit", args=[draft.pk])}"' in html
    assert f'href="{reverse("nominations:edit", args=[returned.pk])}"' in html
    assert "提交截止：<time" in html
    assert "2026-11-11 17:00" in html
    assert "还剩 3 天" in html
    assert "赵铁柱" not in html
    assert response.context["bench"].office is None


def test_clerk_after_the_deadline_sees_it_passed(client, clerk_work):
    clerk, _draft, _returned = clerk_work

    html = _get(client, clerk, now=at(2026, 11, 12, 9, 0)).content.decode()

    assert html.count("已逾期") == 2


def test_clerk_is_not_shown_drafts_of_a_decided_campaign(client, jilin, clerk_work):
    clerk, _draft, _returned = clerk_work
    jilin.decided_at = NOW - dt.timedelta(days=1)
    jilin.save(update_fields=["decided_at"])

    response = _get(client, clerk)

    assert response.context["bench"].clerk == []
    assert "没有待完成的草稿或退回修改的推荐。" in response.content.decode()


@pytest.fixture
def late_city(jilin, orgs, office, in_motion):
    """``in_motion(1)`` with an internal deadline of 吉林省总工会 (above 长春市总工会) that
    passed on 2026-11-06 17:00: the city union still owes its opinion at the city level."""
    motion = in_motion(1)
    _deadline(jilin, jilin.organizer_unit, at(2026, 11, 6, 17, 0), office)
    return motion


def test_reviewer_sees_queue_with_overdue_deadline(client, jilin, orgs, late_city):
    reviewer = member(orgs["cc-union"], Role.REVIEWER)

    response = _get(client, reviewer)

    html = response.content.decode()
    tasks = response.context["bench"].review
    assert [(t.kind, t.body_name, t.level_name, t.count, t.to_sign) for t in tasks] == [
        ("sign", "长春市总工会", "市（州）审核", 1, 1)
    ]
    category = DeadlineBook([jilin], [orgs["cc-union"]]).category(jilin, orgs["cc-union"])
    expected = forward_deadline(jilin, orgs["cc-union"], level="city", category=category)
    assert tasks[0].deadline.at == expected == at(2026, 11, 6, 17, 0)
    assert tasks[0].deadline.passed
    assert "1 名待您签署" in html
    assert "报送截止：<time" in html
    assert "已逾期" in html
    assert f'href="{reverse("nominations:review_queue")}"' in html


def test_reviewer_without_work_is_told_so(client, jilin, orgs):
    reviewer = member(orgs["jlc-union"], Role.REVIEWER)

    html = _get(client, reviewer).content.decode()

    assert "目前没有等待您签署意见或报送的推荐。" in html


def test_office_sees_overdue_units_objections_checks_and_outbox(client, jilin, office, late_city):
    OutboxMessageFactory.create(campaign=jilin)

    response = _get(client, office)

    html = response.content.decode()
    (row,) = response.context["bench"].office
    assert row.campaign == jilin
    assert row.stage_label == "受理中"
    assert [(o.body.name, o.level.name, o.count) for o in row.overdue] == [
        ("长春市总工会", "市（州）审核", 1)
    ]
    assert (row.tally.objections_waiting, row.tally.checks_waiting) == (1, 1)
    assert row.tally.checks_overdue == 0
    assert row.outbox_drafts == 1
    assert "长春市总工会 · 市（州）审核：1 名推荐应于 2026-11-06 17:00 前报送" in html
    assert f'href="{reverse("notices:campaign_notices", args=[jilin.code])}"' in html
    assert f'href="{reverse("campaigns:deadlines", args=[jilin.code])}"' in html
    assert f'href="{reverse("notifications:outbox")}"' in html
    assert f'href="{reverse("notices:background_checks", args=[jilin.code])}"' in html
    assert "异议待核查" in html


def test_office_before_the_deadline_sees_no_overdue_unit(client, office, late_city):
    response = _get(client, office, now=at(2026, 11, 5, 12, 0))

    (row,) = response.context["bench"].office
    assert row.overdue == []


def test_another_campaigns_office_sees_nothing_of_it(client, jilin, other_office, late_city):
    response = _get(client, other_office)

    titles = [row.campaign.title for row in response.context["bench"].office]
    assert jilin.title not in titles
    assert "长春市总工会" not in response.content.decode()


def test_expert_sees_what_is_left_to_score(client, orgs):
    """Seed 002 with its expert-review step in a dated phase (综合评审 until 2018-08-10)."""
    text = seed_spec_path("002").read_text(encoding="utf-8")
    phase = "{code: expert-review, name: 综合评审}"
    step = "    - kind: expert_review\n      name: 综合评审\n"
    assert (text.count(phase), text.count(step)) == (1, 1)
    text = text.replace(phase, "{code: expert-review, name: 综合评审, ends_on: 2018-08-10}")
    text = text.replace(step, step + "      phase: expert-review\n")
    jiaozuo = load_campaign(text, source="002.yaml", state=CampaignState.PUBLISHED)
    nominations = approved_nominations(jiaozuo, 3)
    _panel, members = drawn_panel(jiaozuo, size=2)
    assignments = assign_all(members, nominations)
    mine = members[0]
    ScoreSheet.objects.create(assignment=assignments[0], submitted_at=timezone.now())

    response = _get(client, mine.expert.user)

    html = response.content.decode()
    (work,) = response.context["bench"].expert
    assert (work.member, work.assigned, work.scored, work.left) == (mine, 3, 1, 2)
    assert "尚有 2 份待评分" in html
    assert "已评 1 / 3" in html
    assert work.deadline == dt.date(2018, 8, 10)
    assert "评分截止：2018-08-10" in html
    assert f'href="{reverse("experts:membership_detail", args=[mine.pk])}"' in html


def test_auditor_gets_the_audit_trail_link(client, orgs):
    auditor = member(orgs["jl-union"], Role.AUDITOR)

    html = _get(client, auditor).content.decode()

    assert f'<a class="btn" href="{reverse("core:audit_trail")}">查看审计记录</a>' in html
    assert "推荐申报：草稿和退回修改" not in html


def test_user_with_several_roles_gets_each_section(client, jilin, orgs, office, clerk_work):
    clerk, _draft, _returned = clerk_work
    Membership.objects.create(
        user=clerk, org_unit=jilin.organizer_unit, role=Role.CAMPAIGN_OFFICE, campaign=jilin
    )

    response = _get(client, clerk)

    bench = response.context["bench"]
    assert bench.role_labels == ["领导小组办公室", "推荐单位经办人"]
    assert [row.campaign for row in bench.office] == [jilin]
    assert len(bench.clerk) == 2


# --------------------------------------------------------------------------- queries


#: Queries of one view for a user who is clerk (and so signs for the unit) and office of
#: one or three campaigns, whatever the number of campaigns and nominations: session,
#: user, memberships; the clerk's list, its returns and deadlines; the review queue and
#: the batches with the tree around them and their deadlines; the office's campaigns,
#: overdue forwards, tallies and outbox; the expert's seats; the years the holiday
#: calendar lacks; the nav's unread count.
QUERIES = 41


@pytest.mark.parametrize("size", [1, 3])
def test_queries_do_not_grow(
    client, django_assert_num_queries, seed_campaign, jilin, orgs, in_motion, size
):
    campaigns = [jilin, *(seed_campaign(n) for n in ("001", "003", "004")[: size - 1])]
    user = member(orgs["cc-union"], Role.CLERK)
    for campaign in campaigns:
        Membership.objects.create(
            user=user,
            org_unit=campaign.organizer_unit,
            role=Role.CAMPAIGN_OFFICE,
            campaign=campaign,
        )
        for i in range(size):
            NominationFactory.create(
                campaign=campaign,
                nominating_unit=orgs["cc-union"],
                workplace=orgs["cc-huarui-machinery"],
                state=NominationState.RETURNED if i == 0 else NominationState.DRAFT,
            )
        OutboxMessageFactory.create(campaign=campaign)
        _deadline(campaign, orgs["cc-union"], NOW + dt.timedelta(days=2), user)
    in_motion(size)
    _deadline(jilin, jilin.organizer_unit, at(2026, 11, 6, 17, 0), user)
    client.force_login(user)

    with time_machine.travel(NOW, tick=False), django_assert_num_queries(QUERIES):
        response = client.get(HOME)

    bench = response.context["bench"]
    assert len(bench.office) == size
    editable = Nomination.objects.filter(
        nominating_unit=orgs["cc-union"], state__in=NominationState.EDITABLE
    )
    assert len(bench.clerk) == editable.count() > size * size
    overdue = {(o.body.name, o.count) for row in bench.office for o in row.overdue}
    assert overdue == (
        {("长春市总工会", 1)} if size == 1 else {("长春市总工会", 2), ("吉林市总工会", 1)}
    )


def test_office_and_admin_are_told_which_holiday_years_are_missing(client, jilin, orgs):
    def page(user) -> str:
        client.force_login(user)
        return client.get(HOME).content.decode()

    # From 1 November the next year counts too; 2099 and 2100 are known to no package.
    # The accounts are made then too: a password set in 2026 would have expired.
    with time_machine.travel(at(2099, 11, 5, 9, 0), tick=False):
        office = member(jilin.organizer_unit, Role.CAMPAIGN_OFFICE, campaign=jilin)
        clerk = member(orgs["cc-union"], Role.CLERK)
        admin = member(orgs["cc-union"], Role.PLATFORM_ADMIN)
        admin.is_staff = True
        admin.save(update_fields=["is_staff"])

        office_page = page(office)
        admin_page = page(admin)
        clerk_page = page(clerk)
        HolidayYear.objects.create(year=2099, source="国办发明电〔2098〕1号")
        after_entry = page(office)

    assert "系统尚未收录2099、2100年的法定节假日和调休安排" in office_page
    assert "请联系平台管理员在“工作日调整”中登记" in office_page
    assert reverse("admin:core_holidayyear_changelist") in admin_page
    assert "我的工作台" in clerk_page
    assert "系统尚未收录" not in clerk_page
    assert "系统尚未收录2100年的法定节假日和调休安排" in after_entry
