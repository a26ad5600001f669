"""API: the level-by-level review — the reviewer's queue, sign-offs, ranked forwarding and
the documents a body sends with its forward (推荐报告, 汇总表: forward_documents).

Nominations come through ``nomination_for`` (outside the user's scope: 404). Refusals use
the common error shape: a body the user may not sign for, 403; an out-of-order action
(the city while the county is pending, anything after withdrawal), 409; a return or
rejection without reasons, over the quota or under the minimum, 400.
"""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status, codes_4xx
from pydantic import Field

from jiangxuan.accounts.api_common import UnitRef, unit_ref
from jiangxuan.accounts.http import ApiRequest
from jiangxuan.campaigns.selectors import campaigns_visible_to
from jiangxuan.core.api_errors import ErrorOut, field_error, not_found

from . import forward_documents, review
from .models import Decision, ForwardDocument, Nomination, SignOff
from .review_selectors import (
    QueueItem,
    ensure_turn,
    forward_scope,
    nominations_to_review,
    review_panel,
    sign_off_history,
    signing_body,
)
from .selectors import nomination_for, nominations_visible_to

router = Router(tags=["逐级审核"])


class SeatOut(Schema):
    signer: str
    body: UnitRef
    decision: str | None = Field(None, description="本轮意见；未签署为 null")


class QueueItemOut(Schema):
    id: int
    name: str
    campaign: str
    award_name: str
    state: str
    level: str
    level_name: str
    review_round: int
    nominating_unit: UnitRef | None
    can_sign_as: list[SeatOut] = Field(description="本人可代表签署、本轮尚未签署的单位")
    signed: list[SeatOut]
    waiting: list[SeatOut]
    waiting_since: dt.datetime | None = Field(description="提交或上一次报送的时间")


class SignOffIn(Schema):
    signer: str | None = Field(
        None, description="代表的签署方（如 union、hr_bureau）；本人只能代表一方时可省略"
    )
    decision: Decision = Field(description="approve 同意推荐 / return 退回修改 / reject 不予推荐")
    opinion: str = Field("", max_length=2000, description="意见内容；退回或不予推荐时必填")


class SignOffOut(Schema):
    id: int
    level: str
    round: int
    signer: str
    body: UnitRef
    decision: str
    decision_label: str
    opinion: str
    decided_by: str
    decided_at: dt.datetime
    has_scan: bool


class ForwardIn(Schema):
    campaign: str = Field(description="评选活动代码")
    level: str = Field(description="层级代码（活动规范 review_chain.levels[].code）")
    body: int = Field(description="报送单位 id（本人须可代表该单位）")
    order: list[int] = Field(min_length=1, description="报送的推荐 id，按排序从前到后")
    final: bool = Field(False, description="本批报送后本单位名单报送完毕；为真时核对最低推荐名额")


class ForwardedOut(Schema):
    id: int
    name: str
    rank: int | None
    level: str
    state: str


def _seat(seat) -> SeatOut:
    decision = seat.sign_off.decision if seat.sign_off else None
    return SeatOut(signer=seat.signer, body=unit_ref(seat.body), decision=decision)


def _queue_item(item: QueueItem) -> QueueItemOut:
    n = item.nomination
    return QueueItemOut(
        id=n.pk,
        name=n.name,
        campaign=n.campaign.code,
        award_name=n.award.name,
        state=n.state,
        level=item.level.code,
        level_name=item.level.name,
        review_round=n.review_round,
        nominating_unit=unit_ref(n.nominating_unit),
        can_sign_as=[_seat(seat) for seat in item.to_sign],
        signed=[_seat(seat) for seat in item.signed],
        waiting=[_seat(seat) for seat in item.waiting],
        waiting_since=item.waiting_since,
    )


def _sign_off_out(entry: SignOff) -> SignOffOut:
    return SignOffOut(
        id=entry.pk,
        level=entry.level,
        round=entry.round,
        signer=entry.signer,
        body=unit_ref(entry.body),
        decision=entry.decision,
        decision_label=entry.get_decision_display(),
        opinion=entry.opinion,
        decided_by=str(entry.decided_by),
        decided_at=entry.created_at,
        has_scan=bool(entry.scan),
    )


def _visible(request: ApiRequest, nomination_id: int) -> Nomination:
    nomination = nomination_for(request.auth, nomination_id)
    if nomination is None:
        raise not_found()
    return nomination


