"""API: a public notice (read) and filing an objection to it. Both are public (no
authentication, no CSRF: there is no session to ride on); filing is rate-limited per IP.

The office's section (issue 13) does what the office pages (views.py) do, through the same
selectors and services: list and open a campaign's notices, publish and close one, list
and answer objections, list background checks and record a department's opinion. A
campaign, notice, objection or check outside the caller's office answers 404; the
responses carry no ID numbers, phones or bank accounts (docs/security.md check 21).

Errors (ApiError, a service's NoticeError) are raised and answered in the common shape
``{"detail", "code", "errors"}`` by the handlers of core.api_errors (installed on the
project's NinjaAPI).
"""

from __future__ import annotations

import datetime as dt
import mimetypes

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.responses import Status, codes_4xx
from pydantic import Field

from jiangxuan.accounts.http import ApiRequest
from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.api_errors import ApiError, ErrorOut, field_error, not_found
from jiangxuan.core.downloads import download
from jiangxuan.core.middleware import client_ip

from . import selectors, services
from .enums import BackgroundCheckState, NoticeState, ObjectionOutcome, ObjectionState, PenaltyKind
from .models import BackgroundCheck, NoticeEntry, Objection, PublicNotice
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


# --------------------------------------------------------------------------- office


class WithheldOut(Schema):
    nomination: int
    name: str


class OfficeEntryOut(Schema):
    position: int
    nomination: int
    name: str
    workplace_name: str


class OfficeNoticeOut(Schema):
    id: int
    title: str
    stage: str = Field(description="公示环节（活动规范中的层级代码或步骤）")
    body: str = Field(description="组织公示的单位；社会公示为空")
    where: str = Field(description="公示范围")
    starts_on: dt.date
    ends_on: dt.date
    days: int
    day_unit: str
    state: NoticeState
    state_label: str
    published_at: dt.datetime | None
    closed_at: dt.datetime | None
    entries: list[OfficeEntryOut] = Field(description="公示名单（本人同意公示的推荐对象）")
    withheld: list[WithheldOut] = Field(description="未同意公示、未列入名单的推荐对象")
    open_objections: int = Field(description="尚未核查答复的异议数")


class OpenNoticeIn(Schema):
    stage: str = Field(
        min_length=1, max_length=60, description="公示环节（活动规范中规定公示的环节）"
    )
    body: int | None = Field(None, description="组织公示的单位 id；社会公示可为 null")
    starts_on: dt.date = Field(description="公示开始日期；结束日期按活动规范和工作日历计算")
    title: str = Field("", max_length=200, description="标题；为空时按活动名称和公示名称生成")
    nominations: list[int] = Field(min_length=1, description="公示对象的推荐 id")
    publish: bool = Field(True, description="立即发布；false 时保存为草稿")


class OfficeObjectionOut(Schema):
    id: int
    notice: int
    notice_title: str
    nomination: int | None = Field(description="所涉推荐对象；未指明为 null")
    nomination_name: str
    text: str
    anonymous: bool
    contact_name: str = Field(description="联系人（匿名时为空；联系电话不在此返回）")
    has_attachment: bool
    state: ObjectionState
    state_label: str
    received_at: dt.datetime
    assigned_to: str = Field(description="核查人用户名；未交办为空")
    finding: str = Field(description="核查情况")
    falsified: bool = Field(description="查实弄虚作假")
    answer: str
    outcome: str = Field(description="处理结果；未答复为空")
    answered_at: dt.datetime | None


class AnswerIn(Schema):
    answer: str = Field(min_length=1, max_length=4000, description="答复")
    outcome: ObjectionOutcome = Field(description="处理结果")
    penalty_kind: PenaltyKind | None = Field(
        None, description="对推荐单位的处理（查实弄虚作假、撤销推荐资格时）"
    )
    penalty_amount: int | None = Field(None, ge=1, description="扣减名额数（扣减推荐名额时）")


class AssignIn(Schema):
    assignee: int = Field(description="核查人的用户 id（本活动办公室，或推荐所经单位的审核人员）")


class FindingIn(Schema):
    finding: str = Field(min_length=1, max_length=4000, description="核查情况")
    falsified: bool = Field(False, description="查实弄虚作假")


