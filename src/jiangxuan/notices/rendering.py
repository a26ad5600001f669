"""The background-check form (征求意见表) as DOCX and PDF, laid out like seed 000 附件4."""

import io

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from jiangxuan.core.pdf import pdf_from_html

from .models import BackgroundCheck

FONT = "宋体"
TITLE_FONT = "方正小标宋简体"


def _font(run, name: str = FONT, size: float = 14, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # Word picks the CJK font from w:eastAsia, not from the Latin font name.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(container, text: str, *, align=None, size: float = 14, bold: bool = False):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), size=size, bold=bold)
    return paragraph


def render_background_check_form(check: BackgroundCheck) -> bytes:
    """The 征求意见表 of one nominee as DOCX bytes (seed 000 附件4《第四届吉林工匠推荐评选
    征求意见表》): title, 姓名 and 工作单位, a box headed by the question (e.g. 公安部门意见)
    holding the recorded opinion or blank lines for the department to write in, then
    盖 章 and 年 月 日, and the 经手人 line. Holds no ID number, phone or bank account.
    """
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    nomination = check.nomination
    title = check.form_title or _("%(campaign)s征求意见表") % {
        "campaign": nomination.campaign.title
    }
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.6)

    heading = _paragraph(document, title, align=WD_ALIGN_PARAGRAPH.CENTER, size=20)
    _font(heading.runs[0], TITLE_FONT, 20)
    workplace = nomination.workplace_name or (
        nomination.workplace.name if nomination.workplace else ""
    )
    _paragraph(
        document,
        _("姓名：%(name)s　　　　工作单位：%(workplace)s")
        % {"name": nomination.name, "workplace": workplace},
    )

    table = document.add_table(rows=1, cols=1)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cell = table.cell(0, 0)
    cell.width = Cm(15.8)
    label = cell.paragraphs[0]
    _font(label.add_run(check.question or _("公安部门意见")), bold=True)
    opinion_lines = check.opinion.splitlines() if check.opinion else []
    for line in opinion_lines:
        _paragraph(cell, line)
    # Room to write by hand when the form goes out blank.
    for _i in range(max(0, 10 - len(opinion_lines))):
        _paragraph(cell, "")
    _paragraph(cell, _("盖 章"), align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(cell, _("年　　月　　日"), align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, "")
    _paragraph(document, _("经手人："))

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _form_content(check: BackgroundCheck) -> dict:
    nomination = check.nomination
    return {
        "title": check.form_title
        or _("%(campaign)s征求意见表") % {"campaign": nomination.campaign.title},
        "name": nomination.name,
        "workplace": nomination.workplace_name
        or (nomination.workplace.name if nomination.workplace else ""),
        "question": check.question or _("公安部门意见"),
        "opinion_lines": check.opinion.splitlines() if check.opinion else [],
    }


def render_background_check_pdf(check: BackgroundCheck) -> bytes:
    """The 征求意见表 of one nominee as PDF bytes (A4, WeasyPrint, the CJK font of
    ``settings.JX_PDF_FONT_FAMILY``): the same content as
    :func:`render_background_check_form` (seed 000 附件4)."""
    html = render_to_string("notices/backgroundcheck_form.html", _form_content(check))
    css = render_to_string(
        "notices/backgroundcheck_form.css", {"font_family": settings.JX_PDF_FONT_FAMILY}
    )
    return pdf_from_html(html, css)
