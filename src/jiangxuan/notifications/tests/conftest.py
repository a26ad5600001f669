"""Fixtures for the notifications tests: the 长春 chain (seed 001), the 吉林工匠 notice
(seed 000), office users, and the patterns no message may contain."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership
from jiangxuan.nominations import services as nomination_services
from jiangxuan.nominations.models import Decision
from jiangxuan.nominations.tests.conftest import (  # noqa: F401 - fixtures reused here
    clear_level,
    complete,
    make_id_number,
    make_user,
    nominate,
    within,
)

from .factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")

#: Patterns that must never appear in a notification or an e-mail (docs/security.md check 9).
PERSONAL_DATA = {
    "id_number": re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"),
    "mobile": re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"),
    "bank_account": re.compile(r"(?<!\d)\d{12,19}(?!\d)"),
}


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    """An aware Asia/Shanghai datetime."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SH)


def leaks(text: str) -> list[str]:
    """Names of the personal-data patterns found in ``text``."""
    return [name for name, pattern in PERSONAL_DATA.items() if pattern.search(text)]


@pytest.fixture(autouse=True)
def _clear_cache():
    # The unread counts are cached per user id; ids repeat across tests.
    cache.clear()
    yield
    cache.clear()


def office_of(campaign, email=""):
    """A new campaign-office user of ``campaign``."""
    user = UserFactory(email=email)
    Membership.objects.create(
        user=user, org_unit=campaign.organizer_unit, role=Role.CAMPAIGN_OFFICE, campaign=campaign
    )
    return user


@pytest.fixture
def changchun(seed_campaign):
    """Seed 001 (长春技术能手 …), published."""
    return seed_campaign("001")


@pytest.fixture
def people(make_user):  # noqa: F811 - the imported fixture
    """The 长春 chain's actors; the clerk and the county reviewer have e-mail addresses."""
    found = {
        "clerk": make_user("cc-chaoyang-hrss"),
        "workplace": make_user("cc-huarui-machinery", Role.REVIEWER),
        "county": make_user("cc-chaoyang-hrss", Role.REVIEWER),
        "city": make_user("cc-hrss", Role.REVIEWER),
    }
    for role, user in found.items():
        if role in ("clerk", "county"):
            user.email = f"{role}@example.cn"
            user.save(update_fields=["email"])
    return found


@pytest.fixture
def submitted(changchun, people, nominate, complete, within, orgs):  # noqa: F811
    """A submitted 长春技术能手 nomination from 华锐精密 in 朝阳区 (its ID number, phone and
    bank account are set, so that a leak would show)."""

    def make(**core):
        core.setdefault("email", "nominee@example.cn")
        n = nominate(
            changchun,
            "jishu-nengshou",
            people["clerk"],
            workplace=orgs["cc-huarui-machinery"],
            skill_level="senior",
            id_number=make_id_number(),
            **core,
        )
        n = complete(n, people["clerk"])
        with time_machine.travel(within(changchun), tick=False):
            return nomination_services.submit_nomination(n, actor=people["clerk"])

    return make


def approve_level(nomination, actor, body, signers):
    """Every signer of the level approves, its clearances are recorded, the body forwards."""
    from jiangxuan.nominations import review

    for signer in signers:
        review.sign_off(nomination, actor=actor, signer=signer, decision=Decision.APPROVE)
    clear_level(nomination)
    review.forward_nominations(
        nomination.campaign, level=nomination.level, body=body, actor=actor, order=[nomination.pk]
    )
    nomination.refresh_from_db()
