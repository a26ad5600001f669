"""50 concurrent identical votes store exactly one (docs/security.md check 25; CONSUL #2415):
the unique (vote, voter, candidate, slot) constraint arbitrates, not a check-then-insert."""

import threading

import pytest
import time_machine
from django.db import connection

from jiangxuan.voting.models import Receipt, Vote
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
