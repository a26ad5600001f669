"""``jiangxuan demo``: seed campaigns, the practice copy, accounts, sample nominations.

The command takes ten seconds or more, so it runs once for the module (``built_demo``),
in a transaction that stays open for the module and is rolled back at its end; each test
runs in its own transaction inside it. The module is one xdist group (XDIST_GROUPS,
src/jiangxuan/conftest.py), so pytest-xdist runs it in one process and the command runs once.
"""

import datetime as dt
import io

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.selectors import window_state
from jiangxuan.campaigns.spec import parse_spec
from jiangxuan.conftest import register_holiday_years, seed_spec_path
from jiangxuan.demo.build import DEMO_PASSWORD, PRACTICE_CODE, PRACTICE_TITLE, practice_spec_text
from jiangxuan.demo.samples import SAMPLE_MARK
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Evidence, Forwarding, Nomination
from jiangxuan.notifications.models import OutboxMessage
from jiangxuan.voting.selectors import candidates_of, vote_of
from jiangxuan.voting.selectors import window_state as window_state_of_vote

SEED_CODES = {
    "jilin-gongjiang-2021",
    "changchun-jineng-2022",
    "jiaozuo-gongjiang-2018",
    "weihai-gongjiang-2023",
    "harbin-dagongjiang-2021",
}


def _run_demo() -> str:
    register_holiday_years()  # its notices start today (conftest: why)
    out = io.StringIO()
    call_command("demo", "--no-serve", "--seed", "7", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "campaigns": Campaign.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "nominations": Nomination.objects.count(),
        "evidence": Evidence.objects.count(),
    }


@pytest.fixture(scope="module")
def built_demo(django_db_setup, django_db_blocker):
    """``jiangxuan demo --no-serve --seed 7`` run once for the module, its after-commit
    hooks run as in a real demo (the nominee's e-mail drafts among them); returns what it
    printed. Rolled back at the end of the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        with TestCase.captureOnCommitCallbacks(execute=True):
            output = _run_demo()
    try:
        yield output
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_demo_command_builds_campaigns_accounts_and_samples(db, built_demo):
    output = built_demo

    assert set(Campaign.objects.values_list("code", flat=True)) == SEED_CODES | {PRACTICE_CODE}
    assert set(Campaign.objects.values_list("state", flat=True)) == {CampaignState.PUBLISHED}
    practice = Campaign.objects.get(code=PRACTICE_CODE)
    assert practice.title == PRACTICE_TITLE
    assert window_state(practice, None) == "open"
    assert window_state(Campaign.objects.get(code="changchun-jineng-2022"), None) == "closed"
    for campaign in Campaign.objects.all():
        samples = Nomination.objects.filter(campaign=campaign)
        assert 3 <= samples.count() <= 8, campaign.code
        assert set(samples.values_list("is_sample", flat=True)) == {True}
        statuses = set(samples.values_list("eligibility_status", flat=True))
        assert "failed" in statuses, campaign.code
        assert statuses - {"failed"}, campaign.code
        for nomination in samples:
            texts = [nomination.achievement_summary, nomination.achievement_narrative]
            assert all(t.startswith(SAMPLE_MARK) for t in texts if t), nomination.pk
    # Issue 15.14: the outbox holds what waits for the office's review (nominees' notices).
    assert OutboxMessage.objects.filter(kind="nominated", state="draft").exists()
    reviewed = Nomination.objects.filter(state=NominationState.IN_REVIEW)
    assert reviewed.filter(campaign__code="changchun-jineng-2022").count() >= 2
    # Not yet ranked: only nominations whose level's public notice is still running.
    waiting = reviewed.filter(rank=None)
    assert [n.pk for n in waiting if not n.notice_entries.filter(notice__state="running")] == []
    assert not reviewed.filter(campaign__code="changchun-jineng-2022", rank=None).exists()
    assert not reviewed.filter(eligibility_status="failed").exists()
    chaoyang = reviewed.get(
        campaign__code="changchun-jineng-2022", nominating_unit__code="cc-chaoyang-hrss"
    )
    assert list(
        Forwarding.objects.filter(nomination=chaoyang)
        .order_by("id")
        .values_list("level", "body__code")
    ) == [("workplace", chaoyang.workplace.code), ("nominating-unit", "cc-chaoyang-hrss")]
    assert chaoyang.level == "city"  # waiting for the city's reviewer (changchun_reviewer)
    assert Evidence.objects.filter(material="photo").exists()
    assert Evidence.objects.exclude(material="photo").exists()
    # Seed 003's public vote (网络投票) is open from now, for its approved samples.
    weihai = Campaign.objects.get(code="weihai-gongjiang-2023")
    vote = vote_of(weihai)
    assert vote is not None
    assert window_state_of_vote(vote, timezone.now()) == "open"
    approved = Nomination.objects.filter(campaign=weihai, state=NominationState.APPROVED)
    assert sorted(c.nomination_id for c in candidates_of(vote)) == sorted(
        approved.values_list("pk", flat=True)
    )
    assert approved.exists()
    assert "网络投票已开放" in output
    office = User.objects.get(username="changchun_office")
    assert office.check_password(DEMO_PASSWORD)
    assert list(office.memberships.values_list("role", "campaign__code")) == [
        (Role.CAMPAIGN_OFFICE, "changchun-jineng-2022")
    ]
    clerk = Membership.objects.get(user__username="changchun_chaoyang_clerk")
    assert (clerk.role, clerk.org_unit.code, clerk.campaign) == (
        Role.CLERK,
        "cc-chaoyang-hrss",
        None,
    )
    assert User.objects.get(username="admin").is_superuser
    for role in (Role.REVIEWER, Role.EXPERT, Role.LEADING_GROUP, Role.AUDITOR):
        assert Membership.objects.filter(role=role).exists(), role
    assert "changchun_chaoyang_clerk" in output
    assert "faw_clerk" in output
    assert "cc_jdyy_reviewer" in output  # a workplace that signed got a reviewer account
    assert DEMO_PASSWORD in output
    assert "http://127.0.0.1:8000/accounts/login/" in output


def test_demo_command_second_run_duplicates_nothing(db, built_demo):
    before = _counts()

    output = _run_demo()

    assert _counts() == before
    assert "已有示例推荐，跳过" in output
    assert "本次新建 0 个" in output


def test_practice_spec_text_opens_window_today_and_keeps_the_rest():
    source = seed_spec_path("001").read_text(encoding="utf-8")
    today = dt.date(2026, 11, 23)

    text = practice_spec_text(source, today)
    spec = parse_spec(text, "practice.yaml")
    original = parse_spec(source, "001.yaml")

    assert text.startswith("# 演示用练习活动")
    assert (spec.code, spec.title, spec.year) == (PRACTICE_CODE, PRACTICE_TITLE, 2026)
    window = spec.timeline.submission
    assert timezone.localtime(window.opens_at).date() == today
    assert timezone.localtime(window.closes_at).date() == today + dt.timedelta(days=60)
    assert window.refuse_early == original.timeline.submission.refuse_early
    assert spec.awards == original.awards
    assert spec.form == original.form
    assert spec.quotas == original.quotas


def test_demo_password_passes_the_password_validators(db):
    validate_password(DEMO_PASSWORD, User(username="changchun_chaoyang_clerk"))
