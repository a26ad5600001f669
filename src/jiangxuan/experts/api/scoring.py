"""API: score sheets (the expert's) and the office's progress, ranking, reminders and closing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from ninja import Router, Schema
from ninja.responses import codes_4xx
from pydantic import Field

from jiangxuan.accounts.http import ApiRequest
from jiangxuan.core.api_errors import ErrorOut, not_found
from jiangxuan.core.masking import redact
from jiangxuan.core.watermark import can_watermark, inline_response
from jiangxuan.nominations.api import form_values

from .. import (
    selectors,
    selectors_scoring,
    services_scoring,
)
from ..enums import PanelState
from ..models import (
    Assignment,
    ScoreSheet,
)
from .common import PanelOut, nominee_label, office_panel, panel_fields

router = Router()


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
    view_url: str | None = Field(
        description="加注本人姓名和查看时间水印的副本（PDF、图片）；"
        "匿名评审、视频和 Word 文件为 null"
    )


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


def _assignment(request: ApiRequest, assignment_id: int) -> Assignment:
    assignment = selectors_scoring.assignment_for_expert(request.auth, assignment_id)
    if assignment is None:
        raise not_found()
    return assignment


def _redacted(value: Any, terms: list[str]) -> Any:
    """Every text inside ``value`` (a form value: text, list of rows, group) redacted."""
    if isinstance(value, str):
        return redact(value, terms)
    if isinstance(value, list):
        return [_redacted(item, terms) for item in value]
    if isinstance(value, dict):
        return {key: _redacted(item, terms) for key, item in value.items()}
    return value


def _sheet_out(request: ApiRequest, assignment: Assignment) -> ScoreSheetOut:
    panel = assignment.member.panel
    nomination = assignment.nomination
    rubric = selectors_scoring.rubric_of(panel)
    sheet = selectors_scoring.sheet_of(assignment)
    fields = form_values(nomination, masked=True)
    terms: list[str] = []
    if panel.blind:
        fields = {k: v for k, v in fields.items() if k not in selectors_scoring.BLIND_KEYS}
        terms = selectors_scoring.blind_terms(nomination)
        fields = _redacted(fields, terms)
    may_download = selectors_scoring.may_download_evidence(request.auth, nomination)
    return ScoreSheetOut(
        assignment=assignment.pk,
        panel=panel.pk,
        nomination=ScoreNomineeOut(
            id=nomination.pk,
            label=nominee_label(nomination, blind=panel.blind),
            award_name=nomination.award.name,
            qualities=[q.text for q in nomination.award.spec.qualities],
            fields=fields,
            evidence=[
                EvidenceRefOut(
                    id=evidence.pk,
                    material=evidence.material,
                    material_name=name,
                    original_name=redact(evidence.original_name, terms),
                    url=reverse("api:download_evidence", args=[nomination.pk, evidence.pk])
                    if may_download
                    else None,
                    view_url=reverse("api:view_review_evidence", args=[assignment.pk, evidence.pk])
                    if can_watermark(evidence.content_type) and not panel.blind
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


@router.get(
    "/expert/assignments",
    response={200: list[AssignmentOut], codes_4xx: ErrorOut},
    summary="我的评审任务",
)
def list_my_assignments(request: ApiRequest) -> list[AssignmentOut]:
    """本人已确认保密承诺的评审组中、仍有效的评审任务及评分情况。"""
    result = []
    for a in selectors.assignments_for_expert(request.auth).select_related("sheet"):
        panel = a.member.panel
        sheet: ScoreSheet | None = getattr(a, "sheet", None)
        scored = sheet is not None and sheet.submitted_at is not None
        result.append(
            AssignmentOut(
                id=a.pk,
                membership=a.member_id,
                panel=panel.pk,
                panel_name=panel.name,
                campaign=panel.campaign.code,
                nomination=a.nomination_id,
                label=nominee_label(a.nomination, blind=panel.blind),
                award_name=a.nomination.award.name,
                blind=panel.blind,
                scored=scored,
                total=float(sheet.total) if sheet and scored and sheet.total is not None else None,
            )
        )
    return result


@router.get(
    "/expert/assignments/{assignment_id}/score-sheet",
    response={200: ScoreSheetOut, codes_4xx: ErrorOut},
    summary="评分表",
)
def get_score_sheet(request: ApiRequest, assignment_id: int) -> ScoreSheetOut:
    """推荐对象的推荐表（个人信息脱敏，匿名评审隐去姓名和单位）、评分细则和本人已提交的评分。"""
    return _sheet_out(request, _assignment(request, assignment_id))


@router.put(
    "/expert/assignments/{assignment_id}/score-sheet",
    response={200: ScoreSheetOut, codes_4xx: ErrorOut},
    summary="提交评分",
)
def submit_score_sheet(
    request: ApiRequest, assignment_id: int, payload: ScoreSheetIn
) -> ScoreSheetOut:
    """按评分细则提交（或在评审结束前修改）评分：每项 0 至该项最高分，总分 = Σ 得分 × 权重。
    评审结束后修改答 409。"""
    assignment = _assignment(request, assignment_id)
    services_scoring.submit_scores(
        assignment, actor=request.auth, scores=payload.scores, comment=payload.comment
    )
    return _sheet_out(request, assignment)


@router.get(
    "/expert/assignments/{assignment_id}/evidence/{evidence_id}",
    response={200: None, codes_4xx: ErrorOut},
    summary="查看佐证材料（加水印）",
)
def view_review_evidence(request: ApiRequest, assignment_id: int, evidence_id: int) -> HttpResponse:
    """评审任务中推荐对象的一份佐证材料：PDF 每页、图片满幅加注“本人姓名 查看时间 仅供评审”
    水印后在线显示（inline，不缓存），每次查看记入审计日志。匿名评审答 403；视频和 Word
    文件无法加水印，答 409。"""
    assignment = _assignment(request, assignment_id)
    evidence = selectors_scoring.evidence_for_review(assignment, evidence_id)
    if evidence is None:
        raise not_found()
    copy = services_scoring.open_review_evidence(
        assignment, evidence, actor=request.auth, via="api"
    )
    return inline_response(copy.data, content_type=copy.content_type, filename=copy.filename)


@router.get(
    "/panels/{panel_id}/progress",
    response={200: ProgressOut, codes_4xx: ErrorOut},
    summary="评分进度",
)
def get_scoring_progress(request: ApiRequest, panel_id: int) -> ProgressOut:
    """每位专家、每个推荐对象的已评分数和应评分数。"""
    panel = office_panel(request, panel_id)
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
def get_ranking(request: ApiRequest, panel_id: int) -> RankingOut:
    """按活动规范的排序统计量（或综合计分）汇总排序，并给出所用公式。"""
    table = selectors_scoring.ranking_table(office_panel(request, panel_id))
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
def send_scoring_reminders(request: ApiRequest, panel_id: int) -> ReminderOut:
    """向尚有未评分任务的专家发送评分提醒。"""
    panel = office_panel(request, panel_id)
    sent = services_scoring.send_scoring_reminders(panel, actor=request.auth)
    return ReminderOut(sent=len(sent))


@router.post(
    "/panels/{panel_id}/close-scoring",
    response={200: PanelOut, codes_4xx: ErrorOut},
    summary="结束评审",
)
def close_scoring(request: ApiRequest, panel_id: int) -> PanelOut:
    """结束评审：此后评分不能再修改。未抽取或已结束的评审组答 409。"""
    panel = office_panel(request, panel_id)
    services_scoring.close_scoring(panel, actor=request.auth)
    return PanelOut(**panel_fields(office_panel(request, panel_id)))
