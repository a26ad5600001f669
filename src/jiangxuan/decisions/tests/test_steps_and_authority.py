"""Issue 13: the steps gate each other in the notice's order, each phase's dates bind what
happens in it, and the approving authority the notice names approves the lists before the
decision, which is issued in the name the specification gives."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.steps import StepOutOfOrder, override_step
from jiangxuan.core.models import AuditEntry
from jiangxuan.decisions import services
from jiangxuan.decisions.enums import ListState
from jiangxuan.decisions.models import ApprovalList
from jiangxuan.decisions.tests.conftest import MEETING, approved, user_with_role
from jiangxuan.experts import services as experts
from jiangxuan.notices import services as notices
from jiangxuan.notices.services import NoticeError

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _office(campaign, unit):
    return user_with_role(unit, Role.CAMPAIGN_OFFICE, campaign=campaign)


def _notice(campaign, stage, noms, office, starts_on):
    notice = notices.open_public_notice(
        campaign, stage=stage, body=None, nominations=noms, starts_on=starts_on, actor=office
    )
    return notices.close_public_notice(notice, actor=office)


def test_seed_004_meeting_notices_and_decision_keep_their_phases_and_order(seed_campaign):
    campaign = seed_campaign("004")
    award = campaign.awards.get()
    noms = approved(campaign, "004", "harbin-dagongjiang", 2)
    office = _office(campaign, "hrb-union")
    override_step(
        campaign, "leading_group_approval", reason="专家评审记录另行归档（测试）", actor=office
    )
    lst = services.propose_list(campaign, award, nominations=[n.pk for n in noms], actor=office)

    with pytest.raises(services.DecisionError, match="审定公示阶段"):
        services.approve_list(lst, actor=office, **{**MEETING, "held_on": dt.date(2021, 10, 10)})
    services.approve_list(lst, actor=office, **{**MEETING, "held_on": dt.date(2021, 11, 1)})
    # 首先在候选人所在基层单位公示，然后在媒体公示 (三(四)).
    with pytest.raises(NoticeError, match="基层单位公示"):
        notices.open_public_notice(
            campaign,
            stage="social_notice-2",
            body=None,
            nominations=noms,
            starts_on=dt.date(2021, 11, 2),
            actor=office,
        )
    first = _notice(campaign, "social_notice", noms, office, dt.date(2021, 11, 2))
    _notice(campaign, "social_notice-2", noms, office, first.ends_on + dt.timedelta(days=1))
    with pytest.raises(services.DecisionError, match="表彰宣传阶段"):
        services.publish_decision(
            campaign,
            number="哈工发〔2021〕1号",
            title="决定",
            issued_on=dt.date(2021, 10, 23),
            actor=office,
        )
    decision = services.publish_decision(
        campaign,
        number="哈工发〔2021〕1号",
        title="决定",
        issued_on=dt.date(2021, 11, 22),
        actor=office,
    )

    assert decision.published_at is not None
    assert AuditEntry.objects.filter(action="campaign.step_override").count() == 1


def test_seed_004_list_waits_for_the_expert_review_without_an_override(seed_campaign):
    campaign = seed_campaign("004")
    noms = approved(campaign, "004", "harbin-dagongjiang", 1)
    office = _office(campaign, "hrb-union")

    with pytest.raises(services.DecisionError, match="专家综合打分评审"):
        services.propose_list(
            campaign, campaign.awards.get(), nominations=[noms[0].pk], actor=office
        )


def test_override_needs_a_reason_and_the_office(seed_campaign):
    campaign = seed_campaign("004")
    office = _office(campaign, "hrb-union")
    clerk = user_with_role("hrb-longjiang-construction", Role.CLERK)

    with pytest.raises(StepOutOfOrder, match="理由"):
        override_step(campaign, "decision", reason=" ", actor=office)
    with pytest.raises(PermissionDenied, match="活动办公室"):
        override_step(campaign, "decision", reason="x", actor=clerk)


def test_seed_003_vote_waits_for_the_opinions_and_the_experts_for_the_vote(seed_campaign):
    from jiangxuan.voting import services as voting

    campaign = seed_campaign("003")
    noms = approved(campaign, "003", "weihai-gongjiang", 2)
    office = _office(campaign, "wh-union")
    vote = voting.prepare_public_vote(
        campaign,
        actor=office,
        opens_at=dt.datetime(2023, 7, 1, 8, tzinfo=SHANGHAI),
        closes_at=dt.datetime(2023, 7, 10, 18, tzinfo=SHANGHAI),
        nominations=noms,
    )

    # 二(二)：人选审核（征求有关部门意见）、网络投票、专家评审，依次进行。
    with pytest.raises(voting.VoteError, match="人选审核"):
        voting.open_public_vote(vote, actor=office)
    checks = notices.request_background_checks(
        campaign, noms, stage="qualification_review", due_on=dt.date.today(), actor=office
    )
    for check in checks:
        notices.record_background_opinion(check, actor=office, opinion="无违法违纪", adverse=False)
    vote = voting.open_public_vote(vote, actor=office)
    with pytest.raises(experts.ExpertError, match="网络投票"):
        experts.create_panel(campaign, name="评审组", size=5, actor=office)
    with pytest.raises(services.DecisionError, match="网络投票"):
        services.propose_list(
            campaign, campaign.awards.get(), nominations=[noms[0].pk], actor=office
        )
    voting.close_public_vote(vote, actor=office)
    panel = experts.create_panel(campaign, name="评审组", size=5, actor=office)
    with pytest.raises(services.DecisionError, match="专家评审"):
        services.propose_list(
            campaign, campaign.awards.get(), nominations=[noms[0].pk], actor=office
        )

    assert panel.pk is not None


def _decide_000(campaign, noms, office):
    """Seed 000 from the leading group to the published decision, in the notice's order."""
    award = campaign.awards.get()
    override_step(
        campaign, "leading_group_approval", reason="专家评审另行完成（测试）", actor=office
    )
    lst = services.propose_list(campaign, award, nominations=[n.pk for n in noms], actor=office)
    services.approve_list(lst, actor=office, **{**MEETING, "held_on": dt.date(2021, 12, 20)})
    _notice(campaign, "social_notice", noms, office, dt.date(2021, 12, 21))
    submission = services.submit_to_authority(
        campaign, submitted_on=dt.date(2021, 12, 29), actor=office
    )
    services.record_authority_decision(
        submission, document_number="吉委〔2022〕3号", decided_on=dt.date(2022, 1, 5), actor=office
    )
    return services.publish_decision(
        campaign,
        number="吉发〔2022〕1号",
        title="决定",
        issued_on=dt.date(2022, 1, 10),
        actor=office,
    )