@router.get(
    "/review/queue", response={200: list[QueueItemOut], codes_4xx: ErrorOut}, summary="待我审核"
)
def review_queue(request: ApiRequest) -> list[QueueItemOut]:
    """本人可代表签署意见的单位所在层级上、等待意见的推荐（含本轮已签署和尚待签署的单位）。"""
    return [_queue_item(item) for item in nominations_to_review(request.auth)]


@router.get(
    "/nominations/{nomination_id}/sign-offs",
    response={200: list[SignOffOut], codes_4xx: ErrorOut},
    summary="审核意见记录",
)
def list_sign_offs(request: ApiRequest, nomination_id: int) -> list[SignOffOut]:
    """推荐在各层级、各轮次的审核意见，按时间先后。"""
    nomination = _visible(request, nomination_id)
    return [_sign_off_out(entry) for entry in sign_off_history(nomination)]


@router.post(
    "/nominations/{nomination_id}/sign-offs",
    response={201: SignOffOut, codes_4xx: ErrorOut},
    summary="签署审核意见",
)
def create_sign_off(request: ApiRequest, nomination_id: int, payload: SignOffIn) -> Status:
    """代表本级的一个签署单位签署意见；全部单位同意后本级审核完成，退回后经办人可修改重报。
    附盖章页扫描件时用“签署审核意见（附扫描件）”。"""
    entry = _sign(request, nomination_id, payload.signer, payload.decision, payload.opinion)
    return Status(201, _sign_off_out(entry))


@router.post(
    "/nominations/{nomination_id}/sign-offs-with-scan",
    response={201: SignOffOut, codes_4xx: ErrorOut},
    summary="签署审核意见（附扫描件）",
)
def create_sign_off_with_scan(
    request: ApiRequest,
    nomination_id: int,
    decision: Form[Decision],
    scan: File[UploadedFile],
    signer: Form[str | None] = None,
    opinion: Form[str] = "",
) -> Status:
    """与“签署审核意见”相同，另附签署单位盖章的纸质意见页扫描件（multipart：scan 为文件，
    JPG、PNG 或 PDF；decision、signer、opinion 同上）。"""
    entry = _sign(request, nomination_id, signer, decision, opinion, scan=scan)
    return Status(201, _sign_off_out(entry))


def _sign(
    request: ApiRequest,
    nomination_id: int,
    signer: str | None,
    decision: str,
    opinion: str,
    *,
    scan: UploadedFile | None = None,
) -> SignOff:
    user = request.auth
    nomination = _visible(request, nomination_id)
    ensure_turn(nomination, user)
    if signer is None:
        seats = review_panel(user, nomination).can_sign
        if len(seats) > 1:
            raise field_error("signer", _("请指明代表哪一方签署（如 union、hr_bureau）。"))
        # Without a seat, review.sign_off says why (state, level complete, no permission).
        signer = seats[0].signer if seats else ""
    return review.sign_off(
        nomination, actor=user, signer=signer, decision=decision, opinion=opinion, scan=scan
    )


@router.post(
    "/review/forward",
    response={200: list[ForwardedOut], codes_4xx: ErrorOut},
    summary="排序报送上一级",
)
def forward_nominations(request: ApiRequest, payload: ForwardIn) -> list[ForwardedOut]:
    """按排序将本级审核通过的推荐报送上一级；受推荐名额和报送截止时间限制，须已完成本级
    公示和征求意见。final 为真表示本批报送后本单位名单报送完毕，此时核对最低推荐名额。"""
    user = request.auth
    campaign = campaigns_visible_to(user).filter(code=payload.campaign).first()
    if campaign is None:
        raise not_found()
    body = signing_body(user, payload.body)
    if body is None:
        raise not_found()
    if payload.level not in {lv.code for lv in campaign.specification.review_chain.levels}:
        message = _("该评选活动没有代码为 %(code)s 的层级。") % {"code": payload.level}
        raise field_error("level", message)
    visible = set(
        nominations_visible_to(user).filter(pk__in=payload.order).values_list("pk", flat=True)
    )
    if set(payload.order) - visible:
        raise not_found()
    done = review.forward_nominations(
        campaign,
        level=payload.level,
        body=body,
        actor=user,
        order=payload.order,
        final=payload.final,
    )
    return [
        ForwardedOut(id=n.pk, name=n.name, rank=n.rank, level=n.level, state=n.state) for n in done
    ]


# --------------------------------------------------------------------------- forward documents


class ForwardFileOut(Schema):
    id: int
    document: str = Field(description="材料项代码（review_chain.forward_documents[].code）")
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    url: str = Field(description="下载地址")


class ForwardDocumentOut(Schema):
    code: str
    name: str
    required: bool
    types: list[str] = Field(description="接受的文件类型")
    source: str = Field(description="通知中要求该材料的条款")
    files: list[ForwardFileOut]


