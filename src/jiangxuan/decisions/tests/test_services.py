"""Final approval, versions, publication and past awardees."""

import datetime as dt
from types import SimpleNamespace

import pytest

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.models import PastAwardee
from jiangxuan.campaigns.services import load_campaign
from jiangxuan.campaigns.steps import override_step
from jiangxuan.conftest import seed_spec_path
from jiangxuan.decisions import selectors, services
from jiangxuan.decisions.enums import ListState, Outcome
from jiangxuan.decisions.models import ApprovalList
from jiangxuan.decisions.tests.conftest import (
    MEETING,
    approved,
    hold_social_notices,
    user_with_role,
)
from jiangxuan.experts.models import Panel
from jiangxuan.nominations import services as nomination_services
from jiangxuan.nominations.tests.conftest import make_id_number

pytestmark = pytest.mark.django_db


def test_propose_list_orders_entries_and_warns_below_count(jiaozuo):
    campaign, award, noms, office = jiaozuo
    lst = services.propose_list(
        campaign, award, nominations=[noms[2].pk, noms[0].pk], finalists=[noms[1].pk], actor=office
    )
    awardees = list(lst.entries.filter(outcome=Outcome.AWARDEE).order_by("rank"))
    assert [e.nomination_id for e in awardees] == [noms[2].pk, noms[0].pk]
    assert lst.entries.get(outcome=Outcome.FINALIST).nomination_id == noms[1].pk
    assert lst.version == 1
    assert lst.state == ListState.DRAFT
    assert any("少于名额" in w for w in lst.warnings)


def test_propose_list_over_maximum_refused(jiaozuo):
    campaign, award, noms, office = jiaozuo
    award.count = 2
    award.save()
    with pytest.raises(services.DecisionError):
        services.propose_list(campaign, award, nominations=[n.pk for n in noms[:3]], actor=office)


def test_propose_list_unapproved_nomination_refused(jiaozuo):
    campaign, award, noms, office = jiaozuo
    noms[0].state = "submitted"
    noms[0].save()
    with pytest.raises(services.DecisionError, match="尚未通过审核"):
        services.propose_list(campaign, award, nominations=[noms[0].pk], actor=office)


def test_approve_list_without_majority_refused(jiaozuo):
    campaign, award, noms, office = jiaozuo
    lst = services.propose_list(campaign, award, nominations=[noms[0].pk], actor=office)
    meeting = {**MEETING, "votes_for": 2, "votes_against": 2, "votes_abstain": 1}
    with pytest.raises(services.DecisionError, match="半数"):
        services.approve_list(lst, actor=office, **meeting)
    lst.refresh_from_db()
    assert lst.state == ListState.DRAFT


def test_approved_list_changes_only_through_new_version(jiaozuo):
    campaign, award, noms, office = jiaozuo
    v1 = services.propose_list(campaign, award, nominations=[noms[0].pk], actor=office)
    services.approve_list(v1, actor=office, **MEETING)
    assert v1.meeting.votes_for == 3
    with pytest.raises(services.DecisionError):
        services.update_entries(v1, nominations=[noms[1].pk], actor=office)
    with pytest.raises(services.DecisionError):
        services.propose_list(campaign, award, nominations=[noms[1].pk], actor=office)
    with pytest.raises(services.DecisionError):
        services.revise_list(v1, nominations=[noms[1].pk], reason=" ", actor=office)

    v2 = services.revise_list(
        v1, nominations=[noms[0].pk, noms[1].pk], reason="补充一名人选", actor=office
    )
    assert (v2.version, v2.state, v2.reason) == (2, ListState.DRAFT, "补充一名人选")
    v1.refresh_from_db()
    assert v1.state == ListState.APPROVED
    assert list(v1.entries.values_list("nomination_id", flat=True)) == [noms[0].pk]

    services.approve_list(v2, actor=office, **MEETING)
    v1.refresh_from_db()
    assert v1.state == ListState.SUPERSEDED
    assert ApprovalList.objects.get(award=award, state=ListState.APPROVED) == v2


def test_publish_decision_without_approved_list_refused(jiaozuo):
    campaign, award, noms, office = jiaozuo
    services.propose_list(campaign, award, nominations=[noms[0].pk], actor=office)
    with pytest.raises(services.DecisionError, match="尚无审定名单"):
        services.publish_decision(
            campaign, number="1", title="决定", issued_on=dt.date(2018, 9, 10), actor=office
        )


