"""API: the user's own notifications (read, mark read), and the campaign office's outbox
(issue 13) — the e-mail to nominees and units waiting for review, editing, sending
(approving) and discarding a draft.

The same selectors and services as the outbox pages (views.py): a message of a campaign
the caller is not the office of answers 404, as does the outbox for someone who is no
campaign's office. An OutboxError (the message is no longer a draft) answers 400.
Message texts are redacted when queued (services._clean): no ID numbers, phones or bank
accounts.
"""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema
from ninja.responses import codes_4xx
from pydantic import Field

from jiangxuan.accounts.http import ApiRequest
from jiangxuan.core.api_errors import ErrorOut, not_found

from . import selectors, services
from .enums import OutboxState
from .models import Notification, OutboxMessage

router = Router(tags=["通知与待发邮件"])

#: At most this many messages per listing, as on the outbox page.
LIST_LIMIT = 200


class OutboxFilter(Schema):
    state: OutboxState = Field(OutboxState.DRAFT, description="状态；默认为待审核")


class OutboxMessageOut(Schema):
    id: int
    campaign: str | None = Field(description="评选活动代码")
    to_name: str = Field(description="收件人")
    to_email: str = Field(description="收件地址")
    subject: str
    body: str
    kind: str
    kind_label: str
    state: OutboxState
    state_label: str
    created_at: dt.datetime
    approved_by: str = Field(description="审核人用户名；未审核为空")
    approved_at: dt.datetime | None
    sent_at: dt.datetime | None


def _message_out(message: OutboxMessage) -> OutboxMessageOut:
    return OutboxMessageOut(
        id=message.pk,
        campaign=message.campaign.code if message.campaign else None,
        to_name=message.to_name,
        to_email=message.to_email,
        subject=message.subject,
        body=message.body,
        kind=message.kind,
        kind_label=str(message.get_kind_display()),
        state=OutboxState(message.state),
        state_label=str(message.get_state_display()),
        created_at=message.created_at,
        approved_by=message.approved_by.get_username() if message.approved_by else "",
        approved_at=message.approved_at,
        sent_at=message.sent_at,
    )


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    link: str = Field(description="相关页面的站内地址；没有为空")
    campaign: str | None = Field(description="评选活动代码")
    created_at: dt.datetime
    read_at: dt.datetime | None = Field(description="阅读时间；未读为 null")


class ReadOut(Schema):
    changed: int = Field(description="标为已读的通知数")


class OutboxEditIn(Schema):
    subject: str = Field(description="邮件标题")
    body: str = Field(description="邮件正文")


def _notification_out(note: Notification) -> NotificationOut:
    return NotificationOut(
        id=note.pk,
        kind=note.kind,
        kind_label=str(note.get_kind_display()),
        title=note.title,
        body=note.body,
        link=note.link,
        campaign=note.campaign.code if note.campaign else None,
        created_at=note.created_at,
        read_at=note.read_at,
    )


@router.get(
    "/notifications",
    response={200: list[NotificationOut], codes_4xx: ErrorOut},
    summary="我的通知",
)
def list_notifications(request: ApiRequest) -> list[NotificationOut]:
    """本人的通知，新的在前（与“通知”页相同）。"""
    return [_notification_out(n) for n in selectors.notifications_for(request.auth)]


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, codes_4xx: ErrorOut},
    summary="标为已读",
)
def read_notification(request: ApiRequest, notification_id: int) -> NotificationOut:
    """把本人的一条通知标为已读；他人的通知答 404。"""
    note = selectors.notification_for(request.auth, notification_id)
    if note is None:
        raise not_found()
    services.mark_read(request.auth, notification_ids=[note.pk])
    note.refresh_from_db()
    return _notification_out(note)


@router.post(
    "/notifications/read-all",
    response={200: ReadOut, codes_4xx: ErrorOut},
    summary="全部标为已读",
)
def read_all_notifications(request: ApiRequest) -> ReadOut:
    """把本人的全部未读通知标为已读，返回标记的条数。"""
    return ReadOut(changed=services.mark_read(request.auth))


def _message(request: ApiRequest, message_id: int) -> OutboxMessage:
    message = selectors.outbox_message_for(request.auth, message_id)
    if message is None:
        raise not_found()
    return message


@router.get(
    "/outbox",
    response={200: list[OutboxMessageOut], codes_4xx: ErrorOut},
    summary="待发邮件",
)
def list_outbox(request: ApiRequest, filters: Query[OutboxFilter]) -> list[OutboxMessageOut]:
    """本人担任活动办公室的各活动给推荐对象和单位的邮件，默认为待审核的，新的在前
    （至多 200 封）。非活动办公室答 404。"""
    if not selectors.runs_any_outbox(request.auth):
        raise not_found()
    messages = selectors.outbox_for(request.auth, state=filters.state)[:LIST_LIMIT]
    return [_message_out(m) for m in messages]


@router.patch(
    "/outbox/{message_id}",
    response={200: OutboxMessageOut, codes_4xx: ErrorOut},
    summary="修改待发邮件",
)
def edit_outbox_message(
    request: ApiRequest, message_id: int, payload: OutboxEditIn
) -> OutboxMessageOut:
    """修改一封待审核邮件的标题和正文（活动办公室审核时）。已审核、已发送或已放弃的，或标题、
    正文为空的，答 400。"""
    services.edit_outbox_message(
        _message(request, message_id),
        subject=payload.subject,
        body=payload.body,
        actor=request.auth,
    )
    return _message_out(_message(request, message_id))


@router.post(
    "/outbox/{message_id}/send",
    response={200: OutboxMessageOut, codes_4xx: ErrorOut},
    summary="审核发送邮件",
)
def send_outbox_message(request: ApiRequest, message_id: int) -> OutboxMessageOut:
    """审核通过一封待审核的邮件，提交后立即发送。已审核、已发送或已放弃的答 400。"""
    services.approve_outbox_message(_message(request, message_id), actor=request.auth)
    return _message_out(_message(request, message_id))


@router.post(
    "/outbox/{message_id}/discard",
    response={200: OutboxMessageOut, codes_4xx: ErrorOut},
    summary="放弃邮件",
)
def discard_outbox_message(request: ApiRequest, message_id: int) -> OutboxMessageOut:
    """放弃一封待审核的邮件，不再发送。已审核、已发送或已放弃的答 400。"""
    services.discard_outbox_message(_message(request, message_id), actor=request.auth)
    return _message_out(_message(request, message_id))
