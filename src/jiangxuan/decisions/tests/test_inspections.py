"""The approval list reads the site inspections (seed 004 三(三)2 and 三(四)): a failed
inspection keeps a nominee off the list; concerns and missing inspections are warnings."""

import datetime as dt

import pytest

from jiangxuan.campaigns.steps import override_step
from jiangxuan.decisions import services
from jiangxuan.experts import services as experts
from jiangxuan.experts import services_inspections as inspections
from jiangxuan.experts.enums import MemberRole
from jiangxuan.experts.models import InspectionOutcome, PanelMember
from jiangxuan.experts.tests.draw_setup import ExpertFactory, nominee, office_of


@pytest.fixture
def harbin(seed_campaign):
    """Seed 004 with three approved nominees, a drawn panel and an office user."""
    campaign = seed_campaign("004")
    office = office_of(campaign)
    nominees = [
        nominee(campaign, workplace="hrb-dongan-engine", nominating_unit="hrb-pingfang-union")
        for _ in range(3)
    ]
    ExpertFactory.create_batch(4)
    panel = experts.create_panel(campaign, name="考察组", size=2, actor=office)
    experts.draw_panel(panel, seed="7", seed_source="掷骰", witnesses=["王某"], actor=office)
    members = list(PanelMember.objects.filter(panel=panel).exclude(role=MemberRole.RESERVE))
    # The panel's scoring is not part of these tests; the list (三(三)2 最后提出建议名单)
    # comes after it, so the office moves on with a recorded reason (issue 13).
    override_step(campaign, "leading_group_approval", reason="只测实地考察", actor=office)
    return campaign, campaign.awards.get(), nominees, office, panel, members


def _inspect(harbin, nomination, outcome):
    _campaign, _award, _nominees, office, panel, members = harbin
    inspection = inspections.schedule_inspection(
        panel,
        nomination,
        scheduled_for=dt.datetime(2021, 10, 12, 9, 30),
        place="哈尔滨市平房区",
        inspectors=members,
        actor=office,
    )
    inspections.record_inspection(inspection, findings="考察情况", outcome=outcome, actor=office)


def test_propose_list_refuses_a_nominee_whose_inspection_failed(harbin):
    campaign, award, nominees, office, _panel, _members = harbin
    _inspect(harbin, nominees[0], InspectionOutcome.PASS)
    _inspect(harbin, nominees[1], InspectionOutcome.FAIL)

    with pytest.raises(services.DecisionError) as excinfo:
        services.propose_list(
            campaign, award, nominations=[nominees[0].pk, nominees[1].pk], actor=office
        )

    assert excinfo.value.message == f"以下人选实地考察未通过，不能列入名单：{nominees[1].name}。"
    assert list(award.campaign.approval_lists.all()) == []


def test_propose_list_warns_of_concerns_and_missing_inspections(harbin):
    campaign, award, nominees, office, _panel, _members = harbin
    _inspect(harbin, nominees[0], InspectionOutcome.PASS)
    _inspect(harbin, nominees[1], InspectionOutcome.CONCERNS)

    approval_list = services.propose_list(
        campaign, award, nominations=[n.pk for n in nominees], actor=office
    )

    assert approval_list.warnings[:2] == [
        f"以下人选实地考察存在问题，请在审定时研究：{nominees[1].name}。",
        f"以下人选尚未完成实地考察：{nominees[2].name}。",
    ]
    assert [e.nomination_id for e in approval_list.entries.order_by("rank")] == [
        n.pk for n in nominees
    ]


def test_a_later_passed_inspection_clears_a_failed_one(harbin):
    campaign, award, nominees, office, _panel, _members = harbin
    _inspect(harbin, nominees[0], InspectionOutcome.FAIL)
    _inspect(harbin, nominees[0], InspectionOutcome.PASS)

    approval_list = services.propose_list(
        campaign, award, nominations=[nominees[0].pk], actor=office
    )

    assert [e.nomination_id for e in approval_list.entries.all()] == [nominees[0].pk]
