"""API: downloads of the official documents, for token clients as well as sessions."""

from typing import Literal

from django.http import FileResponse
from ninja import Router

from jiangxuan.accounts.http import ApiRequest
from jiangxuan.core.api_errors import not_found

from .downloads import attachment, nomination_form_file, summary_file

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