def test_adverse_opinion_after_the_decision_withdraws_the_laureate(
    seed_campaign, django_capture_on_commit_callbacks
):
    from jiangxuan.campaigns.models import PastAwardee
    from jiangxuan.notifications.models import Notification

    campaign = seed_campaign("000")
    noms = approved(campaign, "000", "jilin-gongjiang", 3)
    office = _office(campaign, "jl-union")
    checks = notices.request_background_checks(
        campaign, noms, stage="workplace", due_on=dt.date.today(), actor=office
    )
    for check in checks[:2]:
        notices.record_background_opinion(
            check, actor=office, opinion="无违法犯罪记录", adverse=False
        )
    decision = _decide_000(campaign, noms, office)
    assert PastAwardee.objects.filter(campaign=campaign).count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        notices.record_background_opinion(
            checks[2], actor=office, opinion="该同志有违法犯罪记录", adverse=True
        )

    noms[2].refresh_from_db()
    assert noms[2].state == "revoked"
    (current,) = decision.approval_lists.all()
    assert (current.version, current.state) == (2, ListState.APPROVED)
    assert sorted(e.nomination_id for e in current.entries.all()) == sorted(n.pk for n in noms[:2])
    assert PastAwardee.objects.filter(campaign=campaign).count() == 2
    revoke = AuditEntry.objects.filter(action="nomination.revoke").latest("id")
    assert "违法犯罪记录" in revoke.after["correction"]
    assert AuditEntry.objects.filter(action="decision.nominee_withdrawn").count() == 1
    assert Notification.objects.filter(recipient=office, title__contains="已撤出名单").exists()


