"""The balance the organizers report on (issue 13): the nominees submitted and not ended,
split by sex, age band, skill level, industry, region and kind of unit, in seven queries (a
count per dimension, the regions)."""

import datetime as dt

import pytest
from django.urls import reverse

from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.tests.factories import NominationFactory

from ..selectors import campaign_balance

pytestmark = pytest.mark.django_db


def _nominee(campaign, workplace, state=NominationState.IN_REVIEW, **fields):
    n = NominationFactory.create(campaign=campaign, workplace=workplace, state=state)
    type(n).objects.filter(pk=n.pk).update(**fields)
    return n


@pytest.fixture
def nominees(jilin, orgs):
    """Three nominees counted (two men, one woman) and a draft and a withdrawn one that
    are not."""
    machinery, hospital = orgs["cc-huarui-machinery"], orgs["cc-jdyy"]
    common = {"industry": "制造业", "ownership_type": "私营企业"}
    _nominee(
        jilin,
        machinery,
        sex="男",
        birth_date=dt.date(1990, 1, 1),
        skill_level="technician",
        **common,
    )
    _nominee(
        jilin,
        machinery,
        sex="男",
        birth_date=dt.date(1970, 6, 1),
        skill_level="senior_technician",
        **common,
    )
    _nominee(
        jilin,
        hospital,
        state=NominationState.APPROVED,
        sex="女",
        birth_date=dt.date(1980, 3, 1),
        skill_level="technician",
        industry="卫生",
        ownership_type="",
    )
    _nominee(jilin, machinery, state=NominationState.DRAFT, sex="女")
    _nominee(jilin, machinery, state=NominationState.WITHDRAWN, sex="女")


def _table(tables, key):
    (table,) = [t for t in tables if t.key == key]
    return [(row.label, row.count, row.share) for row in table.rows]


def test_the_balance_counts_submitted_nominees_by_each_dimension(
    jilin, nominees, django_assert_num_queries
):
    # A count per dimension and the regions, whatever the number of nominees.
    with django_assert_num_queries(7):
        tables = campaign_balance(jilin, on=dt.date(2021, 12, 10))

    assert [t.title for t in tables] == [
        "性别",
        "年龄段",
        "技能等级",
        "所属行业",
        "所在地区",
        "单位性质",
    ]
    assert _table(tables, "sex") == [("男", 2, 66.7), ("女", 1, 33.3)]
    assert _table(tables, "age") == [
        ("35岁以下", 1, 33.3),
        ("35—44岁", 1, 33.3),
        ("45—54岁", 1, 33.3),
    ]
    assert _table(tables, "skill_level")[0][1:] == (2, 66.7)
    assert _table(tables, "industry") == [("制造业", 2, 66.7), ("卫生", 1, 33.3)]
    assert _table(tables, "ownership") == [("私营企业", 2, 66.7), ("未填写", 1, 33.3)]
    assert sum(count for _label, count, _share in _table(tables, "region")) == 3


def test_the_overview_page_shows_the_balance(client, jilin, nominees, office):
    client.force_login(office)

    html = client.get(reverse("overview:campaign", args=[jilin.code])).content.decode()

    assert "推荐对象结构" in html
    assert 'id="balance-sex"' in html
    assert '<th scope="row">男</th><td>2</td><td>66.7%</td>' in html


def test_the_api_gives_the_overview_and_its_balance(client, jilin, nominees, office, clerk):
    url = f"/api/v1/campaigns/{jilin.code}/overview"

    client.force_login(office)
    data = client.get(url).json()

    sex = next(t for t in data["balance"] if t["key"] == "sex")
    assert sex["rows"][0] == {"label": "男", "count": 2, "share": 66.7}
    assert data["live_count"] == 3
    assert data["columns"][0]["key"] == "draft"
    client.force_login(clerk)
    assert client.get(url).status_code == 404
