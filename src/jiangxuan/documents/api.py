"""API: downloads of the official documents, for token clients as well as sessions."""

from typing import Literal

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status, codes_4xx

from jiangxuan.accounts.http import ApiRequest
from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.api_errors import ApiError, ErrorOut, not_found
from jiangxuan.core.downloads import download
from jiangxuan.notices.rendering import render_background_check_form, render_background_check_pdf
from jiangxuan.notices.selectors import background_check_for_office

from . import bundles, selectors
from .downloads import (
    CONTENT_TYPES,
    DocumentFile,
    attachment,
    bundle_content_type,
    bundle_filename,
    nomination_form_file,
    safe_filename,
    sheet_file,
    summary_file,
)
from .enums import BundleKind, BundleState
from .models import DocumentBundle

router = Router(tags=["文书"])


class BundleIn(Schema):
    kind: BundleKind = Field(
        description="certificates 全部荣誉证书；archive 活动归档（全部文书）；"
        "summary 汇总表（全部推荐单位，XLSX）"
    )


class BundleOut(Schema):
    id: int
    kind: BundleKind
    kind_label: str
    state: BundleState
    state_label: str
    done: int = Field(description="已完成的步骤数（证书为张数）")
    total: int = Field(description="步骤总数；归档开始生成前为 0")
    error: str = Field(description="失败原因；未失败为空")
    download_url: str | None = Field(
        description="文件下载地址（汇总表为 XLSX，其余为 ZIP）；生成完毕前为 null"
    )


def _bundle_out(bundle: DocumentBundle) -> BundleOut:
    bundle = bundles.as_seen(bundle)  # an abandoned bundle reads as failed
    url = None
    if bundle.state == BundleState.DONE and bundle.file:
        name = (
            "api:download_document_bundle_sheet"
            if bundle.kind == BundleKind.SUMMARY
            else "api:download_document_bundle"
        )
        url = reverse(name, args=[bundle.campaign.code, bundle.pk])
    return BundleOut(
        id=bundle.pk,
        kind=BundleKind(bundle.kind),
        kind_label=str(BundleKind(bundle.kind).label),
        state=BundleState(bundle.state),
        state_label=str(BundleState(bundle.state).label),
        done=bundle.done,
        total=bundle.total,
        error=bundle.error,
        download_url=url,
    )


def _office_campaign(request: ApiRequest, code: str) -> Campaign:
    campaign = selectors.office_campaign(request.auth, code)
    if campaign is None:
        raise not_found()
    return campaign


def _bundle(request: ApiRequest, code: str, bundle_id: int) -> DocumentBundle:
    bundle = selectors.bundle_of(_office_campaign(request, code), bundle_id)
    if bundle is None:
        raise not_found()
    return bundle


@router.post(
    "/campaigns/{code}/document-bundles",
    response={202: BundleOut, codes_4xx: ErrorOut},
    summary="后台生成文书包",
)
def request_document_bundle(request: ApiRequest, code: str, payload: BundleIn) -> Status:
    """在后台把全部荣誉证书（certificates）或本活动全部文书（archive，按层级、单位和推荐
    对象分文件夹，附 manifest.json）打包为一个 ZIP，或生成全部推荐单位的汇总表（summary，
    XLSX，个人信息不脱敏）（活动办公室）；返回其进度，完成后 ``download_url`` 为下载地址。
    内容未变时返回已有的文书包。"""
    bundle = bundles.request_bundle(
        _office_campaign(request, code), payload.kind, actor=request.auth
    )
    return Status(202, _bundle_out(bundle))


@router.get(
    "/campaigns/{code}/document-bundles/{bundle_id}",
    response={200: BundleOut, codes_4xx: ErrorOut},
    summary="文书包进度",
)
def document_bundle(request: ApiRequest, code: str, bundle_id: int) -> BundleOut:
    """文书包的状态和进度（已完成/总数）（活动办公室）。"""
    return _bundle_out(_bundle(request, code, bundle_id))