def test_seed_000_decision_needs_the_authority_and_is_issued_in_its_name(seed_campaign):
    campaign = seed_campaign("000")
    award = campaign.awards.get()
    noms = approved(campaign, "000", "jilin-gongjiang", 3)
    office = _office(campaign, "jl-union")
    override_step(
        campaign, "leading_group_approval", reason="专家评审另行完成（测试）", actor=office
    )
    lst = services.propose_list(campaign, award, nominations=[n.pk for n in noms], actor=office)
    services.approve_list(lst, actor=office, **{**MEETING, "held_on": dt.date(2021, 12, 20)})

    # 四5 社会公示 comes before 四6 省委、省政府审定.
    with pytest.raises(services.DecisionError, match="社会公示"):
        services.submit_to_authority(campaign, submitted_on=dt.date(2021, 12, 21), actor=office)
    _notice(campaign, "social_notice", noms, office, dt.date(2021, 12, 21))
    with pytest.raises(services.DecisionError, match="省委、省政府审定"):
        services.publish_decision(
            campaign,
            number="吉发〔2022〕1号",
            title="决定",
            issued_on=dt.date(2022, 1, 10),
            actor=office,
        )
    submission = services.submit_to_authority(
        campaign, submitted_on=dt.date(2021, 12, 29), actor=office
    )
    with pytest.raises(services.DecisionError, match="批复文号"):
        services.record_authority_decision(
            submission, document_number="", decided_on=dt.date(2022, 1, 5), actor=office
        )
    services.record_authority_decision(
        submission,
        document_number="吉委〔2022〕3号",
        decided_on=dt.date(2022, 1, 5),
        removed=[noms[2].pk],
        actor=office,
    )
    decision = services.publish_decision(
        campaign,
        number="吉发〔2022〕1号",
        title="决定",
        issued_on=dt.date(2022, 1, 10),
        actor=office,
    )

    assert submission.authority == "省委、省政府"
    assert decision.issuer == "中共吉林省委、吉林省人民政府"
    current = ApprovalList.objects.get(award=award, state=ListState.APPROVED)
    assert current.version == 2
    assert "吉委〔2022〕3号" in current.reason
    assert sorted(e.nomination_id for e in current.entries.all()) == sorted(n.pk for n in noms[:2])
    assert list(decision.approval_lists.all()) == [current]
    entry = AuditEntry.objects.filter(action="decision.authority.decide").get()
    assert entry.after["number"] == "吉委〔2022〕3号"


def test_seed_003_decision_is_issued_by_the_city_government(seed_campaign):
    campaign = seed_campaign("003")

    assert services.issuer_of(campaign) == "威海市人民政府"
    assert campaign.specification.decision.approval.authority == "市政府"


def test_seed_001_approval_is_by_the_talent_office(seed_campaign):
    campaign = seed_campaign("001")

    assert campaign.specification.decision.approval.authority == "市委组织部人才办"


def test_authority_and_step_override_through_the_api(seed_campaign):
    from jiangxuan.accounts.tokens import issue_api_token
    from jiangxuan.api.tests.conftest import ApiClient

    campaign = seed_campaign("000")
    award = campaign.awards.get()
    noms = approved(campaign, "000", "jilin-gongjiang", 2)
    office = _office(campaign, "jl-union")
    client = ApiClient(issue_api_token(office, name="test", scope="read_write"))

    refused = client.post(
        f"/campaigns/{campaign.code}/step-overrides", {"step": "x", "reason": "y"}
    )
    overridden = client.post(
        f"/campaigns/{campaign.code}/step-overrides",
        {"step": "leading_group_approval", "reason": "专家评审另行完成（测试）"},
    )
    lst = services.propose_list(campaign, award, nominations=[n.pk for n in noms], actor=office)
    services.approve_list(lst, actor=office, **{**MEETING, "held_on": dt.date(2021, 12, 20)})
    early = client.post(
        f"/campaigns/{campaign.code}/authority-submissions", {"submitted_on": "2021-12-21"}
    )
    _notice(campaign, "social_notice", noms, office, dt.date(2021, 12, 21))
    submitted = client.post(
        f"/campaigns/{campaign.code}/authority-submissions", {"submitted_on": "2021-12-29"}
    )
    decided = client.post(
        f"/campaigns/{campaign.code}/authority-submissions/{submitted.json()['id']}/decision",
        {"document_number": "吉委〔2022〕3号", "decided_on": "2022-01-05"},
    )
    detail = client.get(f"/campaigns/{campaign.code}")

    assert refused.status_code == 400
    assert overridden.status_code == 201
    assert (early.status_code, early.json()["code"]) == (409, "conflict")
    assert "社会公示" in early.json()["detail"]
    assert submitted.status_code == 201
    assert submitted.json()["authority"] == "省委、省政府"
    assert decided.status_code == 200
    assert decided.json()["returned_lists"] == [lst.pk]
    assert decided.json()["document_number"] == "吉委〔2022〕3号"
    assert detail.json()["stage"] == "open"  # seed 000 names no province-wide deadline
