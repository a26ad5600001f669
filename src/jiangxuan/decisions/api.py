"""API: final approval and the commendation decision — list versions proposed, approved
in a leading-group meeting and revised with a reason; publishing the decision; the
certificates; the prize payment sheet; and the published decision for everyone.

The same selectors and services as the web pages (views.py): the office (``can_manage``)
proposes, approves, revises, publishes and downloads certificates; the leading group
(``can_view``) reads; finance and the office download the payment sheet, bank accounts
unmasked (and audited) for finance only. A campaign outside the caller's role answers
404, as on the pages. A DecisionError answers 400, or 409 when the list's or the
decision's state forbids the step (approved already, published already).

The public decision carries names, sex, workplaces and awards only (docs/security.md check 21).
"""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.responses import Status, codes_4xx
from pydantic import Field

from jiangxuan.accounts.http import ApiRequest
from jiangxuan.campaigns.models import Award, Campaign
from jiangxuan.campaigns.selectors import awards_of
from jiangxuan.core.api_errors import ApiError, ErrorOut, field_error, not_found
from jiangxuan.core.downloads import download

from . import registry, rendering, selectors, services
from .enums import ListState, Outcome
from .models import (
    ApprovalEntry,
    ApprovalList,
    Certificate,
    CommendationDecision,
)