class ForwardDocumentsQuery(Schema):
    campaign: str = Field(description="评选活动代码")
    level: str = Field(description="层级代码")
    body: int = Field(description="报送单位 id（本人须可代表该单位）")


class ReceivedForwardOut(Schema):
    level: str
    body: UnitRef
    forwarded_at: dt.datetime
    files: list[ForwardFileOut]


def _file_out(stored: ForwardDocument) -> ForwardFileOut:
    return ForwardFileOut(
        id=stored.pk,
        document=stored.document,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_at=stored.created_at,
        url=reverse("api:download_forward_document", args=[stored.pk]),
    )


@router.get(
    "/review/forward/documents",
    response={200: list[ForwardDocumentOut], codes_4xx: ErrorOut},
    summary="本级报送材料",
)
def list_forward_documents(
    request: ApiRequest, query: Query[ForwardDocumentsQuery]
) -> list[ForwardDocumentOut]:
    """报送单位在该层级须随名单报送的材料（推荐报告、汇总表等）及已上传的文件。"""
    scope = forward_scope(request.auth, query.campaign, query.level, query.body)
    if scope is None:
        raise not_found()
    campaign, level, body = scope
    files: dict[str, list[ForwardFileOut]] = {}
    for stored in forward_documents.documents_of(campaign, level.code, body):
        files.setdefault(stored.document, []).append(_file_out(stored))
    return [
        ForwardDocumentOut(
            code=d.code,
            name=d.name,
            required=d.required,
            types=list(d.types),
            source=d.source,
            files=files.get(d.code, []),
        )
        for d in forward_documents.documents_for_level(campaign, level.code)
    ]


@router.post(
    "/review/forward/documents",
    response={201: ForwardFileOut, codes_4xx: ErrorOut},
    summary="上传报送材料",
)
def upload_forward_document(
    request: ApiRequest,
    campaign: Form[str],
    level: Form[str],
    body: Form[int],
    document: Form[str],
    file: File[UploadedFile],
) -> Status:
    """上传一份本级报送材料（multipart：campaign、level、body、document 为材料项代码，file
    为文件）。类型按文件内容识别，须为该材料接受的类型；上传后分批报送时一直有效。"""
    scope = forward_scope(request.auth, campaign, level, body)
    if scope is None:
        raise not_found()
    found, level_spec, unit = scope
    stored = forward_documents.add_forward_document(
        found, level=level_spec.code, body=unit, actor=request.auth, document=document, upload=file
    )
    return Status(201, _file_out(stored))


def _forward_document(request: ApiRequest, document_id: int) -> ForwardDocument:
    stored = forward_documents.forward_document_for(request.auth, document_id)
    if stored is None:
        raise not_found()
    return stored


@router.get(
    "/review/forward-documents/{document_id}",
    response={200: None, codes_4xx: ErrorOut},
    summary="下载报送材料",
)
def download_forward_document(request: ApiRequest, document_id: int) -> FileResponse:
    """以附件形式下载报送材料；报送单位、接收名单的上一级单位和活动办公室可下载，记入审计日志。"""
    stored = _forward_document(request, document_id)
    response = FileResponse(
        forward_documents.open_forward_document(stored, actor=request.auth),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["Cache-Control"] = "no-store"
    return response


@router.delete(
    "/review/forward-documents/{document_id}",
    response={204: None, codes_4xx: ErrorOut},
    summary="删除报送材料",
)
def delete_forward_document(request: ApiRequest, document_id: int) -> Status:
    """删除尚未随名单报送的一份报送材料；已报送的不能删除（409）。"""
    stored = _forward_document(request, document_id)
    forward_documents.delete_forward_document(stored, actor=request.auth)
    return Status(204, None)


@router.get(
    "/nominations/{nomination_id}/forward-documents",
    response={200: list[ReceivedForwardOut], codes_4xx: ErrorOut},
    summary="随名单报送的材料",
)
def list_nomination_forward_documents(
    request: ApiRequest, nomination_id: int
) -> list[ReceivedForwardOut]:
    """推荐逐级报送时，各报送单位随名单报送的材料中本人可查看的部分（接收单位、活动办公室）。"""
    nomination = _visible(request, nomination_id)
    return [
        ReceivedForwardOut(
            level=forwarding.level,
            body=unit_ref(forwarding.body),
            forwarded_at=forwarding.created_at,
            files=[_file_out(stored) for _title, stored in files],
        )
        for forwarding, files in forward_documents.documents_of_forwards(request.auth, nomination)
    ]
