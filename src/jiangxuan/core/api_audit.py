"""The audit trail over the API, read-only, for the auditor (issue 16.6): the same search
as the page (core.audit_trail); 404 for everyone else, the administrator included."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import codes_4xx

from .api_errors import ErrorOut, not_found
from .audit_trail import AuditFilter, can_read_audit_trail, search_audit_entries

router = Router(tags=["审计"])


class AuditEntryOut(Schema):
    id: int
    occurred_at: dt.datetime
    actor_name: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    result: str
    source_ip: str | None
    before: dict[str, Any]
    after: dict[str, Any]
    entry_hash: str


class AuditPage(Schema):
    items: list[AuditEntryOut]
    count: int
    page: int
    page_size: int


class AuditQuery(Schema):
    actor: str = Field("", max_length=150, description="操作人用户名（包含）")
    action: str = Field("", max_length=60, description="动作或其前缀，如 nomination.")
    campaign: str = Field("", max_length=60, description="评选活动代码")
    date_from: dt.date | None = Field(None, description="开始日期（含）")
    date_to: dt.date | None = Field(None, description="结束日期（含）")
    q: str = Field("", max_length=60, description="对象类型、对象编号或动作")
    page: int = Field(1, ge=1, le=100_000, description="页码，从 1 开始")
    page_size: int = Field(100, ge=1, le=500, description="每页条数")


@router.get("/audit", response={200: AuditPage, codes_4xx: ErrorOut}, summary="审计记录")
def list_audit_entries(request: HttpRequest, filters: Query[AuditQuery]) -> AuditPage:
    """审计记录（审计员只读），新的在前；按操作人、动作、评选活动、日期筛选。"""
    if not can_read_audit_trail(getattr(request, "auth", None)):
        raise not_found()
    data = filters.dict()
    page, page_size = data.pop("page"), data.pop("page_size")
    entries = search_audit_entries(AuditFilter(**data))
    offset = (page - 1) * page_size
    return AuditPage(
        items=[AuditEntryOut.model_validate(e) for e in entries[offset : offset + page_size]],
        count=entries.count(),
        page=page,
        page_size=page_size,
    )