router = Router(tags=["审定与表彰"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --------------------------------------------------------------------------- schemas


class EntryOut(Schema):
    rank: int
    nomination: int
    name: str
    workplace_name: str


class MeetingOut(Schema):
    held_on: dt.date
    present: list[str]
    votes_for: int
    votes_against: int
    votes_abstain: int
    resolution: str
    recorded_by: str


class ApprovalListOut(Schema):
    id: int
    award: str
    award_name: str
    version: int
    state: ListState
    state_label: str
    reason: str = Field(description="修订理由（第 2 版起）")
    created_by: str
    created_at: dt.datetime
    awardees: list[EntryOut] = Field(description="表彰人选，按排序")
    finalists: list[EntryOut] = Field(description="入围人选")
    meeting: MeetingOut | None = Field(description="审定会议记录；未审定为 null")
    warnings: list[str] = Field(
        default_factory=list, description="提醒（如表彰人数少于名额），仅在提交时返回"
    )


class DecisionCandidateOut(Schema):
    id: int
    name: str
    workplace_name: str
    rank: int | None = Field(description="报送时的排序")


class AwardApprovalOut(Schema):
    award: str
    award_name: str
    candidates: list[DecisionCandidateOut] = Field(description="审核通过的人选，按专家评审排序")
    lists: list[ApprovalListOut] = Field(description="名单各版本，新版本在前")


class DecisionOut(Schema):
    id: int
    number: str = Field(description="文号")
    title: str
    issued_on: dt.date
    issuer: str
    published_at: dt.datetime | None
    certificates: int = Field(description="已编号的证书数")
    public_url: str | None = Field(description="公开的表彰决定（JSON）；未发布为 null")


class ApprovalOverviewOut(Schema):
    campaign: str
    can_manage: bool = Field(description="本人可提交、审定、修订名单和发布决定（活动办公室）")
    can_download_payments: bool
    awards: list[AwardApprovalOut]
    decision: DecisionOut | None


class ListIn(Schema):
    nominations: list[int] = Field(min_length=1, description="表彰人选的推荐 id，按排序")
    finalists: list[int] = Field(default_factory=list, description="入围人选的推荐 id")


class ReviseIn(ListIn):
    reason: str = Field(min_length=1, max_length=2000, description="修订理由")


class MeetingIn(Schema):
    held_on: dt.date = Field(description="会议日期")
    present: list[str] = Field(min_length=1, description="出席成员，每项一人")
    votes_for: int = Field(ge=0, description="赞成")
    votes_against: int = Field(ge=0, description="反对")
    votes_abstain: int = Field(ge=0, description="弃权")
    resolution: str = Field(min_length=1, max_length=4000, description="决议")


class PublishIn(Schema):
    number: str = Field(min_length=1, max_length=60, description="文号")
    title: str = Field(min_length=1, max_length=200, description="标题")
    issued_on: dt.date = Field(description="印发日期")


class AuthoritySubmitIn(Schema):
    submitted_on: dt.date = Field(description="报送日期")


class AuthorityDecisionIn(Schema):
    document_number: str = Field(min_length=1, max_length=60, description="审定机关的批复文号")
    decided_on: dt.date = Field(description="审定日期")
    removed: list[int] = Field(default_factory=list, description="审定未通过、撤出名单的推荐编号")
    note: str = Field("", max_length=4000, description="审定意见")


class AuthoritySubmissionOut(Schema):
    id: int
    authority: str = Field(description="审定机关")
    submitted_on: dt.date
    state: str
    state_label: str
    submitted_lists: list[int] = Field(description="报送的名单（版本编号）")
    document_number: str
    decided_on: dt.date | None
    note: str
    returned_lists: list[int] = Field(description="审定机关退回的名单（版本编号）")


class CertificateOut(Schema):
    id: int
    number: str
    award: str
    rank: int
    nomination: int
    name: str
    workplace_name: str
    url: str = Field(description="证书 PDF 下载地址")


class PublicPersonOut(Schema):
    rank: int
    name: str
    sex: str
    workplace_name: str


class PublicSectionOut(Schema):
    award: str
    award_name: str
    finalist_award: str
    awardees: list[PublicPersonOut]
    finalists: list[PublicPersonOut]


class PublicDecisionOut(Schema):
    id: int
    campaign: str
    number: str
    title: str
    issuer: str
    issued_on: dt.date
    published_at: dt.datetime
    sections: list[PublicSectionOut]


# --------------------------------------------------------------------------- fetching


def _campaign(request: ApiRequest, code: str, *, manage: bool = False) -> Campaign:
    campaign = selectors.campaign_by_code(code)
    allowed = selectors.can_manage if manage else selectors.can_view
    if campaign is None or not allowed(request.auth, campaign):
        raise not_found()
    return campaign


def _list(campaign: Campaign, list_id: int) -> ApprovalList:
    approval_list = selectors.approval_list(campaign, list_id)
    if approval_list is None:
        raise not_found()
    return approval_list


def _published(campaign: Campaign) -> CommendationDecision:
    decision = selectors.decision_of(campaign)
    if decision is None or not decision.published_at:
        raise ApiError(404, _("表彰决定尚未发布。"), code="not_found")
    return decision


def _award(campaign: Campaign, code: str) -> Award:
    award = next((a for a in awards_of(campaign) if a.code == code), None)
    if award is None:
        raise not_found()
    return award


# --------------------------------------------------------------------------- output


def _entry(entry: ApprovalEntry) -> EntryOut:
    n = entry.nomination
    return EntryOut(rank=entry.rank, nomination=n.pk, name=n.name, workplace_name=n.workplace_name)


def _list_out(approval_list: ApprovalList) -> ApprovalListOut:
    meeting = getattr(approval_list, "meeting", None)
    return ApprovalListOut(
        id=approval_list.pk,
        award=approval_list.award.code,
        award_name=approval_list.award.name,
        version=approval_list.version,
        state=ListState(approval_list.state),
        state_label=str(approval_list.get_state_display()),
        reason=approval_list.reason,
        created_by=approval_list.created_by.get_username(),
        created_at=approval_list.created_at,
        awardees=[_entry(e) for e in selectors.entries_of(approval_list, Outcome.AWARDEE)],
        finalists=[_entry(e) for e in selectors.entries_of(approval_list, Outcome.FINALIST)],
        meeting=MeetingOut(
            held_on=meeting.held_on,
            present=meeting.present,
            votes_for=meeting.votes_for,
            votes_against=meeting.votes_against,
            votes_abstain=meeting.votes_abstain,
            resolution=meeting.resolution,
            recorded_by=meeting.recorded_by.get_username(),
        )
        if meeting
        else None,
        warnings=[str(w) for w in getattr(approval_list, "warnings", [])],
    )


def _decision_out(decision: CommendationDecision) -> DecisionOut:
    return DecisionOut(
        id=decision.pk,
        number=decision.number,
        title=decision.title,
        issued_on=decision.issued_on,
        issuer=decision.issuer,
        published_at=decision.published_at,
        certificates=selectors.certificates_of(decision).count(),
        public_url=reverse("api:get_public_decision", args=[decision.pk])
        if decision.published_at
        else None,
    )


def _certificate_out(campaign: Campaign, certificate: Certificate) -> CertificateOut:
    n = certificate.nomination
    return CertificateOut(
        id=certificate.pk,
        number=certificate.number,
        award=certificate.award.code,
        rank=certificate.rank,
        nomination=n.pk,
        name=n.name,
        workplace_name=n.workplace_name,
        url=reverse("api:download_certificate", args=[campaign.code, certificate.pk]),
    )


# --------------------------------------------------------------------------- lists


@router.get(
    "/campaigns/{code}/approval",
    response={200: ApprovalOverviewOut, codes_4xx: ErrorOut},
    summary="审定概览",
)
def get_approval_overview(request: ApiRequest, code: str) -> ApprovalOverviewOut:
    """各奖项的候选人（按专家评审排序）和名单各版本、审定会议，以及表彰决定（活动办公室和
    领导小组）。"""
    campaign = _campaign(request, code)
    decision = selectors.decision_of(campaign)
    return ApprovalOverviewOut(
        campaign=campaign.code,
        can_manage=selectors.can_manage(request.auth, campaign),
        can_download_payments=selectors.can_download_payments(request.auth, campaign),
        awards=[
            AwardApprovalOut(
                award=row["award"].code,
                award_name=row["award"].name,
                candidates=[
                    DecisionCandidateOut(
                        id=n.pk, name=n.name, workplace_name=n.workplace_name, rank=n.rank
                    )
                    for n in row["candidates"]
                ],
                lists=[_list_out(lst) for lst in row["lists"]],
            )
            for row in selectors.award_overview(campaign)
        ],
        decision=_decision_out(decision) if decision else None,
    )


@router.get(
    "/campaigns/{code}/approval-lists",
    response={200: list[ApprovalListOut], codes_4xx: ErrorOut},
    summary="名单各版本",
)
def list_approval_lists(request: ApiRequest, code: str) -> list[ApprovalListOut]:
    """本活动各奖项名单的全部版本（每个奖项新版本在前），含审定会议记录和修订理由。"""
    campaign = _campaign(request, code)
    return [_list_out(lst) for lst in selectors.lists_of(campaign)]


@router.get(
    "/campaigns/{code}/approval-lists/{list_id}",
    response={200: ApprovalListOut, codes_4xx: ErrorOut},
    summary="名单详情",
)
def get_approval_list(request: ApiRequest, code: str, list_id: int) -> ApprovalListOut:
    """一个名单版本：表彰人选、入围人选、状态和审定会议。"""
    return _list_out(_list(_campaign(request, code), list_id))


@router.post(
    "/campaigns/{code}/awards/{award_code}/approval-lists",
    response={201: ApprovalListOut, codes_4xx: ErrorOut},
    summary="提交拟表彰名单",
)
def propose_approval_list(
    request: ApiRequest, code: str, award_code: str, payload: ListIn
) -> Status:
    """活动办公室提交某奖项的拟表彰名单（第 1 版，待领导小组审定）；审定前可重新提交替换。
    名单已审定后答 409（请用修订）。"""
    campaign = _campaign(request, code, manage=True)
    award = _award(campaign, award_code)
    approval_list = services.propose_list(
        campaign,
        award,
        nominations=payload.nominations,
        finalists=payload.finalists,
        actor=request.auth,
    )
    out = _list_out(_list(campaign, approval_list.pk))
    out.warnings = [str(w) for w in approval_list.warnings]
    return Status(201, out)


@router.post(
    "/campaigns/{code}/approval-lists/{list_id}/approve",
    response={200: ApprovalListOut, codes_4xx: ErrorOut},
    summary="审定名单",
)
def approve_approval_list(
    request: ApiRequest, code: str, list_id: int, payload: MeetingIn
) -> ApprovalListOut:
    """记录领导小组审定会议（日期、出席成员、表决票数、决议）并锁定名单；赞成票须超过出席
    成员半数。已审定或已被取代的名单答 409。"""
    campaign = _campaign(request, code, manage=True)
    approval_list = _list(campaign, list_id)
    services.approve_list(
        approval_list,
        held_on=payload.held_on,
        present=payload.present,
        votes_for=payload.votes_for,
        votes_against=payload.votes_against,
        votes_abstain=payload.votes_abstain,
        resolution=payload.resolution,
        actor=request.auth,
    )
    return _list_out(_list(campaign, list_id))


@router.post(
    "/campaigns/{code}/approval-lists/{list_id}/revise",
    response={201: ApprovalListOut, codes_4xx: ErrorOut},
    summary="修订名单",
)
def revise_approval_list(request: ApiRequest, code: str, list_id: int, payload: ReviseIn) -> Status:
    """对已审定的名单生成新版本（须说明理由），待领导小组重新审定；原版本在新版本审定前
    仍有效。非已审定版本、已有待审定新版本或决定已发布时答 409。"""
    campaign = _campaign(request, code, manage=True)
    approval_list = _list(campaign, list_id)
    revised = services.revise_list(
        approval_list,
        nominations=payload.nominations,
        finalists=payload.finalists,
        reason=payload.reason,
        actor=request.auth,
    )
    out = _list_out(_list(campaign, revised.pk))
    out.warnings = [str(w) for w in revised.warnings]
    return Status(201, out)


# --------------------------------------------------------------------------- authority


def _submission_out(submission) -> AuthoritySubmissionOut:
    return AuthoritySubmissionOut(
        id=submission.pk,
        authority=submission.authority,
        submitted_on=submission.submitted_on,
        state=submission.state,
        state_label=str(submission.get_state_display()),
        submitted_lists=sorted(lst.pk for lst in submission.submitted_lists.all()),
        document_number=submission.document_number,
        decided_on=submission.decided_on,
        note=submission.note,
        returned_lists=sorted(lst.pk for lst in submission.returned_lists.all()),
    )


def _submission(campaign: Campaign, submission_id: int):
    submission = next(
        (s for s in selectors.authority_submissions_of(campaign) if s.pk == submission_id), None
    )
    if submission is None:
        raise not_found()
    return submission


@router.get(
    "/campaigns/{code}/authority-submissions",
    response={200: list[AuthoritySubmissionOut], codes_4xx: ErrorOut},
    summary="上级审定",
)
def list_authority_submissions(request: ApiRequest, code: str) -> list[AuthoritySubmissionOut]:
    """报送审定机关的名单及审定结果（活动办公室和领导小组），新的在前。"""
    campaign = _campaign(request, code)
    return [_submission_out(s) for s in selectors.authority_submissions_of(campaign)]


@router.post(
    "/campaigns/{code}/authority-submissions",
    response={201: AuthoritySubmissionOut, codes_4xx: ErrorOut},
    summary="报送上级审定",
)
def submit_to_authority(request: ApiRequest, code: str, payload: AuthoritySubmitIn) -> Status:
    """把各奖项已审定（锁定）的名单报送活动规范规定的审定机关（如 省委、省政府）。规范
    未规定审定机关、前序环节未完成或已有待审定的报送时答 409。"""
    campaign = _campaign(request, code, manage=True)
    submission = services.submit_to_authority(
        campaign, submitted_on=payload.submitted_on, actor=request.auth
    )
    return Status(201, _submission_out(_submission(campaign, submission.pk)))


@router.post(
    "/campaigns/{code}/authority-submissions/{submission_id}/decision",
    response={200: AuthoritySubmissionOut, codes_4xx: ErrorOut},
    summary="录入上级审定结果",
)
def record_authority_decision(
    request: ApiRequest, code: str, submission_id: int, payload: AuthorityDecisionIn
) -> AuthoritySubmissionOut:
    """录入审定机关的批复文号、日期和退回的名单；审定未通过的人选撤出名单（生成新版本）。
    已录入的答 409。"""
    campaign = _campaign(request, code, manage=True)
    submission = _submission(campaign, submission_id)
    services.record_authority_decision(
        submission,
        document_number=payload.document_number,
        decided_on=payload.decided_on,
        removed=payload.removed,
        note=payload.note,
        actor=request.auth,
    )
    return _submission_out(_submission(campaign, submission_id))


# --------------------------------------------------------------------------- decision


@router.get(
    "/campaigns/{code}/decision",
    response={200: DecisionOut, codes_4xx: ErrorOut},
    summary="表彰决定",
)
def get_decision(request: ApiRequest, code: str) -> DecisionOut:
    """本活动的表彰决定（活动办公室和领导小组）。"""
    decision = selectors.decision_of(_campaign(request, code))
    if decision is None:
        raise ApiError(404, _("表彰决定尚未发布。"), code="not_found")
    return _decision_out(decision)


@router.post(
    "/campaigns/{code}/decision",
    response={201: DecisionOut, codes_4xx: ErrorOut},
    summary="发布表彰决定",
)
def publish_decision(request: ApiRequest, code: str, payload: PublishIn) -> Status:
    """发布表彰决定并为每位表彰人选编号证书；须每个奖项都有审定名单，规定社会公示的须已
    公示无异议。已发布答 409。"""
    campaign = _campaign(request, code, manage=True)
    decision = services.publish_decision(
        campaign,
        number=payload.number,
        title=payload.title,
        issued_on=payload.issued_on,
        actor=request.auth,
    )
    services.issue_certificates(decision, actor=request.auth)
    return Status(201, _decision_out(decision))


@router.get(
    "/campaigns/{code}/decision/document.{file_format}",
    response={200: None, codes_4xx: ErrorOut},
    summary="下载表彰决定",
)
def download_decision(request: ApiRequest, code: str, file_format: str) -> FileResponse:
    """已发布的表彰决定文件：file_format 为 docx、pdf 或 ofd（GB/T 33190 版式文档；活动办公室和
    领导小组）。"""
    decision = _published(_campaign(request, code))
    if file_format not in rendering.DECISION_FORMATS:
        raise field_error("file_format", _("文件格式只能是 docx、pdf 或 ofd。"), status=404)
    return download(*rendering.decision_file(decision, file_format))


@router.get(
    "/campaigns/{code}/decision/certificates",
    response={200: list[CertificateOut], codes_4xx: ErrorOut},
    summary="证书列表",
)
def list_certificates(request: ApiRequest, code: str) -> list[CertificateOut]:
    """已编号的证书，按奖项和排序（活动办公室）。"""
    campaign = _campaign(request, code, manage=True)
    decision = _published(campaign)
    return [_certificate_out(campaign, c) for c in selectors.certificates_of(decision)]


@router.post(
    "/campaigns/{code}/decision/certificates",
    response={200: list[CertificateOut], codes_4xx: ErrorOut},
    summary="编号证书",
)
def issue_certificates(request: ApiRequest, code: str) -> list[CertificateOut]:
    """为表彰人选编号证书（发布决定时已自动编号；重复调用保留已有编号）。"""
    campaign = _campaign(request, code, manage=True)
    decision = selectors.decision_of(campaign)
    if decision is None:
        raise ApiError(409, _("表彰决定尚未发布。"), code="conflict")
    services.issue_certificates(decision, actor=request.auth)
    return [_certificate_out(campaign, c) for c in selectors.certificates_of(decision)]


@router.get(
    "/campaigns/{code}/decision/certificates.zip",
    response={200: None, codes_4xx: ErrorOut},
    summary="批量下载证书（已弃用）",
    deprecated=True,
)
def download_certificates(request: ApiRequest, code: str) -> FileResponse:
    """全部证书 PDF 打包为一个 ZIP（活动办公室），在本次请求中逐张生成，证书多时耗时较长。
    已弃用：请用“后台生成文书包”（``kind=certificates``）生成并查询进度。"""
    decision = _published(_campaign(request, code, manage=True))
    return download(
        rendering.certificates_zip(decision), f"{code}-certificates.zip", "application/zip"
    )


@router.get(
    "/campaigns/{code}/decision/certificates/{certificate_id}.pdf",
    response={200: None, codes_4xx: ErrorOut},
    summary="下载证书",
)
def download_certificate(request: ApiRequest, code: str, certificate_id: int) -> FileResponse:
    """一张证书的 PDF（活动办公室）。"""
    decision = _published(_campaign(request, code, manage=True))
    certificate = selectors.certificates_of(decision).filter(pk=certificate_id).first()
    if certificate is None:
        raise not_found()
    return download(
        rendering.render_certificate_pdf(certificate),
        f"{certificate.number}.pdf",
        "application/pdf",
    )


@router.get(
    "/campaigns/{code}/decision/payments.xlsx",
    response={200: None, codes_4xx: ErrorOut},
    summary="下载奖金发放表",
)
def download_payment_sheet(request: ApiRequest, code: str) -> FileResponse:
    """奖金发放表（Excel）：财务人员看到完整银行账号（记入审计），活动办公室看到脱敏账号；
    其他人答 404。"""
    campaign = selectors.campaign_by_code(code)
    if campaign is None or not selectors.can_download_payments(request.auth, campaign):
        raise not_found()
    data, _unmasked = services.payment_sheet(_published(campaign), actor=request.auth)
    return download(data, f"{campaign.title}-{_('奖金发放表')}.xlsx", XLSX)


# --------------------------------------------------------------------------- public


def _people(entries: list[ApprovalEntry]) -> list[PublicPersonOut]:
    return [
        PublicPersonOut(
            rank=e.rank,
            name=e.nomination.name,
            sex=str(e.nomination.get_sex_display()),
            workplace_name=e.nomination.workplace_name,
        )
        for e in entries
    ]


@router.get(
    "/decisions/{decision_id}",
    auth=None,
    response={200: PublicDecisionOut, codes_4xx: ErrorOut},
    summary="公开的表彰决定",
)
def get_public_decision(request: HttpRequest, decision_id: int) -> PublicDecisionOut:
    """已发布的表彰决定，公开：只含各奖项表彰和入围人选的姓名、性别和工作单位。"""
    decision = selectors.published_decision(decision_id)
    if decision is None or decision.published_at is None:
        raise ApiError(404, _("没有找到该表彰决定。"), code="not_found")
    return PublicDecisionOut(
        id=decision.pk,
        campaign=decision.campaign.title,
        number=decision.number,
        title=decision.title,
        issuer=decision.issuer,
        issued_on=decision.issued_on,
        published_at=decision.published_at,
        sections=[
            PublicSectionOut(
                award=s["award"].code,
                award_name=s["award"].name,
                finalist_award=s["finalist_award"],
                awardees=_people(s["awardees"]),
                finalists=_people(s["finalists"]),
            )
            for s in selectors.decision_sections(decision)
        ],
    )


class RegistryRowOut(Schema):
    award: str = Field(description="奖项代码")
    award_name: str
    series: str = Field(description="称号系列代码")
    total: int = Field(description="历届获得者名单中该称号系列的人数")
    imported: int = Field(description="其中由文件导入（非本平台发布的决定）的人数")
    sources: list[str] = Field(description="导入依据文件")


class RegistryImportOut(Schema):
    added: int = Field(description="新增人数")
    present: int = Field(description="已在名单中的人数（未重复添加）")
    source: str


@router.get(
    "/campaigns/{code}/past-awardees",
    response={200: list[RegistryRowOut], codes_4xx: ErrorOut},
    summary="历届获得者名单现状",
)
def list_past_awardees(request: ApiRequest, code: str) -> list[RegistryRowOut]:
    """每个奖项的称号系列在历届获得者名单中的人数及导入依据（活动办公室）。不返回个人信息。"""
    campaign = _campaign(request, code, manage=True)
    return [
        RegistryRowOut(
            award=row["award"].code,
            award_name=row["award"].name,
            series=row["award"].series,
            total=row["total"],
            imported=row["imported"],
            sources=row["sources"],
        )
        for row in selectors.registry_of(campaign)
    ]


@router.post(
    "/campaigns/{code}/awards/{award_code}/past-awardees",
    response={201: RegistryImportOut, codes_4xx: ErrorOut},
    summary="导入往届获得者",
)
def import_past_awardees(
    request: ApiRequest,
    code: str,
    award_code: str,
    source: Form[str],
    file: File[UploadedFile],
) -> Status:
    """按表彰决定或命名文件导入平台启用之前各届的获得者（multipart：source 为依据文件的名称和
    文号，file 为 XLSX 或 CSV，第一行为列名 姓名、身份证号码、年度，可另加 称号）。任何一行
    有误时不导入，errors.file 逐行说明。"""
    campaign = _campaign(request, code, manage=True)
    award = _award(campaign, award_code)
    result = registry.import_past_awardees(
        campaign,
        award,
        data=file.read(registry.MAX_FILE_BYTES + 1),
        filename=file.name or "",
        source=source,
        actor=request.auth,
    )
    return Status(
        201, RegistryImportOut(added=result.added, present=result.present, source=result.source)
    )
