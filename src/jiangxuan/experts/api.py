"""API: expert review — the pool, panels and witnessed draws, recusal, the confidentiality
undertaking, score sheets, progress and the ranking table, ballots and site inspections.

The same selectors and services as the web pages (views.py, views_scoring.py,
views_inspections.py): office endpoints fetch panels, experts and ballots through the
``*_for_office`` selectors and an expert's through the ``*_for_expert`` ones, so anything
outside the caller's reach answers 404. Nominations reach an expert only after the
confidentiality undertaking (``assignments_for_expert``); phones and ID numbers are always
masked here, and a blind panel hides names and workplaces (issue 4).

Errors use the common shape: a service's ExpertError answers 400 with the field named, or
409 when the object's state forbids the action (drawn already, ballot closed, voted
already, panel closed, no reserve left); a permission the selectors cannot settle, 403.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status, codes_4xx
from pydantic import Field

from jiangxuan.accounts.api_common import UnitRef, unit_ref
from jiangxuan.accounts.selectors import unit_by_code
from jiangxuan.campaigns.models import Award, Campaign
from jiangxuan.campaigns.selectors import awards_of
from jiangxuan.core.api_errors import ApiError, ErrorOut, field_error, not_found
from jiangxuan.core.masking import PersonalDataKind, mask
from jiangxuan.nominations.api import form_values
from jiangxuan.nominations.models import Nomination

from . import (
    selectors,
    selectors_inspections,
    selectors_scoring,
    services,
    services_ballots,
    services_inspections,
    services_scoring,
)
from .enums import BallotState, MemberRole, PanelState, RelationshipKind
from .models import (
    Assignment,
    Ballot,
    Expert,
    ExpertRelationship,
    InspectionOutcome,
    Panel,
    PanelMember,
    SiteInspection,
)
from .services import ExpertError

router = Router(tags=["专家评审"])

#: HTTP status of each ExpertError code; anything else is a 400.
EXPERT_ERROR_STATUS = {"conflict": 409, "no_reserve": 409}


@contextmanager
def _service_errors() -> Iterator[None]:
    """Turn a service's ExpertError into the common error shape."""
    try:
        yield
    except ExpertError as exc:
        errors = {exc.field: [exc.message]} if exc.field else {}
        status = EXPERT_ERROR_STATUS.get(exc.code, 400)
        raise ApiError(status, exc.message, code=exc.code, errors=errors) from exc


# --------------------------------------------------------------------------- schemas


class RelationshipOut(Schema):
    id: int
    kind: RelationshipKind
    kind_label: str
    org_unit: UnitRef | None
    nomination: int | None = Field(description="所涉推荐 id（抽取后申报回避时）")
    person: bool = Field(description="是否按身份证号码登记（只保存盲索引）")
    note: str
    after_draw: bool
    declared_at: dt.datetime


class ExpertOut(Schema):
    id: int
    name: str
    speciality: str
    industry: str
    region: str
    title: str
    organization: str
    org_unit: UnitRef | None
    phone: str = Field(description="联系电话（已脱敏）")
    available: bool
    has_login: bool = Field(description="是否已开通登录账号")


class ExpertPage(Schema):
    items: list[ExpertOut]
    count: int
    page: int
    page_size: int


class ExpertDetailOut(ExpertOut):
    relationships: list[RelationshipOut]


class PoolFilter(Schema):
    speciality: str = Field("", description="专业领域")
    industry: str = Field("", description="所属行业")
    region: str = Field("", description="地区")
    available: bool | None = Field(None, description="可参加评审")
    q: str = Field("", max_length=60, description="姓名或工作单位包含的文字")
    page: int = Field(1, ge=1, le=100_000, description="页码，从 1 开始，至多 100000")
    page_size: int = Field(50, ge=1, le=200, description="每页条数")


class RelationshipIn(Schema):
    kind: RelationshipKind = Field(description="关系类型")
    org_unit: str | None = Field(None, description="回避单位的组织代码")
    id_number: str = Field("", max_length=18, description="回避人员的身份证号码（只保存盲索引）")
    note: str = Field("", max_length=200, description="说明")


class NomineeOut(Schema):
    id: int
    name: str
    award: str
    workplace_name: str


class AssignmentRefOut(Schema):
    id: int
    nomination: int
    active: bool
    recused_reason: str
    replaces_expert: str | None = Field(description="替补时：被替补（已回避）的专家")


class MemberOut(Schema):
    id: int
    expert: int
    expert_name: str
    role: MemberRole
    role_label: str
    position: int = Field(description="抽取顺序")
    confidentiality_confirmed_at: dt.datetime | None
    assignments: list[AssignmentRefOut]


class PanelOut(Schema):
    id: int
    campaign: str
    award: str | None = Field(description="奖项代码；为 null 时评审本活动全部推荐对象")
    award_name: str
    name: str
    size: int
    reserves: int
    mix: dict[str, dict[str, int]] = Field(description="构成要求：各属性取值至少抽取的人数")
    blind: bool
    state: PanelState
    state_label: str


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


class RecusalOut(Schema):
    recused: bool = Field(description="是否撤下了该成员对该推荐的评审任务")
    replacement: AssignmentRefOut | None = Field(description="接替评审的候补专家任务")
    replacement_expert: str | None
    detail: str


class NomineeLabelOut(Schema):
    assignment: int
    nomination: int
    label: str = Field(description="推荐对象姓名；匿名评审时为编号")


