"""Fixtures for the overview tests: seed 000 (第四届吉林工匠) with its office, leading
group, a clerk, another campaign's office, and a campaign in motion built straight in its
states (the chain that brought it there is tested in nominations and notices)."""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, OrgUnit, User
from jiangxuan.campaigns.models import Campaign
from jiangxuan.e2e.conftest import (  # noqa: F401 (fixtures for the browser test)
    base_url,
    browser_context_args,
    browser_home,
    browser_type_launch_args,
)
from jiangxuan.nominations import review
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Decision, Forwarding, Nomination
from jiangxuan.nominations.tests.factories import NominationFactory, UserFactory
from jiangxuan.notices.enums import NoticeState
from jiangxuan.notices.models import BackgroundCheck, NoticeEntry, PublicNotice
from jiangxuan.notices.tests.factories import ObjectionFactory

SH = ZoneInfo("Asia/Shanghai")
#: Nominating units (city unions) and a workplace in each city, seed 000's category "areas".
CITY_UNITS = [("cc-union", "cc-huarui-machinery"), ("jlc-union", None), ("cc-union", "cc-jdyy")]


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    """An aware Asia/Shanghai datetime."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SH)


def member(unit, role: str, *, campaign: Campaign | None = None) -> User:
    """A new user holding ``role`` in ``unit`` (for ``campaign`` when given)."""
    user = UserFactory.create()
    Membership.objects.create(user=user, org_unit=unit, role=role, campaign=campaign)
    return user


@pytest.fixture
def jilin(seed_campaign) -> Campaign:
    """Seed 000 (第四届吉林工匠), published."""
    return seed_campaign("000")


@pytest.fixture
def office(jilin) -> User:
    return member(jilin.organizer_unit, Role.CAMPAIGN_OFFICE, campaign=jilin)


@pytest.fixture
def leader(jilin) -> User:
    return member(jilin.organizer_unit, Role.LEADING_GROUP, campaign=jilin)


@pytest.fixture
def clerk(jilin, orgs) -> User:
    return member(orgs["cc-chaoyang-hrss"], Role.CLERK)


@pytest.fixture
def other_office(seed_campaign) -> User:
    """The campaign office of seed 003 (another campaign)."""
    weihai = seed_campaign("003")
    return member(weihai.organizer_unit, Role.CAMPAIGN_OFFICE, campaign=weihai)


def workplace_of(orgs, unit_code: str, workplace_code: str | None):
    """The named workplace, or the first workplace in the nominating unit's city."""
    if workplace_code:
        return orgs[workplace_code]
    city = OrgUnit.objects.get_parent(orgs[unit_code])
    return next(u for u in OrgUnit.objects.get_descendants(city) if u.level == "workplace")


@dataclass
class Motion:
    """What :func:`in_motion` built, for assertions."""

    at_city: list[Nomination] = field(default_factory=list)
    at_workplace: list[Nomination] = field(default_factory=list)
    notice: PublicNotice | None = None
    checks: list[BackgroundCheck] = field(default_factory=list)


@pytest.fixture
def in_motion(jilin, orgs, office):
    """``in_motion(size)``: ``size`` nominations at the city level whose HR bureau signed
    (the union has not), the i-th forwarded by its workplace on 2026-11-(5+i) 10:00
    (counting nothing against the quota), and one forwarded further by 长春市总工会
    (counting against its quota);
    ``size`` drafts at the workplace level; one running notice listing the city ones with
    an unresolved objection per nominee; one background check per city nomination, due
    2026-11-20."""

    def build(size: int = 1) -> Motion:
        motion = Motion()
        for i in range(size):
            unit_code, workplace_code = CITY_UNITS[i % len(CITY_UNITS)]
            unit = orgs[unit_code]
            workplace = workplace_of(orgs, unit_code, workplace_code)
            n = NominationFactory.create(
                campaign=jilin,
                nominating_unit=unit,
                workplace=workplace,
                state=NominationState.IN_REVIEW,
                level="city",
                submitted_at=at(2026, 11, 2, 9, 0),
                publication_consent=True,
            )
            forwarded = Forwarding.objects.create(
                nomination=n, level="workplace", body=workplace, rank=1, forwarded_by=office
            )
            # The workplace forwarded it on 5 November, a day later for each next one.
            Forwarding.objects.filter(pk=forwarded.pk).update(created_at=at(2026, 11, 5 + i, 10, 0))
            city = OrgUnit.objects.get_parent(unit)
            hr_bureau = OrgUnit.objects.get_children(city).get(kind="hr_bureau")
            reviewer = member(hr_bureau, Role.REVIEWER)
            review.sign_off(n, actor=reviewer, signer="hr_bureau", decision=Decision.APPROVE)
            motion.at_city.append(n)
            motion.at_workplace.append(
                NominationFactory.create(
                    campaign=jilin, nominating_unit=unit, workplace=workplace, level="workplace"
                )
            )
            motion.checks.append(
                BackgroundCheck.objects.create(
                    nomination=n,
                    stage="workplace",
                    department_name="长春市公安局",
                    question="有无违法犯罪记录",
                    requested_at=at(2026, 11, 10, 9, 0),
                    requested_by=office,
                    due_on=dt.date(2026, 11, 20),
                )
            )
        promoted = NominationFactory.create(
            campaign=jilin,
            nominating_unit=orgs["cc-union"],
            workplace=orgs["cc-huarui-machinery"],
            state=NominationState.IN_REVIEW,
            level="province",
            level_ready=True,
            submitted_at=at(2026, 11, 1, 9, 0),
        )
        Forwarding.objects.create(
            nomination=promoted,
            level="city",
            body=orgs["cc-union"],
            rank=1,
            quota_unit=orgs["cc-union"],
            forwarded_by=office,
        )
        motion.notice = PublicNotice.objects.create(
            campaign=jilin,
            stage="workplace",
            body=orgs["cc-union"],
            title="第四届吉林工匠评选表彰所在单位公示",
            starts_on=dt.date(2026, 11, 16),
            days=5,
            day_unit="working",
            ends_on=dt.date(2026, 11, 20),
            state=NoticeState.RUNNING,
            opened_by=office,
        )
        for position, n in enumerate(motion.at_city, start=1):
            NoticeEntry.objects.create(
                notice=motion.notice, nomination=n, position=position, published={"name": n.name}
            )
            ObjectionFactory(notice=motion.notice, nomination=n)
        return motion

    return build