class BackgroundRequestIn(Schema):
    stage: str = Field(
        min_length=1, max_length=60, description="环节（活动规范中规定征求意见的环节）"
    )
    department: str = Field("", max_length=120, description="征求意见部门；为空按活动规范")
    question: str = Field("", max_length=200, description="征求事项；为空按活动规范")
    due_on: dt.date = Field(description="回复期限")
    nominations: list[int] = Field(min_length=1, description="推荐对象的推荐 id")


class BackgroundCheckOut(Schema):
    id: int
    nomination: int
    name: str
    workplace_name: str
    stage: str
    department: str = Field(description="征求意见部门")
    question: str = Field(description="征求事项")
    requested_at: dt.datetime
    due_on: dt.date = Field(description="回复期限")
    state: BackgroundCheckState
    state_label: str
    opinion: str = Field(description="部门意见")
    adverse: bool = Field(description="不利意见")
    has_scan: bool = Field(description="已上传盖章意见表扫描件")
    answered_at: dt.datetime | None
    nomination_stopped: bool = Field(description="因不利意见已终止推荐")
    stop_note: str = Field(description="处理说明")


class OpinionIn(Schema):
    opinion: str = Field(min_length=1, max_length=4000, description="部门意见")
    adverse: bool = Field(False, description="不利意见（将终止该推荐）")


def _office_campaign(request: ApiRequest, code: str) -> Campaign:
    campaign = selectors.campaign_for_office(request.auth, code)
    if campaign is None:
        raise not_found()
    return campaign


def _run_notice(request: ApiRequest, notice_id: int) -> PublicNotice:
    notice = selectors.notice_for_runner(request.auth, notice_id)
    if notice is None:
        raise not_found()
    return notice


def _office_objection(request: ApiRequest, objection_id: int) -> Objection:
    objection = selectors.objection_for_office(request.auth, objection_id)
    if objection is None:
        raise not_found()
    return objection


def _office_notice_out(
    notice: PublicNotice, entries: list[NoticeEntry] | None = None
) -> OfficeNoticeOut:
    # notices_of annotates the count; a notice fetched alone counts its objections here.
    open_objections = getattr(notice, "open_objections", None)
    if open_objections is None:
        open_objections = sum(
            o.state in ObjectionState.UNRESOLVED for o in selectors.objections_of(notice)
        )
    return OfficeNoticeOut(
        id=notice.pk,
        title=notice.title,
        stage=notice.stage,
        body=notice.body.name if notice.body else "",
        where=notice.where,
        starts_on=notice.starts_on,
        ends_on=notice.ends_on,
        days=notice.days,
        day_unit=notice.day_unit,
        state=NoticeState(notice.state),
        state_label=str(notice.get_state_display()),
        published_at=notice.published_at,
        closed_at=notice.closed_at,
        entries=[
            OfficeEntryOut(
                position=e.position,
                nomination=e.nomination_id,
                name=e.nomination.name,
                workplace_name=e.nomination.workplace_name,
            )
            for e in (selectors.entries_of(notice) if entries is None else entries)
        ],
        withheld=[WithheldOut(nomination=w["nomination"], name=w["name"]) for w in notice.withheld],
        open_objections=open_objections,
    )


def _objection_out(objection: Objection) -> OfficeObjectionOut:
    nomination = objection.nomination
    return OfficeObjectionOut(
        id=objection.pk,
        notice=objection.notice_id,
        notice_title=objection.notice.title,
        nomination=nomination.pk if nomination else None,
        nomination_name=nomination.name if nomination else "",
        text=objection.text,
        anonymous=objection.anonymous,
        contact_name=objection.contact_name,
        has_attachment=bool(objection.attachment),
        state=ObjectionState(objection.state),
        state_label=str(objection.get_state_display()),
        received_at=objection.created_at,
        assigned_to=objection.assigned_to.get_username() if objection.assigned_to else "",
        finding=objection.finding,
        falsified=objection.falsified,
        answer=objection.answer,
        outcome=objection.outcome or "",
        answered_at=objection.answered_at,
    )


def _check_out(check: BackgroundCheck) -> BackgroundCheckOut:
    return BackgroundCheckOut(
        id=check.pk,
        nomination=check.nomination_id,
        name=check.nomination.name,
        workplace_name=check.nomination.workplace_name,
        stage=check.stage,
        department=check.department_name,
        question=check.question,
        requested_at=check.requested_at,
        due_on=check.due_on,
        state=BackgroundCheckState(check.state),
        state_label=str(check.get_state_display()),
        opinion=check.opinion,
        adverse=check.adverse,
        has_scan=bool(check.scan),
        answered_at=check.answered_at,
        nomination_stopped=check.nomination_stopped,
        stop_note=check.stop_note,
    )


