"""Downloads of official documents. Thin: fetch through the selectors (out of scope answers
404), render through the services, stream as an attachment that is never cached."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiangxuan.accounts.http import AuthenticatedHttpRequest
from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.downloads import download

from . import bundles, selectors
from .downloads import (
    DocumentFile,
    attachment,
    bundle_content_type,
    bundle_filename,
    forwarded_summary_file,
    nomination_form_file,
    sheet_file,
    summary_file,
)
from .enums import BundleKind
from .models import DocumentBundle


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
def nomination_ofd(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The nomination form as OFD (GB/T 33190), drawn from its PDF."""
    return _respond(nomination_form_file(request.user, pk, "ofd"))


@require_GET
@login_required
def summary_xlsx(request: AuthenticatedHttpRequest, code: str) -> HttpResponseBase:
    """The campaign's summary sheet (汇总表) as XLSX: the office gets every unit, a clerk
    her own. The office's sheet of more than ``JX_SUMMARY_BACKGROUND_ROWS`` rows is made
    in the background: this page says so and asks for it (issue 17.4)."""
    campaign = selectors.office_campaign(request.user, code)
    rows = selectors.summary_rows_in_background(campaign) if campaign else 0
    if campaign is not None and rows:
        context = {"campaign": campaign, "rows": rows, "kind": BundleKind.SUMMARY}
        return render(request, "documents/summary_background.html", context)
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


def _office_campaign(request: AuthenticatedHttpRequest, code: str) -> Campaign:
    campaign = selectors.office_campaign(request.user, code)
    if campaign is None:
        raise Http404(_("没有找到该评选活动。"))
    return campaign


def _bundle(request: AuthenticatedHttpRequest, code: str, pk: int) -> DocumentBundle:
    bundle = selectors.bundle_of(_office_campaign(request, code), pk)
    if bundle is None:
        raise Http404(_("没有找到该文书包。"))
    return bundle


@require_POST
@login_required
def bundle_request(request: AuthenticatedHttpRequest, code: str, kind: str) -> HttpResponse:
    """Ask for a bundle (every certificate or the campaign's file as one ZIP, or the
    summary sheet of every unit; office only): made in the background; the progress page
    follows it."""
    campaign = _office_campaign(request, code)
    if kind not in BundleKind.values:
        raise Http404(_("没有这种文书包。"))
    try:
        bundle = bundles.request_bundle(campaign, kind, actor=request.user)
    except bundles.BundleError as exc:
        messages.error(request, exc.message)
        return redirect("decisions:overview", code=code)
    return redirect("documents:bundle", code=code, pk=bundle.pk)


@require_GET
@login_required
def bundle(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    """A bundle's progress (htmx asks for the progress box again every second until it is
    done or failed), then its download link."""
    context = {"bundle": bundles.as_seen(_bundle(request, code, pk))}
    if request.headers.get("HX-Request"):
        return render(request, "documents/_bundle_progress.html", context)
    return render(request, "documents/bundle.html", context)


@require_GET
@login_required
def bundle_file(
    request: AuthenticatedHttpRequest, code: str, pk: int, file_format: str
) -> FileResponse:
    """A finished bundle's file: the ZIP, or the summary sheet's XLSX (``file_format``
    comes from the URL and must be the bundle's)."""
    found = _bundle(request, code, pk)
    if BundleKind(found.kind).file_format != file_format:
        raise Http404(_("没有找到该文书包。"))
    if not found.file:
        raise Http404(_("该文书包尚未生成完毕。"))
    return download(found.file.open("rb"), bundle_filename(found), bundle_content_type(found))
