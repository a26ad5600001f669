"""API: the expert's own panels — the confidentiality undertaking and recusal (回避)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status, codes_4xx
from pydantic import Field

from jiangxuan.accounts.http import ApiRequest
from jiangxuan.core.api_errors import ErrorOut, field_error, not_found

from .. import (
    selectors,
    services,
)
from ..enums import MemberRole, RelationshipKind
from ..models import (
    Assignment,
    PanelMember,
)
from .common import RecusalOut, nominee_label, recusal_out

router = Router()


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


class OwnRecusalIn(Schema):
    nomination: int = Field(description="本人评审任务中的推荐 id")
    kind: RelationshipKind = Field(description="利害关系类型")
    note: str = Field("", max_length=200, description="说明")


def _membership(request: ApiRequest, membership_id: int) -> PanelMember:
    member = selectors.membership_for_expert(request.auth, membership_id)
    if member is None:
        raise not_found()
    return member


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


def _own_assignments(request: ApiRequest, member: PanelMember) -> list[Assignment]:
    return [a for a in selectors.assignments_for_expert(request.auth) if a.member_id == member.pk]


def _membership_detail(request: ApiRequest, member: PanelMember) -> MembershipDetailOut:
    blind = member.panel.blind
    return MembershipDetailOut(
        **_membership_fields(member),
        undertaking=str(services.CONFIDENTIALITY_UNDERTAKING),
        assignments=[
            NomineeLabelOut(
                assignment=a.pk,
                nomination=a.nomination_id,
                label=nominee_label(a.nomination, blind=blind),
            )
            for a in _own_assignments(request, member)
        ],
    )


@router.get(
    "/expert/memberships",
    response={200: list[PanelMembershipOut], codes_4xx: ErrorOut},
    summary="我的评审组",
)
def list_my_memberships(request: ApiRequest) -> list[PanelMembershipOut]:
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
def get_my_membership(request: ApiRequest, membership_id: int) -> MembershipDetailOut:
    """保密承诺全文及确认时间；确认后列出本人的评审任务。"""
    return _membership_detail(request, _membership(request, membership_id))


@router.post(
    "/expert/memberships/{membership_id}/confidentiality",
    response={200: MembershipDetailOut, codes_4xx: ErrorOut},
    summary="确认保密承诺",
)
def confirm_confidentiality(
    request: ApiRequest, membership_id: int, payload: ConfirmIn
) -> MembershipDetailOut:
    """确认保密承诺（agree 须为 true）；确认前看不到任何推荐对象。重复确认保留首次时间。"""
    member = _membership(request, membership_id)
    if not payload.agree:
        raise field_error("agree", _("请阅读并同意保密承诺后再确认。"))
    services.confirm_confidentiality(member, actor=request.auth)
    return _membership_detail(request, _membership(request, membership_id))


@router.post(
    "/expert/memberships/{membership_id}/recusals",
    response={201: RecusalOut, codes_4xx: ErrorOut},
    summary="申报回避",
)
def record_own_recusal(request: ApiRequest, membership_id: int, payload: OwnRecusalIn) -> Status:
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
    replacement = services.record_recusal(
        member, nomination, kind=payload.kind, note=payload.note, actor=request.auth
    )
    return Status(201, recusal_out(replacement))


@router.post(
    "/expert/memberships/{membership_id}/conflicts",
    response={201: RecusalOut, codes_4xx: ErrorOut},
    summary="申报回避（旧路径，已弃用）",
    deprecated=True,
)
def record_own_recusal_deprecated_path(
    request: ApiRequest, membership_id: int, payload: OwnRecusalIn
) -> Status:
    """已弃用，保留一个版本：请改用 ``POST /expert/memberships/{membership_id}/recusals``，
    请求和应答相同。"""
    return record_own_recusal(request, membership_id, payload)
