"""API: unit deadlines (internal ones and the office's extensions)."""

import pytest

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.campaigns.models import UnitDeadline

pytestmark = pytest.mark.django_db


def member(unit, role, campaign=None):
    user = User.objects.create_user(f"a{User.objects.count()}", password="x")
    Membership.objects.create(user=user, org_unit=unit, role=role, campaign=campaign)
    return user


def test_office_extension_needs_a_reason(client, seed_campaign, orgs):
    campaign = seed_campaign("001")
    client.force_login(member(orgs["cc-hrss"], Role.CAMPAIGN_OFFICE, campaign))
    url = f"/api/v1/campaigns/{campaign.code}/deadlines"
    unit = orgs["cc-chaoyang-hrss"].pk
    client.cookies["csrftoken"] = "x" * 32
    headers = {"HTTP_X_CSRFTOKEN": "x" * 32}

    refused = client.post(
        url,
        {"unit_id": unit, "closes_at": "2022-10-28T17:00:00+08:00"},
        content_type="application/json",
        **headers,
    )
    created = client.post(
        url,
        {"unit_id": unit, "closes_at": "2022-10-28T17:00:00+08:00", "reason": "系统故障"},
        content_type="application/json",
        **headers,
    )

    assert (refused.status_code, refused.json()["errors"]) == (
        400,
        {"reason": ["请填写延期理由。"]},
    )
    assert created.status_code == 201
    assert created.json()["effective"] == "2022-10-28T17:00:00+08:00"
    listed = client.get(url).json()
    assert [(d["kind"], d["reason"]) for d in listed] == [("extension", "系统故障")]


def test_unit_outside_the_clerks_memberships_is_404(client, seed_campaign, orgs):
    campaign = seed_campaign("001")
    client.force_login(member(orgs["cc-chaoyang-hrss"], Role.CLERK))
    client.cookies["csrftoken"] = "x" * 32
    response = client.post(
        f"/api/v1/campaigns/{campaign.code}/deadlines",
        {"unit_id": orgs["cc-nanguan-hrss"].pk, "closes_at": "2022-10-25T12:00:00+08:00"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN="x" * 32,
    )
    assert response.status_code == 404
    assert UnitDeadline.objects.count() == 0