class PanelMembershipOut(Schema):
    id: int
    panel: int
    panel_name: str
    campaign: str
    campaign_title: str
    role: MemberRole
    role_label: str
    blind: bool
    confidentiality_confirmed_at: dt.datetime | None


class MembershipDetailOut(PanelMembershipOut):
    undertaking: str = Field(description="保密承诺全文")
    assignments: list[NomineeLabelOut] = Field(description="确认保密承诺后才列出")


class ConfirmIn(Schema):
    agree: bool = Field(description="已阅读并同意保密承诺（须为 true）")


class OwnConflictIn(Schema):
    nomination: int = Field(description="本人评审任务中的推荐 id")
    kind: RelationshipKind = Field(description="利害关系类型")
    note: str = Field("", max_length=200, description="说明")


class AssignmentOut(Schema):
    id: int
    membership: int
    panel: int
    panel_name: str
    campaign: str
    nomination: int
    label: str = Field(description="推荐对象姓名；匿名评审时为编号")
    award_name: str
    blind: bool
    scored: bool
    total: float | None


class CriterionOut(Schema):
    code: str
    name: str
    max: float
    weight: float
    description: str


class EvidenceRefOut(Schema):
    id: int
    material: str
    material_name: str
    original_name: str
    url: str | None = Field(description="下载地址；本人在推荐审核中无权查看材料时为 null")


class ScoreNomineeOut(Schema):
    id: int
    label: str
    award_name: str
    qualities: list[str] = Field(description="奖项要求的素质")
    fields: dict[str, Any] = Field(
        description="推荐表各项（个人信息已脱敏；匿名评审隐去姓名和单位）"
    )
    evidence: list[EvidenceRefOut]


class ScoreSheetOut(Schema):
    assignment: int
    panel: int
    nomination: ScoreNomineeOut
    rubric: list[CriterionOut]
    maximum: float = Field(description="满分：Σ 最高分 × 权重")
    scores: dict[str, str]
    comment: str
    total: float | None
    submitted_at: dt.datetime | None
    closed: bool = Field(description="评审已结束，评分不能再修改")


class ScoreSheetIn(Schema):
    scores: dict[str, float | str] = Field(description="{评分项代码: 得分}，须覆盖全部评分项")
    comment: str = Field("", max_length=4000, description="评语")


class ProgressRowOut(Schema):
    id: int = Field(description="成员 id 或推荐 id")
    name: str
    assigned: int
    scored: int
    done: bool


class ProgressOut(Schema):
    by_expert: list[ProgressRowOut]
    by_nomination: list[ProgressRowOut]


class RankingRowOut(Schema):
    rank: int
    nomination: int
    name: str
    value: float = Field(description="排序依据的数值")
    count: int
    mean: float
    median: float
    trimmed_mean: float
    trimmed: bool
    range: float
    sd: float
    normalised: float
    shares: dict[str, float] = Field(description="综合计分时各部分的得分率")


class RankingOut(Schema):
    ranking: str = Field(description="排序统计量（活动规范 ranking）")
    formula: str = Field(description="排序所用公式")
    blend_formula: str = Field(description="综合计分公式；未设综合计分时为空")
    maximum: float
    rows: list[RankingRowOut]


class ReminderOut(Schema):
    sent: int = Field(description="收到提醒的专家人数")


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


class InspectorOut(Schema):
    member: int
    expert_name: str


class InspectionOut(Schema):
    id: int
    panel: int
    nomination: int
    nomination_name: str
    scheduled_for: dt.datetime
    place: str
    inspectors: list[InspectorOut]
    state: str
    state_label: str
    findings: str
    outcome: str
    outcome_label: str
    cancel_reason: str
    recorded_at: dt.datetime | None
    photos: int = Field(description="现场照片张数")


class InspectionIn(Schema):
    nomination: int = Field(description="推荐 id（本评审组评审的推荐对象）")
    scheduled_for: dt.datetime = Field(description="考察时间（ISO 8601；无时区按北京时间）")
    place: str = Field(min_length=1, max_length=200, description="考察地点")
    inspectors: list[int] = Field(min_length=1, description="考察人员：评审组成员 id")


class CancelIn(Schema):
    reason: str = Field(min_length=1, max_length=200, description="取消原因")


# --------------------------------------------------------------------------- fetching


def _office_panel(request: HttpRequest, panel_id: int) -> Panel:
    panel = selectors.panel_for_office(request.auth, panel_id)
    if panel is None:
        raise not_found()
    return panel


def _office_campaign(request: HttpRequest, code: str) -> Campaign:
    campaign = selectors.campaign_for_office(request.auth, code)
    if campaign is None:
        raise not_found()
    return campaign


def _membership(request: HttpRequest, membership_id: int) -> PanelMember:
    member = selectors.membership_for_expert(request.auth, membership_id)
    if member is None:
        raise not_found()
    return member


def _assignment(request: HttpRequest, assignment_id: int) -> Assignment:
    assignment = selectors_scoring.assignment_for_expert(request.auth, assignment_id)
    if assignment is None:
        raise not_found()
    return assignment


def _inspection(request: HttpRequest, panel_id: int, inspection_id: int) -> SiteInspection:
    inspection = selectors_inspections.inspection_for_office(
        _office_panel(request, panel_id), inspection_id
    )
    if inspection is None:
        raise not_found()
    return inspection


