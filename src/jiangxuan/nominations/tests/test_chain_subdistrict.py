"""A level below the county (街道, 乡镇, 产业功能区, 园区: ``subdistrict``) in the review
chain: the street's union signs, holds its own notice and forwards to the county; a
workplace directly under the county has no street and skips the level (issue 12.4).

The chain is seed 001's with its 推荐单位 level replaced by 街道 → 县（市）区: workplace →
subdistrict → county → city. The street lies under 朝阳区 in an org file loaded as the
``loadorgs`` command loads one.
"""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied

from jiangxuan.accounts.models import OrgUnit
from jiangxuan.accounts.services import load_org_tree
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.services import load_campaign
from jiangxuan.conftest import seed_spec_path
from jiangxuan.nominations import review
from jiangxuan.nominations.chain import bodies_at, level_named, levels_for
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Decision
from jiangxuan.nominations.workflow import InvalidTransition
from jiangxuan.notices import services as notices
from jiangxuan.notices.enums import NoticeState

from .chain_helpers import ChainRun, at, clearances, forwardings

pytestmark = pytest.mark.django_db

STREET_ORGS = """
orgs:
  - code: jilin
    name: 吉林省
    kind: region
    level: province
    division_code: "220000"
    children:
      - code: changchun
        name: 长春市
        kind: region
        level: city
        division_code: "220100"
        children:
          - code: cc-chaoyang
            name: 朝阳区
            kind: region
            level: county
            division_code: "220104"
            children:
              - code: cc-qianjin
                name: 前进街道
                kind: region
                level: subdistrict
                children:
                  - code: cc-qianjin-union
                    name: 长春市朝阳区前进街道总工会
                    kind: union
                    level: subdistrict
                    governs_region: true
                  - code: cc-qianjin-tools
                    name: 长春前进精工工具有限公司
                    kind: enterprise
                    level: workplace
                    ownership_type: 私营企业
"""

#: Replaces seed 001's 推荐单位 level.
STREET_AND_COUNTY = """\
    - code: subdistrict
      name: 街道（园区）工会推荐
      level: subdistrict
      signers: [union]
      seal_labels: [街道（园区）总工会意见]
      notice:
        name: 街道公示
        days: 5
        day_unit: working
      ranks: true
    - code: county
      name: 县（市）区人社局评审
      level: county
      signers: [hr_bureau]
      seal_labels: [县级人社部门推荐意见]
      skipped_by_direct: true
"""


@pytest.fixture
def street(orgs, tmp_path):
    """The street 前进街道 under 朝阳区, its union and an enterprise, loaded from a file;
    returns every unit afresh (the new street shifted its siblings' paths)."""
    path = tmp_path / "street.yaml"
    path.write_text(STREET_ORGS, encoding="utf-8")
    load_org_tree(path)
    return {unit.code: unit for unit in OrgUnit.objects.all()}


@pytest.fixture
def campaign(street):
    """Seed 001 with the chain workplace → subdistrict → county → city, published."""
    text = seed_spec_path("001").read_text(encoding="utf-8")
    # The chain, not the documents sent with each forward, is under test here: the
    # seed's forward documents name the level this chain replaces.
    text = re.sub(r"  forward_documents:\n(?: {4}.*\n)*", "", text)
    start = text.index("    - code: nominating-unit\n")
    end = text.index("    - code: city\n")
    return load_campaign(
        text[:start] + STREET_AND_COUNTY + text[end:], state=CampaignState.PUBLISHED
    )


def test_street_union_signs_and_forwards_a_street_nominee_and_the_county_one_skips_it(
    campaign, street, nominate, complete
):
    union, county_bureau = street["cc-qianjin-union"], street["cc-chaoyang-hrss"]
    start = at(dt.date(2022, 10, 24), dt.time(10, 0))
    with ChainRun(campaign, nominate=nominate, complete=complete, start=start) as run:
        in_street = run.nominate(
            "jishu-nengshou", street["cc-qianjin-tools"], name="赵志强", skill_level="senior"
        )
        in_county = run.nominate(
            "jishu-nengshou", street["cc-huarui-machinery"], name="钱红梅", skill_level="senior"
        )
        ns = [in_street, in_county]
        assert [n.nominating_unit for n in ns] == [county_bureau, county_bureau]
        assert [lv.code for lv in levels_for(in_street)] == [
            "workplace",
            "subdistrict",
            "county",
            "city",
        ]
        assert [lv.code for lv in levels_for(in_county)] == ["workplace", "county", "city"]
        run.submit(ns)

        run.run_level(ns)
        assert [n.level for n in ns] == ["subdistrict", "county"]

        # At the street level the street's union signs; the county bureau waits its turn,
        # and the street union has no say on the county's own nominee.
        subdistrict = level_named(in_street, "subdistrict")
        assert subdistrict is not None
        assert bodies_at(in_street, subdistrict) == [("union", union)]
        with pytest.raises(InvalidTransition):
            review.sign_off(
                in_street,
                actor=run.reviewer(county_bureau),
                signer="hr_bureau",
                decision=Decision.APPROVE,
            )
        with pytest.raises(PermissionDenied):
            review.sign_off(
                in_county, actor=run.reviewer(union), signer="union", decision=Decision.APPROVE
            )
        run.sign([in_street])

        # The street union holds the street's notice itself, then forwards to the county.
        notice = notices.open_public_notice(
            campaign,
            stage="subdistrict",
            body=union,
            nominations=[in_street],
            starts_on=run.today() + dt.timedelta(days=1),
            actor=run.reviewer(union),
        )
        run.move_to(notice.ends_on + dt.timedelta(days=1))
        notices.close_public_notice(notice, actor=run.reviewer(union))
        assert notice.state == NoticeState.CLOSED
        run.forward([in_street])
        assert [n.level for n in ns] == ["county", "county"]

        run.run_level(ns)
        run.run_level(ns)

    assert [n.state for n in ns] == [NominationState.APPROVED] * 2
    assert [(level, body) for level, body, _rank in forwardings(in_street)] == [
        ("workplace", "cc-qianjin-tools"),
        ("subdistrict", "cc-qianjin-union"),
        ("county", "cc-chaoyang-hrss"),
        ("city", "cc-hrss"),
    ]
    assert [(level, body) for level, body, _rank in forwardings(in_county)] == [
        ("workplace", "cc-huarui-machinery"),
        ("county", "cc-chaoyang-hrss"),
        ("city", "cc-hrss"),
    ]
    assert clearances(in_street) == [("subdistrict", "notice"), ("workplace", "notice")]
    assert clearances(in_county) == [("workplace", "notice")]
