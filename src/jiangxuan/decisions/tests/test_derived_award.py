"""An award chosen among another award's awardees of the same edition (issue 12, point 3):
nobody is nominated for it, its list is drawn from the approved list of its source award,
and a laureate of both receives two certificates.

A fictional variant of seed 002: "焦作工匠之星" (2) chosen among the year's 焦作工匠.
"""

import pytest
from django.core.exceptions import PermissionDenied

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.selectors import nominable_awards
from jiangxuan.campaigns.services import load_campaign
from jiangxuan.campaigns.spec import SpecError, parse_spec
from jiangxuan.campaigns.steps import override_step
from jiangxuan.conftest import seed_spec_path
from jiangxuan.decisions import selectors, services
from jiangxuan.decisions.models import Certificate
from jiangxuan.nominations import services as nomination_services
from jiangxuan.nominations.workflow import NominationError

from .conftest import MEETING, approved, hold_social_notices, user_with_role

pytestmark = pytest.mark.django_db

STAR = """  - code: jiaozuo-star
    name: 焦作工匠之星
    series: jiaozuo-star
    count: 2
    derived_from: {award: jiaozuo-gongjiang, source: 测试条款}

"""


def jiaozuo_text(star: str = STAR) -> str:
    text = seed_spec_path("002").read_text(encoding="utf-8")
    marker = "\ntimeline:\n"
    assert marker in text
    return text.replace(marker, "\n" + star + "timeline:\n", 1)


@pytest.fixture
def jiaozuo_star(orgs):
    campaign = load_campaign(jiaozuo_text(), source="002.yaml", state=CampaignState.PUBLISHED)
    office = user_with_role("jz-union", Role.CAMPAIGN_OFFICE, campaign=campaign)
    noms = approved(campaign, "002", "jiaozuo-gongjiang", 3)
    override_step(
        campaign, "leading_group_approval", reason="专家评审不在本组测试范围内", actor=office
    )
    return campaign, office, noms


def test_nobody_is_nominated_for_a_derived_award(jiaozuo_star):
    campaign, _office, _noms = jiaozuo_star
    star = campaign.awards.get(code="jiaozuo-star")
    clerk = user_with_role("jz-jiefang-union", Role.CLERK)

    assert [a.code for a in nominable_awards(campaign)] == ["jiaozuo-gongjiang"]
    with pytest.raises(NominationError) as refused:
        nomination_services.create_nomination(campaign=campaign, award=star, actor=clerk)
    assert refused.value.field == "award"
    assert "从本届“焦作工匠”的获奖人选中产生" in refused.value.message


def test_the_star_list_waits_for_the_main_list_and_draws_from_its_awardees(jiaozuo_star):
    campaign, office, noms = jiaozuo_star
    main = campaign.awards.get(code="jiaozuo-gongjiang")
    star = campaign.awards.get(code="jiaozuo-star")

    with pytest.raises(services.DecisionError) as early:
        services.propose_list(campaign, star, nominations=[noms[0].pk], actor=office)
    assert early.value.code == "conflict"
    assert "请先审定“焦作工匠”名单" in early.value.message

    main_list = services.propose_list(
        campaign, main, nominations=[n.pk for n in noms[:2]], finalists=[noms[2].pk], actor=office
    )
    services.approve_list(main_list, actor=office, **MEETING)
    assert set(selectors.candidates(star)) == {noms[0], noms[1]}

    with pytest.raises(services.DecisionError) as finalist:
        services.propose_list(campaign, star, nominations=[noms[2].pk], actor=office)
    assert "不在“焦作工匠”已审定的获奖名单中" in finalist.value.message

    star_list = services.propose_list(campaign, star, nominations=[noms[1].pk], actor=office)
    services.approve_list(star_list, actor=office, **MEETING)
    hold_social_notices(campaign, office)
    decision = services.publish_decision(
        campaign,
        number="焦工发〔2018〕10号",
        title="关于命名表彰首届焦作工匠的决定",
        issued_on=MEETING["held_on"],
        actor=office,
    )
    services.issue_certificates(decision, actor=office)

    awards_of_second = Certificate.objects.filter(nomination=noms[1]).values_list(
        "award__code", flat=True
    )
    assert sorted(awards_of_second) == ["jiaozuo-gongjiang", "jiaozuo-star"]
    assert Certificate.objects.filter(nomination=noms[0]).count() == 1


def test_a_derived_award_needs_a_real_source_and_no_more_places_than_it():
    wrong = STAR.replace("award: jiaozuo-gongjiang", "award: jiaozuo-star").replace(
        "count: 2", "count: 25"
    )
    with pytest.raises(SpecError) as refused:
        parse_spec(jiaozuo_text(wrong), "x.yaml")
    assert any(
        "awards[1].derived_from.award：没有可作来源的奖项 jiaozuo-star（可选：jiaozuo-gongjiang）"
        in m
        for m in refused.value.messages
    )

    too_many = STAR.replace("count: 2", "count: 25")
    with pytest.raises(SpecError) as refused:
        parse_spec(jiaozuo_text(too_many), "x.yaml")
    assert any(
        "awards[1].count：名额 25 多于其来源奖项 jiaozuo-gongjiang 的名额 20" in m
        for m in refused.value.messages
    )


def test_only_the_office_proposes_a_derived_list(jiaozuo_star):
    campaign, _office, noms = jiaozuo_star
    star = campaign.awards.get(code="jiaozuo-star")
    clerk = user_with_role("jz-jiefang-union", Role.CLERK)

    with pytest.raises(PermissionDenied):
        services.propose_list(campaign, star, nominations=[noms[0].pk], actor=clerk)
