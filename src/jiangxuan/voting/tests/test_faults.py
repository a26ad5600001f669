"""Faults in the middle of a public ballot (docs/security.md check 30): the database
session terminated, or the process killed, right after the ballot's receipt is written and
before its votes. No receipt without its votes and no vote without its receipt is left,
the voter's counters are unchanged, and a retry casts the ballot once. With one vote per
slot on PostgreSQL the ballot is a single statement, which has no middle: its session is
ended while the statement waits instead.
"""

import threading
import time

import pytest
import time_machine
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connection, connections

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
    """The general path (several votes per slot: receipt, then votes, in a transaction),
    interrupted right after the receipt row is saved. With one vote per slot the ballot
    is a single statement (see the next test)."""
    PublicVote.objects.filter(pk=vote.pk).update(rules={**vote.rules, "per_candidate_per_day": 2})
    with time_machine.travel(DURING, tick=False):
        voter = verify(vote, "13912345678")
        ballot(vote=vote.pk, voter=voter.pk)  # the first slot of the day
    before = snapshot()

    inject(fault, ballot, model=Receipt, media=media, at=DURING, vote=vote.pk, voter=voter.pk)

    assert snapshot() == before
    assert (Receipt.objects.count(), Vote.objects.count()) == (1, 1)
    assert_audit_chain_verifies()
    assert sweep_orphans(media) == []

    with time_machine.travel(DURING, tick=False):
        ballot(vote=vote.pk, voter=voter.pk)
        with pytest.raises(VoteError) as refused:
            ballot(vote=vote.pk, voter=voter.pk)

    assert refused.value.code == "already_voted"
    assert Vote.objects.count() == 2
    assert sorted(Vote.objects.values_list("slot", flat=True)) == ["2023-07-04", "2023-07-04#2"]
    assert_audit_chain_verifies()


def test_a_single_statement_ballot_ended_mid_statement_writes_nothing(vote, media):
    """One vote per slot: the ballot is one statement in autocommit (issue 17.1). Its
    session is terminated while the statement waits for the voter's row (locked by a
    second connection): nothing is written, and the retry counts once."""
    with time_machine.travel(DURING, tick=False):
        voter = verify(vote, "13912345678")
    before = snapshot()
    locker = connections.create_connection(DEFAULT_DB_ALIAS)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with time_machine.travel(DURING, tick=False):
                ballot(vote=vote.pk, voter=voter.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections["default"].close()

    try:
        locker.set_autocommit(False)
        with locker.cursor() as cursor:
            cursor.execute("SELECT id FROM voting_voter WHERE id = %s FOR UPDATE", [voter.pk])
        thread = threading.Thread(target=run)
        thread.start()
        with connection.cursor() as cursor:
            for _ in range(200):
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock' AND query LIKE 'WITH%%'"
                )
                waiting = cursor.fetchall()
                if waiting:
                    break
                time.sleep(0.05)
            assert waiting, "the ballot never waited for the voter's row"
            cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [waiting[0][0]])
        thread.join(30)
    finally:
        locker.rollback()
        locker.close()
    assert errors, "the ballot did not fail"
    assert isinstance(errors[0], (OperationalError, InterfaceError)), errors
    assert snapshot() == before
    assert (Receipt.objects.count(), Vote.objects.count()) == (0, 0)

    with time_machine.travel(DURING, tick=False):
        ballot(vote=vote.pk, voter=voter.pk)
        with pytest.raises(VoteError) as refused:
            ballot(vote=vote.pk, voter=voter.pk)
    assert refused.value.code == "already_voted"
    assert Vote.objects.count() == 1
    assert_audit_chain_verifies()


def test_an_api_ballot_on_a_connection_lost_since_the_last_request_answers_503_then_counts(
    vote, media, settings
):
    """The anonymous endpoints skip the connection's health check (issue 17.1), so a
    ballot on a connection the server ended since the last request fails: 503 with the
    Chinese retry text, nothing written. The request's end closes that connection (what
    ``request_finished`` does under a real server), and the voter's retry counts once."""
    import json

    from django.test import Client

    from jiangxuan.core.errors import DATABASE_UNAVAILABLE
    from jiangxuan.core.tests.faults import terminate_own_session

    from .conftest import last_code

    settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    api, code, phone = "/api/v1", vote.campaign.code, "13912345678"
    client = Client(raise_request_exception=False)

    def post(url, data, **headers):
        return client.post(url, json.dumps(data), content_type="application/json", headers=headers)

    with time_machine.travel(DURING, tick=False):
        assert post(f"{api}/votes/{code}/codes", {"phone": phone}).status_code == 202
        token = post(
            f"{api}/votes/{code}/verify", {"phone": phone, "code": last_code(phone)}
        ).json()["voter_token"]
        ids = [c["id"] for c in client.get(f"{api}/votes/{code}").json()["candidates"]]
        before = snapshot()
        terminate_own_session()
        connection.close_if_unusable_or_obsolete()  # a new request: a health check is due
        lost = post(f"{api}/votes/{code}/cast", {"candidates": ids[:1]}, X_Voter_Token=token)
        assert lost.status_code == 503, lost.content
        assert lost.json()["detail"] == str(DATABASE_UNAVAILABLE)
        connection.close_if_unusable_or_obsolete()  # the request's end
        assert snapshot() == before
        retry = post(f"{api}/votes/{code}/cast", {"candidates": ids[:1]}, X_Voter_Token=token)
    assert retry.status_code == 201, retry.content
    assert (Receipt.objects.count(), Vote.objects.count()) == (1, 1)
