"""Services of the public vote: window, codes, limits, choices, risk escalation,
invalidation and recount (docs/security.md checks 25-27)."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from captcha.models import CaptchaStore
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection

from jiangxuan.core.models import AuditEntry
from jiangxuan.voting import selectors, services
from jiangxuan.voting.enums import InvalidationRule, VoteState
from jiangxuan.voting.models import Candidate, PublicVote, Receipt, Vote, Voter
from jiangxuan.voting.services import VoteError

from .conftest import CLOSES, DURING, OPENS, at, cast, last_code, office_of, verify

pytestmark = pytest.mark.django_db


def names_of(vote):
    return [c.published["name"] for c in selectors.candidates_of(vote)]


# --------------------------------------------------------------------------- office


def test_prepare_takes_consenting_approved_nominees_and_snapshots_public_fields(vote, nominees):
    assert vote.state == VoteState.OPEN
    assert names_of(vote) == ["刘海峰", "陈秀兰", "张国强"]
    candidate = selectors.candidates_of(vote)[0]
    assert set(candidate.published) == set(services.PUBLISHED_FIELDS)
    # A random public id (8 URL-safe characters), not the nomination's sequential id.
    assert len(candidate.public_id) >= 8
    assert candidate.public_id != str(candidate.nomination_id)
    assert vote.rules["per_day"] == 10
    assert vote.rules["tally"] == "scheduled"
    assert AuditEntry.objects.filter(action="vote.prepare").count() == 1


def test_prepare_needs_a_window_when_the_spec_gives_none(weihai, office, nominees):
    with pytest.raises(VoteError) as excinfo:
        services.prepare_public_vote(weihai, actor=office)
    assert excinfo.value.message == "请填写投票的开始和截止时间（活动规范未规定）。"


def test_prepare_refused_to_another_campaigns_office(weihai, nominees, seed_campaign):
    stranger = office_of(seed_campaign("000"))
    with pytest.raises(PermissionDenied):
        services.prepare_public_vote(weihai, actor=stranger, opens_at=OPENS, closes_at=CLOSES)


# --------------------------------------------------------------------------- window


@pytest.mark.parametrize(
    ("moment", "code", "message"),
    [
        (at(2023, 7, 3, 8, 59), "not_open", "投票尚未开始，开始时间：2023-07-03 09:00。"),
        (at(2023, 7, 10, 18, 0), "closed", "投票已经结束。"),
    ],
)
def test_vote_outside_the_window_is_refused(vote, moment, code, message):
    with time_machine.travel(DURING, tick=False):
        voter = verify(vote, "13912345678")
    with time_machine.travel(moment, tick=False), pytest.raises(VoteError) as excinfo:
        cast(vote, voter, ["刘海峰"])
    assert (excinfo.value.code, excinfo.value.message) == (code, message)
    assert Vote.objects.count() == 0


def test_vote_after_the_office_closed_it_is_refused(
    vote, office, django_capture_on_commit_callbacks
):
    with time_machine.travel(DURING, tick=False):
        voter = verify(vote, "13912345678")
        cast(vote, voter, ["刘海峰"])
        with django_capture_on_commit_callbacks(execute=True):
            services.close_public_vote(vote, actor=office)
        with pytest.raises(VoteError) as excinfo:
            cast(vote, voter, ["陈秀兰"])
    assert excinfo.value.code == "closed"
    assert Candidate.objects.get(published__name="刘海峰").final_votes == 1


@pytest.mark.parametrize(
    "rules", [{}, {"per_candidate_per_day": 2}], ids=["one statement", "several per slot"]
)
def test_a_vote_closed_elsewhere_refuses_ballots_while_the_copy_is_trusted(vote, settings, rules):
    """Another process's close reaches this process's copy of the vote up to
    ``JX_PUBLIC_VIEW_TRUST_SECONDS`` later; the ballot's own check in the database refuses
    at once, and nothing is written."""
    settings.JX_PUBLIC_VIEW_TRUST_SECONDS = 60
    selectors.forget_public_view(vote)
    vote.rules = {**vote.rules, **rules}
    vote.save(update_fields=["rules"])
    with time_machine.travel(DURING, tick=False):
        voter = verify(vote, "13912345678")
        cast(vote, voter, ["刘海峰"])
        PublicVote.objects.filter(pk=vote.pk).update(state=VoteState.CLOSED, closes_at=DURING)
        assert selectors.public_view(vote.campaign.code).vote.state == VoteState.OPEN
        with pytest.raises(VoteError) as excinfo:
            cast(vote, voter, ["陈秀兰"])
    assert (excinfo.value.code, excinfo.value.message) == ("closed", "投票已经结束。")
    assert Vote.objects.count() == Receipt.objects.count() == 1
    assert Voter.objects.get(pk=voter.pk).day_votes == 1


# --------------------------------------------------------------------------- codes


def test_code_is_stored_hashed_and_sent_by_sms(vote):
    from jiangxuan.voting.models import VerificationCode

    with time_machine.travel(DURING, tick=False):
        services.request_code(vote, phone="13912345678", ip="10.0.0.1")
    code = last_code("13912345678")
    row = VerificationCode.objects.get()
    assert code not in row.code_hash
    assert "13912345678" not in row.phone_hash
    assert row.expires_at - row.created_at == dt.timedelta(minutes=5)


def test_expired_code_is_refused(vote):
    with time_machine.travel(DURING, tick=False):
        services.request_code(vote, phone="13912345678", ip="10.0.0.1")
    with (
        time_machine.travel(DURING + dt.timedelta(minutes=5), tick=False),
        pytest.raises(VoteError) as excinfo,
    ):
        services.verify_code(vote, phone="13912345678", code=last_code("13912345678"))
    assert (excinfo.value.code, excinfo.value.message) == (
        "code_expired",
        "验证码已过期，请重新获取。",
    )


def test_reused_code_is_refused(vote):
    with time_machine.travel(DURING, tick=False):
        verify(vote, "13912345678")
        with pytest.raises(VoteError) as excinfo:
            services.verify_code(vote, phone="13912345678", code=last_code("13912345678"))
    assert excinfo.value.code == "code_used"


def test_wrong_code_counts_attempts_and_locks_after_five(vote):
    with time_machine.travel(DURING, tick=False):
        services.request_code(vote, phone="13912345678", ip="10.0.0.1")
        right = last_code("13912345678")
        wrong = "000000" if right != "000000" else "111111"
        messages = []
        for _ in range(5):
            with pytest.raises(VoteError) as excinfo:
                services.verify_code(vote, phone="13912345678", code=wrong)
            messages.append(excinfo.value.message)
        with pytest.raises(VoteError) as excinfo:
            services.verify_code(vote, phone="13912345678", code=right)
    assert messages[0] == "验证码不正确，还可以尝试4次。"
    assert messages[-1] == "验证码错误次数过多，请重新获取。"
    assert excinfo.value.code == "code_attempts"
    assert Voter.objects.count() == 0


def test_code_requests_limited_per_phone(vote):
    with time_machine.travel(DURING, tick=False):
        services.request_code(vote, phone="13912345678", ip="10.0.0.1")
        with pytest.raises(VoteError) as excinfo:
            services.request_code(vote, phone="13912345678", ip="10.0.0.2")
    assert excinfo.value.code == "throttled"


def test_code_requests_limited_per_ip(vote, settings):
    settings.JX_VOTE_CODE_PER_IP_HOUR = 3
    with time_machine.travel(DURING, tick=False):
        for i in range(3):
            services.request_code(vote, phone=f"1391234560{i}", ip="10.0.0.9")
        with pytest.raises(VoteError) as excinfo:
            services.request_code(vote, phone="13912345609", ip="10.0.0.9")
        services.request_code(vote, phone="13912345610", ip="10.0.0.10")
    assert excinfo.value.code == "throttled"


def test_invalid_phone_is_refused(vote):
    with time_machine.travel(DURING, tick=False), pytest.raises(VoteError) as excinfo:
        services.request_code(vote, phone="12345", ip="10.0.0.1")
    assert excinfo.value.field == "phone"


# --------------------------------------------------------------------------- limits


def test_one_vote_per_candidate_per_day(vote):
    with time_machine.travel(DURING, tick=False):
        voter = verify(vote, "13912345678")
        cast(vote, voter, ["刘海峰", "陈秀兰"])
        with pytest.raises(VoteError) as excinfo:
            cast(vote, voter, ["刘海峰"])
        cast(vote, voter, ["张国强"])
    with time_machine.travel(DURING + dt.timedelta(days=1), tick=False):
        cast(vote, voter, ["刘海峰"])
    assert (excinfo.value.code, excinfo.value.message) == (
        "already_voted",
        "您今天已为该候选对象投过票，请明天再来。",
    )
    assert Vote.objects.count() == 4
    assert sorted(Vote.objects.values_list("slot", flat=True)) == [
        "2023-07-04",
        "2023-07-04",
        "2023-07-04",
        "2023-07-05",
    ]


def test_per_day_and_per_campaign_limits(vote):
    vote.rules = {
        **vote.rules,
        "per_candidate_per_day": None,
        "per_day": 2,
        "per_campaign": 3,
        "max_choices": 2,
    }
    vote.save(update_fields=["rules"])
    with time_machine.travel(DURING, tick=False):
        voter = verify(vote, "13912345678")
        cast(vote, voter, ["刘海峰", "陈秀兰"])
        with pytest.raises(VoteError) as day:
            cast(vote, voter, ["刘海峰"])
    with time_machine.travel(DURING + dt.timedelta(days=1), tick=False):
        cast(vote, voter, ["刘海峰"])
        with pytest.raises(VoteError) as total:
            cast(vote, voter, ["陈秀兰"])
    assert (day.value.code, day.value.message) == ("limit", "超出投票次数限制：每人每天最多投2票。")
    assert total.value.code == "limit"
    assert Vote.objects.count() == 3


def test_several_votes_per_candidate_per_day_take_numbered_slots(vote):
    vote.rules = {**vote.rules, "per_candidate_per_day": 2}
    vote.save(update_fields=["rules"])
    with time_machine.travel(DURING, tick=False):
        voter = verify(vote, "13912345678")
        cast(vote, voter, ["刘海峰"])
        cast(vote, voter, ["刘海峰"])
        with pytest.raises(VoteError) as excinfo:
            cast(vote, voter, ["刘海峰"])
    assert excinfo.value.code == "already_voted"
    assert sorted(Vote.objects.values_list("slot", flat=True)) == ["2023-07-04", "2023-07-04#2"]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ([], "每张选票至少选择1名候选对象。"),
        (["刘海峰", "陈秀兰", "张国强"], "每张选票最多选择2名候选对象。"),
    ],
)
def test_min_and_max_choices(vote, names, message):
    vote.rules = {**vote.rules, "max_choices": 2, "per_day": 2}
    vote.save(update_fields=["rules"])
    with time_machine.travel(DURING, tick=False):
        voter = verify(vote, "13912345678")
        with pytest.raises(VoteError) as excinfo:
            cast(vote, voter, names)
    assert excinfo.value.message == message


# --------------------------------------------------------------------------- risk


def test_burst_from_one_address_asks_for_a_captcha_then_a_fresh_verification(vote, settings):
    settings.JX_VOTE_CAPTCHA_AFTER = 2
    settings.JX_VOTE_REVERIFY_AFTER = 4
    with time_machine.travel(DURING, tick=False):
        voters = [verify(vote, f"1391234500{i}", ip="10.9.9.9") for i in range(5)]
    with time_machine.travel(DURING + dt.timedelta(minutes=1), tick=False):
        cast(vote, voters[0], ["刘海峰"], device="a")
        cast(vote, voters[1], ["刘海峰"], device="b")
        with pytest.raises(VoteError) as third:
            cast(vote, voters[2], ["刘海峰"], device="c")
        key = CaptchaStore.generate_key()
        answer = CaptchaStore.objects.get(hashkey=key).response
        cast(vote, voters[2], ["刘海峰"], device="c", captcha_key=key, captcha_value=answer)
    with time_machine.travel(DURING + dt.timedelta(minutes=9), tick=False):
        with pytest.raises(VoteError) as fifth:
            cast(vote, voters[3], ["刘海峰"], device="d")
        fresh = verify(vote, "13912345003", ip="10.9.9.9")
        key = CaptchaStore.generate_key()
        answer = CaptchaStore.objects.get(hashkey=key).response
        cast(vote, fresh, ["刘海峰"], device="d", captcha_key=key, captcha_value=answer)
    assert third.value.code == "captcha_required"
    assert fifth.value.code == "verification_required"
    assert Vote.objects.count() == 4


def test_wrong_captcha_is_refused(vote, settings):
    settings.JX_VOTE_CAPTCHA_AFTER = 0
    with time_machine.travel(DURING, tick=False):
        voter = verify(vote, "13912345678")
        key = CaptchaStore.generate_key()
        with pytest.raises(VoteError) as excinfo:
            cast(vote, voter, ["刘海峰"], captcha_key=key, captcha_value="wrong")
    assert excinfo.value.code == "captcha_required"


# --------------------------------------------------------------------------- invalidation


def test_invalidation_marks_votes_with_reason_and_recount_agrees(vote, office):
    with time_machine.travel(DURING, tick=False):
        honest = verify(vote, "13912345678", ip="10.0.0.1")
        cast(vote, honest, ["刘海峰"], ip="10.0.0.1")
        for i in range(3):
            farm = verify(vote, f"1371234560{i}", ip=f"203.0.113.{i + 1}")
            cast(vote, farm, ["陈秀兰"], ip=f"203.0.113.{i + 1}", device=f"f{i}")
        invalidation = services.invalidate_votes(
            vote,
            actor=office,
            rule=InvalidationRule.SUBNET,
            reason="同一网段短时集中投票",
            subnet="203.0.113.0/24",
        )
    assert invalidation.vote_count == 3
    assert Vote.objects.count() == 4
    assert Vote.objects.filter(invalidation=invalidation).count() == 3
    assert invalidation.reviewer == office
    counts = {
        c.published["name"]: n
        for c, n in zip(selectors.candidates_of(vote), selectors.tally(vote).values(), strict=True)
    }
    assert counts == {"刘海峰": 1, "陈秀兰": 0, "张国强": 0}
    rows = selectors.recount(vote)
    assert [(r.valid, r.invalid, r.matches) for r in rows] == [
        (1, 0, True),
        (0, 3, True),
        (0, 0, True),
    ]
    assert AuditEntry.objects.filter(action="vote.invalidate").count() == 1


def test_invalidation_needs_a_reason(vote, office):
    with pytest.raises(VoteError) as excinfo:
        services.invalidate_votes(
            vote, actor=office, rule=InvalidationRule.VOTE_IDS, reason=" ", vote_ids=[1]
        )
    assert excinfo.value.message == "请填写作废理由。"


def test_recount_command_agrees_then_reports_a_tampered_final_tally(
    vote, office, django_capture_on_commit_callbacks
):
    with time_machine.travel(DURING, tick=False):
        voter = verify(vote, "13912345678")
        cast(vote, voter, ["刘海峰", "张国强"])
        with django_capture_on_commit_callbacks(execute=True):
            services.close_public_vote(vote, actor=office)
    out = StringIO()
    call_command("recount", "weihai-gongjiang-2023", stdout=out)
    assert "刘海峰  有效 1  作废 0  计票 1  存档 1  一致" in out.getvalue()
    assert "一致：2 张有效票。" in out.getvalue()

    Candidate.objects.filter(published__name="陈秀兰").update(final_votes=7)
    out = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("recount", "weihai-gongjiang-2023", stdout=out)
    assert "陈秀兰  有效 0  作废 0  计票 0  存档 7  不一致" in out.getvalue()
    assert str(excinfo.value) == "计票不一致：1 名候选对象的票数与投票记录不符。"


# --------------------------------------------------------------------------- tallies


def test_scheduled_tally_shows_the_count_at_the_last_18_oclock(vote):
    first_day = at(2023, 7, 3, 12)
    with time_machine.travel(first_day, tick=False):
        cast(vote, verify(vote, "13912345678"), ["刘海峰"])
        before_first_publication = selectors.visible_tally(vote, first_day)
    with time_machine.travel(DURING, tick=False):
        cast(vote, verify(vote, "13912345679"), ["刘海峰"])
        next_morning = selectors.visible_tally(vote, DURING)
    assert before_first_publication.counts is None
    assert next_morning.as_of == at(2023, 7, 3, 18, 0)
    assert sorted(next_morning.counts.values()) == [0, 0, 1]


def test_result_for_expert_review_only_after_the_close(
    vote, office, nominees, django_capture_on_commit_callbacks
):
    with time_machine.travel(DURING, tick=False):
        cast(vote, verify(vote, "13912345678"), ["刘海峰", "陈秀兰"])
        assert selectors.public_vote_result(vote.campaign) == {}
        with django_capture_on_commit_callbacks(execute=True):
            services.close_public_vote(vote, actor=office)
        result = selectors.public_vote_result(vote.campaign)
    assert result == {nominees[0].pk: 1, nominees[1].pk: 1, nominees[2].pk: 0}


@pytest.mark.parametrize("names", [["陈秀兰"], ["陈秀兰", "张国强"]])
def test_cast_write_path_is_one_statement_whatever_its_size(vote, names, django_assert_num_queries):
    """Round trips are the cost (docs/benchmarks.md, issue 17.1). On PostgreSQL one
    statement (a CTE: the vote still open, the counters' UPDATE, the receipt's and the votes'
    INSERT); on SQLite the four statements. The savepoint pair is the test's transaction."""
    with time_machine.travel(DURING, tick=False):
        voter = verify(vote, "13912345678")
        cast(vote, voter, ["刘海峰"])  # warms the public view cache
        expected = (
            ["SAVEPOINT", "WITH", "RELEASE"]
            if connection.vendor == "postgresql"
            else ["SAVEPOINT", "SELECT", "UPDATE", "INSERT", "INSERT", "RELEASE"]
        )
        with django_assert_num_queries(len(expected)) as queries:
            receipt = cast(vote, voter, names)
    sql = [q["sql"].split()[0] for q in queries.captured_queries]
    assert sql == expected
    assert Vote.objects.filter(receipt_id=receipt.pk).count() == len(names)
    assert Voter.objects.get(pk=voter.pk).day_votes == 1 + len(names)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cast_outside_a_transaction_is_one_round_trip(vote, django_assert_num_queries):
    """In autocommit (a request with ATOMIC_REQUESTS off) the ballot is a single statement:
    no BEGIN, no COMMIT; a refused second ballot leaves no receipt and no counter moved."""
    if connection.vendor != "postgresql":
        pytest.skip("the single-statement ballot is PostgreSQL's")
    with time_machine.travel(DURING, tick=False):
        voter = verify(vote, "13912345678")
        cast(vote, voter, ["刘海峰"])  # warms the public view cache
        with django_assert_num_queries(1) as queries:
            receipt = cast(vote, voter, ["陈秀兰", "张国强"])
        assert queries.captured_queries[0]["sql"].startswith("WITH")
        with django_assert_num_queries(1), pytest.raises(VoteError) as refused:
            cast(vote, voter, ["张国强"])
    assert refused.value.code == "already_voted"
    assert refused.value.message == "您今天已为该候选对象投过票，请明天再来。"
    assert Receipt.objects.filter(voter_id=voter.pk).count() == 2
    assert Vote.objects.filter(receipt_id=receipt.pk).count() == 2
    assert Voter.objects.get(pk=voter.pk).day_votes == 3


@pytest.mark.postgres
def test_the_ballot_statement_is_prepared_after_five_ballots_on_one_connection(vote):
    """Issue 17.1: the one-statement ballot binds its parameters on the server, so its
    connection prepares it after five runs and plans it no more (docs/benchmarks.md, "the
    ballot's statement prepared"); every ballot still counts."""
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement ballot is PostgreSQL's")

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%INSERT INTO voting_vote%"],
            )
            return cursor.fetchone()[0]

    receipts = []
    with time_machine.travel(DURING, tick=False):
        for i in range(7):
            voter = verify(vote, f"1391234567{i}", ip=f"10.0.1.{i}")
            receipts.append(cast(vote, voter, ["刘海峰"], ip=f"10.0.1.{i}"))
            if i == 3:
                assert prepared() == 0
    assert prepared() == 1
    assert Vote.objects.filter(receipt__in=receipts).count() == 7
