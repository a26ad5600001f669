"""API: campaigns the user may see, with awards, timeline and the submission window."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.responses import codes_4xx

from jiangxuan.api.common import UnitRef, home_unit, unit_ref
from jiangxuan.api.errors import ErrorOut, not_found

from .models import Campaign
from .selectors import awards_of, campaigns_visible_to, deadline_for, window_state

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
    submission_opens_at: dt.datetime | None
    submission_closes_at: dt.datetime | None


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
    return CampaignOut(
        code=campaign.code,
        title=campaign.title,
        short_title=campaign.specification.short_title,
        edition=campaign.edition,
        year=campaign.year,
        state=campaign.state,
        state_label=str(campaign.get_state_display()),
        submission_opens_at=campaign.submission_opens_at,
        submission_closes_at=campaign.submission_closes_at,
    )


def visible_campaign(request: HttpRequest, code: str) -> Campaign:
    """The campaign with ``code`` if the user may see it; else raises the 404."""
    campaign = campaigns_visible_to(request.auth).filter(code=code).first()
    if campaign is None:
        raise not_found()
    return campaign


@router.get("/campaigns", response=list[CampaignOut], summary="评选活动列表")
def list_campaigns(request: HttpRequest) -> list[CampaignOut]:
    """已发布（及本人所在活动办公室的草稿）评选活动，按年度倒序。"""
    return [campaign_out(c) for c in campaigns_visible_to(request.auth)]


@router.get(
    "/campaigns/{code}",
    response={200: CampaignDetailOut, codes_4xx: ErrorOut},
    summary="评选活动详情",
)
def get_campaign(request: HttpRequest, code: str) -> CampaignDetailOut:
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
