"""The factories for org units, campaigns and panels make valid rows without the seed files."""

import pytest

from jiangxuan.accounts.enums import OrgKind, OrgLevel
from jiangxuan.accounts.models import OrgUnit
from jiangxuan.accounts.tests.factories import OrgUnitFactory
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.models import AuditEntry
from jiangxuan.experts.models import Panel
from jiangxuan.experts.tests.factories import PanelFactory

from .factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_org_unit_factory_builds_a_valid_tree():
    city = OrgUnitFactory(kind=OrgKind.REGION, level=OrgLevel.CITY, name="测试市")
    bureau = OrgUnitFactory(parent=city, kind=OrgKind.HR_BUREAU, level=OrgLevel.CITY)
    works = OrgUnitFactory(parent=city)

    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])
    assert [u.code for u in OrgUnit.objects.get_children(OrgUnit.objects.get(pk=city.pk))] == [
        bureau.code,
        works.code,
    ]
    assert works.kind == OrgKind.ENTERPRISE
    assert works.level == OrgLevel.WORKPLACE


def test_campaign_factory_loads_a_valid_published_campaign():
    campaign = CampaignFactory(awards=["grand", "expert"])

    assert campaign.state == CampaignState.PUBLISHED
    assert campaign.organizer_unit.kind == OrgKind.HR_BUREAU
    assert [a.code for a in campaign.awards.order_by("position")] == ["grand", "expert"]
    spec = campaign.specification
    assert spec.code == campaign.code
    assert [lv.code for lv in spec.review_chain.levels] == ["workplace", "city"]
    assert (
        AuditEntry.objects.filter(action="campaign.load", object_id=str(campaign.pk)).count() == 1
    )


def test_campaign_factory_state_and_organizer():
    unit = OrgUnitFactory(kind=OrgKind.HR_BUREAU, level=OrgLevel.CITY)
    draft = CampaignFactory(state=CampaignState.DRAFT, organizer_unit=unit)

    assert Campaign.objects.get(pk=draft.pk).state == CampaignState.DRAFT
    assert draft.organizer_unit == unit


def test_panel_factory_makes_a_panel_of_a_new_campaign():
    panel = PanelFactory()
    other = PanelFactory(campaign=panel.campaign, size=3, reserves=0)

    assert list(Panel.objects.filter(campaign=panel.campaign).order_by("pk")) == [panel, other]
    assert (panel.size, panel.reserves, panel.mix, panel.award) == (5, 2, {}, None)
    assert (other.size, other.reserves) == (3, 0)
