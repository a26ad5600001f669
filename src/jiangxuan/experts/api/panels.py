"""API: panels — creating them, the witnessed draw and its record, reserves, the chair and
recusals the office records after the draw."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status, codes_4xx
from pydantic import Field

from jiangxuan.accounts.http import ApiRequest
from jiangxuan.campaigns.models import Award, Campaign
from jiangxuan.campaigns.selectors import awards_of
from jiangxuan.core.api_errors import ApiError, ErrorOut, field_error

from .. import (
    selectors,
    services,
)
from ..enums import MemberRole, RelationshipKind
from ..models import (
    Panel,
    PanelMember,
)
from .common import (
    AssignmentRefOut,
    PanelOut,
    RecusalOut,
    assignment_ref,
    office_campaign,
    office_panel,
    panel_fields,
    recusal_out,
)

router = Router()


class NomineeOut(Schema):
    id: int
    name: str
    award: str
    workplace_name: str


class MemberOut(Schema):
    id: int
    expert: int
    expert_name: str
    role: MemberRole
    role_label: str
    position: int = Field(description="抽取顺序")
    confidentiality_confirmed_at: dt.datetime | None
    assignments: list[AssignmentRefOut]


class PanelDetailOut(PanelOut):
    drawn: bool
    members: list[MemberOut] = Field(description="评审专家、组长和候补专家，按抽取顺序")
    nominees: list[NomineeOut]


class PanelIn(Schema):
    name: str = Field(min_length=1, max_length=100, description="名称")
    award: str | None = Field(None, description="奖项代码；不填则评审本活动全部审核通过的推荐")
    size: int = Field(ge=1, le=99, description="专家人数")
    reserves: int = Field(2, ge=0, le=99, description="候补人数")
    mix: dict[str, dict[str, int]] = Field(
        default_factory=dict,
        description='构成要求，如 {"speciality": {"焊接": 2}}：各专业领域至少抽取的人数',
    )
    blind: bool = Field(False, description="匿名评审（隐去姓名和单位）")


class DrawIn(Schema):
    seed: str = Field(
        min_length=1, max_length=100, description="随机种子：见证下公开的彩票号码、掷骰结果等"
    )
    seed_source: str = Field(min_length=1, max_length=200, description="种子来源")
    witnesses: list[str] = Field(min_length=1, description="见证人，每项一人")


class ReservesIn(DrawIn):
    count: int = Field(ge=1, le=99, description="增补候补人数")


class DrawRecordOut(Schema):
    panel: int
    algorithm: str
    seed: str
    seed_source: str
    witnesses: list[str]
    constraints: dict[str, Any]
    pool: list[dict[str, Any]] = Field(description="抽取时的专家库快照（id 与构成属性）")
    excluded: list[int] = Field(description="因利害关系排除的专家 id")
    result: list[int] = Field(description="抽取结果：专家 id，按抽取顺序")
    drawn_at: str


class DrawCheckOut(Schema):
    recorded: list[int] = Field(description="抽取记录中的结果")
    recomputed: list[int] = Field(description="按记录重新运行算法得到的结果")
    matches: bool


class ChairIn(Schema):
    member: int = Field(description="评审组成员 id（不能是候补专家）")


class RecusalIn(Schema):
    member: int = Field(description="评审组成员 id")
    nomination: int = Field(description="推荐 id")
    kind: RelationshipKind = Field(description="利害关系类型")
    note: str = Field("", max_length=200, description="说明")


def _panel_detail(panel: Panel) -> PanelDetailOut:
    return PanelDetailOut(
        **panel_fields(panel),
        drawn=selectors.draw_of(panel) is not None,
        members=[
            MemberOut(
                id=m.pk,
                expert=m.expert_id,
                expert_name=m.expert.name,
                role=MemberRole(m.role),
                role_label=str(m.get_role_display()),
                position=m.position,
                confidentiality_confirmed_at=m.confidentiality_confirmed_at,
                assignments=[assignment_ref(a) for a in m.assignments.all()],
            )
            for m in selectors.members_of(panel)
        ],
        nominees=[
            NomineeOut(id=n.pk, name=n.name, award=n.award.code, workplace_name=n.workplace_name)
            for n in selectors.panel_nominees(panel)
        ],
    )


def _award(campaign: Campaign, code: str | None) -> Award | None:
    if code is None:
        return None
    award = next((a for a in awards_of(campaign) if a.code == code), None)
    if award is None:
        raise field_error("award", _("该评选活动没有代码为 %(code)s 的奖项。") % {"code": code})
    return award


@router.get(
    "/campaigns/{code}/panels",
    response={200: list[PanelOut], codes_4xx: ErrorOut},
    summary="评审组列表",
)
def list_panels(request: ApiRequest, code: str) -> list[PanelOut]:
    """本活动的评审组，新建的在前（活动办公室）。"""
    campaign = office_campaign(request, code)
    return [PanelOut(**panel_fields(p)) for p in selectors.panels_of(campaign)]


@router.post(
    "/campaigns/{code}/panels",
    response={201: PanelDetailOut, codes_4xx: ErrorOut},
    summary="新建评审组",
)
def create_panel(request: ApiRequest, code: str, payload: PanelIn) -> Status:
    """新建评审组（本活动或其中一个奖项），设定专家人数、候补人数和构成要求，待抽取。"""
    campaign = office_campaign(request, code)
    award = _award(campaign, payload.award)
    panel = services.create_panel(
        campaign,
        name=payload.name,
        award=award,
        size=payload.size,
        reserves=payload.reserves,
        mix=payload.mix,
        blind=payload.blind,
        actor=request.auth,
    )
    return Status(201, _panel_detail(office_panel(request, panel.pk)))


@router.get(
    "/panels/{panel_id}", response={200: PanelDetailOut, codes_4xx: ErrorOut}, summary="评审组详情"
)
def get_panel(request: ApiRequest, panel_id: int) -> PanelDetailOut:
    """评审组：成员和候补专家（按抽取顺序）、各自的评审任务与回避，以及评审的推荐对象。"""
    return _panel_detail(office_panel(request, panel_id))


def _draw_record_out(panel: Panel) -> DrawRecordOut:
    draw = selectors.draw_of(panel)
    if draw is None:
        raise ApiError(404, _("该评审组尚未抽取。"), code="not_found")
    return DrawRecordOut(**selectors.draw_record(draw))


@router.post(
    "/panels/{panel_id}/draw",
    response={201: DrawRecordOut, codes_4xx: ErrorOut},
    summary="抽取评审专家",
)
def draw_panel(request: ApiRequest, panel_id: int, payload: DrawIn) -> Status:
    """以见证下产生的随机种子从专家库抽取评审专家和候补专家；与推荐对象有利害关系的专家
    不进入抽取。已抽取的评审组再次抽取答 409。"""
    panel = office_panel(request, panel_id)
    services.draw_panel(
        panel,
        seed=payload.seed,
        seed_source=payload.seed_source,
        witnesses=payload.witnesses,
        actor=request.auth,
    )
    return Status(201, _draw_record_out(panel))


@router.get(
    "/panels/{panel_id}/draw",
    response={200: DrawRecordOut, codes_4xx: ErrorOut},
    summary="抽取记录",
)
def get_draw_record(request: ApiRequest, panel_id: int) -> DrawRecordOut:
    """抽取记录：算法版本、种子、见证人、条件、专家库快照、排除名单和结果，可据此复核。"""
    return _draw_record_out(office_panel(request, panel_id))


@router.get(
    "/panels/{panel_id}/draw/check",
    response={200: DrawCheckOut, codes_4xx: ErrorOut},
    summary="复核抽取结果",
)
def check_draw(request: ApiRequest, panel_id: int) -> DrawCheckOut:
    """只凭抽取记录重新运行抽取算法，比对结果是否与记录一致。"""
    panel = office_panel(request, panel_id)
    draw = selectors.draw_of(panel)
    if draw is None:
        raise ApiError(404, _("该评审组尚未抽取。"), code="not_found")
    recomputed = services.redraw(draw)
    return DrawCheckOut(
        recorded=draw.result, recomputed=recomputed, matches=recomputed == draw.result
    )


@router.post(
    "/panels/{panel_id}/reserves",
    response={201: PanelDetailOut, codes_4xx: ErrorOut},
    summary="增补候补专家",
)
def draw_reserves(request: ApiRequest, panel_id: int, payload: ReservesIn) -> Status:
    """以新的见证种子从同一专家库快照增补抽取候补专家（候补专家用尽时）。"""
    panel = office_panel(request, panel_id)
    services.draw_more_reserves(
        panel,
        count=payload.count,
        seed=payload.seed,
        seed_source=payload.seed_source,
        witnesses=payload.witnesses,
        actor=request.auth,
    )
    return Status(201, _panel_detail(panel))


def _panel_member(panel: Panel, member_id: int) -> PanelMember:
    member = selectors.member_of(panel, member_id)
    if member is None:
        raise field_error("member", _("该专家不是本评审组成员。"))
    return member


@router.post(
    "/panels/{panel_id}/chair",
    response={200: PanelDetailOut, codes_4xx: ErrorOut},
    summary="指定评审组组长",
)
def appoint_chair(request: ApiRequest, panel_id: int, payload: ChairIn) -> PanelDetailOut:
    """从抽取的评审专家（非候补）中指定组长；原组长改为评审专家。"""
    panel = office_panel(request, panel_id)
    member = _panel_member(panel, payload.member)
    services.appoint_chair(panel, member, actor=request.auth)
    return _panel_detail(panel)


@router.post(
    "/panels/{panel_id}/recusals",
    response={201: RecusalOut, codes_4xx: ErrorOut},
    summary="登记回避（活动办公室）",
)
def record_recusal(request: ApiRequest, panel_id: int, payload: RecusalIn) -> Status:
    """登记抽取后发现的利害关系：该成员不再评审该推荐对象，由下一位无利害关系的候补专家
    接替。没有可替补的候补专家时答 409（code=no_reserve），请先增补候补专家。"""
    panel = office_panel(request, panel_id)
    member = _panel_member(panel, payload.member)
    nomination = selectors.nominee_of(panel, payload.nomination)
    if nomination is None:
        raise field_error("nomination", _("该推荐对象不由本评审组评审。"))
    replacement = services.record_recusal(
        member, nomination, kind=payload.kind, note=payload.note, actor=request.auth
    )
    return Status(201, recusal_out(replacement))
