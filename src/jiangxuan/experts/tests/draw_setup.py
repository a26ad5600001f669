"""Arrangement helpers for the pool, draw and recusal tests: a seed 002 (焦作工匠) office,
approved nominees of known workplaces, and a pool of experts.

Nominees are built straight in the approved state (handed over by the review chain); the
chain has its own tests.
"""

from __future__ import annotations

import itertools

import factory
from factory.django import DjangoModelFactory

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, OrgUnit, User
from jiangxuan.campaigns.models import Campaign
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination
from jiangxuan.nominations.tests.factories import NominationFactory, UserFactory

from ..models import Expert

_seq = itertools.count(1)
SPECIALITIES = ("焊接", "数控", "电工", "化工")


class ExpertFactory(DjangoModelFactory[Expert]):
    """An available expert with a Chinese name; specialities cycle through four."""

    class Meta:
        model = Expert

    name = factory.Faker("name", locale="zh_CN")
    speciality = factory.Sequence(lambda n: SPECIALITIES[n % len(SPECIALITIES)])
    industry = "装备制造"
    organization = factory.Sequence(lambda n: f"焦作市第{n + 1}机械厂")
    region = "焦作市"
    phone = factory.Sequence(lambda n: f"1380000{n % 10000:04d}")
    available = True


def office_of(campaign: Campaign) -> User:
    """A campaign-office user of ``campaign``."""
    user = UserFactory.create()
    assert campaign.organizer_unit is not None
    Membership.objects.create(
        user=user, org_unit=campaign.organizer_unit, role=Role.CAMPAIGN_OFFICE, campaign=campaign
    )
    return user


def nominee(
    campaign: Campaign, *, workplace: str, nominating_unit: str, name: str = ""
) -> Nomination:
    """An approved nomination of ``campaign``'s first award (org codes as in specs/orgs)."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=[workplace, nominating_unit])}
    return NominationFactory.create(
        campaign=campaign,
        workplace=units[workplace],
        nominating_unit=units[nominating_unit],
        state=NominationState.APPROVED,
        name=name or f"推荐对象{next(_seq)}",
    )


def expert_user(expert: Expert) -> User:
    """Give ``expert`` a login and return it."""
    user = UserFactory.create()
    expert.user = user
    expert.save(update_fields=["user"])
    return user
