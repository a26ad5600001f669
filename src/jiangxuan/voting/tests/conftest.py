"""Fixtures for the voting tests: seed 003 (威海工匠, 网络投票 二(二)3), its office,
approved nominees and an open vote; SMS through the locmem backend."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.tests.factories import NominationFactory, UserFactory
from jiangxuan.voting import services, sms

SH = ZoneInfo("Asia/Shanghai")
OPENS = dt.datetime(2023, 7, 3, 9, 0, tzinfo=SH)
CLOSES = dt.datetime(2023, 7, 10, 18, 0, tzinfo=SH)
#: A moment inside the window (a Monday, 10:00 Shanghai).
DURING = dt.datetime(2023, 7, 4, 10, 0, tzinfo=SH)
CODE_RE = re.compile(r"验证码为(\d{6})")


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    """An aware Asia/Shanghai datetime."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SH)


@pytest.fixture(autouse=True)
def _sms_and_cache(settings):
    settings.JX_SMS_BACKEND = "jiangxuan.voting.sms.LocmemBackend"
    cache.clear()
    sms.outbox.clear()
    yield
    cache.clear()
    sms.outbox.clear()


def last_code(phone: str) -> str:
    """The code in the newest SMS sent to ``phone``."""
    message = next(m for m in reversed(sms.outbox) if m.phone == phone)
    found = CODE_RE.search(message.text)
    assert found is not None, message.text
    return found.group(1)


@pytest.fixture
def weihai(seed_campaign):
    """Seed 003 (威海工匠), published."""
    return seed_campaign("003")


def clear_opinions(campaign, office, nominations):
    """The step before the vote (seed 003 二(二)2 人选审核): every nominee's department
    opinion asked and answered favourably, on 2023-06-30."""
    from jiangxuan.notices import services as notices

    with time_machine.travel(at(2023, 6, 30, 9), tick=False):
        checks = notices.request_background_checks(
            campaign,
            nominations,
            stage="qualification_review",
            due_on=dt.date(2023, 7, 1),
            actor=office,
        )
        for check in checks:
            notices.record_background_opinion(
                check, actor=office, opinion="无违法违纪行为", adverse=False
            )


def office_of(campaign):
    user = UserFactory()
    Membership.objects.create(
        user=user, org_unit=campaign.organizer_unit, role=Role.CAMPAIGN_OFFICE, campaign=campaign
    )
    return user


@pytest.fixture
def office(weihai):
    """A campaign-office user of seed 003."""
    return office_of(weihai)


@pytest.fixture
def nominees(weihai):
    """Three approved 威海工匠 nominees who consented to publication and one who did not."""
    return [
        NominationFactory(
            campaign=weihai,
            name=name,
            state=NominationState.APPROVED,
            publication_consent=consent,
            bank_account="6214830100000000123",
        )
        for name, consent in (
            ("刘海峰", True),
            ("陈秀兰", True),
            ("张国强", True),
            ("王不同意", False),
        )
    ]


@pytest.fixture
def vote(weihai, office, nominees):
    """Seed 003's vote, prepared with the window 2023-07-03 09:00 – 07-10 18:00 and open,
    after the departments' opinions of 人选审核 (二(二)2, before 网络投票: issue 13)."""
    clear_opinions(weihai, office, nominees)
    with time_machine.travel(at(2023, 7, 1, 9), tick=False):
        prepared = services.prepare_public_vote(
            weihai, actor=office, opens_at=OPENS, closes_at=CLOSES
        )
        return services.open_public_vote(prepared, actor=office)


def verify(vote, phone: str, *, ip: str = "10.0.0.1"):
    """Request a code for ``phone`` and verify it; returns the voter."""
    services.request_code(vote, phone=phone, ip=ip)
    return services.verify_code(vote, phone=phone, code=last_code(phone))


def cast(vote, voter, names, *, ip="10.0.0.1", device="dev-1", **extra):
    """Cast votes for the candidates named ``names`` (public ids looked up)."""
    from jiangxuan.voting import selectors

    view = selectors.public_view(vote.campaign.code)
    by_name = {c.published["name"]: c.public_id for c in view.candidates}
    return services.cast_vote(
        view.vote,
        voter_id=voter.pk,
        verified_at=voter.verified_at,
        choices=[by_name[n] for n in names],
        candidates=view.by_public_id(),
        ip=ip,
        device=device,
        **extra,
    )
