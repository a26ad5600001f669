"""API: a public notice (read) and filing an objection to it. Both are public (no
authentication, no CSRF: there is no session to ride on); filing is rate-limited per IP.

Errors (ApiError, a service's NoticeError) are raised and answered in the common shape
``{"detail", "code", "errors"}`` by the handlers of core.api_errors (installed on the
project's NinjaAPI).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status, codes_4xx
from pydantic import Field

from jiangxuan.core.api_errors import ApiError, ErrorOut, field_error
from jiangxuan.core.middleware import client_ip

from . import selectors, services
from .enums import NoticeState, ObjectionState
from .models import PublicNotice
from .services import MAX_OBJECTION_CHARS

router = Router(tags=["公示"])


class PublicEntryOut(Schema):
    position: int
    name: str
    sex: str
    workplace_name: str
    post: str
    occupation: str
    achievement_summary: str


class PublicNoticeOut(Schema):
    id: int
    title: str
    campaign: str
    body: str
    where: str
    starts_on: dt.date
    ends_on: dt.date
    days: int
    day_unit: str
    state: NoticeState
    entries: list[PublicEntryOut]


class ObjectionIn(Schema):
    text: str = Field(min_length=1, max_length=MAX_OBJECTION_CHARS, description="异议内容")
    nomination: int | None = Field(None, description="所涉公示对象（公示名单中的推荐编号）")
    anonymous: bool = Field(False, description="匿名反映（联系人信息将不保存）")
    contact_name: str = Field("", max_length=60)
    contact_phone: str = Field("", max_length=30, description="手机或座机，仅用于核查")


class ObjectionOut(Schema):
    id: int
    notice: int
    state: ObjectionState
    received_at: dt.datetime
    detail: str


def _not_found() -> ApiError:
    return ApiError(404, _("没有找到该公示。"), code="not_found")


def _notice_out(notice: PublicNotice) -> dict:
    return {
        "id": notice.pk,
        "title": notice.title,
        "campaign": notice.campaign.title,
        "body": notice.body.name if notice.body else "",
        "where": notice.where,
        "starts_on": notice.starts_on,
        "ends_on": notice.ends_on,
        "days": notice.days,
        "day_unit": notice.day_unit,
        "state": notice.state,
        "entries": [
            {"position": e.position, **e.published} for e in selectors.public_entries(notice)
        ],
    }


@router.get(
    "/notices/{notice_id}",
    auth=None,
    response={200: PublicNoticeOut, codes_4xx: ErrorOut},
    summary="公示名单",
)
def get_public_notice(request: HttpRequest, notice_id: int):
    """公示中或已结束的公示及其名单（只含本人同意公开的姓名、性别、工作单位、岗位、
    职业和主要事迹）。"""
    notice = selectors.published_notice(notice_id)
    if notice is None:
        raise _not_found()
    return _notice_out(notice)


@router.post(
    "/notices/{notice_id}/objections",
    auth=None,
    response={201: ObjectionOut, codes_4xx: ErrorOut},
    summary="提出异议",
)
def file_notice_objection(request: HttpRequest, notice_id: int, payload: ObjectionIn):
    """在公示期内提出异议，可匿名或留下联系方式。同一地址 10 分钟内至多 5 次，超过答 429。
    附件请通过网页表单提交。"""
    if services.objection_rate_exceeded(client_ip(request)):
        raise ApiError(429, _("提交过于频繁，请10分钟后再试。"), code="throttled")
    notice = selectors.published_notice(notice_id)
    if notice is None:
        raise _not_found()
    nomination = None
    if payload.nomination is not None:
        entry = next(
            (e for e in selectors.public_entries(notice) if e.nomination_id == payload.nomination),
            None,
        )
        if entry is None:
            raise field_error("nomination", _("所选推荐对象不在本次公示名单中。"))
        nomination = entry.nomination
    objection = services.file_objection(
        notice,
        text=payload.text,
        nomination=nomination,
        anonymous=payload.anonymous,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
    )
    return Status(
        201,
        {
            "id": objection.pk,
            "notice": notice.pk,
            "state": objection.state,
            "received_at": objection.created_at,
            "detail": _("异议已收到，我们将认真核查。"),
        },
    )
