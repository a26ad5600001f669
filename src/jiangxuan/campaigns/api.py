"""API: campaigns the user may see, with awards, timeline and the submission window."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.responses import Status, codes_4xx
from pydantic import Field

from jiangxuan.accounts.api_common import UnitRef, home_unit, unit_ref
from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.http import ApiRequest
from jiangxuan.accounts.selectors import memberships_of
from jiangxuan.core.api_errors import ErrorOut, not_found

from .enums import CampaignStage
from .lifecycle import campaign_stage
from .models import Campaign
from .selectors import (
    awards_of,
    campaigns_visible_to,
    deadline_for,
    office_campaign_ids,
    unit_deadlines_of,
    units_for_extension,
    window_state,
)
from .services import extend_deadline, set_internal_deadline
from .steps import override_step

router = Router(tags=["评选活动"])

WINDOW_LABELS = {"early": _("尚未开始受理"), "open": _("正在受理"), "closed": _("已截止")}


class AwardOut(Schema):
    code: str
    name: str
    series: str
    count: int | None
    count_is_maximum: bool
    prize_yuan: int | None


class CampaignOut(Schema):
    code: str
    title: str
    short_title: str
    edition: str
    year: int
    state: str
    state_label: str
    stage: str = Field(description="所处阶段：draft/published/open/review/decided/archived")
    stage_label: str
    submission_opens_at: dt.datetime | None
    submission_closes_at: dt.datetime | None


class StepOverrideIn(Schema):
    step: str = Field(description="环节代码（如 social_notice、social_notice-2）")
    reason: str = Field(min_length=1, max_length=2000, description="提前进行的理由")


class StepOverrideOut(Schema):
    step: str
    reason: str
    created_at: dt.datetime


class WindowOut(Schema):
    """The submission window as it applies to ``unit`` (internal deadlines included)."""

    state: Literal["early", "open", "closed"]
    state_label: str
    opens_at: dt.datetime | None
    deadline: dt.datetime | None
    unit: UnitRef | None


class CampaignDetailOut(CampaignOut):
    awards: list[AwardOut]
    timeline: dict[str, Any]
    window: WindowOut
    specification: dict[str, Any]


def campaign_out(campaign: Campaign) -> CampaignOut:
    """A campaign's summary fields."""
    stage = campaign_stage(campaign)
    return CampaignOut(
        code=campaign.code,
        title=campaign.title,
        short_title=campaign.specification.short_title,
        edition=campaign.edition,
        year=campaign.year,
        state=campaign.state,
        state_label=str(campaign.get_state_display()),
        stage=stage,
        stage_label=str(CampaignStage(stage).label),
        submission_opens_at=campaign.submission_opens_at,
        submission_closes_at=campaign.submission_closes_at,
    )


def visible_campaign(request: ApiRequest, code: str) -> Campaign:
    """The campaign with ``code`` if the user may see it; else raises the 404."""
    campaign = campaigns_visible_to(request.auth).filter(code=code).first()
    if campaign is None:
        raise not_found()
    return campaign


@router.get("/campaigns", response=list[CampaignOut], summary="评选活动列表")
def list_campaigns(request: ApiRequest) -> list[CampaignOut]:
    """已发布（及本人所在活动办公室的草稿）评选活动，按年度倒序。"""
    return [campaign_out(c) for c in campaigns_visible_to(request.auth)]


@router.get(
    "/campaigns/{code}",
    response={200: CampaignDetailOut, codes_4xx: ErrorOut},
    summary="评选活动详情",
)
def get_campaign(request: ApiRequest, code: str) -> CampaignDetailOut:
    """奖项、时间安排、本单位适用的申报时间窗口，以及完整的活动规范（JSON）。"""
    campaign = visible_campaign(request, code)
    unit = home_unit(request.auth)
    state = window_state(campaign, unit)
    return CampaignDetailOut(
        **campaign_out(campaign).model_dump(),
        awards=[
            AwardOut(
                code=a.code,
                name=a.name,
                series=a.series,
                count=a.count,
                count_is_maximum=a.count_is_maximum,
                prize_yuan=a.prize_yuan,
            )
            for a in awards_of(campaign)
        ],
        timeline=campaign.spec.get("timeline", {}),
        window=WindowOut(
            state=state,
            state_label=str(WINDOW_LABELS[state]),
            opens_at=campaign.specification.timeline.submission.opens_at,
            deadline=deadline_for(campaign, unit),
            unit=unit_ref(unit),
        ),
        specification=campaign.spec,
    )


class DeadlineOut(Schema):
    unit: UnitRef
    kind: str
    closes_at: dt.datetime
    reason: str
    effective: dt.datetime | None


class DeadlineIn(Schema):
    unit_id: int
    closes_at: dt.datetime
    reason: str = ""


def units_of(user: Any) -> list[Any]:
    """The units the user is a member of."""
    return [m.org_unit for m in memberships_of(user)]


def _deadline_out(campaign: Campaign, row: Any) -> DeadlineOut:
    return DeadlineOut(
        unit=unit_ref(row.org_unit),
        kind=row.kind,
        closes_at=row.closes_at,
        reason=row.reason,
        effective=deadline_for(campaign, row.org_unit),
    )


@router.get(
    "/campaigns/{code}/deadlines",
    response={200: list[DeadlineOut], codes_4xx: ErrorOut},
    summary="单位截止时间",
)
def list_deadlines(request: ApiRequest, code: str) -> list[DeadlineOut]:
    """各单位设定的内部截止时间和活动办公室批准的延期，及其现行截止时间。"""
    campaign = visible_campaign(request, code)
    return [_deadline_out(campaign, row) for row in unit_deadlines_of(campaign)]


@router.post(
    "/campaigns/{code}/deadlines",
    response={201: DeadlineOut, codes_4xx: ErrorOut},
    summary="设定内部截止时间或延期",
)
def add_deadline(request: ApiRequest, code: str, payload: DeadlineIn) -> Status:
    """活动办公室为单位延期（须填写理由）；其他单位人员为本单位设定更早的内部截止时间。"""
    campaign = visible_campaign(request, code)
    user = request.auth
    is_office = campaign.id in office_campaign_ids(user, {Role.CAMPAIGN_OFFICE})
    units = units_for_extension(campaign) if is_office else units_of(user)
    unit = next((u for u in units if u.pk == payload.unit_id), None)
    if unit is None:
        raise not_found()
    if is_office:
        row = extend_deadline(
            campaign, unit, closes_at=payload.closes_at, reason=payload.reason, actor=user
        )
    else:
        row = set_internal_deadline(campaign, unit, closes_at=payload.closes_at, actor=user)
    return Status(201, _deadline_out(campaign, row))


@router.post(
    "/campaigns/{code}/step-overrides",
    response={201: StepOverrideOut, codes_4xx: ErrorOut},
    summary="提前进行环节",
)
def add_step_override(request: ApiRequest, code: str, payload: StepOverrideIn) -> Status:
    """活动办公室决定在前序环节完成前进行某一环节（须填写理由，记入审计日志）；阶段日期
    不因此改变。"""
    campaign = visible_campaign(request, code)
    row = override_step(campaign, payload.step, reason=payload.reason, actor=request.auth)
    return Status(201, StepOverrideOut(step=row.step, reason=row.reason, created_at=row.created_at))
