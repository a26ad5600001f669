"""Deadlines per unit: internal deadlines no later than the parent's, and extensions by
the campaign office with a reason (issue 3; seed 000 转发通知)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, OrgUnit, User
from jiangxuan.campaigns import services
from jiangxuan.campaigns.models import DeadlineKind, UnitDeadline
from jiangxuan.campaigns.selectors import (
    DeadlineBook,
    category_of,
    deadline_for,
    forward_deadline,
    window_state,
)
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


def test_deadline_book_answers_as_the_single_reads(changchun, seed_campaign, orgs):
    """The home page's batched read (DeadlineBook) gives every unit of two campaigns the
    same submission and forward deadlines as deadline_for and forward_deadline, with an
    internal deadline, an extension and the specifications' own deadlines in play."""
    jilin = seed_campaign("000")
    county = orgs["cc-chaoyang-hrss"]
    services.set_internal_deadline(
        changchun, county, closes_at=at(2022, 10, 25, 12), actor=member(county)
    )
    office = member(orgs["cc-hrss"], Role.CAMPAIGN_OFFICE, changchun)
    services.extend_deadline(
        changchun, county, closes_at=at(2022, 10, 28, 17), reason="受疫情影响延期", actor=office
    )
    UnitDeadline.objects.create(
        campaign=jilin,
        org_unit=orgs["cc-union"],
        kind=DeadlineKind.INTERNAL,
        closes_at=at(2021, 12, 1, 17),
        set_by=office,
    )
    root = orgs["jilin"]
    units = [root, *OrgUnit.objects.get_descendants(root)]
    book = DeadlineBook([changchun, jilin], [*units, None])

    differ = []
    for campaign in (changchun, jilin):
        spec = campaign.specification
        for unit in [*units, None]:
            if book.submission(campaign, unit) != deadline_for(campaign, unit):
                differ.append((campaign.code, unit, "submission"))
            if unit is None:
                continue
            category = category_of(unit, spec)
            assert book.category(campaign, unit) == category
            for level in spec.review_chain.levels:
                mine = book.forward(campaign, unit, level=level.code, category=category)
                if mine != forward_deadline(campaign, unit, level=level.code, category=category):
                    differ.append((campaign.code, unit, level.code))
    assert differ == []
    assert book.submission(changchun, county) == at(2022, 10, 28, 17)
    assert book.submission(jilin, orgs["cc-huarui-machinery"]) == at(2021, 12, 1, 17)


def test_deadline_book_reads_in_three_queries(
    changchun, seed_campaign, orgs, django_assert_num_queries
):
    jilin = seed_campaign("000")
    units = list(OrgUnit.objects.filter(level="workplace"))

    with django_assert_num_queries(3):
        book = DeadlineBook([changchun, jilin], units)
    with django_assert_num_queries(0):
        for unit in units:
            book.submission(changchun, unit)
            book.forward(jilin, unit, level="city", category=None)
