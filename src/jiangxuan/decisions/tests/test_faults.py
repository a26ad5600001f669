"""Faults in the middle of the approval of an award's list and of the publication of the
decision (docs/security.md check 30): the database session terminated, or the process
killed, right after the first row is written. No partial list or publication is left,
the audit chain verifies, and a retry succeeds once.
"""

import datetime as dt

import pytest

from jiangxuan.accounts.models import User
from jiangxuan.campaigns.models import Campaign, PastAwardee
from jiangxuan.core.tests.faults import (
    FAULTS,
    assert_audit_chain_verifies,
    audit_actions,
    inject,
    needs_postgres,
    own_media,
    snapshot,
    sweep_orphans,
)
from jiangxuan.decisions import services
from jiangxuan.decisions.enums import ListState
from jiangxuan.decisions.models import ApprovalList, ApprovalMeeting, CommendationDecision
from jiangxuan.decisions.services import DecisionError

from .conftest import MEETING, hold_social_notices

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    needs_postgres()
    return own_media(settings, tmp_path)


@pytest.fixture
def proposed(jiaozuo):
    """Seed 002's list proposed: 3 awardees and 1 finalist, a draft."""
    campaign, award, noms, office = jiaozuo
    lst = services.propose_list(
        campaign, award, nominations=[n.pk for n in noms[:3]], finalists=[noms[3].pk], actor=office
    )
    return lst, office


# The writes, as a killed child process runs them too (ids and plain values only).


def approve(approval_list: int, actor: int) -> None:
    """The leading group's meeting approves the list (seed 002 四(四))."""
    services.approve_list(
        ApprovalList.objects.get(pk=approval_list), actor=User.objects.get(pk=actor), **MEETING
    )


def publish(campaign: int, actor: int) -> None:
    """The office publishes the decision, which writes the registry of past awardees."""
    services.publish_decision(
        Campaign.objects.get(pk=campaign),
        number="焦工发〔2018〕10号",
        title="关于命名表彰首届焦作工匠的决定",
        issued_on=dt.date(2018, 9, 10),
        actor=User.objects.get(pk=actor),
    )


@pytest.mark.parametrize("fault", FAULTS)
def test_an_interrupted_approval_leaves_the_draft_and_approves_once_on_retry(
    fault, proposed, media
):
    lst, office = proposed
    before = snapshot()

    inject(
        fault, approve, model=ApprovalMeeting, media=media, approval_list=lst.pk, actor=office.pk
    )

    assert snapshot() == before
    lst.refresh_from_db()
    assert (lst.state, lst.entries.count()) == (ListState.DRAFT, 4)
    assert_audit_chain_verifies()
    assert sweep_orphans(media) == []

    approve(approval_list=lst.pk, actor=office.pk)
    with pytest.raises(DecisionError, match="名单已审定并锁定"):
        approve(approval_list=lst.pk, actor=office.pk)

    lst.refresh_from_db()
    assert lst.state == ListState.APPROVED
    assert ApprovalMeeting.objects.filter(approval_list=lst).count() == 1
    assert audit_actions("decision.list.approve") == 1
    assert_audit_chain_verifies()


@pytest.mark.parametrize("fault", FAULTS)
def test_an_interrupted_publication_publishes_nothing_and_once_on_retry(fault, proposed, media):
    lst, office = proposed
    campaign = lst.campaign
    approve(approval_list=lst.pk, actor=office.pk)
    hold_social_notices(campaign, office)
    before = snapshot()

    inject(fault, publish, model=PastAwardee, media=media, campaign=campaign.pk, actor=office.pk)

    assert snapshot() == before
    assert list(CommendationDecision.objects.all()) == []
    assert PastAwardee.objects.count() == 0
    assert Campaign.objects.get(pk=campaign.pk).decided_at is None
    assert_audit_chain_verifies()
    assert sweep_orphans(media) == []

    publish(campaign=campaign.pk, actor=office.pk)
    with pytest.raises(DecisionError, match="表彰决定已发布"):
        publish(campaign=campaign.pk, actor=office.pk)

    decision = CommendationDecision.objects.get()
    assert decision.published_at is not None
    assert list(decision.approval_lists.all()) == [lst]
    assert sorted(PastAwardee.objects.values_list("name", flat=True)) == sorted(
        e.nomination.name for e in lst.entries.filter(outcome="awardee")
    )
    assert Campaign.objects.get(pk=campaign.pk).decided_at == decision.published_at
    assert (audit_actions("decision.publish"), audit_actions("campaign.decided")) == (1, 1)
    assert_audit_chain_verifies()
