"""50 concurrent identical votes store exactly one (docs/security.md check 25; CONSUL #2415):
the unique (vote, voter, candidate, slot) constraint arbitrates, not a check-then-insert."""

import threading

import pytest
import time_machine
from django.db import connection, transaction

from jiangxuan.voting import services
from jiangxuan.voting.models import Candidate, Receipt, Vote
from jiangxuan.voting.services import VoteError

from .conftest import DURING, cast, verify

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_parallel_identical_votes_store_one(vote, settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the whole database)")
    settings.JX_VOTE_CAPTCHA_AFTER = 1000
    settings.JX_VOTE_REVERIFY_AFTER = 1000
    traveller = time_machine.travel(DURING, tick=False)
    traveller.start()
    voter = verify(vote, "13912345678")
    barrier = threading.Barrier(50)
    outcomes = []

    def cast_in_thread():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            cast(vote, voter, ["刘海峰"])
            outcomes.append("ok")
        except VoteError as exc:
            outcomes.append(exc.message)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=cast_in_thread) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    traveller.stop()

    assert outcomes.count("ok") == 1
    assert sorted(set(outcomes) - {"ok"}) == ["您今天已为该候选对象投过票，请明天再来。"]
    assert Vote.objects.count() == 1
    assert Receipt.objects.count() == 1


def _in_thread(target, *args):
    """Run ``target(*args)`` in a thread with its own database connection; the thread and
    a list that receives its result or its exception."""
    from django.db import connection as thread_connection

    outcome: list = []

    def run():
        try:
            outcome.append(target(*args))
        except Exception as exc:
            outcome.append(exc)
        finally:
            thread_connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.fixture
def during():
    """PostgreSQL's row locks, with the clock of every thread stopped inside the window."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    with time_machine.travel(DURING, tick=False):
        yield


def test_a_close_waits_for_the_ballot_in_flight_and_counts_it(vote, office, during):
    """A ballot whose statement holds the open vote (FOR KEY SHARE) delays the office's
    close (FOR UPDATE) until it commits, and the final tally counts it: recount = tally."""
    voter = verify(vote, "13912345678")
    cast_done, commit_now = threading.Event(), threading.Event()

    def ballot_then_wait():
        with transaction.atomic():
            receipt = cast(vote, voter, ["刘海峰"])
            cast_done.set()
            commit_now.wait(10)
        return receipt

    ballot, ballot_outcome = _in_thread(ballot_then_wait)
    assert cast_done.wait(10)
    closing, close_outcome = _in_thread(lambda: services.close_public_vote(vote, actor=office))
    closing.join(0.5)
    assert closing.is_alive(), "the close must wait for the ballot in flight"
    commit_now.set()
    ballot.join(10)
    closing.join(10)

    assert isinstance(ballot_outcome[0], Receipt), ballot_outcome
    assert not isinstance(close_outcome[0], Exception), close_outcome
    assert Candidate.objects.get(published__name="刘海峰").final_votes == 1


def test_a_ballot_waiting_for_a_close_is_refused_after_it(vote, office, during):
    """A ballot that reaches the vote's row while the office's close holds it waits, then
    finds the vote closed: refused, nothing written, the final tally unchanged."""
    voter = verify(vote, "13912345678")
    cast(vote, voter, ["陈秀兰"])  # this process's copy of the vote, still open
    closed, commit_now = threading.Event(), threading.Event()

    def close_then_wait():
        with transaction.atomic():
            services.close_public_vote(vote, actor=office)
            closed.set()
            commit_now.wait(10)

    closing, close_outcome = _in_thread(close_then_wait)
    assert closed.wait(10)
    ballot, ballot_outcome = _in_thread(cast, vote, voter, ["刘海峰"])
    ballot.join(0.5)
    assert ballot.is_alive(), "the ballot must wait for the close"
    commit_now.set()
    closing.join(10)
    ballot.join(10)

    assert close_outcome == [None]
    refused = ballot_outcome[0]
    assert isinstance(refused, VoteError), ballot_outcome
    assert (refused.code, refused.message) == ("closed", "投票已经结束。")
    assert not Vote.objects.filter(candidate__published__name="刘海峰").exists()
    assert Candidate.objects.get(published__name="陈秀兰").final_votes == 1
