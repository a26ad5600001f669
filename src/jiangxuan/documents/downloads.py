"""The documents a user may download, rendered for that user: shared by the web views and
the API so both apply the same scope, masking and audit."""

import re
from dataclasses import dataclass

from django.http import FileResponse

from jiangxuan.accounts.models import User
from jiangxuan.campaigns.selectors import campaigns_visible_to
from jiangxuan.core.downloads import download
from jiangxuan.core.ofd import OFD_TYPE, pdf_to_ofd
from jiangxuan.nominations.review_selectors import forward_scope, forwarded_by
from jiangxuan.nominations.selectors import nomination_for

from . import services, sheets
from .enums import BundleKind
from .models import DocumentBundle
from .selectors import may_see_personal_data, summary_scope_for


@dataclass(frozen=True)
class DocumentFile:
    """A rendered document: bytes, download name and content type."""

    data: bytes
    filename: str
    content_type: str


def nomination_form_file(user: User, pk: int, file_format: str) -> DocumentFile | None:
    """The nomination form as "docx", "pdf" or "ofd" (GB/T 33190, drawn from the PDF), or
    None when the nomination is not visible to ``user``. Personal data is unmasked only for
    viewers with the permission, and such an export is audited."""
    nomination = nomination_for(user, pk)
    if nomination is None:
        return None
    unmasked = may_see_personal_data(user, nomination)
    title = nomination.campaign.specification.form.title
    name = f"{title}-{nomination.name or pk}"
    if file_format in ("pdf", "ofd"):
        data = services.render_nomination_pdf(nomination, unmasked=unmasked)
        if file_format == "ofd":
            unit = nomination.nominating_unit
            data = pdf_to_ofd(data, title=name, author=unit.name if unit else "")
    else:
        data = services.render_nomination_docx(nomination, unmasked=unmasked)
    if unmasked:
        services.record_unmasked_export(
            actor=user, obj=nomination, file_format=file_format, nomination_ids=[pk]
        )
    return DocumentFile(data, f"{safe_filename(name)}.{file_format}", CONTENT_TYPES[file_format])


def summary_file(user: User, code: str) -> DocumentFile | None:
    """The campaign's summary sheet (汇总表) as XLSX — every unit for the office, her own
    for a clerk — or None when the campaign is not visible to ``user``."""
    campaign = campaigns_visible_to(user).filter(code=code).first()
    if campaign is None:
        return None
    scope = summary_scope_for(user, campaign)
    data = services.render_summary_xlsx(
        campaign, scope.nominations, unmasked_ids=scope.unmasked_ids, unit_name=scope.unit_name
    )
    if scope.unmasked_ids:
        services.record_unmasked_export(
            actor=user, obj=campaign, file_format="xlsx", nomination_ids=sorted(scope.unmasked_ids)
        )
    title = campaign.specification.summary_sheet.title
    return DocumentFile(data, f"{title}.xlsx", services.XLSX_TYPE)


def forwarded_summary_file(user: User, code: str, level: str, body_id: int) -> DocumentFile | None:
    """The summary sheet (汇总表) of what body ``body_id`` forwarded from ``level`` of
    campaign ``code``, in its rank order, as XLSX; personal data in full only where the
    user may see it (audited). None when the campaign, the level or the body is outside
    the user's reach (``review_selectors.forward_scope``)."""
    scope = forward_scope(user, code, level, body_id)
    if scope is None:
        return None
    campaign, _level, body = scope
    rows = forwarded_by(campaign, level, body)
    unmasked = {n.pk for n in rows if may_see_personal_data(user, n)}
    data = services.render_summary_xlsx(campaign, rows, unmasked_ids=unmasked, unit_name=body.name)
    if unmasked:
        services.record_unmasked_export(
            actor=user, obj=campaign, file_format="xlsx", nomination_ids=sorted(unmasked)
        )
    title = campaign.specification.summary_sheet.title
    return DocumentFile(data, f"{title}-{body.name}.xlsx", services.XLSX_TYPE)


CONTENT_TYPES = {
    "docx": services.DOCX_TYPE,
    "pdf": services.PDF_TYPE,
    "xlsx": services.XLSX_TYPE,
    "ofd": OFD_TYPE,
    "zip": "application/zip",
}


def safe_filename(text: str) -> str:
    """``text`` fit for a download name: path separators, control and reserved characters
    become "_"; at most 80 characters (the extension is added after)."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", text).strip(" ._")
    return cleaned[:80] or "document"


def sheet_file(
    user: User, code: str, document_code: str, file_format: str, nomination_id: int | None = None
) -> DocumentFile | None:
    """A sheet document of campaign ``code`` (a ``documents[]`` entry with a ``layout``) in
    ``file_format``, or None when the campaign, the entry, the format or the nomination is
    not there for ``user``. ``per: nomination`` sheets are filled for ``nomination_id``
    (blank without it); the nominee's personal data is in full only for viewers who may
    see it, and such an export is audited."""
    campaign = campaigns_visible_to(user).filter(code=code).first()
    if campaign is None:
        return None
    document = next((d for d in campaign.specification.documents if d.code == document_code), None)
    if document is None or document.layout is None or file_format not in document.formats:
        return None
    nomination = None
    unmasked = False
    name = document.title
    if nomination_id is not None and document.layout.per == "nomination":
        nomination = nomination_for(user, nomination_id)
        if nomination is None or nomination.campaign_id != campaign.id:
            return None
        unmasked = may_see_personal_data(user, nomination)
        name = f"{document.title}-{nomination.name or nomination_id}"
    sheet = sheets.build_sheet(campaign, document, nomination=nomination, unmasked=unmasked)
    data = sheets.RENDERERS[file_format](sheet)
    if unmasked and nomination is not None:
        services.record_unmasked_export(
            actor=user, obj=nomination, file_format=file_format, nomination_ids=[nomination.pk]
        )
    return DocumentFile(data, f"{safe_filename(name)}.{file_format}", CONTENT_TYPES[file_format])


def attachment(document: DocumentFile) -> FileResponse:
    """The document as a download (``core.downloads.download``)."""
    return download(document.data, document.filename, document.content_type)


def bundle_filename(bundle: DocumentBundle) -> str:
    """A bundle's file as people name it: the campaign's title and what it holds
    (第四届吉林工匠评选表彰-全部荣誉证书.zip); the summary sheet as its direct download is
    named (its title from the specification, .xlsx)."""
    kind = BundleKind(bundle.kind)
    if kind == BundleKind.SUMMARY:
        return f"{safe_filename(bundle.campaign.specification.summary_sheet.title)}.xlsx"
    return f"{safe_filename(f'{bundle.campaign.title}-{kind.label}')}.{kind.file_format}"


def bundle_content_type(bundle: DocumentBundle) -> str:
    """The MIME type of a bundle's file (ZIP, or XLSX for the summary sheet)."""
    return CONTENT_TYPES[BundleKind(bundle.kind).file_format]
