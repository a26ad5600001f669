"""API: the campaign office's outbox (issue 13) — the e-mail to nominees and units waiting
for review, sending (approving) and discarding a draft.

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
from .models import OutboxMessage

router = Router(tags=["待发邮件"])

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
