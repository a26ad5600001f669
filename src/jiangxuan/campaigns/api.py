"""API: campaigns the user may see, with awards, timeline and the submission window."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.responses import Status, codes_4xx
from pydantic import Field

from jiangxuan.accounts.api_common import UnitRef, home_unit, unit_ref
from jiangxuan.accounts.http import ApiRequest
from jiangxuan.accounts.selectors import memberships_of
from jiangxuan.core.api_errors import ApiError, ErrorOut, field_error, not_found

from .enums import CampaignStage
from .lifecycle import campaign_stage
from .models import Campaign, SpecVersion
from .selectors import (
    awards_of,
    campaigns_visible_to,
    deadline_for,
    spec_versions,
    unit_deadlines_of,
    units_for_extension,
    window_state,
)
from .services import (
    adjust_numbers,
    create_campaign,
    edit_notice_texts,
    extend_deadline,
    extend_submission_window,
    set_internal_deadline,
    update_campaign_spec,
)
from .spec import SpecError
from .steps import override_step
from .texts import notice_texts

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
    # The office extends (extend_deadline checks it again); anyone else sets their own.
    is_office = user.has_perm("campaigns.change_campaign", campaign)
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


class SpecVersionOut(Schema):
    number: int
    created_at: dt.datetime
    actor: str = Field(description="变更人（命令行导入时为空）")
    change: str = Field(description="变更方式：create/load/edit/extension")
    change_label: str
    reason: str


class SpecVersionDetailOut(SpecVersionOut):
    spec_yaml: str


class SpecIn(Schema):
    spec_yaml: str = Field(min_length=1, max_length=1_000_000, description="完整的活动规范")
    reason: str = Field(default="", max_length=2000, description="变更理由（已发布的活动必填）")


class WindowExtensionIn(Schema):
    closes_at: dt.datetime = Field(description="新的申报截止时间（带时区；按北京时间写入规范）")
    reason: str = Field(min_length=1, max_length=2000, description="延期理由")


class CampaignCreateIn(Schema):
    spec_yaml: str = Field(min_length=1, max_length=1_000_000, description="新活动的活动规范")


def _version_out(version: SpecVersion | None, *, detail: bool = False) -> Any:
    if version is None:
        raise not_found()
    values: dict[str, Any] = {
        "number": version.number,
        "created_at": version.created_at,
        "actor": str(version.actor) if version.actor else "",
        "change": version.change,
        "change_label": version.get_change_display(),
        "reason": version.reason,
    }
    if detail:
        return SpecVersionDetailOut(**values, spec_yaml=version.spec_yaml)
    return SpecVersionOut(**values)


def _office_campaign(request: ApiRequest, code: str) -> Campaign:
    campaign = visible_campaign(request, code)
    if not request.auth.has_perm("campaigns.change_campaign", campaign):
        raise PermissionDenied(_("只有本活动的领导小组办公室可以查看或修改活动规范。"))
    return campaign


def _spec_invalid(exc: SpecError) -> ApiError:
    located = exc.located()
    return ApiError(
        400,
        _("活动规范有 %(n)d 处错误，未保存。") % {"n": len(located)},
        code="invalid",
        errors={"spec_yaml": located},
    )


@router.get(
    "/campaigns/{code}/spec/versions",
    response={200: list[SpecVersionOut], codes_4xx: ErrorOut},
    summary="活动规范版本记录",
)
def list_spec_versions(request: ApiRequest, code: str) -> list[SpecVersionOut]:
    """活动规范的每个版本：变更人、时间、方式和理由，新版本在前（仅本活动办公室）。"""
    campaign = _office_campaign(request, code)
    return [_version_out(v) for v in spec_versions(campaign)]


@router.get(
    "/campaigns/{code}/spec/versions/{number}",
    response={200: SpecVersionDetailOut, codes_4xx: ErrorOut},
    summary="活动规范的一个版本",
)
def get_spec_version(request: ApiRequest, code: str, number: int) -> SpecVersionDetailOut:
    """某一版本的活动规范全文及其变更记录。"""
    campaign = _office_campaign(request, code)
    version = spec_versions(campaign).filter(number=number).first()
    if version is None:
        raise not_found()
    return _version_out(version, detail=True)


@router.put(
    "/campaigns/{code}/spec",
    response={200: SpecVersionOut, codes_4xx: ErrorOut},
    summary="修改活动规范",
)
def put_spec(request: ApiRequest, code: str, payload: SpecIn) -> SpecVersionOut:
    """以新的全文替换活动规范；已发布的活动须填写变更理由。每处错误按“文件:行 字段：说明”
    列在 ``errors.spec_yaml`` 中，有误时不保存。返回最新版本。"""
    campaign = _office_campaign(request, code)
    try:
        update_campaign_spec(campaign, payload.spec_yaml, actor=request.auth, reason=payload.reason)
    except SpecError as exc:
        raise _spec_invalid(exc) from exc
    return _version_out(spec_versions(campaign).first())


class AwardCountIn(Schema):
    award: str = Field(description="奖项代码")
    count: int = Field(ge=1, description="表彰名额")


class QuotaNumberIn(Schema):
    index: int = Field(ge=0, description="名额在活动规范 quotas 中的序号（从 0 起）")
    min: int | None = Field(None, ge=0, description="至少推荐的人数；不改为 null")
    max: int | None = Field(None, ge=0, description="最多推荐的人数；不改为 null")


class NumbersIn(Schema):
    awards: list[AwardCountIn] = Field(default_factory=list, description="奖项的表彰名额")
    quotas: list[QuotaNumberIn] = Field(default_factory=list, description="推荐名额")
    reason: str = Field(min_length=1, max_length=500, description="调整理由")


@router.post(
    "/campaigns/{code}/spec/numbers",
    response={201: SpecVersionOut, codes_4xx: ErrorOut},
    summary="调整名额",
)
def adjust_campaign_numbers(request: ApiRequest, code: str, payload: NumbersIn) -> Status:
    """活动办公室调整奖项的表彰名额和各类单位的推荐名额（须填写理由），只改所列的数字，作为
    活动规范的一个新版本保存；规范中没有的名额项、超过表彰名额的推荐名额答 400。"""
    campaign = visible_campaign(request, code)
    positions = {a.code: i for i, a in enumerate(campaign.specification.awards)}
    numbers: dict[tuple[str | int, ...], int] = {}
    for item in payload.awards:
        if item.award not in positions:
            raise field_error("awards", _("没有代码为 %(code)s 的奖项。") % {"code": item.award})
        numbers[("awards", positions[item.award], "count")] = item.count
    for quota in payload.quotas:
        for key in ("min", "max"):
            value = getattr(quota, key)
            if value is not None:
                numbers[("quotas", quota.index, key)] = value
    try:
        adjust_numbers(campaign, numbers=numbers, reason=payload.reason, actor=request.auth)
    except SpecError as exc:
        raise _spec_invalid(exc) from exc
    return Status(201, _version_out(spec_versions(campaign).first()))


class PlaceholderOut(Schema):
    name: str = Field(description="占位名称，写作 {name}")
    meaning: str


class NoticeTextOut(Schema):
    key: str = Field(description="文字在活动规范中的位置，如 decision.body[0]")
    group: str = Field(description="所属通知，如 公示：市级公示、表彰决定")
    label: str
    text: str
    placeholders: list[PlaceholderOut] = Field(description="可用的占位；为空表示花括号按原样印出")
    multiline: bool
    required: bool


class NoticeTextIn(Schema):
    key: str = Field(description="文字的位置（见 GET 的 key）")
    text: str = Field(max_length=5000)


class NoticeTextsIn(Schema):
    texts: list[NoticeTextIn] = Field(min_length=1, description="要修改的文字")
    reason: str = Field(min_length=1, max_length=500, description="修改理由")


@router.get(
    "/campaigns/{code}/spec/texts",
    response={200: list[NoticeTextOut], codes_4xx: ErrorOut},
    summary="通知文字",
)
def list_notice_texts(request: ApiRequest, code: str) -> list[NoticeTextOut]:
    """活动规范中各通知的文字（公示名称和范围、征求意见事项、表彰决定的标题、主送机关、正文和
    版记、荣誉证书的文字）及其可用的占位（仅本活动办公室）。"""
    campaign = _office_campaign(request, code)
    return [
        NoticeTextOut(
            key=item.key,
            group=item.group,
            label=item.label,
            text=item.value,
            placeholders=[PlaceholderOut(name=k, meaning=v) for k, v in item.placeholders.items()],
            multiline=item.multiline,
            required=item.required,
        )
        for item in notice_texts(campaign.specification)
    ]


@router.post(
    "/campaigns/{code}/spec/texts",
    response={201: SpecVersionOut, codes_4xx: ErrorOut},
    summary="修改通知文字",
)
def edit_campaign_texts(request: ApiRequest, code: str, payload: NoticeTextsIn) -> Status:
    """活动办公室修改通知文字（须填写理由），只改所列的文字，作为活动规范的一个新版本保存；
    不认识的位置、不能使用的占位（答复中写明该占位和可用的占位）、必填文字为空答 400。"""
    campaign = visible_campaign(request, code)
    texts = {item.key: item.text for item in payload.texts}
    try:
        edit_notice_texts(campaign, texts=texts, reason=payload.reason, actor=request.auth)
    except SpecError as exc:
        raise _spec_invalid(exc) from exc
    return Status(201, _version_out(spec_versions(campaign).first()))


@router.post(
    "/campaigns/{code}/spec/extension",
    response={201: SpecVersionOut, codes_4xx: ErrorOut},
    summary="整体延长申报期限",
)
def extend_window(request: ApiRequest, code: str, payload: WindowExtensionIn) -> Status:
    """活动办公室将全活动的申报截止时间延后（须填写理由），作为活动规范的一个新版本保存。"""
    campaign = visible_campaign(request, code)
    try:
        extend_submission_window(
            campaign, closes_at=payload.closes_at, reason=payload.reason, actor=request.auth
        )
    except SpecError as exc:
        raise _spec_invalid(exc) from exc
    return Status(201, _version_out(spec_versions(campaign).first()))


@router.post(
    "/campaigns",
    response={201: CampaignOut, codes_4xx: ErrorOut},
    summary="新建评选活动",
)
def create_campaign_endpoint(request: ApiRequest, payload: CampaignCreateIn) -> Status:
    """主办单位的活动办公室以活动规范新建评选活动（草稿，可复制往届规范后修改）。"""
    try:
        campaign = create_campaign(payload.spec_yaml, actor=request.auth)
    except SpecError as exc:
        raise _spec_invalid(exc) from exc
    return Status(201, campaign_out(campaign))
