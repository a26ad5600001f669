"""Fixtures for the notices tests: seed campaigns, their offices and nominees."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership

from .factories import NomineeFactory, UserFactory

SH = ZoneInfo("Asia/Shanghai")

#: Patterns that must never appear on a public page or in its JSON (docs/security.md check 21).
ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
BANK_RE = re.compile(r"(?<!\d)\d{12,19}(?!\d)")


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    """An aware Asia/Shanghai datetime."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SH)


@pytest.fixture(autouse=True)
def _clear_cache():
    # The objection rate limit counts in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


def _office(campaign):
    user = UserFactory()
    Membership.objects.create(
        user=user, org_unit=campaign.organizer_unit, role=Role.CAMPAIGN_OFFICE, campaign=campaign
    )
    return user


@pytest.fixture
def jilin(seed_campaign):
    """Seed 000 (第四届吉林工匠), published."""
    return seed_campaign("000")


@pytest.fixture
def weihai(seed_campaign):
    """Seed 003 (威海工匠), published."""
    return seed_campaign("003")


@pytest.fixture
def office(jilin):
    """A campaign-office user of seed 000."""
    return _office(jilin)


@pytest.fixture
def weihai_office(weihai):
    """A campaign-office user of seed 003 (another campaign)."""
    return _office(weihai)


@pytest.fixture
def nominees(jilin, orgs):
    """Three 吉林工匠 nominees of 长春市总工会: two consented to publication, one did not."""
    unit = orgs["cc-union"]
    return [
        NomineeFactory(
            campaign=jilin,
            nominating_unit=unit,
            workplace=orgs["cc-huarui-machinery"],
            name=name,
            publication_consent=consent,
            bank_account="6214830100000000123",
            address="吉林省长春市朝阳区红旗街100号",
        )
        for name, consent in (("王建国", True), ("李秀英", True), ("赵不同意", False))
    ]
