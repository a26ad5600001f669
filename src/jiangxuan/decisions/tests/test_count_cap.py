"""The count a notice gives is a cap unless the notice says otherwise (issue 12): a list
with more awardees than the award's count is refused, unless the specification marks the
count as one that may be exceeded (“约”“左右”)."""

import pytest

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.services import load_campaign
from jiangxuan.campaigns.steps import first_approval_key, override_step
from jiangxuan.conftest import seed_spec_path
from jiangxuan.decisions import services
from jiangxuan.decisions.models import ApprovalList

from .conftest import approved, user_with_role

pytestmark = pytest.mark.django_db

AWARD = "jishu-nengshou"  # seed 001 一(二): 长春技术能手 10名


def _propose(campaign, count):
    award = campaign.awards.get(code=AWARD)
    noms = approved(campaign, "001", AWARD, count)
    office = user_with_role("cc-hrss", Role.CAMPAIGN_OFFICE, campaign=campaign)
    step = first_approval_key(campaign.specification)
    override_step(campaign, step, reason="审核链不在本组测试范围内", actor=office)
    return services.propose_list(campaign, award, nominations=[n.pk for n in noms], actor=office)


def test_more_awardees_than_the_count_are_refused(seed_campaign):
    campaign = seed_campaign("001")
    with pytest.raises(services.DecisionError) as excinfo:
        _propose(campaign, 11)
    assert "超过名额 10" in excinfo.value.message
    assert not ApprovalList.objects.exists()


def test_a_count_the_notice_marks_as_approximate_may_be_exceeded(seed_campaign):
    seed_campaign("001")
    text = seed_spec_path("001").read_text(encoding="utf-8")
    marker = "  - code: jishu-nengshou\n"
    assert marker in text
    text = text.replace(marker, marker + "    count_may_exceed: true\n", 1)
    campaign = load_campaign(text, source="001.yaml")

    approval_list = _propose(campaign, 11)

    assert approval_list.entries.count() == 11