def test_publish_decision_writes_past_awardees_idempotently(published):
    campaign, award, noms, office, _decision = published
    past_awardees = PastAwardee.objects.filter(campaign=campaign)
    assert sorted(past_awardees.values_list("id_index", flat=True)) == sorted(
        n.id_index for n in noms[:3]
    )
    assert set(past_awardees.values_list("series", "title", "year")) == {
        (award.series, award.name, 2018)
    }
    with pytest.raises(services.DecisionError):
        services.publish_decision(
            campaign, number="2", title="决定", issued_on=dt.date(2018, 9, 10), actor=office
        )
    assert PastAwardee.objects.filter(campaign=campaign).count() == 3


def test_winner_refused_in_next_edition_of_same_award(seed_campaign):
    campaign = seed_campaign("001")
    id_number = make_id_number(area="220104")
    office = user_with_role("cc-hrss", Role.CAMPAIGN_OFFICE, campaign=campaign)
    (winner,) = approved(campaign, "001", "jineng-dajiang", 1, id_numbers=[id_number])
    others = {a.code: approved(campaign, "001", a.code, 1) for a in campaign.awards.all()}
    # The notice's order (三(一)4-7): 综合评审 (not part of this test: the office moves on
    # with a recorded reason), 市级公示, 上报审定 by 市委组织部人才办, then the decision.
    override_step(campaign, "social_notice", reason="专家评审不在本测试范围内", actor=office)
    hold_social_notices(campaign, office)
    for award in campaign.awards.exclude(code="jineng-dajiang"):
        other = others[award.code]
        lst = services.propose_list(campaign, award, nominations=[other[0].pk], actor=office)
        services.approve_list(lst, actor=office, **MEETING)
    award = campaign.awards.get(code="jineng-dajiang")
    lst = services.propose_list(campaign, award, nominations=[winner.pk], actor=office)
    services.approve_list(lst, actor=office, **MEETING)
    submission = services.submit_to_authority(
        campaign, submitted_on=dt.date(2022, 9, 15), actor=office
    )
    services.record_authority_decision(
        submission,
        document_number="长组人才〔2022〕5号",
        decided_on=dt.date(2022, 9, 20),
        actor=office,
    )
    services.publish_decision(
        campaign,
        number="长人社〔2022〕1号",
        title="决定",
        issued_on=dt.date(2022, 9, 25),
        actor=office,
    )

    text = seed_spec_path("001").read_text(encoding="utf-8")
    text = text.replace("code: changchun-jineng-2022", "code: changchun-jineng-2024", 1)
    text = text.replace("year: 2022", "year: 2024", 1)
    nxt = load_campaign(text, state=CampaignState.PUBLISHED)
    assert nxt.pk != campaign.pk
    assert nxt.year == 2024
    (again,) = approved(nxt, "001", "jineng-dajiang", 1, id_numbers=[id_number])
    nomination_services.evaluate_eligibility(again)
    rule = next(r for r in again.eligibility if r["code"] == "not-previous-awardee")
    assert rule["status"] == "failed"
    assert "2022" in rule["reason"]


def test_expert_order_follows_panel_ranking(jiaozuo, monkeypatch):
    campaign, award, noms, _office = jiaozuo
    assert [n.pk for n in selectors.expert_order(award)] == [n.pk for n in noms]
    Panel.objects.create(campaign=campaign, award=award, name="综合评审组", size=5)
    rows = [
        SimpleNamespace(rank=1, nomination=noms[2]),
        SimpleNamespace(rank=2, nomination=noms[0]),
    ]
    monkeypatch.setattr(selectors, "ranking_table", lambda panel: SimpleNamespace(rows=rows))
    order = [n.pk for n in selectors.expert_order(award)]
    assert order[:2] == [noms[2].pk, noms[0].pk]
    assert set(order[2:]) == {noms[1].pk, noms[3].pk}


def test_publish_refused_before_the_social_notice(jiaozuo):
    """seed 002 四(五)-(六): 公示5个工作日 … 根据公示情况确定最终人选."""
    campaign, award, noms, office = jiaozuo
    lst = services.propose_list(campaign, award, nominations=[noms[0].pk], actor=office)
    services.approve_list(lst, actor=office, **MEETING)

    with pytest.raises(services.DecisionError) as excinfo:
        services.publish_decision(
            campaign,
            number="焦工发〔2018〕10号",
            title="决定",
            issued_on=dt.date(2018, 9, 10),
            actor=office,
        )

    assert "公示无异议" in str(excinfo.value)
    assert not PastAwardee.objects.filter(campaign=campaign).exists()
