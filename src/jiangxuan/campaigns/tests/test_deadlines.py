"""Deadlines per unit: internal deadlines no later than the parent's, and extensions by
the campaign office with a reason (issue 3; seed 000 转发通知)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.campaigns import services
from jiangxuan.campaigns.selectors import deadline_for, window_state
from jiangxuan.core.models import AuditEntry

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


def member(unit, role=Role.CLERK, campaign=None):
    user = User.objects.create_user(f"u{User.objects.count()}", password="x")
    Membership.objects.create(user=user, org_unit=unit, role=role, campaign=campaign)
    return user


@pytest.fixture
def changchun(seed_campaign):
    return seed_campaign("001")


def test_internal_deadline_binds_the_subtree(changchun, orgs):
    county = orgs["cc-chaoyang-hrss"]
    services.set_internal_deadline(
        changchun, county, closes_at=at(2022, 10, 25, 12), actor=member(county)
    )

    workplace = orgs["cc-huarui-machinery"]
    other = orgs["cc-yatai-heat"]
    with time_machine.travel(at(2022, 10, 25, 12, 0, 1), tick=False):
        assert (window_state(changchun, workplace), window_state(changchun, other)) == (
            "closed",
            "open",
        )
    assert deadline_for(changchun, county) == at(2022, 10, 25, 12)


def test_internal_deadline_cannot_be_later_than_the_parents(changchun, orgs):
    county = orgs["cc-chaoyang-hrss"]
    with pytest.raises(services.DeadlineError) as excinfo:
        services.set_internal_deadline(
            changchun, county, closes_at=at(2022, 10, 27, 12), actor=member(county)
        )
    assert "2022-10-26 23:59" in excinfo.value.message


def test_only_the_unit_sets_its_deadline(changchun, orgs):
    with pytest.raises(PermissionDenied):
        services.set_internal_deadline(
            changchun,
            orgs["cc-chaoyang-hrss"],
            closes_at=at(2022, 10, 25),
            actor=member(orgs["cc-nanguan-hrss"]),
        )


def test_office_extends_one_unit_with_a_reason(changchun, orgs):
    office = member(orgs["cc-hrss"], Role.CAMPAIGN_OFFICE, changchun)
    county = orgs["cc-chaoyang-hrss"]

    with pytest.raises(services.DeadlineError):
        services.extend_deadline(
            changchun, county, closes_at=at(2022, 10, 28, 17), reason=" ", actor=office
        )
    services.extend_deadline(
        changchun, county, closes_at=at(2022, 10, 28, 17), reason="受疫情影响延期", actor=office
    )

    with time_machine.travel(at(2022, 10, 27, 10), tick=False):
        assert window_state(changchun, orgs["cc-huarui-machinery"]) == "open"
        assert window_state(changchun, orgs["cc-yatai-heat"]) == "closed"
    entry = AuditEntry.objects.filter(action="campaign.extend_deadline").get()
    assert entry.after["reason"] == "受疫情影响延期"


def test_clerk_cannot_extend(changchun, orgs):
    with pytest.raises(PermissionDenied):
        services.extend_deadline(
            changchun,
            orgs["cc-chaoyang-hrss"],
            closes_at=at(2022, 10, 30),
            reason="请求延期",
            actor=member(orgs["cc-chaoyang-hrss"]),
        )
