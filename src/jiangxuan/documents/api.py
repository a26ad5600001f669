"""API: downloads of the official documents, for token clients as well as sessions."""

from typing import Literal

from django.http import FileResponse
from ninja import Router

from jiangxuan.accounts.http import ApiRequest
from jiangxuan.core.api_errors import not_found
from jiangxuan.notices.rendering import render_background_check_form, render_background_check_pdf
from jiangxuan.notices.selectors import background_check_for_office

from .downloads import (
    CONTENT_TYPES,
    DocumentFile,
    attachment,
    nomination_form_file,
    safe_filename,
    sheet_file,
    summary_file,
)

router = Router(tags=["文书"])


@router.get("/nominations/{nomination_id}/form.{file_format}", summary="下载推荐表")
def download_nomination_form(
    request: ApiRequest, nomination_id: int, file_format: Literal["docx", "pdf"]
) -> FileResponse:
    """本活动推荐表（DOCX 或 PDF）；无权查看完整个人信息时证件号码等已脱敏。"""
    document = nomination_form_file(request.auth, nomination_id, file_format)
    if document is None:
        raise not_found()
    return attachment(document)


@router.get("/campaigns/{code}/summary.xlsx", summary="下载汇总表")
def download_summary_sheet(request: ApiRequest, code: str) -> FileResponse:
    """活动汇总表（XLSX）：活动办公室为全部推荐单位，经办人为本单位。"""
    document = summary_file(request.auth, code)
    if document is None:
        raise not_found()
    return attachment(document)


@router.get("/campaigns/{code}/sheets/{document}.{file_format}", summary="下载表格类文书")
def download_sheet(
    request: ApiRequest,
    code: str,
    document: str,
    file_format: Literal["docx", "pdf", "xlsx"],
    nomination: int | None = None,
) -> FileResponse:
    """活动规格中带版式的文书（材料目录、名额分配表、档案袋封面、一览表等）；nomination
    填写某一推荐对象的一份，缺省为空白表。"""
    found = sheet_file(request.auth, code, document, file_format, nomination)
    if found is None:
        raise not_found()
    return attachment(found)


@router.get("/checks/{check_id}/form.{file_format}", summary="下载征求意见表")
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
