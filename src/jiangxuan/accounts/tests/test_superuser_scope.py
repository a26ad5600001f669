"""Issue 16.2: the platform administrator (a Django superuser) is not a superuser for
campaign data; only a membership gives a permission on a campaign's objects (三员分立)."""

import pytest
from django.test import Client

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(orgs):
    user = User.objects.create_superuser(username="root", password="x" * 12)
    Membership.objects.create(user=user, org_unit=orgs["jilin"], role=Role.PLATFORM_ADMIN)
    return user


def test_superuser_has_no_object_permission_on_a_campaign(admin, seed_campaign):
    campaign = seed_campaign("001")

    assert not admin.has_perm("campaigns.change_campaign", campaign)
    assert not admin.has_perm("notices.manage_notices", campaign)
    # Model permissions (the admin's configuration pages) stay.
    assert admin.has_perm("core.change_holidayyear")
    assert admin.has_perm("accounts.change_user")


def test_superuser_cannot_edit_a_campaigns_spec(admin, seed_campaign):
    campaign = seed_campaign("001")
    client = Client()
    client.force_login(admin)

    page = client.get(f"/campaigns/{campaign.code}/")

    assert page.status_code in (200, 404)
    if page.status_code == 200:
        assert page.context["can_edit_spec"] is False


def test_office_member_keeps_its_permission(orgs, seed_campaign):
    campaign = seed_campaign("001")
    office = User.objects.create_user(username="office", password="x" * 12)
    Membership.objects.create(
        user=office, org_unit=campaign.organizer_unit, role=Role.CAMPAIGN_OFFICE, campaign=campaign
    )

    assert office.has_perm("campaigns.change_campaign", campaign)