@router.get(
    "/campaigns/{code}/notices",
    response={200: list[OfficeNoticeOut], codes_4xx: ErrorOut},
    summary="本活动的公示",
)
def list_campaign_notices(request: ApiRequest, code: str) -> list[OfficeNoticeOut]:
    """本活动的全部公示（含草稿），新的在前，含公示名单、未同意公示的推荐对象和未答复的
    异议数（活动办公室）。"""
    campaign = _office_campaign(request, code)
    notices = selectors.notices_of(campaign)
    entries = selectors.entries_by_notice(notices)
    return [_office_notice_out(n, entries[n.pk]) for n in notices]


@router.post(
    "/campaigns/{code}/notices",
    response={201: OfficeNoticeOut, codes_4xx: ErrorOut},
    summary="发起公示",
)
def open_campaign_notice(request: ApiRequest, code: str, payload: OpenNoticeIn) -> Status:
    """按活动规范规定的环节发起公示：公示天数和计日方式取自规范，结束日期按工作日历计算；
    未同意公示的推荐对象不列入名单（见 withheld）。publish 为 false 时保存为草稿。环节不要求
    公示、前序环节未完成或活动已结束时答 400 或 409。"""
    campaign = _office_campaign(request, code)
    body = None
    if payload.body is not None:
        body = selectors.notice_bodies(campaign).filter(pk=payload.body).first()
        if body is None:
            raise field_error("body", _("所选单位不能组织本活动的公示。"))
    wanted = set(payload.nominations)
    nominations = list(selectors.notice_candidates(campaign).filter(pk__in=wanted))
    if len(nominations) != len(wanted):
        raise field_error("nominations", _("所选推荐不属于本活动，或尚未提交、已终止。"))
    notice = services.open_public_notice(
        campaign,
        stage=payload.stage,
        body=body,
        nominations=nominations,
        starts_on=payload.starts_on,
        title=payload.title,
        publish=payload.publish,
        actor=request.auth,
    )
    return Status(201, _office_notice_out(_run_notice(request, notice.pk)))


class OpenLevelNoticeIn(Schema):
    campaign: str = Field(min_length=1, max_length=80, description="评选活动代码")
    starts_on: dt.date = Field(description="公示开始日期；结束日期按活动规范和工作日历计算")
    title: str = Field("", max_length=200, description="标题；为空时按活动名称和公示名称生成")
    nominations: list[int] = Field(min_length=1, description="公示对象的推荐 id")


@router.post(
    "/review/levels/{level}/{body_id}/notices",
    response={201: OfficeNoticeOut, codes_4xx: ErrorOut},
    summary="发起本级公示",
)
def open_level_notice(
    request: ApiRequest, level: str, body_id: int, payload: OpenLevelNoticeIn
) -> Status:
    """审核层级的单位（如推荐单位所在单位，seed 000 四1）发起本级公示，公示在本级完成审核
    的推荐：公示天数和计日方式取自活动规范。单位不在本层级签署、层级不要求公示或活动不可见时
    答 404；所选推荐不在本级时答 400。"""
    scope = selectors.level_notice_scope(request.auth, payload.campaign, level, body_id)
    if scope is None:
        raise not_found()
    campaign, _level, body = scope
    candidates = selectors.level_notice_candidates(request.auth, campaign, level, body)
    wanted = set(payload.nominations)
    nominations = [n for n in candidates if n.pk in wanted]
    if len(nominations) != len(wanted):
        raise field_error("nominations", _("所选推荐不在本单位本级的公示范围内。"))
    notice = services.open_public_notice(
        campaign,
        stage=level,
        body=body,
        nominations=nominations,
        starts_on=payload.starts_on,
        title=payload.title,
        actor=request.auth,
    )
    return Status(201, _office_notice_out(_run_notice(request, notice.pk)))


@router.post(
    "/notices/{notice_id}/publish",
    response={200: OfficeNoticeOut, codes_4xx: ErrorOut},
    summary="发布公示",
)
def publish_notice(request: ApiRequest, notice_id: int) -> OfficeNoticeOut:
    """发布草稿公示（活动办公室，或组织本层级公示的单位）。已发布的答 409。"""
    notice = _run_notice(request, notice_id)
    services.publish_public_notice(notice, actor=request.auth)
    return _office_notice_out(_run_notice(request, notice_id))


