"""API: 网络投票 (seed 003 二(二)3).

Public endpoints need no authentication and no CSRF (there is no session to ride on): the
vote with its candidates and the tally when the rule shows it, requesting a one-time
code, verifying it for a voter token, casting votes with ``X-Voter-Token``, checking a
receipt. The office's endpoints (bearer token or session, like the other routers) prepare,
open and close the vote, read the anomaly report and the recount, invalidate votes.

Errors are raised, not returned: a service's VoteError answers in the common shape
``{"detail", "code", "errors"}`` with the status its code has (core.api_errors,
``VoteError.statuses``); a submission refused for risk answers
403 with ``code`` ``captcha_required`` (and a ``captcha`` to solve) or
``verification_required`` (request and verify a new code); an office action by anyone
else answers 403 ``permission_denied`` through the common PermissionDenied handler.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status, codes_4xx
from pydantic import Field

from jiangxuan.accounts.http import ApiRequest
from jiangxuan.core.api_errors import ApiError, ErrorOut
from jiangxuan.core.api_json import Renderer
from jiangxuan.core.caching import mark_public, public_content
from jiangxuan.core.middleware import client_ip

from . import risk, selectors, services
from .enums import InvalidationRule
from .services import VoteError
from .tokens import issue_voter_token, read_voter_token

router = Router(tags=["网络投票"])

#: Seconds browsers and shared caches may keep the public vote's JSON.
PUBLIC_MAX_AGE = 10
#: The API's renderer (jiangxuan.api.main uses the same), for the cached JSON.
JSON = Renderer()


class CandidateOut(Schema):
    id: str = Field(description="候选对象的公开编号（投票时使用）")
    position: int
    name: str
    sex: str
    workplace_name: str
    post: str
    occupation: str
    achievement_summary: str
    votes: int | None = Field(None, description="得票；按投票规则不公开时为 null")


class RulesOut(Schema):
    per_candidate_per_day: int | None
    per_candidate: int | None
    per_day: int | None
    per_campaign: int | None
    min_choices: int
    max_choices: int | None
    tally: str
    identity: str


class VoteOut(Schema):
    campaign: str
    title: str
    state: Literal["before", "open", "after"] = Field(description="未开始、投票中、已结束")
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    rules: RulesOut
    tally_as_of: dt.datetime | None = Field(description="所示得票的截止时刻")
    tally_final: bool
    candidates: list[CandidateOut]


class PhoneIn(Schema):
    phone: str = Field(max_length=20, description="中国大陆手机号")


class CodeSentOut(Schema):
    detail: str
    expires_in: int = Field(description="验证码有效秒数")


class VerifyIn(Schema):
    phone: str = Field(max_length=20)
    code: str = Field(max_length=10)
    real_name: str = Field("", max_length=60, description="规则要求实名时填写")
    id_number: str = Field("", max_length=18, description="规则要求实名时填写")


class VoterTokenOut(Schema):
    voter_token: str = Field(description="投票时放在 X-Voter-Token 请求头")
    expires_in: int


class PublicVoteIn(Schema):
    candidates: list[str] = Field(description="所选候选对象的公开编号")
    captcha_key: str = ""
    captcha_value: str = ""


class ReceiptLineOut(Schema):
    name: str
    counted: bool


class ReceiptOut(Schema):
    receipt: str
    campaign: str
    created_at: dt.datetime
    votes: list[ReceiptLineOut]


class CaptchaOut(Schema):
    key: str
    image_url: str


class RiskErrorOut(ErrorOut):
    captcha: CaptchaOut | None = None


def _not_found() -> ApiError:
    return ApiError(404, _("没有找到该投票。"), code="not_found")


def _candidate_out(candidate, counts) -> dict:
    return {
        "id": candidate.public_id,
        "position": candidate.position,
        **{key: candidate.published.get(key, "") for key in services.PUBLISHED_FIELDS},
        "votes": counts.get(candidate.pk, 0) if counts is not None else None,
    }


# --------------------------------------------------------------------------- public


@router.get(
    "/votes/{campaign_code}",
    auth=None,
    response={200: VoteOut, codes_4xx: ErrorOut},
    summary="投票信息与候选对象",
)
def get_vote(request: HttpRequest, campaign_code: str):
    """投票时间、规则和候选对象（只含本人同意公开的字段）；按规则公开得票时附得票
    （实时、最近一次定时公布或投票结束后）。可缓存 10 秒。"""
    now = timezone.now()

    def produce() -> bytes:
        view = selectors.public_view(campaign_code)
        assert view is not None  # page_version() found it a moment ago
        shown = selectors.visible_tally(view.vote, now)
        out = VoteOut.model_validate(
            {
                "campaign": view.vote.campaign.code,
                "title": view.vote.title,
                "state": selectors.window_state(view.vote, now),
                "opens_at": view.vote.opens_at,
                "closes_at": view.vote.closes_at,
                "rules": selectors.rule_of(view.vote).model_dump(),
                "tally_as_of": shown.as_of,
                "tally_final": shown.final,
                "candidates": [_candidate_out(c, shown.counts) for c in view.candidates],
            }
        )
        return JSON.render(request, out.model_dump(), response_status=200).encode()

    # The JSON from the cache in one read, as the vote page (issue 17.2).
    try:
        body = public_content(
            ("api-vote", campaign_code),
            lambda: selectors.page_version(campaign_code, now),
            produce,
            missing="",
            check_every=selectors.LIVE_TALLY_SECONDS,
            max_age=PUBLIC_MAX_AGE,
        )
    except Http404:
        raise _not_found() from None
    return mark_public(HttpResponse(body, content_type=JSON.content_type()), PUBLIC_MAX_AGE)


@router.post(
    "/votes/{campaign_code}/codes",
    auth=None,
    response={202: CodeSentOut, codes_4xx: ErrorOut, 503: ErrorOut},
    summary="获取验证码",
)
def request_vote_code(request: HttpRequest, campaign_code: str, payload: PhoneIn):
    """以短信发送一次性验证码。同一号码每分钟 1 次、每小时 5 次，同一地址每小时 20 次，
    超过答 429；短信网关无法发送时答 503。"""
    view = selectors.public_view(campaign_code)
    if view is None:
        raise _not_found()
    services.request_code(view.vote, phone=payload.phone, ip=client_ip(request))
    return Status(202, {"detail": _("验证码已发送。"), "expires_in": settings.JX_VOTE_CODE_TTL})


@router.post(
    "/votes/{campaign_code}/verify",
    auth=None,
    response={200: VoterTokenOut, codes_4xx: ErrorOut},
    summary="验证手机号",
)
def verify_vote_code(request: HttpRequest, campaign_code: str, payload: VerifyIn):
    """核对验证码，返回放在 ``X-Voter-Token`` 请求头的投票令牌。验证码只能使用一次，
    10 分钟内有效，最多输错 5 次。"""
    view = selectors.public_view(campaign_code)
    if view is None:
        raise _not_found()
    voter = services.verify_code(
        view.vote,
        phone=payload.phone,
        code=payload.code,
        real_name=payload.real_name,
        id_number=payload.id_number,
    )
    return {"voter_token": issue_voter_token(voter), "expires_in": settings.JX_VOTER_TOKEN_MAX_AGE}


@router.post(
    "/votes/{campaign_code}/cast",
    auth=None,
    response={201: ReceiptOut, codes_4xx: ErrorOut, 403: RiskErrorOut},
    summary="投票",
)
def cast_vote(request: HttpRequest, campaign_code: str, payload: PublicVoteIn):
    """投票（请求头 ``X-Voter-Token``），成功答 201 并返回投票凭证。本时段已投过或超过
    限额答 409；须输入图形验证码或重新验证手机号答 403（``captcha_required`` /
    ``verification_required``）；不在投票时间内或所选人数不符答 400。"""
    view = selectors.public_view(campaign_code)
    if view is None:
        raise _not_found()
    proof = read_voter_token(request.headers.get("X-Voter-Token", ""), view.vote.pk)
    if proof is None:
        raise ApiError(
            403, _("请先验证手机号（验证已过期时请重新验证）。"), code="verification_required"
        )
    try:
        receipt = services.cast_vote(
            view.vote,
            voter_id=proof.voter_id,
            verified_at=proof.verified_at,
            choices=payload.candidates,
            candidates=view.by_public_id(),
            ip=client_ip(request),
            device=risk.device_hash(request),
            captcha_key=payload.captcha_key,
            captcha_value=payload.captcha_value,
        )
    except VoteError as exc:
        if exc.code != "captcha_required":
            raise
        # The common shape plus a new captcha to solve (RiskErrorOut).
        extra = {"captcha": services.new_captcha()}
        errors = {exc.field: [exc.message]} if exc.field else {}
        raise ApiError(exc.status, exc.message, code=exc.code, errors=errors, extra=extra) from exc
    chosen = view.by_public_id()
    return Status(
        201,
        {
            "receipt": receipt.code,
            "campaign": view.vote.campaign.code,
            "created_at": receipt.created_at,
            "votes": [
                {"name": chosen[c].published.get("name", ""), "counted": True}
                for c in payload.candidates
            ],
        },
    )


@router.post(
    "/votes/{campaign_code}/ballots",
    auth=None,
    response={201: ReceiptOut, codes_4xx: ErrorOut, 403: RiskErrorOut},
    summary="投票（旧路径，已弃用）",
    deprecated=True,
)
def cast_vote_deprecated_path(request: HttpRequest, campaign_code: str, payload: PublicVoteIn):
    """已弃用，保留一个版本：请改用 ``POST /votes/{campaign_code}/cast``，请求和应答相同。"""
    return cast_vote(request, campaign_code, payload)


@router.get(
    "/receipts/{receipt}",
    auth=None,
    response={200: ReceiptOut, codes_4xx: ErrorOut},
    summary="查验投票凭证",
)
def get_receipt(request: HttpRequest, receipt: str):
    """按凭证号查验投票是否计入（逐个所选候选对象）。"""
    found = selectors.receipt_check(receipt)
    if found is None:
        raise ApiError(404, _("没有找到该投票凭证，请核对凭证号。"), code="not_found")
    return {
        "receipt": found.receipt.code,
        "campaign": found.receipt.public_vote.campaign.code,
        "created_at": found.receipt.created_at,
        "votes": [{"name": name, "counted": counted} for name, counted in found.lines],
    }


# --------------------------------------------------------------------------- office


class PrepareIn(Schema):
    opens_at: dt.datetime | None = Field(None, description="规范未规定时必填；北京时间")
    closes_at: dt.datetime | None = None


class OfficeVoteOut(Schema):
    campaign: str
    state: str
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    candidates: int


class AnomalyOut(Schema):
    total: int
    code_requests: int
    ratio: float | None = Field(description="验证码请求数÷投票数")
    buckets: list[tuple[str, str, int]] = Field(description="[候选对象, 5分钟时段, 票数]")
    subnets: list[tuple[str, int, float]] = Field(description="[网段, 票数, 占比]")
    night: list[tuple[str, int]] = Field(description="0–6时投票 [候选对象, 票数]")
    devices: list[tuple[str, int]]


class InvalidateIn(Schema):
    rule: InvalidationRule
    reason: str = Field(min_length=1, max_length=2000)
    subnet: str = ""
    device_hash: str = ""
    vote_ids: list[int] | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None


class InvalidationOut(Schema):
    id: int
    rule: str
    reason: str
    votes: int
    created_at: dt.datetime


class RecountRowOut(Schema):
    candidate: str
    name: str
    valid: int
    invalid: int
    tallied: int
    stored: int | None
    matches: bool


class RecountOut(Schema):
    matches: bool
    rows: list[RecountRowOut]


def _office_vote(request: ApiRequest, code: str):
    campaign = selectors.campaign_for_office(request.auth, code)
    if campaign is None:
        return None, None
    return campaign, selectors.vote_of(campaign)


def _office_out(vote) -> dict:
    return {
        "campaign": vote.campaign.code,
        "state": vote.state,
        "opens_at": vote.opens_at,
        "closes_at": vote.closes_at,
        "candidates": len(selectors.candidates_of(vote)),
    }


@router.post(
    "/votes/{campaign_code}/prepare",
    response={201: OfficeVoteOut, codes_4xx: ErrorOut},
    summary="设立网络投票（活动办公室）",
)
def prepare_vote(request: ApiRequest, campaign_code: str, payload: PrepareIn):
    """以审核通过且同意公开的推荐对象设立网络投票（草稿）。"""
    campaign, _vote = _office_vote(request, campaign_code)
    if campaign is None:
        raise _not_found()
    vote = services.prepare_public_vote(
        campaign, actor=request.auth, opens_at=payload.opens_at, closes_at=payload.closes_at
    )
    return Status(201, _office_out(vote))


@router.post(
    "/votes/{campaign_code}/open",
    response={200: OfficeVoteOut, codes_4xx: ErrorOut},
    summary="开启网络投票（活动办公室）",
)
def open_vote(request: ApiRequest, campaign_code: str):
    """发布已设立的网络投票；投票从开始时间持续到结束时间。"""
    _campaign, vote = _office_vote(request, campaign_code)
    if vote is None:
        raise _not_found()
    vote = services.open_public_vote(vote, actor=request.auth)
    return _office_out(vote)


@router.post(
    "/votes/{campaign_code}/close",
    response={200: OfficeVoteOut, codes_4xx: ErrorOut},
    summary="结束网络投票（活动办公室）",
)
def close_vote(request: ApiRequest, campaign_code: str):
    """立即结束网络投票并保存最终计票结果。"""
    _campaign, vote = _office_vote(request, campaign_code)
    if vote is None:
        raise _not_found()
    vote = services.close_public_vote(vote, actor=request.auth)
    return _office_out(vote)


@router.get(
    "/votes/{campaign_code}/anomalies",
    response={200: AnomalyOut, codes_4xx: ErrorOut},
    summary="投票异常报告（活动办公室）",
)
def vote_anomalies(request: ApiRequest, campaign_code: str):
    """各候选对象每 5 分钟的票数、票数最多的 /24 网段、验证码请求数与投票数之比、夜间投票。"""
    _campaign, vote = _office_vote(request, campaign_code)
    if vote is None:
        raise _not_found()
    return selectors.anomaly_report(vote).__dict__


@router.post(
    "/votes/{campaign_code}/invalidations",
    response={201: InvalidationOut, codes_4xx: ErrorOut},
    summary="作废投票（活动办公室）",
)
def invalidate_vote_batch(request: ApiRequest, campaign_code: str, payload: InvalidateIn):
    """按网段、设备或投票 id（可限定时间范围）作废有效投票，须说明原因。投票只标记作废，
    不删除。"""
    _campaign, vote = _office_vote(request, campaign_code)
    if vote is None:
        raise _not_found()
    invalidation = services.invalidate_votes(vote, actor=request.auth, **payload.dict())
    return Status(
        201,
        {
            "id": invalidation.pk,
            "rule": invalidation.rule,
            "reason": invalidation.reason,
            "votes": invalidation.vote_count,
            "created_at": invalidation.created_at,
        },
    )


@router.get(
    "/votes/{campaign_code}/recount",
    response={200: RecountOut, codes_4xx: ErrorOut},
    summary="重新计票（活动办公室）",
)
def recount_vote(request: ApiRequest, campaign_code: str):
    """按投票记录重新统计每个候选对象的有效票和作废票，并与数据库计数和已保存的最终
    计票结果比对。"""
    _campaign, vote = _office_vote(request, campaign_code)
    if vote is None:
        raise _not_found()
    rows = selectors.recount(vote)
    return {
        "matches": all(r.matches for r in rows),
        "rows": [
            {
                "candidate": r.candidate.public_id,
                "name": r.candidate.published.get("name", ""),
                "valid": r.valid,
                "invalid": r.invalid,
                "tallied": r.tallied,
                "stored": r.stored,
                "matches": r.matches,
            }
            for r in rows
        ],
    }
