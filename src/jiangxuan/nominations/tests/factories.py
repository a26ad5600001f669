"""factory_boy factories for users, memberships and nominations.

``NominationFactory`` needs a campaign (e.g. from the ``seed_campaign`` fixture); it fills
the campaign form's core fields from :mod:`jiangxuan.demo.samples` (a valid resident ID
number, phone, skill level, honours from the campaign's catalogue ...) shaped to meet the
award's hard rules, unless ``failure=`` names a rule to break. Values passed explicitly
win. The nomination is a draft; eligibility is not evaluated (call
``services.evaluate_eligibility`` when a test needs it).

    nomination = NominationFactory(campaign=campaign, workplace=unit, created_by=clerk)
    failing = NominationFactory(campaign=campaign, failure="skill_level")
"""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory, Password

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, OrgUnit, User
from jiangxuan.demo.samples import SampleGenerator, region_prefix
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination

#: Password of every factory user (passes the settings' validators).
USER_PASSWORD = "Factory-Pass-2026!"


class UserFactory(DjangoModelFactory[User]):
    """An active user with :data:`USER_PASSWORD` and a Chinese display name."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:03d}")
    display_name = factory.Faker("name", locale="zh_CN")
    password = Password(USER_PASSWORD)
    is_active = True


_units = iter(range(1, 10**9))


def _new_workplace() -> OrgUnit:
    n = next(_units)
    return OrgUnit.add_root(
        code=f"factory-workplace-{n}",
        name=f"示例企业{n}有限公司",
        kind="enterprise",
        level="workplace",
        ownership_type="私营企业",
    )


class MembershipFactory(DjangoModelFactory[Membership]):
    """A clerk membership; ``org_unit`` defaults to a new root workplace, ``campaign`` to
    None (every campaign)."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    org_unit = factory.LazyFunction(_new_workplace)
    role = Role.CLERK
    campaign = None


class NominationFactory(DjangoModelFactory[Nomination]):
    """A draft nomination for ``campaign`` (required) and ``award`` (default: its first).

    Extra arguments: ``sample_seed`` (default: a sequence; the same seed gives the same
    person) and ``failure`` (one of :data:`jiangxuan.demo.samples.FAILURES`, default None
    for a nominee meeting the award's hard rules).
    """

    class Meta:
        model = Nomination

    campaign = None
    award = factory.LazyAttribute(lambda o: o.campaign.awards.order_by("position").first())
    channel = factory.LazyAttribute(lambda o: o.campaign.specification.channels[0].code)
    level = factory.LazyAttribute(lambda o: o.campaign.specification.review_chain.levels[0].code)
    created_by = factory.SubFactory(UserFactory)
    workplace = None
    nominating_unit = None
    state = NominationState.DRAFT
    sample_seed = factory.Sequence(lambda n: 1000 + n)
    failure = None

    @classmethod
    def _fill(cls, kwargs: dict[str, Any]) -> dict[str, Any]:
        seed = kwargs.pop("sample_seed")
        failure = kwargs.pop("failure")
        campaign, award = kwargs["campaign"], kwargs["award"]
        if campaign is None:
            raise ValueError("NominationFactory needs campaign=")
        spec = campaign.specification
        workplace = kwargs.get("workplace")
        person = SampleGenerator(seed).person(
            division_prefix=region_prefix(campaign.organizer_unit),
            workplace_name=kwargs.get("workplace_name") or (workplace.name if workplace else ""),
            campaign_spec=spec,
            award=spec.award(award.code),
            failure=failure,
        )
        unit = kwargs.get("nominating_unit")
        core, extra = person.values_for(
            spec, award_name=award.name, nominating_unit_name=unit.name if unit else ""
        )
        for key, value in core.items():
            kwargs.setdefault(key, value)
        kwargs["extra"] = {**extra, **(kwargs.get("extra") or {})}
        return kwargs

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        return super()._build(model_class, *args, **cls._fill(kwargs))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return super()._create(model_class, *args, **cls._fill(kwargs))