@router.post(
    "/notices/{notice_id}/close",
    response={200: OfficeNoticeOut, codes_4xx: ErrorOut},
    summary="结束公示",
)
def close_notice(request: ApiRequest, notice_id: int) -> OfficeNoticeOut:
    """公示期满（结束日期次日起）且异议均已核查答复后结束公示；已答复的异议随之办结。
    未到期、尚有未答复的异议或不在公示中时答 409。"""
    notice = _run_notice(request, notice_id)
    services.close_public_notice(notice, actor=request.auth)
    return _office_notice_out(_run_notice(request, notice_id))


@router.get(
    "/campaigns/{code}/objections",
    response={200: list[OfficeObjectionOut], codes_4xx: ErrorOut},
    summary="本活动的异议",
)
def list_campaign_objections(request: ApiRequest, code: str) -> list[OfficeObjectionOut]:
    """本活动各公示收到的异议（未办结和已办结），按公示（新的在前）和收到先后排列
    （活动办公室）。不返回联系电话。"""
    campaign = _office_campaign(request, code)
    return [_objection_out(o) for o in selectors.campaign_objections(campaign)]


@router.post(
    "/objections/{objection_id}/assign",
    response={200: OfficeObjectionOut, codes_4xx: ErrorOut},
    summary="交办异议",
)
def assign_objection(
    request: ApiRequest, objection_id: int, payload: AssignIn
) -> OfficeObjectionOut:
    """把异议交给核查人（本活动办公室，或推荐所经单位的审核人员）核查；已答复的答 409。"""
    objection = _office_objection(request, objection_id)
    assignee = selectors.assignees_for(objection).filter(pk=payload.assignee).first()
    if assignee is None:
        raise field_error("assignee", _("所选人员不能核查该异议。"))
    services.assign_objection(objection, assignee=assignee, actor=request.auth)
    return _objection_out(_office_objection(request, objection_id))


@router.post(
    "/objections/{objection_id}/finding",
    response={200: OfficeObjectionOut, codes_4xx: ErrorOut},
    summary="录入核查情况",
)
def record_objection_finding(
    request: ApiRequest, objection_id: int, payload: FindingIn
) -> OfficeObjectionOut:
    """录入已交办异议的核查情况，答复前可更正；falsified 表示查实弄虚作假（答复时须撤销推荐
    资格并处理推荐单位）。未交办或已答复的答 409。"""
    objection = _office_objection(request, objection_id)
    services.record_finding(
        objection, actor=request.auth, finding=payload.finding, falsified=payload.falsified
    )
    return _objection_out(_office_objection(request, objection_id))


@router.post(
    "/objections/{objection_id}/answer",
    response={200: OfficeObjectionOut, codes_4xx: ErrorOut},
    summary="答复异议",
)
def answer_objection(
    request: ApiRequest, objection_id: int, payload: AnswerIn
) -> OfficeObjectionOut:
    """答复已核查的异议并确定处理结果：不影响推荐、推荐已撤回或撤销推荐资格；查实弄虚作假
    的须撤销推荐资格，并对推荐单位作出处理（取消下一届推荐资格，或扣减推荐名额并给出
    扣减数）。未核查或已答复的答 409。"""
    objection = _office_objection(request, objection_id)
    services.answer_objection(
        objection,
        actor=request.auth,
        answer=payload.answer,
        outcome=payload.outcome,
        penalty_kind=payload.penalty_kind,
        penalty_amount=payload.penalty_amount,
    )
    return _objection_out(_office_objection(request, objection_id))


@router.get(
    "/campaigns/{code}/background-checks",
    response={200: list[BackgroundCheckOut], codes_4xx: ErrorOut},
    summary="征求意见",
)
def list_background_checks(request: ApiRequest, code: str) -> list[BackgroundCheckOut]:
    """本活动向有关部门征求意见的情况：每位推荐对象的征求部门、事项、期限和部门意见
    （活动办公室）。"""
    campaign = _office_campaign(request, code)
    return [_check_out(c) for c in selectors.background_checks_of(campaign)]