# --------------------------------------------------------------------------- output


def _label(nomination: Nomination, *, blind: bool) -> str:
    # A blind panel sees numbers, not names (issue 4), as on the web pages.
    return _("推荐对象 %(number)d") % {"number": nomination.pk} if blind else nomination.name


def _relationship_out(relation: ExpertRelationship) -> RelationshipOut:
    return RelationshipOut(
        id=relation.pk,
        kind=relation.kind,
        kind_label=str(relation.get_kind_display()),
        org_unit=unit_ref(relation.org_unit),
        nomination=relation.nomination_id,
        person=bool(relation.person_index),
        note=relation.note,
        after_draw=relation.after_draw,
        declared_at=relation.created_at,
    )


def _expert_fields(expert: Expert) -> dict[str, Any]:
    return {
        "id": expert.pk,
        "name": expert.name,
        "speciality": expert.speciality,
        "industry": expert.industry,
        "region": expert.region,
        "title": expert.title,
        "organization": expert.organization,
        "org_unit": unit_ref(expert.org_unit),
        "phone": mask(expert.phone, PersonalDataKind.PHONE),
        "available": expert.available,
        "has_login": expert.user_id is not None,
    }


def _panel_fields(panel: Panel) -> dict[str, Any]:
    return {
        "id": panel.pk,
        "campaign": panel.campaign.code,
        "award": panel.award.code if panel.award else None,
        "award_name": panel.award.name if panel.award else "",
        "name": panel.name,
        "size": panel.size,
        "reserves": panel.reserves,
        "mix": panel.mix or {},
        "blind": panel.blind,
        "state": panel.state,
        "state_label": str(panel.get_state_display()),
    }


def _assignment_ref(assignment: Assignment) -> AssignmentRefOut:
    replaces = assignment.replaces
    return AssignmentRefOut(
        id=assignment.pk,
        nomination=assignment.nomination_id,
        active=assignment.active,
        recused_reason=assignment.recused_reason,
        replaces_expert=replaces.member.expert.name if replaces else None,
    )


def _panel_detail(panel: Panel) -> PanelDetailOut:
    return PanelDetailOut(
        **_panel_fields(panel),
        drawn=selectors.draw_of(panel) is not None,
        members=[
            MemberOut(
                id=m.pk,
                expert=m.expert_id,
                expert_name=m.expert.name,
                role=m.role,
                role_label=str(m.get_role_display()),
                position=m.position,
                confidentiality_confirmed_at=m.confidentiality_confirmed_at,
                assignments=[_assignment_ref(a) for a in m.assignments.all()],
            )
            for m in selectors.members_of(panel)
        ],
        nominees=[
            NomineeOut(id=n.pk, name=n.name, award=n.award.code, workplace_name=n.workplace_name)
            for n in selectors.panel_nominees(panel)
        ],
    )


def _membership_fields(member: PanelMember) -> dict[str, Any]:
    panel = member.panel
    return {
        "id": member.pk,
        "panel": panel.pk,
        "panel_name": panel.name,
        "campaign": panel.campaign.code,
        "campaign_title": panel.campaign.title,
        "role": member.role,
        "role_label": str(member.get_role_display()),
        "blind": panel.blind,
        "confidentiality_confirmed_at": member.confidentiality_confirmed_at,
    }


def _own_assignments(request: HttpRequest, member: PanelMember) -> list[Assignment]:
    return [a for a in selectors.assignments_for_expert(request.auth) if a.member_id == member.pk]


def _membership_detail(request: HttpRequest, member: PanelMember) -> MembershipDetailOut:
    blind = member.panel.blind
    return MembershipDetailOut(
        **_membership_fields(member),
        undertaking=str(services.CONFIDENTIALITY_UNDERTAKING),
        assignments=[
            NomineeLabelOut(
                assignment=a.pk, nomination=a.nomination_id, label=_label(a.nomination, blind=blind)
            )
            for a in _own_assignments(request, member)
        ],
    )


def _sheet_out(request: HttpRequest, assignment: Assignment) -> ScoreSheetOut:
    panel = assignment.member.panel
    nomination = assignment.nomination
    rubric = selectors_scoring.rubric_of(panel)
    sheet = selectors_scoring.sheet_of(assignment)
    fields = form_values(nomination, masked=True)
    if panel.blind:
        fields = {k: v for k, v in fields.items() if k not in selectors_scoring.BLIND_KEYS}
    may_download = selectors_scoring.may_download_evidence(request.auth, nomination)
    return ScoreSheetOut(
        assignment=assignment.pk,
        panel=panel.pk,
        nomination=ScoreNomineeOut(
            id=nomination.pk,
            label=_label(nomination, blind=panel.blind),
            award_name=nomination.award.name,
            qualities=[q.text for q in nomination.award.spec.qualities],
            fields=fields,
            evidence=[
                EvidenceRefOut(
                    id=evidence.pk,
                    material=evidence.material,
                    material_name=name,
                    original_name=evidence.original_name,
                    url=reverse("api:download_evidence", args=[nomination.pk, evidence.pk])
                    if may_download
                    else None,
                )
                for evidence, name in selectors_scoring.evidence_of(nomination)
            ],
        ),
        rubric=[
            CriterionOut(
                code=c.code, name=c.name, max=c.max, weight=c.weight, description=c.description
            )
            for c in rubric
        ],
        maximum=selectors_scoring.rubric_maximum(rubric),
        scores=dict(sheet.scores) if sheet else {},
        comment=sheet.comment if sheet else "",
        total=float(sheet.total) if sheet and sheet.total is not None else None,
        submitted_at=sheet.submitted_at if sheet else None,
        closed=panel.state == PanelState.CLOSED,
    )


