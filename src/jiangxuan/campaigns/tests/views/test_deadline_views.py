"""The unit-deadline page: the office extends with a reason; a body sets its own."""

import pytest

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.campaigns.models import UnitDeadline

pytestmark = pytest.mark.django_db


def member(unit, role, campaign=None):
    user = User.objects.create_user(f"d{User.objects.count()}", password="x")
    Membership.objects.create(user=user, org_unit=unit, role=role, campaign=campaign)
    return user


def test_office_extends_a_unit_and_a_missing_reason_keeps_the_input(client, seed_campaign, orgs):
    campaign = seed_campaign("001")
    client.force_login(member(orgs["cc-hrss"], Role.CAMPAIGN_OFFICE, campaign))
    url = f"/campaigns/{campaign.code}/deadlines/"
    unit = orgs["cc-chaoyang-hrss"]

    refused = client.post(url, {"unit": unit.pk, "closes_at": "2022-10-28T17:00", "reason": ""})
    assert refused.status_code == 400
    assert "请填写延期理由" in refused.content.decode()
    assert 'value="2022-10-28T17:00"' in refused.content.decode()

    done = client.post(
        url, {"unit": unit.pk, "closes_at": "2022-10-28T17:00", "reason": "系统故障延期"}
    )
    assert done.status_code == 302
    row = UnitDeadline.objects.get()
    assert (row.org_unit, row.kind, row.reason) == (unit, "extension", "系统故障延期")
    assert "系统故障延期" in client.get(url).content.decode()


def test_a_body_sets_an_earlier_deadline_for_its_subtree(client, seed_campaign, orgs):
    campaign = seed_campaign("001")
    county = orgs["cc-chaoyang-hrss"]
    client.force_login(member(county, Role.CLERK))
    url = f"/campaigns/{campaign.code}/deadlines/"

    late = client.post(url, {"unit": county.pk, "closes_at": "2022-10-30T17:00"})
    ok = client.post(url, {"unit": county.pk, "closes_at": "2022-10-25T12:00"})

    assert "不得晚于上级规定的 2022-10-26 23:59" in late.content.decode()
    assert ok.status_code == 302
    assert UnitDeadline.objects.get().kind == "internal"


def test_a_clerk_cannot_pick_another_unit(client, seed_campaign, orgs):
    campaign = seed_campaign("001")
    client.force_login(member(orgs["cc-chaoyang-hrss"], Role.CLERK))
    response = client.post(
        f"/campaigns/{campaign.code}/deadlines/",
        {"unit": orgs["cc-nanguan-hrss"].pk, "closes_at": "2022-10-25T12:00"},
    )
    assert response.status_code == 400
    assert UnitDeadline.objects.count() == 0