@router.post(
    "/campaigns/{code}/background-checks",
    response={201: list[BackgroundCheckOut], codes_4xx: ErrorOut},
    summary="征求部门意见",
)
def request_background_checks(
    request: ApiRequest, code: str, payload: BackgroundRequestIn
) -> Status:
    """在活动规范规定征求意见的环节，就每位推荐对象向有关部门征求意见；部门和事项默认按
    规范。已向该部门征求过的推荐对象跳过；返回新发出的征求意见。"""
    campaign = _office_campaign(request, code)
    wanted = set(payload.nominations)
    nominations = list(selectors.notice_candidates(campaign).filter(pk__in=wanted))
    if len(nominations) != len(wanted):
        raise field_error("nominations", _("所选推荐不属于本活动，或尚未提交、已终止。"))
    created = services.request_background_checks(
        campaign,
        nominations,
        stage=payload.stage,
        department=payload.department,
        question=payload.question,
        due_on=payload.due_on,
        actor=request.auth,
    )
    ids = {c.pk for c in created}
    return Status(
        201, [_check_out(c) for c in selectors.background_checks_of(campaign) if c.pk in ids]
    )


@router.post(
    "/background-checks/{check_id}/opinion",
    response={200: BackgroundCheckOut, codes_4xx: ErrorOut},
    summary="录入部门意见",
)
def record_background_opinion(
    request: ApiRequest, check_id: int, payload: OpinionIn
) -> BackgroundCheckOut:
    """录入部门回复的意见；不利意见即终止该推荐（审核中的不予推荐，已审定的撤销并撤出名单），
    stop_note 说明处理情况。附盖章意见表扫描件时用“录入部门意见（附扫描件）”。已录入的答
    409。"""
    check = selectors.background_check_for_office(request.auth, check_id)
    if check is None:
        raise not_found()
    services.record_background_opinion(
        check, actor=request.auth, opinion=payload.opinion, adverse=payload.adverse
    )
    answered = selectors.background_check_for_office(request.auth, check_id)
    if answered is None:
        raise not_found()
    return _check_out(answered)


@router.post(
    "/background-checks/{check_id}/opinion-with-scan",
    response={200: BackgroundCheckOut, codes_4xx: ErrorOut},
    summary="录入部门意见（附扫描件）",
)
def record_background_opinion_with_scan(
    request: ApiRequest,
    check_id: int,
    scan: File[UploadedFile],
    opinion: Form[str] = "",
    adverse: Form[bool] = False,
) -> BackgroundCheckOut:
    """与“录入部门意见”相同，另附部门盖章的征求意见表扫描件（multipart：scan 为文件，
    JPG、PNG 或 PDF；opinion 为意见内容，有扫描件时可空；adverse 为是否不利意见）。"""
    check = selectors.background_check_for_office(request.auth, check_id)
    if check is None:
        raise not_found()
    services.record_background_opinion(
        check, actor=request.auth, opinion=opinion, adverse=adverse, scan=scan
    )
    answered = selectors.background_check_for_office(request.auth, check_id)
    if answered is None:
        raise not_found()
    return _check_out(answered)


@router.get(
    "/background-checks/{check_id}/scan",
    response={200: None, codes_4xx: ErrorOut},
    summary="下载意见表扫描件",
)
def download_background_check_scan(request: ApiRequest, check_id: int) -> FileResponse:
    """部门退回的盖章征求意见表扫描件（活动办公室）；没有扫描件答 404。"""
    check = selectors.background_check_for_office(request.auth, check_id)
    if check is None or not check.scan:
        raise not_found()
    name = check.scan.name or ""
    extension = name.rsplit(".", 1)[-1]
    return download(
        check.scan.open("rb"),
        _("征求意见表扫描件-%(name)s.%(ext)s") % {"name": check.nomination.name, "ext": extension},
        mimetypes.guess_type(name)[0] or "application/octet-stream",
    )


@router.get(
    "/objections/{objection_id}/attachment",
    response={200: None, codes_4xx: ErrorOut},
    summary="下载异议附件",
)
def download_objection_attachment(request: ApiRequest, objection_id: int) -> FileResponse:
    """异议人随异议提交的附件（活动办公室）；没有附件答 404。异议人的联系方式不在接口中。"""
    objection = _office_objection(request, objection_id)
    if not objection.attachment:
        raise not_found()
    extension = (objection.attachment.name or "").rsplit(".", 1)[-1]
    return download(
        objection.attachment.open("rb"),
        _("异议%(pk)d附件.%(ext)s") % {"pk": objection.pk, "ext": extension},
        objection.attachment_type or "application/octet-stream",
    )
