"""Files of the decision: the decision document (DOCX/PDF), certificates (PDF, ZIP) and
the prize payment sheet (XLSX)."""

import io
import zipfile
from functools import cache

from django.conf import settings
from django.template.loader import render_to_string
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from jiangxuan.core.masking import PersonalDataKind, mask
from jiangxuan.core.spreadsheets import new_workbook
from jiangxuan.decisions.models import Certificate, CommendationDecision
from jiangxuan.decisions.selectors import certificates_of, decision_sections


@cache
def _font_config() -> FontConfiguration:
    # One fontconfig setup per process.
    return FontConfiguration()


def _pdf(html: str, css: str) -> bytes:
    font_config = _font_config()
    # Nothing may be fetched while rendering (no SSRF).
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=css, font_config=font_config)], font_config=font_config
    )


def workplace_of(nomination) -> str:
    """The nominee's workplace as printed (the unit's name, else the typed name)."""
    return nomination.workplace_name or (nomination.workplace.name if nomination.workplace else "")


def date_cn(value) -> str:
    """``2022年5月1日``."""
    return f"{value.year}年{value.month}月{value.day}日"


def render_decision_docx(decision: CommendationDecision) -> bytes:
    """The decision document as DOCX: title, 文号, awardees by award with workplace,
    finalists, issuer and date."""
    doc = Document()
    heading = doc.add_heading(decision.title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = doc.add_paragraph(decision.number)
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for section in decision_sections(decision):
        doc.add_heading(f"{section['award'].name}（{len(section['awardees'])}名）", level=2)
        for entry in section["awardees"]:
            doc.add_paragraph(f"{entry.nomination.name}　{workplace_of(entry.nomination)}")
        if section["finalists"]:
            doc.add_heading(section["finalist_award"], level=2)
            for entry in section["finalists"]:
                doc.add_paragraph(f"{entry.nomination.name}　{workplace_of(entry.nomination)}")
    for line in (decision.issuer, date_cn(decision.issued_on)):
        doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_decision_pdf(decision: CommendationDecision) -> bytes:
    """The decision document as PDF (WeasyPrint, A4 portrait)."""
    html = render_to_string(
        "decisions/decision_pdf.html",
        {
            "decision": decision,
            "sections": decision_sections(decision),
            "issued_on": date_cn(decision.issued_on),
        },
    )
    css = (
        "@page { size: A4; margin: 25mm; } "
        f"body {{ font-family: {settings.JX_PDF_FONT_FAMILY}; }}"
    )
    return _pdf(html, css)


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """One certificate as PDF (A4 landscape): name, award, campaign, number, issuer, date."""
    decision = certificate.decision
    html = render_to_string(
        "decisions/certificate_pdf.html",
        {
            "certificate": certificate,
            "decision": decision,
            "campaign": decision.campaign,
            "issued_on": date_cn(decision.issued_on),
        },
    )
    css = (
        "@page { size: A4 landscape; margin: 20mm; } "
        f"body {{ font-family: {settings.JX_PDF_FONT_FAMILY}; text-align: center; }} "
        ".name { font-size: 32pt; margin-top: 30mm; } .award { font-size: 26pt; }"
    )
    return _pdf(html, css)


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
