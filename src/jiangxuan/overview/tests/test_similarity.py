"""Near-duplicate 事迹材料 (issue 13): a narrative copied between two nominations, or from an
earlier edition of the same title, is flagged for the office with the shared passages;
different narratives, drafts and short texts are not."""

import pytest
from django.urls import reverse

from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.services import load_campaign
from jiangxuan.conftest import seed_spec_path
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination
from jiangxuan.nominations.tests.factories import NominationFactory

from ..similarity import similar_narratives

pytestmark = pytest.mark.django_db

STORY = (
    "该同志扎根数控加工一线二十年，先后攻克航空发动机叶片精密加工、薄壁零件变形控制等"
    "技术难题十二项，自主设计专用夹具三十余套，使产品合格率由百分之八十五提高到百分之九十九，"
    "每年为企业节约成本四百余万元。他总结的“五步定位操作法”在全省同行业推广应用，"
    "带出高级技师八名、技师十五名，其中三人获得省级技术能手称号，为企业培养了一支过硬的技能人才队伍。"
)
#: The same story re-punctuated, with the numbers of apprentices changed.
COPY = STORY.replace("，", "、").replace("八名", "六名").replace("十五名", "十名")
OTHER = (
    "她在公交驾驶岗位工作十八年，安全行驶一百二十万公里无事故，首创“温馨服务十步法”，"
    "组织车队开展节油技术攻关，年节约燃油六万升；创建劳模创新工作室，培训新驾驶员三百余人，"
    "所在线路连续五年被评为市级文明线路，乘客满意率始终保持在百分之九十八以上。"
)


def _nominee(campaign, text: str, state=NominationState.SUBMITTED) -> Nomination:
    n = NominationFactory.create(campaign=campaign, state=state)
    Nomination.objects.filter(pk=n.pk).update(achievement_narrative=text, achievement_summary="")
    return Nomination.objects.get(pk=n.pk)


def test_a_copied_narrative_is_flagged_with_its_shared_passages(jilin):
    first, copy = _nominee(jilin, STORY), _nominee(jilin, COPY)
    _nominee(jilin, OTHER)
    _nominee(jilin, STORY, state=NominationState.DRAFT)
    _nominee(jilin, STORY[:60])

    (pair,) = similar_narratives(jilin)

    assert {pair.first, pair.second} == {first, copy}
    assert pair.percent >= 60
    assert not pair.earlier
    assert any("五步定位操作法" in passage for passage in pair.passages)


def test_a_narrative_copied_from_an_earlier_edition_is_flagged(jilin):
    text = seed_spec_path("000").read_text(encoding="utf-8")
    earlier = load_campaign(
        text.replace("code: jilin-gongjiang-2021", "code: jilin-gongjiang-2019").replace(
            "year: 2021", "year: 2019"
        ),
        source="000.yaml",
        state=CampaignState.PUBLISHED,
    )
    old = _nominee(earlier, STORY, state=NominationState.APPROVED)
    new = _nominee(jilin, COPY)

    (pair,) = similar_narratives(jilin)

    assert (pair.first, pair.second, pair.earlier) == (new, old, True)


def test_the_office_sees_the_pairs_and_a_clerk_does_not(client, jilin, office, clerk):
    _nominee(jilin, STORY)
    _nominee(jilin, COPY)
    url = reverse("overview:similar", args=[jilin.code])

    client.force_login(office)
    page = client.get(url).content.decode()
    assert "相似度" in page
    assert "五步定位操作法" in page

    client.force_login(clerk)
    assert client.get(url).status_code == 404


def test_the_api_lists_the_pairs_for_the_office_only(client, jilin, office, leader):
    first, copy = _nominee(jilin, STORY), _nominee(jilin, COPY)
    url = f"/api/v1/campaigns/{jilin.code}/similar-narratives"

    client.force_login(office)
    (pair,) = client.get(url).json()
    assert {pair["first"], pair["second"]} == {first.pk, copy.pk}
    assert pair["similarity"] >= 60

    client.force_login(leader)
    assert client.get(url).status_code == 404
