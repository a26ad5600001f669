"""Writes of competitive ballots (差额评选): open, vote, close with runoff, chair's signature.

Sources: seed 002 四(三) (投票评选出焦作工匠候选20-30人); issue 4 "Ballots": experts vote for
N of M candidates, a threshold (more than half of the panel), a runoff among those tied at
the cut line, and the result signed off by the panel's chair.

Votes are secret towards the audit trail: the audit rows record that a member voted and
how many names were chosen, never whom.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.accounts.models import User
from jiangxuan.core.audit import record_audit
from jiangxuan.core.permissions import require
from jiangxuan.nominations.models import Nomination

from . import aggregation, selectors, selectors_scoring
from .enums import BallotState, MemberRole
from .models import Ballot, BallotVote, Panel, PanelMember
from .services import ExpertError, require_panel_office

#: Thresholds a ballot may use: "majority" = more than half of the panel's active members
#: (selectors_scoring.voting_members), "none" = at least one vote.
THRESHOLDS = ("majority", "none")


def needed_votes(ballot: Ballot) -> int:
    """Votes a candidate needs: ⌊n/2⌋ + 1 of the n active members for "majority"
    (超过半数, issue 4), 1 for "none"."""
    if ballot.threshold == "majority":
        return selectors_scoring.voting_members(ballot.panel).count() // 2 + 1
    return 1


@transaction.atomic
def open_ballot(
    panel: Panel,
    *,
    title: str,
    candidates: Iterable[Nomination],
    choose_min: int,
    choose_max: int,
    seats: int,
    threshold: str = "majority",
    actor: User,
    runoff_of: Ballot | None = None,
) -> Ballot:
    """Open a ballot among ``candidates`` (nominations the panel reviews): each member
    chooses ``choose_min``..``choose_max`` of them; up to ``seats`` are elected
    (seed 002 四(三): 20-30).

    Raises:
        PermissionDenied: the actor is not the campaign's office (a runoff is opened by
            :func:`close_ballot` on the closer's behalf).
        ExpertError: no candidates, a candidate the panel does not review, or bounds out
            of order (0 ≤ min ≤ max ≤ candidates, 1 ≤ seats ≤ candidates).
    """
    if runoff_of is None:
        require_panel_office(actor, panel)
    chosen = list({n.pk: n for n in candidates}.values())
    if not chosen:
        raise ExpertError(_("请至少列入一名候选人。"), field="candidates")
    reviewed = {n.pk for n in selectors.panel_nominees(panel)}
    if any(n.pk not in reviewed for n in chosen):
        raise ExpertError(_("候选人须为本评审组评审的推荐对象。"), field="candidates")
    if not 0 <= choose_min <= choose_max <= len(chosen) or choose_max < 1:
        raise ExpertError(
            _("可选人数应满足 0 ≤ 至少选 ≤ 至多选 ≤ 候选人数（%(n)s）。") % {"n": len(chosen)},
            field="choose_max",
        )
    if not 1 <= seats <= len(chosen):
        raise ExpertError(_("当选名额应在 1 至候选人数之间。"), field="seats")
    if threshold not in THRESHOLDS:
        raise ExpertError(_("当选票数要求无效。"), field="threshold")
    ballot = Ballot.objects.create(
        panel=panel,
        title=title.strip() or _("差额投票"),
        choose_min=choose_min,
        choose_max=choose_max,
        seats=seats,
        threshold=threshold,
        runoff_of=runoff_of,
    )
    ballot.candidates.set(chosen)
    record_audit(
        actor=actor,
        action="experts.open_ballot",
        obj=ballot,
        after={
            "panel": panel.pk,
            "candidates": sorted(n.pk for n in chosen),
            "choose": [choose_min, choose_max],
            "seats": seats,
            "threshold": threshold,
            "runoff_of": runoff_of.pk if runoff_of else None,
        },
    )
    return ballot


@transaction.atomic
def cast_ballot_vote(
    ballot: Ballot, member: PanelMember, *, nominations: Iterable[Nomination], actor: User
) -> BallotVote:
    """A member votes once (database constraint one_vote_per_member).

    Raises:
        PermissionDenied: the actor is not the member's expert, the member is not an
            active member of the ballot's panel, or has not confirmed confidentiality.
        ExpertError: the ballot is not open, the member already voted, a choice is not a
            candidate, or the number chosen is outside choose_min..choose_max.
    """
    ballot = Ballot.objects.select_for_update().select_related("panel").get(pk=ballot.pk)
    member = PanelMember.objects.select_related("expert").get(pk=member.pk)
    if (
        member.expert.user_id != actor.pk
        or member.panel_id != ballot.panel_id
        or member.confidentiality_confirmed_at is None
        or not selectors_scoring.voting_members(ballot.panel).filter(pk=member.pk).exists()
    ):
        raise PermissionDenied(_("您不能参加本次投票。"))
    if ballot.state != BallotState.OPEN:
        raise ExpertError(_("投票已截止。"), code="conflict")
    if selectors_scoring.has_voted(ballot, member):
        raise ExpertError(_("您已投过票，每位专家只能投一次。"), code="conflict")
    chosen = {n.pk for n in nominations}
    candidates = set(ballot.candidates.values_list("pk", flat=True))
    if chosen - candidates:
        raise ExpertError(_("只能在候选人中选择。"), field="nominations")
    if not ballot.choose_min <= len(chosen) <= ballot.choose_max:
        raise ExpertError(
            _("请选择 %(min)s 至 %(max)s 名候选人，您选择了 %(n)s 名。")
            % {"min": ballot.choose_min, "max": ballot.choose_max, "n": len(chosen)},
            field="nominations",
        )
    try:
        with transaction.atomic():
            vote = BallotVote.objects.create(ballot=ballot, member=member)
    except IntegrityError as exc:
        raise ExpertError(_("您已投过票，每位专家只能投一次。"), code="conflict") from exc
    vote.choices.set(chosen)
    record_audit(
        actor=actor,
        action="experts.cast_ballot_vote",
        obj=vote,
        role="expert",
        after={"ballot": ballot.pk, "chosen_count": len(chosen)},
    )
    return vote


@transaction.atomic
def close_ballot(ballot: Ballot, *, actor: User) -> Ballot:
    """Count the votes (计票): votes per candidate, who passes the threshold, the elected
    (up to ``seats``, most votes first). When a tie straddles the cut line the tied are
    recorded and a runoff ballot among exactly them opens for the seats left
    (``runoff_of`` set), same threshold.

    ``result`` = {votes: {id: n}, voters, members, needed, passing, elected, tied,
    runoff}. Raises PermissionDenied unless the actor is the panel's chair or the
    campaign office; ExpertError if the ballot is not open.
    """
    ballot = Ballot.objects.select_for_update().select_related("panel").get(pk=ballot.pk)
    panel = ballot.panel
    require(actor, "experts.close_ballot", panel, _("只有评审组组长或活动办公室可以截止投票。"))
    if ballot.state != BallotState.OPEN:
        raise ExpertError(_("投票已截止。"), code="conflict")
    votes = ballot.votes.prefetch_related("choices")
    counts = aggregation.tally([c.pk for c in v.choices.all()] for v in votes)
    candidates = sorted(ballot.candidates.values_list("pk", flat=True))
    needed = needed_votes(ballot)
    outcome = aggregation.elect(counts, candidates=candidates, seats=ballot.seats, needed=needed)
    runoff = None
    if outcome.tied:
        remaining = ballot.seats - len(outcome.elected)
        runoff = open_ballot(
            panel,
            title=_("%(title)s（决选）") % {"title": ballot.title},
            candidates=Nomination.objects.filter(pk__in=outcome.tied),
            choose_min=1,
            choose_max=remaining,
            seats=remaining,
            threshold=ballot.threshold,
            actor=actor,
            runoff_of=ballot,
        )
    ballot.result = {
        "votes": {str(pk): outcome.votes[pk] for pk in candidates},
        "voters": votes.count(),
        "members": selectors_scoring.voting_members(panel).count(),
        "needed": needed,
        "passing": outcome.passing,
        "elected": outcome.elected,
        "tied": sorted(outcome.tied),
        "runoff": runoff.pk if runoff else None,
    }
    ballot.state = BallotState.CLOSED
    ballot.closed_at = timezone.now()
    ballot.save(update_fields=["result", "state", "closed_at", "updated_at"])
    record_audit(
        actor=actor,
        action="experts.close_ballot",
        obj=ballot,
        before={"state": BallotState.OPEN},
        after={"state": BallotState.CLOSED, **ballot.result},
    )
    return ballot


@transaction.atomic
def sign_ballot(ballot: Ballot, *, chair_member: PanelMember, actor: User) -> Ballot:
    """The panel's chair signs off the counted result (组长签字确认).

    Raises:
        PermissionDenied: ``chair_member`` is not the chair of the ballot's panel or not
            the actor.
        ExpertError: the ballot is not closed (still open, or already signed).
    """
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    chair_member = PanelMember.objects.select_related("expert").get(pk=chair_member.pk)
    if (
        chair_member.role != MemberRole.CHAIR
        or chair_member.panel_id != ballot.panel_id
        or chair_member.expert.user_id != actor.pk
    ):
        raise PermissionDenied(_("只有评审组组长可以签字确认投票结果。"))
    if ballot.state != BallotState.CLOSED:
        raise ExpertError(_("只有已截止且尚未确认的投票可以签字确认。"), code="conflict")
    ballot.state = BallotState.SIGNED
    ballot.signed_by = chair_member
    ballot.signed_at = timezone.now()
    ballot.save(update_fields=["state", "signed_by", "signed_at", "updated_at"])
    record_audit(
        actor=actor,
        action="experts.sign_ballot",
        obj=ballot,
        role="chair",
        before={"state": BallotState.CLOSED},
        after={"state": BallotState.SIGNED, "elected": ballot.result.get("elected", [])},
    )
    return ballot
