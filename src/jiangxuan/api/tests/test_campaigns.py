"""Campaigns, quotas, organizations and the current user through the API."""

import pytest

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.enums import CampaignState

pytestmark = pytest.mark.django_db


def test_list_campaigns_published_only(seed_campaign, clerk, api_as, in_window):
    seed_campaign("001")
    seed_campaign("002", state=CampaignState.DRAFT)

    response = api_as(clerk).get("/campaigns")

    assert response.status_code == 200
    assert [(c["code"], c["state"]) for c in response.json()] == [
        ("changchun-jineng-2022", "published")
    ]


def test_get_campaign_detail_with_window_for_users_unit(campaign, clerk, api_as):
    body = api_as(clerk).get(f"/campaigns/{campaign.code}").json()

    assert body["title"] == "第三届长春技能大奖和长春技术能手评选"
    assert [(a["code"], a["count"], a["prize_yuan"]) for a in body["awards"]] == [
        ("jineng-dajiang", 10, 10000),
        ("jishu-nengshou", 10, 5000),
    ]
    assert body["window"] == {
        "state": "open",
        "state_label": "正在受理",
        "opens_at": "2022-10-24T00:00:00+08:00",
        "deadline": "2022-10-26T23:59:59+08:00",
        "unit": {
            "id": body["window"]["unit"]["id"],
            "code": "cc-huarui-machinery",
            "name": "长春华锐精密机械有限公司",
        },
    }
    assert body["timeline"]["submission"]["refuse_early"] is True
    assert body["specification"]["code"] == campaign.code
    assert body["specification"]["form"]["title"] == "长春技能大奖（长春技术能手）候选人推荐表"


def test_get_campaign_draft_hidden_from_clerk_404(seed_campaign, clerk, api_as, in_window):
    seed_campaign("001", state=CampaignState.DRAFT)

    assert api_as(clerk).get("/campaigns/changchun-jineng-2022").status_code == 404


def test_quotas_default_to_users_nominating_unit(campaign, clerk, api_as):
    body = api_as(clerk).get(f"/campaigns/{campaign.code}/quotas").json()

    assert body["unit"]["code"] == "cc-chaoyang-hrss"
    assert [
        (q["category_name"], q["award"], q["used"], q["maximum"], q["full"]) for q in body["quotas"]
    ] == [
        ("各县（市）区人社部门", "jineng-dajiang", 0, 3, False),
        ("各县（市）区人社部门", "jishu-nengshou", 0, 3, False),
    ]


def test_quotas_of_named_unit_in_scope(campaign, office, api_as):
    body = api_as(office).get(f"/campaigns/{campaign.code}/quotas", unit="cc-transport").json()

    assert body["unit"]["code"] == "cc-transport"
    assert [(q["category"], q["award"], q["maximum"]) for q in body["quotas"]] == [
        ("city-departments", "jineng-dajiang", 2),
        ("city-departments", "jishu-nengshou", 2),
    ]


def test_quotas_for_unit_outside_scope_404(campaign, clerk, api_as):
    response = api_as(clerk).get(f"/campaigns/{campaign.code}/quotas", unit="cc-nanguan-hrss")

    assert response.status_code == 404


def test_organizations_clerk_sees_own_unit_only(clerk, api_as):
    body = api_as(clerk).get("/organizations").json()

    assert [(u["code"], u["parent"], u["level"]) for u in body] == [
        ("cc-huarui-machinery", None, "workplace")
    ]


def test_organizations_district_bureau_sees_district_in_tree_order(reviewer, api_as):
    body = api_as(reviewer).get("/organizations").json()

    assert [(u["code"], u["parent"]) for u in body] == [
        ("cc-chaoyang", None),
        ("cc-jdyy", "cc-chaoyang"),
        ("cc-huarui-machinery", "cc-chaoyang"),
        ("cc-chaoyang-hrss", "cc-chaoyang"),
        ("cc-chaoyang-union", "cc-chaoyang"),
    ]
    district = body[0]
    assert (district["kind"], district["kind_label"], district["division_code"]) == (
        "region",
        "行政区",
        "220104",
    )


def test_me_lists_roles_and_units(make_user, campaign, api_as):
    user = make_user("cc-huarui-machinery")
    from jiangxuan.accounts.models import Membership

    Membership.objects.create(
        user=user, org_unit=user.memberships.get().org_unit, role=Role.REVIEWER, campaign=campaign
    )

    body = api_as(user).get("/me").json()

    assert body["display_name"] == user.display_name
    assert sorted((r["role"], r["role_label"], r["campaign"]) for r in body["roles"]) == [
        ("clerk", "推荐单位经办人", None),
        ("reviewer", "审核人", campaign.code),
    ]
    assert [u["code"] for u in body["units"]] == ["cc-huarui-machinery"]
