"""Fixtures for the portal tests: the seed campaigns with a running notice of seed 000
and a published decision of seed 002."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.steps import override_step
from jiangxuan.decisions.tests.conftest import (
    MEETING,
    approved,
    hold_social_notices,
    user_with_role,
)
from jiangxuan.notices import services as notice_services
from jiangxuan.notices.tests.factories import NomineeFactory

SH = ZoneInfo("Asia/Shanghai")
#: During seed 000's workplace notice (2021-09-30 to 2021-10-12).
DURING_NOTICE = dt.datetime(2021, 10, 8, 10, tzinfo=SH)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Pages and their versions are cached; each test starts from an empty cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def jilin_office(all_seed_campaigns):
    """A campaign-office user of seed 000."""
    campaign = all_seed_campaigns["000"]
    return user_with_role(campaign.organizer_unit.code, Role.CAMPAIGN_OFFICE, campaign=campaign)


@pytest.fixture
def nominees(all_seed_campaigns, orgs):
    """Three 吉林工匠 nominees (with ID number, phone and bank account on file): two
    consented to publication, one did not."""
    return [
        NomineeFactory(
            campaign=all_seed_campaigns["000"],
            nominating_unit=orgs["cc-union"],
            workplace=orgs["cc-huarui-machinery"],
            name=name,
            publication_consent=consent,
            bank_account="6214830100000000123",
        )
        for name, consent in (("王建国", True), ("李秀英", True), ("赵不同意", False))
    ]


@pytest.fixture
def notice(all_seed_campaigns, jilin_office, nominees, orgs):
    """The running workplace notice of seed 000, 2021-09-30 to 2021-10-12."""
    return notice_services.open_public_notice(
        all_seed_campaigns["000"],
        stage="workplace",
        body=orgs["cc-union"],
        nominations=nominees,
        starts_on=dt.date(2021, 9, 30),
        actor=jilin_office,
    )


@pytest.fixture
def decision(all_seed_campaigns):
    """Seed 002's published decision (3 awardees, 1 finalist) after its social notices."""
    from jiangxuan.decisions import services

    campaign = all_seed_campaigns["002"]
    award = campaign.awards.get(code="jiaozuo-gongjiang")
    noms = approved(campaign, "002", "jiaozuo-gongjiang", 4)
    office = user_with_role("jz-union", Role.CAMPAIGN_OFFICE, campaign=campaign)
    # Approved by hand without the expert review (四(三)) before the leading group (四(四)):
    # the office moves on with a recorded reason (issue 13).
    override_step(
        campaign, "leading_group_approval", reason="专家评审不在本测试范围内", actor=office
    )
    approval = services.propose_list(
        campaign, award, nominations=[n.pk for n in noms[:3]], finalists=[noms[3].pk], actor=office
    )
    services.approve_list(approval, actor=office, **MEETING)
    hold_social_notices(campaign, office)
    return services.publish_decision(
        campaign,
        number="焦工发〔2018〕10号",
        title="关于命名表彰首届焦作工匠的决定",
        issued_on=dt.date(2018, 9, 10),
        actor=office,
    )
