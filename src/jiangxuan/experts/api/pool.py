"""API: the expert pool (活动办公室) and the conflict-of-interest relationships declared for
an expert."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status, codes_4xx
from pydantic import Field

from jiangxuan.accounts.api_common import UnitRef, unit_ref
from jiangxuan.accounts.http import ApiRequest
from jiangxuan.accounts.selectors import unit_by_code
from jiangxuan.core.api_errors import ErrorOut, field_error, not_found
from jiangxuan.core.masking import PersonalDataKind, mask

from .. import (
    selectors,
    services,
)
from ..enums import RelationshipKind
from ..models import (
    Expert,
    ExpertRelationship,
)

router = Router()


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


def _relationship_out(relation: ExpertRelationship) -> RelationshipOut:
    return RelationshipOut(
        id=relation.pk,
        kind=RelationshipKind(relation.kind),
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


@router.get("/experts", response={200: ExpertPage, codes_4xx: ErrorOut}, summary="专家库")
def list_experts(request: ApiRequest, filters: Query[PoolFilter]) -> ExpertPage:
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


def _expert(request: ApiRequest, expert_id: int) -> Expert:
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
def get_expert(request: ApiRequest, expert_id: int) -> ExpertDetailOut:
    """一名专家及其登记的回避关系（活动办公室）。"""
    return _expert_detail(_expert(request, expert_id))


@router.post(
    "/experts/{expert_id}/relationships",
    response={201: ExpertDetailOut, codes_4xx: ErrorOut},
    summary="登记回避关系",
)
def declare_expert_relationship(
    request: ApiRequest, expert_id: int, payload: RelationshipIn
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
    services.declare_relationship(
        expert,
        kind=payload.kind,
        org_unit=org_unit,
        id_number=payload.id_number,
        note=payload.note,
        actor=request.auth,
    )
    return Status(201, _expert_detail(expert))
