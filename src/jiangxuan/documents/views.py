"""Downloads of official documents. Thin: fetch through the selectors (out of scope answers
404), render through the services, stream as an attachment that is never cached."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jiangxuan.accounts.http import AuthenticatedHttpRequest

from .downloads import (
    DocumentFile,
    attachment,
    forwarded_summary_file,
    nomination_form_file,
    sheet_file,
    summary_file,
)


def _respond(document: DocumentFile | None) -> FileResponse:
    if document is None:
        raise Http404
    return attachment(document)


@require_GET
@login_required
def nomination_docx(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The nomination form as DOCX."""
    return _respond(nomination_form_file(request.user, pk, "docx"))


@require_GET
@login_required
def nomination_pdf(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The nomination form as PDF."""
    return _respond(nomination_form_file(request.user, pk, "pdf"))


@require_GET
@login_required
def summary_xlsx(request: AuthenticatedHttpRequest, code: str) -> FileResponse:
    """The campaign's summary sheet (汇总表) as XLSX: the office gets every unit, a clerk
    her own."""
    return _respond(summary_file(request.user, code))


@login_required
@require_GET
def forward_summary(request: AuthenticatedHttpRequest, level: str, body_id: int) -> FileResponse:
    """The level's summary sheet (汇总表) of what a body forwarded (``?campaign=``), in its
    rank order, as XLSX. Mounted beside the forwarding page it belongs to, as
    ``nominations:forward_summary`` (``review_urlpatterns``)."""
    document = forwarded_summary_file(request.user, request.GET.get("campaign", ""), level, body_id)
    if document is None:
        raise Http404(_("没有找到该报送批次。"))
    return attachment(document)


@require_GET
@login_required
def sheet(
    request: AuthenticatedHttpRequest, code: str, document: str, file_format: str
) -> FileResponse:
    """A sheet document of the campaign (材料目录, 名额分配表, 档案袋封面, 一览表…) in a
    format its spec offers; ``?nomination=`` fills a per-nominee sheet."""
    raw = request.GET.get("nomination", "")
    if raw and not raw.isdigit():
        raise Http404
    return _respond(
        sheet_file(request.user, code, document, file_format, int(raw) if raw else None)
    )
