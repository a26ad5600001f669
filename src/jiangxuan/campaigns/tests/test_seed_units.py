"""Every sample workplace in a seed's region reaches the nominating unit its notice names."""

import pytest

from jiangxuan.accounts.models import OrgUnit
from jiangxuan.campaigns.selectors import nominating_unit_for

pytestmark = pytest.mark.django_db

EXPECTED = {
    "000": {
        "cc-huarui-machinery": "cc-union",
        "cc-faw": "cc-union",
        "jlc-chemical-fiber": "jlc-union",
        "yb-tobacco": "yb-union",
        "mhk-pharma": "mhk-union",
        "jl-expressway-group": "jl-szjg-union",
    },
    "001": {
        "cc-huarui-machinery": "cc-chaoyang-hrss",
        "cc-yatai-heat": "cc-nanguan-hrss",
        "cc-bus-group": "cc-transport",
        "cc-faw": "cc-faw",
        "cc-crrc": "cc-crrc",
        "cc-jixie-school": "cc-jixie-school",
    },
    "002": {
        "jz-dfd": "jz-zhongzhan-union",
        "jz-jiaomei-zhaogu": "jz-jiaomei-union",
        "jz-fengshen-tyre": "jz-industry-machinery-union",
        "jz-power-supply": "jz-power-supply",
    },
    "003": {
        # 联合推荐: the area's union or HR body, whichever sorts first among its bodies
        "wh-huancui-fishing-gear": {"wh-huancui-union", "wh-huancui-hrss"},
        "wh-torch-cnc": {"wh-torch-union", "wh-torch-innovation"},
        "wh-water-group": "wh-water-group",
        "wh-mech-society": "wh-mech-society",
    },
    "004": {
        "hrb-dongan-engine": "hrb-pingfang-union",
        "hrb-metro": "hrb-metro-union",
        "hrb-measuring-tools": "hrb-machinery-union",
        "hrb-longjiang-construction": "hrb-longjiang-construction",
    },
}


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_seed_workplaces_reach_their_nominating_unit(seed_campaign, number):
    spec = seed_campaign(number).specification
    for code, expected in EXPECTED[number].items():
        found = nominating_unit_for(OrgUnit.objects.get(code=code), spec).code
        allowed = expected if isinstance(expected, set) else {expected}
        assert found in allowed, (code, found)


def test_categories_stay_within_the_campaign_region(seed_campaign):
    """seed 001 附件1 addresses 长春's county HR bureaus only, not 吉林市's."""
    from jiangxuan.campaigns.selectors import category_of

    spec = seed_campaign("001").specification
    inside = OrgUnit.objects.get(code="cc-chaoyang-hrss")
    outside = OrgUnit.objects.get(code="jlc-changyi-hrss")

    assert category_of(inside, spec).code == "county-hrss"
    assert category_of(outside, spec) is None
    assert nominating_unit_for(OrgUnit.objects.get(code="jlc-chemical-fiber"), spec) is None
