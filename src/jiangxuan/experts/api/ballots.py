"""API: ballots inside a panel (差额投票): opening, voting, closing with the tally, the chair's
signature."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status, codes_4xx
from pydantic import Field

from jiangxuan.accounts.http import ApiRequest
from jiangxuan.core.api_errors import ApiError, ErrorOut, field_error, not_found

from .. import (
    selectors,
    selectors_scoring,
    services_ballots,
)
from ..enums import BallotState
from ..models import (
    Ballot,
)
from .common import nominee_label, office_panel

router = Router()


class PanelCandidateOut(Schema):
    nomination: int
    label: str = Field(description="推荐对象姓名；匿名评审时对专家显示编号")


class BallotRowOut(Schema):
    nomination: int
    label: str
    votes: int
    passing: bool
    elected: bool
    tied: bool


class BallotOut(Schema):
    id: int
    panel: int
    title: str
    state: BallotState
    state_label: str
    choose_min: int
    choose_max: int
    seats: int
    threshold: str = Field(description="majority 超过半数 / none 不设")
    runoff_of: int | None = Field(description="决选投票所决的原投票 id")
    runoff: int | None = Field(description="计票后发起的决选投票 id")
    candidates: list[PanelCandidateOut]
    needed: int = Field(description="当选所需票数")
    voters: int | None = Field(description="已投票人数（活动办公室可见）")
    members: int = Field(description="有表决权的成员数")
    rows: list[BallotRowOut] = Field(description="计票结果；投票中对专家不显示")
    closed_at: dt.datetime | None
    signed_at: dt.datetime | None
    voted: bool | None = Field(description="本人是否已投票（专家）")
    is_chair: bool


class PanelBallotIn(Schema):
    title: str = Field("", max_length=100, description="名称")
    candidates: list[int] = Field(min_length=1, description="候选推荐 id")
    choose_min: int = Field(ge=0, description="至少选")
    choose_max: int = Field(ge=1, description="至多选")
    seats: int = Field(ge=1, description="当选名额")
    threshold: str = Field("majority", description="majority 超过半数 / none 不设")


class VoteIn(Schema):
    nominations: list[int] = Field(description="选择的候选推荐 id")


class PanelVoteOut(Schema):
    ballot: int
    chosen: int = Field(description="选择人数")
    detail: str


def _ballot_out(request: ApiRequest, ballot: Ballot, *, office: bool) -> BallotOut:
    user = request.auth
    blind = ballot.panel.blind and not office
    member = None if office else selectors_scoring.member_for_ballot(user, ballot)
    shown = office or ballot.state != BallotState.OPEN
    return BallotOut(
        id=ballot.pk,
        panel=ballot.panel_id,
        title=ballot.title,
        state=BallotState(ballot.state),
        state_label=str(ballot.get_state_display()),
        choose_min=ballot.choose_min,
        choose_max=ballot.choose_max,
        seats=ballot.seats,
        threshold=ballot.threshold,
        runoff_of=ballot.runoff_of_id,
        runoff=(ballot.result or {}).get("runoff"),
        candidates=[
            PanelCandidateOut(nomination=n.pk, label=nominee_label(n, blind=blind))
            for n in ballot.candidates.order_by("id")
        ],
        needed=services_ballots.needed_votes(ballot),
        voters=ballot.votes.count() if office else None,
        members=selectors_scoring.voting_members(ballot.panel).count(),
        rows=[
            BallotRowOut(
                nomination=row["nomination"].pk,
                label=nominee_label(row["nomination"], blind=blind),
                votes=row["votes"],
                passing=row["passing"],
                elected=row["elected"],
                tied=row["tied"],
            )
            for row in (selectors_scoring.ballot_rows(ballot) if shown else [])
        ],
        closed_at=ballot.closed_at,
        signed_at=ballot.signed_at,
        voted=selectors_scoring.has_voted(ballot, member) if member else None,
        is_chair=selectors_scoring.chair_of(ballot.panel, user) is not None,
    )


def _visible_ballot(request: ApiRequest, ballot_id: int) -> tuple[Ballot, bool]:
    """The ballot for its campaign office (True) or for one of its panel's experts (False)."""
    ballot = selectors_scoring.ballot_for_office(request.auth, ballot_id)
    if ballot is not None:
        return ballot, True
    ballot = selectors_scoring.ballot_for_expert(request.auth, ballot_id)
    if ballot is None:
        raise not_found()
    return ballot, False


@router.get(
    "/panels/{panel_id}/ballots",
    response={200: list[BallotOut], codes_4xx: ErrorOut},
    summary="评审组投票列表",
)
def list_panel_ballots(request: ApiRequest, panel_id: int) -> list[BallotOut]:
    """评审组的差额投票（含决选投票），按发起先后（活动办公室）。"""
    panel = office_panel(request, panel_id)
    return [_ballot_out(request, b, office=True) for b in selectors_scoring.ballots_of(panel)]


