"""Fixtures for the decisions tests: approved nominations and office/finance users."""

import datetime as dt
import itertools
from typing import Any

import pytest

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, OrgUnit, User
from jiangxuan.campaigns.steps import override_step
from jiangxuan.nominations import services as nomination_services
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination
from jiangxuan.nominations.tests.conftest import judged_codes, make_id_number, person

_seq = itertools.count(1)
NAMES = ["李红军", "张卫东", "王秀英", "赵建华", "刘志强", "陈国庆", "杨明", "黄海"]
CLERK_UNIT = {
    "000": ("jl-expressway-group", "220102"),
    "001": ("cc-chaoyang-hrss", "220104"),
    "002": ("jz-jiefang-union", "410802"),
    "003": ("wh-huancui-fishing-gear", "220104"),  # python-stdnum lacks 威海's area codes
    "004": ("hrb-longjiang-construction", "230102"),
}


def user_with_role(unit_code: str, role: str, *, campaign=None) -> User:
    """A user holding ``role`` at ``unit_code`` (optionally tied to ``campaign``)."""
    user = User.objects.create_user(f"{role}-{unit_code}-{next(_seq)}", password="x")
    Membership.objects.create(
        user=user, org_unit=OrgUnit.objects.get(code=unit_code), role=role, campaign=campaign
    )
    return user


def approved(campaign, seed: str, award_code: str, count: int, *, id_numbers=None):
    """``count`` nominations of the award, arranged as approved by the review chain (ORM)."""
    unit, area = CLERK_UNIT[seed]
    clerk = user_with_role(unit, Role.CLERK)
    award = campaign.awards.get(code=award_code)
    result = []
    for i in range(count):
        nomination = nomination_services.create_nomination(
            campaign=campaign, award=award, actor=clerk
        )
        id_number = id_numbers[i] if id_numbers else make_id_number(area=area)
        nomination_services.save_nomination(
            nomination,
            actor=clerk,
            core=person(
                name=NAMES[i % len(NAMES)],
                id_number=id_number,
                phone=f"1391234{5600 + i:04d}",
                bank_account=f"62148301000{i:05d}",
                claimed_conditions=judged_codes(award.spec.eligibility),
            ),
            extra={},
            publication_consent=True,
        )
        result.append(nomination.pk)
    Nomination.objects.filter(pk__in=result).update(state=NominationState.APPROVED)
    return [Nomination.objects.get(pk=pk) for pk in result]


def hold_social_notices(campaign, office) -> None:
    """Run the campaign's social notices (steps of kind social_notice) over its approved
    nominations, in the past so that they can be closed at once."""
    from jiangxuan.notices import services as notices
    from jiangxuan.notices.selectors import stages_of

    candidates = list(Nomination.objects.filter(campaign=campaign, state=NominationState.APPROVED))
    for stage in stages_of(campaign.specification):
        if stage.is_level or stage.notice is None or not stage.key.startswith("social_notice"):
            continue
        notice = notices.open_public_notice(
            campaign,
            stage=stage.key,
            body=None,
            nominations=candidates,
            starts_on=dt.date(campaign.year, 9, 1),
            actor=office,
        )
        notices.close_public_notice(notice, actor=office)


MEETING: dict[str, Any] = {
    "held_on": dt.date(2018, 9, 1),
    "present": ["甲", "乙", "丙", "丁", "戊"],
    "votes_for": 3,
    "votes_against": 1,
    "votes_abstain": 1,
    "resolution": "审定通过。",
}


@pytest.fixture
def jiaozuo(seed_campaign):
    """Seed 002 with 4 approved nominees and an office user: ``(campaign, award, noms, office)``."""
    campaign = seed_campaign("002")
    award = campaign.awards.get(code="jiaozuo-gongjiang")
    noms = approved(campaign, "002", "jiaozuo-gongjiang", 4)
    office = user_with_role("jz-union", Role.CAMPAIGN_OFFICE, campaign=campaign)
    # The nominees are approved by hand, without the expert review (四(三)) the notice puts
    # before the leading group (四(四)): the office moves on with a recorded reason.
    override_step(
        campaign, "leading_group_approval", reason="专家评审不在本组测试范围内", actor=office
    )
    return campaign, award, noms, office


@pytest.fixture
def published(jiaozuo):
    """Seed 002 with an approved list (3 awardees, 1 finalist), published and certified."""
    from jiangxuan.decisions import services

    campaign, award, noms, office = jiaozuo
    lst = services.propose_list(
        campaign, award, nominations=[n.pk for n in noms[:3]], finalists=[noms[3].pk], actor=office
    )
    services.approve_list(lst, actor=office, **MEETING)
    hold_social_notices(campaign, office)
    decision = services.publish_decision(
        campaign,
        number="焦工发〔2018〕10号",
        title="关于命名表彰首届焦作工匠的决定",
        issued_on=dt.date(2018, 9, 10),
        actor=office,
    )
    services.issue_certificates(decision, actor=office)
    return campaign, award, noms, office, decision
