"""Files of the decision: the decision document (DOCX/PDF), certificates (PDF, ZIP) and
the prize payment sheet (XLSX)."""

import base64
import io
import zipfile

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from jiangxuan.core.masking import PersonalDataKind, mask
from jiangxuan.core.ofd import OFD_TYPE, pdf_to_ofd
from jiangxuan.core.pdf import pdf_from_html
from jiangxuan.core.spreadsheets import new_workbook
from jiangxuan.decisions.document import build_decision, chinese_date
from jiangxuan.decisions.models import Certificate, CommendationDecision
from jiangxuan.decisions.selectors import certificate_token, certificates_of


def workplace_of(nomination) -> str:
    """The nominee's workplace as printed (the unit's name, else the typed name)."""
    return nomination.workplace_name or (nomination.workplace.name if nomination.workplace else "")


#: Fonts GB/T 9704-2012 names, as Word documents name them (Chinese offices have them);
#: the PDF embeds open substitutes (docs/user/documents.md).
MARK_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
NUMBER_FONT = "宋体"
RED = (0xE6, 0x00, 0x00)  #: red of the masthead, RGB (an RGBColor when drawn)
#: 3号 = 16 pt; 22 lines in the 225 mm text block (GB/T 9704 5.2.2).
BODY_PT = 16
LINE_PT = 28.95