def _bundle_download(request: ApiRequest, code: str, bundle_id: int, kind_format: str):
    found = _bundle(request, code, bundle_id)
    if BundleKind(found.kind).file_format != kind_format:
        raise not_found()
    if not found.file:
        raise ApiError(404, _("该文书包尚未生成完毕。"), code="not_found")
    return download(found.file.open("rb"), bundle_filename(found), bundle_content_type(found))


@router.get(
    "/campaigns/{code}/document-bundles/{bundle_id}/file.zip",
    response={200: None, codes_4xx: ErrorOut},
    summary="下载文书包",
)
def download_document_bundle(request: ApiRequest, code: str, bundle_id: int) -> FileResponse:
    """生成完毕的文书包 ZIP（证书、归档；活动办公室）；未生成完毕或为汇总表时为 404。"""
    return _bundle_download(request, code, bundle_id, "zip")


@router.get(
    "/campaigns/{code}/document-bundles/{bundle_id}/file.xlsx",
    response={200: None, codes_4xx: ErrorOut},
    summary="下载后台生成的汇总表",
)
def download_document_bundle_sheet(request: ApiRequest, code: str, bundle_id: int) -> FileResponse:
    """后台生成完毕的汇总表 XLSX（活动办公室）；未生成完毕或不是汇总表时为 404。"""
    return _bundle_download(request, code, bundle_id, "xlsx")


@router.get(
    "/nominations/{nomination_id}/form.{file_format}",
    response={200: None, codes_4xx: ErrorOut},
    summary="下载推荐表",
)
def download_nomination_form(
    request: ApiRequest, nomination_id: int, file_format: Literal["docx", "pdf", "ofd"]
) -> FileResponse:
    """本活动推荐表（DOCX、PDF 或 OFD 版式文档）；无权查看完整个人信息时证件号码等已脱敏。"""
    document = nomination_form_file(request.auth, nomination_id, file_format)
    if document is None:
        raise not_found()
    return attachment(document)


@router.get(
    "/campaigns/{code}/summary.xlsx",
    response={200: None, codes_4xx: ErrorOut},
    summary="下载汇总表",
)
def download_summary_sheet(request: ApiRequest, code: str) -> FileResponse:
    """活动汇总表（XLSX）：活动办公室为全部推荐单位，经办人为本单位。行数多时可改用
    ``POST /campaigns/{code}/document-bundles``（kind=summary）在后台生成并查看进度。"""
    document = summary_file(request.auth, code)
    if document is None:
        raise not_found()
    return attachment(document)


@router.get(
    "/campaigns/{code}/sheets/{document}.{file_format}",
    response={200: None, codes_4xx: ErrorOut},
    summary="下载表格类文书",
)
def download_sheet(
    request: ApiRequest,
    code: str,
    document: str,
    file_format: Literal["docx", "pdf", "xlsx", "ofd"],
    nomination: int | None = None,
) -> FileResponse:
    """活动规格中带版式的文书（材料目录、名额分配表、档案袋封面、一览表等）；nomination
    填写某一推荐对象的一份，缺省为空白表。"""
    found = sheet_file(request.auth, code, document, file_format, nomination)
    if found is None:
        raise not_found()
    return attachment(found)


@router.get(
    "/checks/{check_id}/form.{file_format}",
    response={200: None, codes_4xx: ErrorOut},
    summary="下载征求意见表",
)
def download_background_check_form(
    request: ApiRequest, check_id: int, file_format: Literal["docx", "pdf"]
) -> FileResponse:
    """某一推荐对象的征求意见表（DOCX 或 PDF），供活动办公室送有关部门。"""
    check = background_check_for_office(request.auth, check_id)
    if check is None:
        raise not_found()
    render = render_background_check_pdf if file_format == "pdf" else render_background_check_form
    name = safe_filename(f"征求意见表-{check.nomination.name}")
    return attachment(
        DocumentFile(render(check), f"{name}.{file_format}", CONTENT_TYPES[file_format])
    )
