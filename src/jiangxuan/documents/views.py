"""Downloads of official documents. Thin: fetch through the selectors (out of scope answers
404), render through the services, stream as an attachment that is never cached."""

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from jiangxuan.campaigns.selectors import campaigns_visible_to
from jiangxuan.nominations.selectors import nomination_for

from . import services
from .selectors import may_see_personal_data, summary_scope_for


def _attachment(data: bytes, filename: str, content_type: str) -> FileResponse:
    # FileResponse writes filename*=UTF-8''… for the Chinese name (RFC 6266).
    response = FileResponse(
        io.BytesIO(data), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "no-store"
    return response


def _nomination_form(request: HttpRequest, pk: int, file_format: str) -> FileResponse:
    nomination = nomination_for(request.user, pk)
    if nomination is None:
        raise Http404
    unmasked = may_see_personal_data(request.user, nomination)
    if file_format == "pdf":
        data = services.render_nomination_pdf(nomination, unmasked=unmasked)
        content_type = services.PDF_TYPE
    else:
        data = services.render_nomination_docx(nomination, unmasked=unmasked)
        content_type = services.DOCX_TYPE
    if unmasked:
        services.record_unmasked_export(
            actor=request.user, obj=nomination, file_format=file_format, nomination_ids=[pk]
        )
    title = nomination.campaign.specification.form.title
    return _attachment(data, f"{title}-{nomination.name or pk}.{file_format}", content_type)


@require_GET
@login_required
def nomination_docx(request: HttpRequest, pk: int) -> FileResponse:
    """The nomination form as DOCX."""
    return _nomination_form(request, pk, "docx")


@require_GET
@login_required
def nomination_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The nomination form as PDF."""
    return _nomination_form(request, pk, "pdf")


@require_GET
@login_required
def summary_xlsx(request: HttpRequest, code: str) -> FileResponse:
    """The campaign's summary sheet (汇总表) as XLSX: the office gets every unit, a clerk
    her own."""
    campaign = campaigns_visible_to(request.user).filter(code=code).first()
    if campaign is None:
        raise Http404
    scope = summary_scope_for(request.user, campaign)
    data = services.render_summary_xlsx(
        campaign, scope.nominations, unmasked_ids=scope.unmasked_ids, unit_name=scope.unit_name
    )
    if scope.unmasked_ids:
        services.record_unmasked_export(
            actor=request.user,
            obj=campaign,
            file_format="xlsx",
            nomination_ids=sorted(scope.unmasked_ids),
        )
    title = campaign.specification.summary_sheet.title
    return _attachment(data, f"{title}.xlsx", services.XLSX_TYPE)