def _run_font(run, name: str, size: float, *, bold: bool = False, color=None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = RGBColor(*color)
    # Word picks the CJK font from w:eastAsia, not from the Latin font name.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _line(container, text: str, *, font=BODY_FONT, size=BODY_PT, align=None, indent=0.0,
          right_indent=0.0, bold=False, color=None, space_before=0.0):  # fmt: skip
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT if size <= BODY_PT else size * 1.4)
    fmt.space_before, fmt.space_after = Pt(space_before), Pt(0)
    if indent:
        fmt.first_line_indent = Pt(indent * size)
    if right_indent:
        fmt.right_indent = Pt(right_indent * size)
    if align is not None:
        paragraph.alignment = align
    if text:
        _run_font(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def _border(paragraph, side: str, *, color: str = "000000", size: int = 8) -> None:
    """A line on one side of a paragraph (w:pBdr; ``size`` in eighths of a point)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        p_pr.append(borders)
    edge = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", "1"), ("color", color)):
        edge.set(qn(f"w:{key}"), value)
    borders.append(edge)


def _page_number(footer, align) -> None:
    """ "— N —" in 4号 宋体 (GB/T 9704 7.5: odd pages right, even pages left)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    _run_font(paragraph.add_run("— "), NUMBER_FONT, 14)
    run = paragraph.add_run()
    _run_font(run, NUMBER_FONT, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    _run_font(paragraph.add_run(" —"), NUMBER_FONT, 14)


def render_decision_docx(decision: CommendationDecision) -> bytes:
    """The decision as a 公文 in DOCX (GB/T 9704-2012): A4, margins 37/35/28/26 mm, red
    发文机关标志 and separator, 发文字号, 标题, 主送机关, 正文 in 仿宋 3号 with award headings in
    黑体, 附件说明, 署名 and 成文日期 (room for the seal over them), 版记, page numbers "— 1 —".
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Mm, Pt

    doc = build_decision(decision)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    center = WD_ALIGN_PARAGRAPH.CENTER
    for name in doc.mark[:-1]:
        _line(document, name, font=MARK_FONT, size=26, align=center, color=RED)
    last = doc.mark[-1] if doc.mark else ""
    _line(document, _("%(name)s文件") % {"name": last}, font=MARK_FONT, size=26, align=center,
          color=RED)  # fmt: skip
    _line(document, "")
    number = _line(document, doc.number, align=center, space_before=BODY_PT)
    _border(number, "bottom", color="E60000", size=18)
    _line(document, "")
    _line(document, doc.title, font=MARK_FONT, size=22, align=center, space_before=BODY_PT)
    _line(document, "")
    if doc.addressees:
        _line(document, doc.addressees)
    for block in doc.body:
        if isinstance(block, str):
            _line(document, block, indent=2)
            continue
        for award in block:
            _line(document, award.heading, font=HEADING_FONT, indent=2)
            for name, unit in award.lines:
                _line(document, f"{name}　{unit}", indent=2)
    if doc.attachments:
        _line(document, "")
        for i in range(len(doc.attachments)):
            _line(document, doc.attachment_line(i), indent=2)
    for _i in range(3):
        _line(document, "")  # room for the seal (印章 下压署名和成文日期)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    _line(document, doc.issuer, align=right, right_indent=4)
    _line(document, doc.date, align=right, right_indent=4)
    _line(document, "")
    # 版记: 抄送 and 印发 between lines (first and last thicker).
    if doc.cc:
        cc = _line(document, _("抄送：%(cc)s") % {"cc": doc.cc}, size=14, indent=1)
        _border(cc, "top", size=8)
        _border(cc, "bottom", size=4)
    printed = _line(document, f"{doc.printer}\t{doc.printed_on}", size=14, indent=1)
    printed.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(14), WD_TAB_ALIGNMENT.RIGHT)
    if not doc.cc:
        _border(printed, "top", size=8)
    _border(printed, "bottom", size=8)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def decision_context(doc) -> dict:
    """Template context of a decision document: ``doc``, its body as ``blocks`` of
    ("para", text) or ("list", [AwardList]), and the ``attachment_lines``."""
    return {
        "doc": doc,
        "blocks": [("para", b) if isinstance(b, str) else ("list", b) for b in doc.body],
        "attachment_lines": [doc.attachment_line(i) for i in range(len(doc.attachments))],
    }


def render_decision_pdf(decision: CommendationDecision) -> bytes:
    """The decision as a 公文 in PDF (WeasyPrint, A4, GB/T 9704-2012 layout), the same
    text as :func:`render_decision_docx`, fonts embedded (open substitutes:
    docs/user/documents.md)."""
    doc = build_decision(decision)
    html = render_to_string("decisions/decision_pdf.html", decision_context(doc))
    css = render_to_string(
        "decisions/decision_pdf.css", {"font_family": settings.JX_PDF_FONT_FAMILY}
    )
    return pdf_from_html(html, css)


def render_decision_ofd(decision: CommendationDecision) -> bytes:
    """The decision as OFD (GB/T 33190-2016), page for page the PDF of
    :func:`render_decision_pdf` (``core.ofd``): 标题 and 发文机关 in its DocInfo, created on
    the 成文日期."""
    return pdf_to_ofd(
        render_decision_pdf(decision),
        title=decision.title,
        author=decision.issuer,
        created=decision.issued_on,
    )


#: The decision document's formats: renderer and media type.
DECISION_FORMATS = {
    "docx": (
        render_decision_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "pdf": (render_decision_pdf, "application/pdf"),
    "ofd": (render_decision_ofd, OFD_TYPE),
}


def decision_file(decision: CommendationDecision, file_format: str) -> tuple[bytes, str, str]:
    """The decision document in ``file_format`` (a key of :data:`DECISION_FORMATS`): its
    bytes, download name (活动名称-表彰决定.pdf) and media type.

    Raises:
        KeyError: an unknown format.
    """
    render, content_type = DECISION_FORMATS[file_format]
    name = f"{decision.campaign.title}-{_('表彰决定')}.{file_format}"
    return render(decision), name, content_type


def verification_url(certificate: Certificate) -> str:
    """The public page that confirms ``certificate`` (its QR code): absolute with
    ``settings.JX_SITE_URL``, else the site-relative path."""
    path = reverse("decisions:laureate", args=[certificate_token(certificate)])
    return settings.JX_SITE_URL.rstrip("/") + path


def qr_data_uri(text: str) -> str:
    """``text`` as a QR code, an SVG data: URI (qrcode, error correction M)."""
    import qrcode
    import qrcode.constants
    import qrcode.image.svg

    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=1,
    )
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def certificate_context(certificate: Certificate) -> dict:
    """What the certificate prints, from the spec's ``certificate`` (heading, text with
    ``{name}`` ``{award}`` ``{campaign}``, signers) and the decision."""
    decision = certificate.decision
    spec = decision.campaign.specification
    rule = spec.certificate
    values = {
        "name": certificate.nomination.name,
        "award": certificate.award.name,
        "campaign": spec.title,
    }
    lines = rule.text.format_map(values).splitlines()
    url = verification_url(certificate)
    return {
        "heading": rule.heading,
        "lines": lines,
        "name": values["name"],
        "award": values["award"],
        "signers": rule.signers or [o.name for o in spec.organizers],
        "date": chinese_date(decision.issued_on),
        "number": certificate.number,
        "qr": qr_data_uri(url),
    }


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """One certificate as PDF (A4 landscape): a bordered 荣誉证书 with the awardee, the
    award's title in large type, the organizers, the date in Chinese numerals, the seal's
    place, the number in the campaign's scheme and a QR code of the public verification
    page."""
    html = render_to_string("decisions/certificate_pdf.html", certificate_context(certificate))
    css = render_to_string(
        "decisions/certificate_pdf.css", {"font_family": settings.JX_PDF_FONT_FAMILY}
    )
    return pdf_from_html(html, css)


def certificates_zip(decision: CommendationDecision) -> bytes:
    """Every certificate of the decision as one ZIP (``<number>.pdf`` each)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates_of(decision):
            archive.writestr(f"{certificate.number}.pdf", render_certificate_pdf(certificate))
    return out.getvalue()


def payment_sheet_xlsx(decision: CommendationDecision, *, unmasked: bool) -> bytes:
    """The prize payment sheet: number, name, award, amount, workplace, bank account
    (masked unless ``unmasked``, which only finance gets)."""
    out = io.BytesIO()
    workbook = new_workbook(out)
    sheet = workbook.add_worksheet("奖金发放表")
    header = ["证书编号", "姓名", "奖项", "奖金（元）", "工作单位", "银行账号"]
    sheet.write_row(0, 0, header)
    for row, certificate in enumerate(certificates_of(decision), start=1):
        n = certificate.nomination
        account = (
            n.bank_account if unmasked else mask(n.bank_account, PersonalDataKind.BANK_ACCOUNT)
        )
        sheet.write_row(
            row,
            0,
            [
                certificate.number,
                n.name,
                certificate.award.name,
                certificate.award.prize_yuan or 0,
                workplace_of(n),
            ],
        )
        # As a string: account numbers are longer than a float keeps exactly.
        sheet.write_string(row, 5, account or "")
    workbook.close()
    return out.getvalue()
