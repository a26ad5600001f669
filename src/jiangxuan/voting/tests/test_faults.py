"""Faults in the middle of a public ballot (docs/security.md check 30): the database
session terminated, or the process killed, right after the ballot's receipt is written and
before its votes. No receipt without its votes and no vote without its receipt is left,
the voter's counters are unchanged, and a retry casts the ballot once.
"""

import pytest
import time_machine

from jiangxuan.core.tests.faults import (
    FAULTS,
    assert_audit_chain_verifies,
    inject,
    needs_postgres,
    own_media,
    snapshot,
    sweep_orphans,
)
from jiangxuan.voting.models import PublicVote, Receipt, Vote, Voter
from jiangxuan.voting.services import VoteError

from .conftest import DURING, cast, verify

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    needs_postgres()
    return own_media(settings, tmp_path)


def ballot(vote: int, voter: int) -> None:
    """The voter casts a ballot for 刘海峰 (seed 003 二(二)3), as the public page does.
    A killed child process runs it too (ids only)."""
    cast(PublicVote.objects.get(pk=vote), Voter.objects.get(pk=voter), ["刘海峰"])


@pytest.mark.parametrize("fault", FAULTS)
def test_an_interrupted_ballot_leaves_no_receipt_and_counts_once_on_retry(fault, vote, media):
    with time_machine.travel(DURING, tick=False):
        voter = verify(vote, "13912345678")
    before = snapshot()

    inject(fault, ballot, model=Receipt, media=media, at=DURING, vote=vote.pk, voter=voter.pk)

    assert snapshot() == before
    assert (Receipt.objects.count(), Vote.objects.count()) == (0, 0)
    assert_audit_chain_verifies()
    assert sweep_orphans(media) == []

    with time_machine.travel(DURING, tick=False):
        ballot(vote=vote.pk, voter=voter.pk)
        with pytest.raises(VoteError) as refused:
            ballot(vote=vote.pk, voter=voter.pk)

    assert refused.value.code == "already_voted"
    receipt = Receipt.objects.get()
    assert list(Vote.objects.values_list("receipt", "voter", "candidate__nomination__name")) == [
        (receipt.pk, voter.pk, "刘海峰")
    ]
    assert_audit_chain_verifies()
