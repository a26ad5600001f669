"""API: site inspections (实地考察): scheduling, recording the findings with photos, cancelling."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.responses import Status, codes_4xx
from pydantic import Field

from jiangxuan.accounts.http import ApiRequest
from jiangxuan.core.api_errors import ErrorOut, field_error, not_found

from .. import (
    selectors_inspections,
    services_inspections,
)
from ..models import (
    InspectionOutcome,
    SiteInspection,
)
from .common import office_campaign, office_panel

router = Router()


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


def _inspection(request: ApiRequest, panel_id: int, inspection_id: int) -> SiteInspection:
    inspection = selectors_inspections.inspection_for_office(
        office_panel(request, panel_id), inspection_id
    )
    if inspection is None:
        raise not_found()
    return inspection


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


@router.get(
    "/panels/{panel_id}/inspections",
    response={200: list[InspectionOut], codes_4xx: ErrorOut},
    summary="评审组实地考察",
)
def list_panel_inspections(request: ApiRequest, panel_id: int) -> list[InspectionOut]:
    """评审组安排的实地考察，按考察时间。"""
    panel = office_panel(request, panel_id)
    return [_inspection_out(i) for i in selectors_inspections.inspections_of_panel(panel)]


@router.post(
    "/panels/{panel_id}/inspections",
    response={201: InspectionOut, codes_4xx: ErrorOut},
    summary="安排实地考察",
)
def schedule_inspection(request: ApiRequest, panel_id: int, payload: InspectionIn) -> Status:
    """安排对一名推荐对象的实地考察：时间、地点和考察人员（须为本评审组成员且无须回避）。"""
    panel = office_panel(request, panel_id)
    nomination = (
        selectors_inspections.inspection_candidates(panel).filter(pk=payload.nomination).first()
    )
    if nomination is None:
        raise field_error("nomination", _("该推荐对象不由本评审组评审。"))
    wanted = set(payload.inspectors)
    inspectors = list(selectors_inspections.inspector_candidates(panel).filter(pk__in=wanted))
    if len(inspectors) != len(wanted):
        raise field_error("inspectors", _("考察人员须为本评审组成员。"))
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
def get_inspection(request: ApiRequest, panel_id: int, inspection_id: int) -> InspectionOut:
    """一次实地考察的安排和结果。"""
    return _inspection_out(_inspection(request, panel_id, inspection_id))


@router.post(
    "/panels/{panel_id}/inspections/{inspection_id}/record",
    response={200: InspectionOut, codes_4xx: ErrorOut},
    summary="记录考察结果",
)
def record_inspection(
    request: ApiRequest,
    panel_id: int,
    inspection_id: int,
    findings: Form[str],
    outcome: Form[InspectionOutcome],
    # ninja's optional-file idiom: ninja reads the None default; the annotation is the
    # parameter's type when files are sent.
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> InspectionOut:
    """记录考察情况、结论（pass 通过 / concerns 存在问题 / fail 未通过）和现场照片
    （multipart，photos 可多张 JPG、PNG，按内容识别并重新编码）。已完成或已取消答 409。"""
    inspection = _inspection(request, panel_id, inspection_id)
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
    request: ApiRequest, panel_id: int, inspection_id: int, payload: CancelIn
) -> InspectionOut:
    """取消已安排的实地考察，须说明原因。已完成或已取消答 409。"""
    inspection = _inspection(request, panel_id, inspection_id)
    services_inspections.cancel_inspection(inspection, reason=payload.reason, actor=request.auth)
    return _inspection_out(_inspection(request, panel_id, inspection_id))


@router.get(
    "/campaigns/{code}/inspections",
    response={200: list[InspectionOut], codes_4xx: ErrorOut},
    summary="活动实地考察",
)
def list_campaign_inspections(request: ApiRequest, code: str) -> list[InspectionOut]:
    """本活动全部实地考察（活动办公室）。"""
    campaign = office_campaign(request, code)
    return [_inspection_out(i) for i in selectors_inspections.inspections_of_campaign(campaign)]
