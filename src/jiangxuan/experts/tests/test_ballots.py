"""Competitive ballots (差额评选, seed 002 四(三)): one vote per member, choice bounds,
the majority threshold, a runoff among exactly those tied at the cut line, the chair's
signature, and the blend with ballot and public vote."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from jiangxuan.accounts.enums import Role
from jiangxuan.core.models import AuditEntry
from jiangxuan.experts import selectors_scoring, services_ballots, services_scoring
from jiangxuan.experts.enums import BallotState
from jiangxuan.experts.models import BallotVote
from jiangxuan.experts.services import ExpertError

from .scoring_setup import approved_nominations, assign_all, drawn_panel, user_with_role


@pytest.fixture
def ballot_setup(seed_campaign):
    campaign = seed_campaign("002")
    nominations = approved_nominations(campaign, 6)
    panel, members = drawn_panel(campaign, size=5)
    office = user_with_role("jz-union", Role.CAMPAIGN_OFFICE, campaign=campaign)
    return campaign, panel, members, nominations, office


def _open(panel, nominations, office, **kwargs):
    options = {"choose_min": 1, "choose_max": 3, "seats": 3, **kwargs}
    return services_ballots.open_ballot(
        panel, title="焦作工匠候选人投票", candidates=nominations, actor=office, **options
    )


def _vote(ballot, member, chosen):
    return services_ballots.cast_ballot_vote(
        ballot, member, nominations=chosen, actor=member.expert.user
    )


def test_open_ballot_only_office_and_bounds_checked(ballot_setup):
    _, panel, members, nominations, office = ballot_setup
    with pytest.raises(PermissionDenied):
        _open(panel, nominations, members[0].expert.user)
    with pytest.raises(ExpertError) as excinfo:
        _open(panel, nominations, office, choose_min=4, choose_max=3)
    assert "至少选" in excinfo.value.message
    with pytest.raises(ExpertError):
        _open(panel, nominations, office, seats=7)
    ballot = _open(panel, nominations, office)
    assert ballot.state == BallotState.OPEN
    assert ballot.candidates.count() == 6


def test_one_vote_per_member(ballot_setup):
    _, panel, members, nominations, office = ballot_setup
    ballot = _open(panel, nominations, office)
    _vote(ballot, members[1], nominations[:2])
    with pytest.raises(ExpertError) as excinfo:
        _vote(ballot, members[1], nominations[2:4])
    assert excinfo.value.message == "您已投过票，每位专家只能投一次。"
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotVote.objects.create(ballot=ballot, member=members[1])
    assert BallotVote.objects.filter(ballot=ballot).count() == 1
    entry = AuditEntry.objects.filter(action="experts.cast_ballot_vote").latest("id")
    assert entry.after == {"ballot": ballot.pk, "chosen_count": 2}


def test_out_of_range_choices_refused_in_chinese(ballot_setup):
    _, panel, members, nominations, office = ballot_setup
    ballot = _open(panel, nominations, office, choose_min=2)
    with pytest.raises(ExpertError) as excinfo:
        _vote(ballot, members[1], nominations[:4])
    assert excinfo.value.message == "请选择 2 至 3 名候选人，您选择了 4 名。"
    with pytest.raises(ExpertError) as excinfo:
        _vote(ballot, members[1], nominations[:1])
    assert excinfo.value.message == "请选择 2 至 3 名候选人，您选择了 1 名。"
    small = _open(panel, nominations[:3], office)
    with pytest.raises(ExpertError) as excinfo:
        _vote(small, members[1], [nominations[5]])
    assert excinfo.value.message == "只能在候选人中选择。"


def test_vote_needs_own_membership_and_confidentiality(ballot_setup):
    _, panel, members, nominations, office = ballot_setup
    ballot = _open(panel, nominations, office)
    with pytest.raises(PermissionDenied):
        services_ballots.cast_ballot_vote(
            ballot, members[1], nominations=nominations[:1], actor=members[2].expert.user
        )
    members[3].confidentiality_confirmed_at = None
    members[3].save()
    with pytest.raises(PermissionDenied):
        _vote(ballot, members[3], nominations[:1])


def test_tie_at_the_cut_line_creates_a_runoff_among_exactly_the_tied(ballot_setup):
    """5 members, majority = 3. Votes: n0 5, n1 3, n2 3, n3 3, n4 1. Three seats: n0 is
    elected; n1, n2 and n3 tie for the last two seats → a runoff among exactly them."""
    _, panel, members, n, office = ballot_setup
    ballot = _open(panel, n, office)
    _vote(ballot, members[0], [n[0], n[1], n[2]])
    _vote(ballot, members[1], [n[0], n[1], n[3]])
    _vote(ballot, members[2], [n[0], n[2], n[3]])
    _vote(ballot, members[3], [n[0], n[1], n[2]])
    _vote(ballot, members[4], [n[0], n[3], n[4]])
    closed = services_ballots.close_ballot(ballot, actor=members[0].expert.user)
    result = closed.result
    assert closed.state == BallotState.CLOSED
    assert result["needed"] == 3
    assert result["votes"][str(n[0].pk)] == 5
    assert result["elected"] == [n[0].pk]
    assert result["tied"] == sorted([n[1].pk, n[2].pk, n[3].pk])
    runoff = closed.runoffs.get()
    assert result["runoff"] == runoff.pk
    assert set(runoff.candidates.values_list("pk", flat=True)) == {n[1].pk, n[2].pk, n[3].pk}
    assert (runoff.seats, runoff.choose_max, runoff.state) == (2, 2, BallotState.OPEN)


def test_no_tie_elects_by_votes_and_threshold_excludes_minority(ballot_setup):
    """5 members, majority = 3: n0 4 votes, n1 3, n2 2 (below threshold) → n0, n1 only."""
    _, panel, members, n, office = ballot_setup
    ballot = _open(panel, n, office)
    _vote(ballot, members[0], [n[0], n[1], n[2]])
    _vote(ballot, members[1], [n[0], n[1]])
    _vote(ballot, members[2], [n[0], n[1], n[2]])
    _vote(ballot, members[3], [n[0]])
    closed = services_ballots.close_ballot(ballot, actor=office)
    assert closed.result["elected"] == [n[0].pk, n[1].pk]
    assert closed.result["passing"] == [n[0].pk, n[1].pk]
    assert closed.result["tied"] == []
    assert closed.result["voters"] == 4
    assert not closed.runoffs.exists()


def test_majority_is_of_the_panels_active_members_not_of_voters(ballot_setup):
    """Only 2 of 5 members vote: 2 votes are not more than half of 5, nobody is elected."""
    _, panel, members, n, office = ballot_setup
    ballot = _open(panel, n, office)
    _vote(ballot, members[1], [n[0]])
    _vote(ballot, members[2], [n[0]])
    closed = services_ballots.close_ballot(ballot, actor=office)
    assert closed.result["needed"] == 3
    assert closed.result["elected"] == []


def test_close_only_chair_or_office_then_chair_signs(ballot_setup):
    _, panel, members, n, office = ballot_setup
    ballot = _open(panel, n, office)
    with pytest.raises(PermissionDenied):
        services_ballots.close_ballot(ballot, actor=members[1].expert.user)
    with pytest.raises(ExpertError):
        services_ballots.sign_ballot(ballot, chair_member=members[0], actor=members[0].expert.user)
    services_ballots.close_ballot(ballot, actor=members[0].expert.user)
    with pytest.raises(PermissionDenied):
        services_ballots.sign_ballot(ballot, chair_member=members[1], actor=members[1].expert.user)
    with pytest.raises(PermissionDenied):
        services_ballots.sign_ballot(ballot, chair_member=members[0], actor=office)
    signed = services_ballots.sign_ballot(
        ballot, chair_member=members[0], actor=members[0].expert.user
    )
    assert (signed.state, signed.signed_by, signed.signed_at is not None) == (
        BallotState.SIGNED,
        members[0],
        True,
    )
    assert AuditEntry.objects.filter(
        action="experts.sign_ballot", object_id=str(ballot.pk)
    ).exists()
    with pytest.raises(ExpertError):
        _vote(ballot, members[1], [n[0]])


def test_blend_ranks_by_score_ballot_and_public_vote(ballot_setup):
    """Spec blend 0.6 score + 0.2 ballot + 0.2 public vote. Two nominations, scores by
    all 5 experts: n0 totals all 80, n1 all 90 → trimmed mean 80 and 90.
    Ballot: n0 5 votes, n1 1 (panel 5) → shares 1.0 and 0.2. Public: n0 400, n1 100
    (max 400) → 1.0 and 0.25.
    n0 = 0.6×0.80 + 0.2×1.0 + 0.2×1.0 = 0.88; n1 = 0.6×0.90 + 0.2×0.2 + 0.2×0.25 = 0.63."""
    campaign, panel, members, n, office = ballot_setup
    steps = campaign.spec["review_chain"]["steps"]
    step = next(s for s in steps if s["kind"] == "expert_review")
    step["blend"] = [
        {"component": "score", "weight": 60},
        {"component": "ballot", "weight": 20},
        {"component": "public_vote", "weight": 20},
    ]
    campaign.save()
    del campaign.specification
    panel.campaign = campaign
    for a in assign_all(members, n[:2]):
        value = 20 if a.nomination == n[0] else 22.5
        scores = dict.fromkeys(["political", "skill", "performance", "peer-opinion"], value)
        services_scoring.submit_scores(a, actor=a.member.expert.user, scores=scores)
    ballot = _open(panel, n[:2], office, choose_max=2, seats=1)
    _vote(ballot, members[0], [n[0], n[1]])
    for member in members[1:]:
        _vote(ballot, member, [n[0]])
    services_ballots.close_ballot(ballot, actor=office)
    table = selectors_scoring.ranking_table(panel, public_votes={n[0].pk: 400, n[1].pk: 100})
    assert [r.nomination.pk for r in table.rows] == [n[0].pk, n[1].pk]
    assert table.rows[0].value == pytest.approx(0.88)
    assert table.rows[1].value == pytest.approx(0.63)
    assert table.blend_formula == (
        "0.6×专家评分÷满分 + 0.2×专家投票得票÷评审组人数 + 0.2×网络投票得票÷最高得票"
    )