@router.post(
    "/panels/{panel_id}/ballots",
    response={201: BallotOut, codes_4xx: ErrorOut},
    summary="发起投票",
)
def open_ballot(request: ApiRequest, panel_id: int, payload: PanelBallotIn) -> Status:
    """在本评审组评审的推荐对象中发起差额投票：每位专家选 choose_min 至 choose_max 人，
    当选至多 seats 人，当选须达到票数要求。"""
    panel = office_panel(request, panel_id)
    wanted = set(payload.candidates)
    candidates = [n for n in selectors.panel_nominees(panel) if n.pk in wanted]
    if len(candidates) != len(wanted):
        raise field_error("candidates", _("候选人须为本评审组评审的推荐对象。"))
    ballot = services_ballots.open_ballot(
        panel,
        title=payload.title,
        candidates=candidates,
        choose_min=payload.choose_min,
        choose_max=payload.choose_max,
        seats=payload.seats,
        threshold=payload.threshold,
        actor=request.auth,
    )
    return Status(201, _ballot_out(request, ballot, office=True))


@router.get(
    "/expert/ballots", response={200: list[BallotOut], codes_4xx: ErrorOut}, summary="我的投票"
)
def list_my_ballots(request: ApiRequest) -> list[BallotOut]:
    """本人已确认保密承诺的评审组中的投票，新的在前；投票截止前不显示计票。"""
    return [
        _ballot_out(request, b, office=False)
        for b in selectors_scoring.ballots_for_expert(request.auth)
    ]


@router.get(
    "/ballots/{ballot_id}", response={200: BallotOut, codes_4xx: ErrorOut}, summary="投票详情"
)
def get_ballot(request: ApiRequest, ballot_id: int) -> BallotOut:
    """活动办公室看投票进度和计票结果；评审组专家看选票，截止后看计票结果。"""
    ballot, office = _visible_ballot(request, ballot_id)
    return _ballot_out(request, ballot, office=office)


@router.post(
    "/ballots/{ballot_id}/votes",
    response={201: PanelVoteOut, codes_4xx: ErrorOut},
    summary="投票",
)
def cast_ballot_vote(request: ApiRequest, ballot_id: int, payload: VoteIn) -> Status:
    """评审组专家投票（每人一次，记名不公开：审计只记录人数）。重复投票或投票已截止答 409。"""
    ballot = selectors_scoring.ballot_for_expert(request.auth, ballot_id)
    if ballot is None:
        raise not_found()
    member = selectors_scoring.member_for_ballot(request.auth, ballot)
    if member is None:
        raise not_found()
    wanted = set(payload.nominations)
    picked = [n for n in ballot.candidates.order_by("id") if n.pk in wanted]
    if len(picked) != len(wanted):
        raise field_error("nominations", _("只能在候选人中选择。"))
    services_ballots.cast_ballot_vote(ballot, member, nominations=picked, actor=request.auth)
    return Status(201, PanelVoteOut(ballot=ballot.pk, chosen=len(picked), detail=_("投票已提交。")))


@router.post(
    "/ballots/{ballot_id}/close",
    response={200: BallotOut, codes_4xx: ErrorOut},
    summary="截止投票并计票",
)
def close_ballot(request: ApiRequest, ballot_id: int) -> BallotOut:
    """评审组组长（或活动办公室）截止投票，平台计票；末位得票相同时自动对并列者发起决选
    投票（见 runoff）。已截止答 409，其他专家答 403。"""
    ballot, office = _visible_ballot(request, ballot_id)
    ballot = services_ballots.close_ballot(ballot, actor=request.auth)
    return _ballot_out(request, ballot, office=office)


@router.post(
    "/ballots/{ballot_id}/sign",
    response={200: BallotOut, codes_4xx: ErrorOut},
    summary="组长签字确认投票结果",
)
def sign_ballot(request: ApiRequest, ballot_id: int) -> BallotOut:
    """评审组组长签字确认已计票的结果。非组长答 403，未截止或已确认答 409。"""
    ballot = selectors_scoring.ballot_for_expert(request.auth, ballot_id)
    if ballot is None:
        raise not_found()
    chair = selectors_scoring.chair_of(ballot.panel, request.auth)
    if chair is None:
        raise ApiError(403, _("只有评审组组长可以签字确认投票结果。"), code="permission_denied")
    ballot = services_ballots.sign_ballot(ballot, chair_member=chair, actor=request.auth)
    return _ballot_out(request, ballot, office=False)