def _ballot_out(request: HttpRequest, ballot: Ballot, *, office: bool) -> BallotOut:
    user = request.auth
    blind = ballot.panel.blind and not office
    member = None if office else selectors_scoring.member_for_ballot(user, ballot)
    shown = office or ballot.state != BallotState.OPEN
    return BallotOut(
        id=ballot.pk,
        panel=ballot.panel_id,
        title=ballot.title,
        state=ballot.state,
        state_label=str(ballot.get_state_display()),
        choose_min=ballot.choose_min,
        choose_max=ballot.choose_max,
        seats=ballot.seats,
        threshold=ballot.threshold,
        runoff_of=ballot.runoff_of_id,
        runoff=(ballot.result or {}).get("runoff"),
        candidates=[
            PanelCandidateOut(nomination=n.pk, label=_label(n, blind=blind))
            for n in ballot.candidates.order_by("id")
        ],
        needed=services_ballots.needed_votes(ballot),
        voters=ballot.votes.count() if office else None,
        members=selectors_scoring.voting_members(ballot.panel).count(),
        rows=[
            BallotRowOut(
                nomination=row["nomination"].pk,
                label=_label(row["nomination"], blind=blind),
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


def _visible_ballot(request: HttpRequest, ballot_id: int) -> tuple[Ballot, bool]:
    """The ballot for its campaign office (True) or for one of its panel's experts (False)."""
    ballot = selectors_scoring.ballot_for_office(request.auth, ballot_id)
    if ballot is not None:
        return ballot, True
    ballot = selectors_scoring.ballot_for_expert(request.auth, ballot_id)
    if ballot is None:
        raise not_found()
    return ballot, False


def _inspection_out(inspection: SiteInspection) -> InspectionOut:
    return InspectionOut(
        id=inspection.pk,
        panel=inspection.panel_id,
        nomination=inspection.nomination_id,
        nomination_name=inspection.nomination.name,
        scheduled_for=inspection.scheduled_for,
        place=inspection.place,
        inspectors=[
            InspectorOut(member=m.pk, expert_name=m.expert.name)
            for m in inspection.inspectors.all()
        ],
        state=inspection.state,
        state_label=str(inspection.get_state_display()),
        findings=inspection.findings,
        outcome=inspection.outcome,
        outcome_label=str(inspection.get_outcome_display()) if inspection.outcome else "",
        cancel_reason=inspection.cancel_reason,
        recorded_at=inspection.recorded_at,
        photos=len(inspection.photos.all()),
    )


def _award(campaign: Campaign, code: str | None) -> Award | None:
    if code is None:
        return None
    award = next((a for a in awards_of(campaign) if a.code == code), None)
    if award is None:
        raise field_error("award", _("该评选活动没有代码为 %(code)s 的奖项。") % {"code": code})
    return award


# --------------------------------------------------------------------------- pool


@router.get("/experts", response={200: ExpertPage, codes_4xx: ErrorOut}, summary="专家库")
def list_experts(request: HttpRequest, filters: Query[PoolFilter]) -> ExpertPage:
    """专家库（活动办公室），按专业领域、行业、地区、是否可参加评审筛选；电话已脱敏。
    专家库通过命令 ``jiangxuan importexperts`` 导入。"""
    if not selectors.is_pool_office(request.auth):
        raise not_found()
    experts = selectors.experts_for_office(
        request.auth,
        speciality=filters.speciality,
        industry=filters.industry,
        region=filters.region,
        available=filters.available,
        query=filters.q.strip(),
    )
    offset = (filters.page - 1) * filters.page_size
    return ExpertPage(
        items=[
            ExpertOut(**_expert_fields(e)) for e in experts[offset : offset + filters.page_size]
        ],
        count=experts.count(),
        page=filters.page,
        page_size=filters.page_size,
    )


def _expert(request: HttpRequest, expert_id: int) -> Expert:
    expert = selectors.expert_for_office(request.auth, expert_id)
    if expert is None:
        raise not_found()
    return expert


def _expert_detail(expert: Expert) -> ExpertDetailOut:
    return ExpertDetailOut(
        **_expert_fields(expert),
        relationships=[_relationship_out(r) for r in selectors.relationships_of(expert)],
    )


@router.get(
    "/experts/{expert_id}", response={200: ExpertDetailOut, codes_4xx: ErrorOut}, summary="专家详情"
)
def get_expert(request: HttpRequest, expert_id: int) -> ExpertDetailOut:
    """一名专家及其登记的回避关系（活动办公室）。"""
    return _expert_detail(_expert(request, expert_id))


@router.post(
    "/experts/{expert_id}/relationships",
    response={201: ExpertDetailOut, codes_4xx: ErrorOut},
    summary="登记回避关系",
)
def declare_expert_relationship(
    request: HttpRequest, expert_id: int, payload: RelationshipIn
) -> Status:
    """登记专家与某单位或某人（按身份证号码，只保存盲索引）的利害关系；已在评审的推荐对象
    与之冲突时，该评审任务回避并由候补专家接替。"""
    expert = _expert(request, expert_id)
    org_unit = None
    if payload.org_unit:
        org_unit = unit_by_code(payload.org_unit)
        if org_unit is None:
            raise field_error(
                "org_unit", _("组织代码“%(code)s”不存在。") % {"code": payload.org_unit}
            )
    with _service_errors():
        services.declare_relationship(
            expert,
            kind=payload.kind,
            org_unit=org_unit,
            id_number=payload.id_number,
            note=payload.note,
            actor=request.auth,
        )
    return Status(201, _expert_detail(expert))


# --------------------------------------------------------------------------- panels


@router.get(
    "/campaigns/{code}/panels",
    response={200: list[PanelOut], codes_4xx: ErrorOut},
    summary="评审组列表",
)
def list_panels(request: HttpRequest, code: str) -> list[PanelOut]:
    """本活动的评审组，新建的在前（活动办公室）。"""
    campaign = _office_campaign(request, code)
    return [PanelOut(**_panel_fields(p)) for p in selectors.panels_of(campaign)]


@router.post(
    "/campaigns/{code}/panels",
    response={201: PanelDetailOut, codes_4xx: ErrorOut},
    summary="新建评审组",
)
def create_panel(request: HttpRequest, code: str, payload: PanelIn) -> Status:
    """新建评审组（本活动或其中一个奖项），设定专家人数、候补人数和构成要求，待抽取。"""
    campaign = _office_campaign(request, code)
    award = _award(campaign, payload.award)
    with _service_errors():
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
    return Status(201, _panel_detail(_office_panel(request, panel.pk)))


@router.get(
    "/panels/{panel_id}", response={200: PanelDetailOut, codes_4xx: ErrorOut}, summary="评审组详情"
)
def get_panel(request: HttpRequest, panel_id: int) -> PanelDetailOut:
    """评审组：成员和候补专家（按抽取顺序）、各自的评审任务与回避，以及评审的推荐对象。"""
    return _panel_detail(_office_panel(request, panel_id))


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
def draw_panel(request: HttpRequest, panel_id: int, payload: DrawIn) -> Status:
    """以见证下产生的随机种子从专家库抽取评审专家和候补专家；与推荐对象有利害关系的专家
    不进入抽取。已抽取的评审组再次抽取答 409。"""
    panel = _office_panel(request, panel_id)
    with _service_errors():
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
def get_draw_record(request: HttpRequest, panel_id: int) -> DrawRecordOut:
    """抽取记录：算法版本、种子、见证人、条件、专家库快照、排除名单和结果，可据此复核。"""
    return _draw_record_out(_office_panel(request, panel_id))


@router.get(
    "/panels/{panel_id}/draw/check",
    response={200: DrawCheckOut, codes_4xx: ErrorOut},
    summary="复核抽取结果",
)
def check_draw(request: HttpRequest, panel_id: int) -> DrawCheckOut:
    """只凭抽取记录重新运行抽取算法，比对结果是否与记录一致。"""
    panel = _office_panel(request, panel_id)
    draw = selectors.draw_of(panel)
    if draw is None:
        raise ApiError(404, _("该评审组尚未抽取。"), code="not_found")
    with _service_errors():
        recomputed = services.redraw(draw)
    return DrawCheckOut(
        recorded=draw.result, recomputed=recomputed, matches=recomputed == draw.result
    )


@router.post(
    "/panels/{panel_id}/reserves",
    response={201: PanelDetailOut, codes_4xx: ErrorOut},
    summary="增补候补专家",
)
def draw_reserves(request: HttpRequest, panel_id: int, payload: ReservesIn) -> Status:
    """以新的见证种子从同一专家库快照增补抽取候补专家（候补专家用尽时）。"""
    panel = _office_panel(request, panel_id)
    with _service_errors():
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
def appoint_chair(request: HttpRequest, panel_id: int, payload: ChairIn) -> PanelDetailOut:
    """从抽取的评审专家（非候补）中指定组长；原组长改为评审专家。"""
    panel = _office_panel(request, panel_id)
    member = _panel_member(panel, payload.member)
    with _service_errors():
        services.appoint_chair(panel, member, actor=request.auth)
    return _panel_detail(panel)


def _recusal_out(replacement: Assignment | None) -> RecusalOut:
    if replacement is None:
        return RecusalOut(
            recused=False,
            replacement=None,
            replacement_expert=None,
            detail=_("回避已登记；该专家当前没有该推荐对象的评审任务。"),
        )
    return RecusalOut(
        recused=True,
        replacement=_assignment_ref(replacement),
        replacement_expert=replacement.member.expert.name,
        detail=_("回避已登记，已由候补专家接替评审。"),
    )


@router.post(
    "/panels/{panel_id}/recusals",
    response={201: RecusalOut, codes_4xx: ErrorOut},
    summary="登记回避（活动办公室）",
)
def record_recusal(request: HttpRequest, panel_id: int, payload: RecusalIn) -> Status:
    """登记抽取后发现的利害关系：该成员不再评审该推荐对象，由下一位无利害关系的候补专家
    接替。没有可替补的候补专家时答 409（code=no_reserve），请先增补候补专家。"""
    panel = _office_panel(request, panel_id)
    member = _panel_member(panel, payload.member)
    nomination = selectors.nominee_of(panel, payload.nomination)
    if nomination is None:
        raise field_error("nomination", _("该推荐对象不由本评审组评审。"))
    with _service_errors():
        replacement = services.declare_conflict(
            member, nomination, kind=payload.kind, note=payload.note, actor=request.auth
        )
    return Status(201, _recusal_out(replacement))


# --------------------------------------------------------------------------- the expert


@router.get(
    "/expert/memberships",
    response={200: list[PanelMembershipOut], codes_4xx: ErrorOut},
    summary="我的评审组",
)
def list_my_memberships(request: HttpRequest) -> list[PanelMembershipOut]:
    """本人（专家）所在的评审组，新的在前。"""
    return [
        PanelMembershipOut(**_membership_fields(m))
        for m in selectors.memberships_for_expert(request.auth)
    ]


@router.get(
    "/expert/memberships/{membership_id}",
    response={200: MembershipDetailOut, codes_4xx: ErrorOut},
    summary="我的评审组详情",
)
def get_my_membership(request: HttpRequest, membership_id: int) -> MembershipDetailOut:
    """保密承诺全文及确认时间；确认后列出本人的评审任务。"""
    return _membership_detail(request, _membership(request, membership_id))


@router.post(
    "/expert/memberships/{membership_id}/confidentiality",
    response={200: MembershipDetailOut, codes_4xx: ErrorOut},
    summary="确认保密承诺",
)
def confirm_confidentiality(
    request: HttpRequest, membership_id: int, payload: ConfirmIn
) -> MembershipDetailOut:
    """确认保密承诺（agree 须为 true）；确认前看不到任何推荐对象。重复确认保留首次时间。"""
    member = _membership(request, membership_id)
    if not payload.agree:
        raise field_error("agree", _("请阅读并同意保密承诺后再确认。"))
    services.confirm_confidentiality(member, actor=request.auth)
    return _membership_detail(request, _membership(request, membership_id))


@router.post(
    "/expert/memberships/{membership_id}/conflicts",
    response={201: RecusalOut, codes_4xx: ErrorOut},
    summary="申报回避",
)
def declare_own_conflict(
    request: HttpRequest, membership_id: int, payload: OwnConflictIn
) -> Status:
    """专家申报与本人评审的某推荐对象存在利害关系并回避，由候补专家接替。"""
    member = _membership(request, membership_id)
    nomination = next(
        (
            a.nomination
            for a in _own_assignments(request, member)
            if a.nomination_id == payload.nomination
        ),
        None,
    )
    if nomination is None:
        raise field_error("nomination", _("该推荐对象不在您的评审任务中。"))
    with _service_errors():
        replacement = services.declare_conflict(
            member, nomination, kind=payload.kind, note=payload.note, actor=request.auth
        )
    return Status(201, _recusal_out(replacement))


@router.get(
    "/expert/assignments",
    response={200: list[AssignmentOut], codes_4xx: ErrorOut},
    summary="我的评审任务",
)
def list_my_assignments(request: HttpRequest) -> list[AssignmentOut]:
    """本人已确认保密承诺的评审组中、仍有效的评审任务及评分情况。"""
    result = []
    for a in selectors.assignments_for_expert(request.auth).select_related("sheet"):
        panel = a.member.panel
        sheet = getattr(a, "sheet", None)
        scored = sheet is not None and sheet.submitted_at is not None
        result.append(
            AssignmentOut(
                id=a.pk,
                membership=a.member_id,
                panel=panel.pk,
                panel_name=panel.name,
                campaign=panel.campaign.code,
                nomination=a.nomination_id,
                label=_label(a.nomination, blind=panel.blind),
                award_name=a.nomination.award.name,
                blind=panel.blind,
                scored=scored,
                total=float(sheet.total) if scored and sheet.total is not None else None,
            )
        )
    return result


@router.get(
    "/expert/assignments/{assignment_id}/score-sheet",
    response={200: ScoreSheetOut, codes_4xx: ErrorOut},
    summary="评分表",
)
def get_score_sheet(request: HttpRequest, assignment_id: int) -> ScoreSheetOut:
    """推荐对象的推荐表（个人信息脱敏，匿名评审隐去姓名和单位）、评分细则和本人已提交的评分。"""
    return _sheet_out(request, _assignment(request, assignment_id))


@router.put(
    "/expert/assignments/{assignment_id}/score-sheet",
    response={200: ScoreSheetOut, codes_4xx: ErrorOut},
    summary="提交评分",
)
def submit_score_sheet(
    request: HttpRequest, assignment_id: int, payload: ScoreSheetIn
) -> ScoreSheetOut:
    """按评分细则提交（或在评审结束前修改）评分：每项 0 至该项最高分，总分 = Σ 得分 × 权重。
    评审结束后修改答 409。"""
    assignment = _assignment(request, assignment_id)
    with _service_errors():
        services_scoring.submit_scores(
            assignment, actor=request.auth, scores=payload.scores, comment=payload.comment
        )
    return _sheet_out(request, assignment)


# --------------------------------------------------------------------------- office: scores


@router.get(
    "/panels/{panel_id}/progress",
    response={200: ProgressOut, codes_4xx: ErrorOut},
    summary="评分进度",
)
def get_scoring_progress(request: HttpRequest, panel_id: int) -> ProgressOut:
    """每位专家、每个推荐对象的已评分数和应评分数。"""
    panel = _office_panel(request, panel_id)
    return ProgressOut(
        by_expert=[
            ProgressRowOut(
                id=p.subject.pk,
                name=p.subject.expert.name,
                assigned=p.assigned,
                scored=p.scored,
                done=p.done,
            )
            for p in selectors_scoring.progress_by_expert(panel)
        ],
        by_nomination=[
            ProgressRowOut(
                id=p.subject.pk,
                name=p.subject.name,
                assigned=p.assigned,
                scored=p.scored,
                done=p.done,
            )
            for p in selectors_scoring.progress_by_nomination(panel)
        ],
    )


@router.get(
    "/panels/{panel_id}/ranking",
    response={200: RankingOut, codes_4xx: ErrorOut},
    summary="评分汇总排序",
)
def get_ranking(request: HttpRequest, panel_id: int) -> RankingOut:
    """按活动规范的排序统计量（或综合计分）汇总排序，并给出所用公式。"""
    table = selectors_scoring.ranking_table(_office_panel(request, panel_id))
    return RankingOut(
        ranking=table.ranking,
        formula=table.formula,
        blend_formula=table.blend_formula,
        maximum=table.maximum,
        rows=[
            RankingRowOut(
                rank=row.rank,
                nomination=row.nomination.pk,
                name=row.nomination.name,
                value=row.value,
                count=row.stats.count,
                mean=row.stats.mean,
                median=row.stats.median,
                trimmed_mean=row.stats.trimmed_mean,
                trimmed=row.stats.trimmed,
                range=row.stats.range,
                sd=row.stats.sd,
                normalised=row.stats.normalised,
                shares=row.shares,
            )
            for row in table.rows
        ],
    )


@router.post(
    "/panels/{panel_id}/reminders",
    response={200: ReminderOut, codes_4xx: ErrorOut},
    summary="发送评分提醒",
)
def send_scoring_reminders(request: HttpRequest, panel_id: int) -> ReminderOut:
    """向尚有未评分任务的专家发送评分提醒。"""
    panel = _office_panel(request, panel_id)
    sent = services_scoring.send_scoring_reminders(panel, actor=request.auth)
    return ReminderOut(sent=len(sent))


@router.post(
    "/panels/{panel_id}/close-scoring",
    response={200: PanelOut, codes_4xx: ErrorOut},
    summary="结束评审",
)
def close_scoring(request: HttpRequest, panel_id: int) -> PanelOut:
    """结束评审：此后评分不能再修改。未抽取或已结束的评审组答 409。"""
    panel = _office_panel(request, panel_id)
    with _service_errors():
        services_scoring.close_scoring(panel, actor=request.auth)
    return PanelOut(**_panel_fields(_office_panel(request, panel_id)))


# --------------------------------------------------------------------------- ballots


@router.get(
    "/panels/{panel_id}/ballots",
    response={200: list[BallotOut], codes_4xx: ErrorOut},
    summary="评审组投票列表",
)
def list_panel_ballots(request: HttpRequest, panel_id: int) -> list[BallotOut]:
    """评审组的差额投票（含决选投票），按发起先后（活动办公室）。"""
    panel = _office_panel(request, panel_id)
    return [_ballot_out(request, b, office=True) for b in selectors_scoring.ballots_of(panel)]


@router.post(
    "/panels/{panel_id}/ballots",
    response={201: BallotOut, codes_4xx: ErrorOut},
    summary="发起投票",
)
def open_ballot(request: HttpRequest, panel_id: int, payload: PanelBallotIn) -> Status:
    """在本评审组评审的推荐对象中发起差额投票：每位专家选 choose_min 至 choose_max 人，
    当选至多 seats 人，当选须达到票数要求。"""
    panel = _office_panel(request, panel_id)
    wanted = set(payload.candidates)
    candidates = [n for n in selectors.panel_nominees(panel) if n.pk in wanted]
    if len(candidates) != len(wanted):
        raise field_error("candidates", _("候选人须为本评审组评审的推荐对象。"))
    with _service_errors():
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
def list_my_ballots(request: HttpRequest) -> list[BallotOut]:
    """本人已确认保密承诺的评审组中的投票，新的在前；投票截止前不显示计票。"""
    return [
        _ballot_out(request, b, office=False)
        for b in selectors_scoring.ballots_for_expert(request.auth)
    ]


@router.get(
    "/ballots/{ballot_id}", response={200: BallotOut, codes_4xx: ErrorOut}, summary="投票详情"
)
def get_ballot(request: HttpRequest, ballot_id: int) -> BallotOut:
    """活动办公室看投票进度和计票结果；评审组专家看选票，截止后看计票结果。"""
    ballot, office = _visible_ballot(request, ballot_id)
    return _ballot_out(request, ballot, office=office)


@router.post(
    "/ballots/{ballot_id}/votes",
    response={201: PanelVoteOut, codes_4xx: ErrorOut},
    summary="投票",
)
def cast_ballot_vote(request: HttpRequest, ballot_id: int, payload: VoteIn) -> Status:
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
    with _service_errors():
        services_ballots.cast_ballot_vote(ballot, member, nominations=picked, actor=request.auth)
    return Status(201, PanelVoteOut(ballot=ballot.pk, chosen=len(picked), detail=_("投票已提交。")))


@router.post(
    "/ballots/{ballot_id}/close",
    response={200: BallotOut, codes_4xx: ErrorOut},
    summary="截止投票并计票",
)
def close_ballot(request: HttpRequest, ballot_id: int) -> BallotOut:
    """评审组组长（或活动办公室）截止投票，平台计票；末位得票相同时自动对并列者发起决选
    投票（见 runoff）。已截止答 409，其他专家答 403。"""
    ballot, office = _visible_ballot(request, ballot_id)
    with _service_errors():
        ballot = services_ballots.close_ballot(ballot, actor=request.auth)
    return _ballot_out(request, ballot, office=office)


@router.post(
    "/ballots/{ballot_id}/sign",
    response={200: BallotOut, codes_4xx: ErrorOut},
    summary="组长签字确认投票结果",
)
def sign_ballot(request: HttpRequest, ballot_id: int) -> BallotOut:
    """评审组组长签字确认已计票的结果。非组长答 403，未截止或已确认答 409。"""
    ballot = selectors_scoring.ballot_for_expert(request.auth, ballot_id)
    if ballot is None:
        raise not_found()
    chair = selectors_scoring.chair_of(ballot.panel, request.auth)
    if chair is None:
        raise ApiError(403, _("只有评审组组长可以签字确认投票结果。"), code="permission_denied")
    with _service_errors():
        ballot = services_ballots.sign_ballot(ballot, chair_member=chair, actor=request.auth)
    return _ballot_out(request, ballot, office=False)


# --------------------------------------------------------------------------- inspections


@router.get(
    "/panels/{panel_id}/inspections",
    response={200: list[InspectionOut], codes_4xx: ErrorOut},
    summary="评审组实地考察",
)
def list_panel_inspections(request: HttpRequest, panel_id: int) -> list[InspectionOut]:
    """评审组安排的实地考察，按考察时间。"""
    panel = _office_panel(request, panel_id)
    return [_inspection_out(i) for i in selectors_inspections.inspections_of_panel(panel)]


@router.post(
    "/panels/{panel_id}/inspections",
    response={201: InspectionOut, codes_4xx: ErrorOut},
    summary="安排实地考察",
)
def schedule_inspection(request: HttpRequest, panel_id: int, payload: InspectionIn) -> Status:
    """安排对一名推荐对象的实地考察：时间、地点和考察人员（须为本评审组成员且无须回避）。"""
    panel = _office_panel(request, panel_id)
    nomination = (
        selectors_inspections.inspection_candidates(panel).filter(pk=payload.nomination).first()
    )
    if nomination is None:
        raise field_error("nomination", _("该推荐对象不由本评审组评审。"))
    wanted = set(payload.inspectors)
    inspectors = list(selectors_inspections.inspector_candidates(panel).filter(pk__in=wanted))
    if len(inspectors) != len(wanted):
        raise field_error("inspectors", _("考察人员须为本评审组成员。"))
    with _service_errors():
        inspection = services_inspections.schedule_inspection(
            panel,
            nomination,
            scheduled_for=payload.scheduled_for,
            place=payload.place,
            inspectors=inspectors,
            actor=request.auth,
        )
    return Status(201, _inspection_out(_inspection(request, panel_id, inspection.pk)))


@router.get(
    "/panels/{panel_id}/inspections/{inspection_id}",
    response={200: InspectionOut, codes_4xx: ErrorOut},
    summary="实地考察详情",
)
def get_inspection(request: HttpRequest, panel_id: int, inspection_id: int) -> InspectionOut:
    """一次实地考察的安排和结果。"""
    return _inspection_out(_inspection(request, panel_id, inspection_id))


@router.post(
    "/panels/{panel_id}/inspections/{inspection_id}/record",
    response={200: InspectionOut, codes_4xx: ErrorOut},
    summary="记录考察结果",
)
def record_inspection(
    request: HttpRequest,
    panel_id: int,
    inspection_id: int,
    findings: Form[str],
    outcome: Form[InspectionOutcome],
    photos: File[list[UploadedFile]] = None,
) -> InspectionOut:
    """记录考察情况、结论（pass 通过 / concerns 存在问题 / fail 未通过）和现场照片
    （multipart，photos 可多张 JPG、PNG，按内容识别并重新编码）。已完成或已取消答 409。"""
    inspection = _inspection(request, panel_id, inspection_id)
    with _service_errors():
        services_inspections.record_inspection(
            inspection,
            findings=findings,
            outcome=outcome,
            photos=photos or [],
            actor=request.auth,
        )
    return _inspection_out(_inspection(request, panel_id, inspection_id))


@router.post(
    "/panels/{panel_id}/inspections/{inspection_id}/cancel",
    response={200: InspectionOut, codes_4xx: ErrorOut},
    summary="取消实地考察",
)
def cancel_inspection(
    request: HttpRequest, panel_id: int, inspection_id: int, payload: CancelIn
) -> InspectionOut:
    """取消已安排的实地考察，须说明原因。已完成或已取消答 409。"""
    inspection = _inspection(request, panel_id, inspection_id)
    with _service_errors():
        services_inspections.cancel_inspection(
            inspection, reason=payload.reason, actor=request.auth
        )
    return _inspection_out(_inspection(request, panel_id, inspection_id))


@router.get(
    "/campaigns/{code}/inspections",
    response={200: list[InspectionOut], codes_4xx: ErrorOut},
    summary="活动实地考察",
)
def list_campaign_inspections(request: HttpRequest, code: str) -> list[InspectionOut]:
    """本活动全部实地考察（活动办公室）。"""
    campaign = _office_campaign(request, code)
    return [_inspection_out(i) for i in selectors_inspections.inspections_of_campaign(campaign)]
