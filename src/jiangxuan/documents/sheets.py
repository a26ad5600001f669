"""Sheet documents declared in a campaign's spec (``documents[].layout``): materials
checklists (材料目录), quota tables (名额分配表), dossier covers (档案袋封面), lists of
innovations and patents (一览表), performance sheets (量化表).

:func:`build_sheet` fills the spec's layout for one subject (the campaign, a nominating
unit or a nomination) into a :class:`Sheet`; the renderers draw the same sheet as DOCX
(python-docx), PDF (WeasyPrint) and XLSX (XlsxWriter). A new notice's sheet is a spec
entry: nothing here names a campaign.
"""

from __future__ import annotations

import io
import string
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from jiangxuan.campaigns.enums import HonourLevel, PatentKind, ProfessionalTitle, SkillLevel
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.spec import CampaignSpec, DocumentSpec, SheetLayout
from jiangxuan.core.masking import PersonalDataKind, mask
from jiangxuan.core.ofd import pdf_to_ofd
from jiangxuan.core.pdf import pdf_from_html
from jiangxuan.core.spreadsheets import new_workbook
from jiangxuan.nominations.enums import Education, PoliticalStatus, Sex
from jiangxuan.nominations.models import Nomination

from .docx_tables import cell_grid, span
from .layout import CHECKED, UNCHECKED, format_date, row_cell_text

PAPER_MM = {"A4": (210, 297), "A3": (297, 420)}
MARGIN_MM = 20
GRID = 12
BODY_FONT = "宋体"
TITLE_FONT = "黑体"


@dataclass
class Sheet:
    """A sheet document filled for one subject, ready for any renderer."""

    title: str
    subtitle: str = ""
    paper: str = "A4"
    landscape: bool = False
    header: list[str] = field(default_factory=list)
    fields: list[list[tuple[str, str]]] = field(default_factory=list)
    table_title: str = ""
    columns: list[tuple[str, int]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)

    @property
    def has_head(self) -> bool:
        """Whether the table prints a head row (a list without labels prints none)."""
        return any(label for label, _w in self.columns)

    @property
    def column_count(self) -> int:
        """Grid columns the field rows and the table share: 12 (it divides evenly among
        one to three label/value pairs), more only for a table with more columns."""
        return max(GRID, len(self.columns))


# --------------------------------------------------------------------------- values


def _label(choices: type[models.TextChoices], value: Any) -> str:
    return (
        str(choices(value).label)
        if value in choices.values
        else ("" if value is None else str(value))
    )


def _award_choice(spec: CampaignSpec, chosen: str) -> str:
    return "  ".join(f"{CHECKED if a.code == chosen else UNCHECKED}{a.name}" for a in spec.awards)


def _campaign_values(campaign: Campaign) -> dict[str, str]:
    spec = campaign.specification
    return {
        "campaign": spec.title,
        "edition": spec.edition,
        "year": str(spec.year),
        "region": spec.region,
        "organizers": "、".join(o.name for o in spec.organizers),
        "award_choice": _award_choice(spec, ""),
    }


def _unit_values(campaign: Campaign, unit) -> dict[str, str]:
    values = _campaign_values(campaign)
    values["nominating_unit"] = unit.name if unit is not None else ""
    return values


def nomination_values(nomination: Nomination, *, unmasked: bool) -> dict[str, str]:
    """The ``{key}`` values of a sheet about ``nomination`` (spec.SHEET_KEYS): its core
    fields as the forms print them (personal data masked unless ``unmasked``), its award
    (``award``, ``award_choice`` ☑/□), its unit and counts of its lists."""
    n = nomination
    spec = n.campaign.specification
    values = _unit_values(n.campaign, n.nominating_unit if n.nominating_unit_id else None)
    patents = [p for p in n.patents if isinstance(p, dict)]
    extra = n.extra or {}
    innovations = extra.get("innovations")
    values.update(
        {
            "name": n.name,
            "sex": _label(Sex, n.sex),
            "birth_date": format_date(n.birth_date, month_only=True),
            "ethnic_group": n.ethnic_group,
            "political_status": _label(PoliticalStatus, n.political_status),
            "education": _label(Education, n.education),
            "workplace_name": n.workplace_name or (n.workplace.name if n.workplace else ""),
            "workplace_contact": n.workplace_contact,
            "post": n.post,
            "occupation": n.occupation,
            "skill_level": _label(SkillLevel, n.skill_level) if n.skill_level != "none" else "",
            "professional_title": (
                _label(ProfessionalTitle, n.professional_title)
                if n.professional_title != "none"
                else ""
            ),
            "phone": n.phone if unmasked else mask(n.phone, PersonalDataKind.PHONE),
            "id_number": (
                n.id_number if unmasked else mask(n.id_number, PersonalDataKind.ID_NUMBER)
            ),
            "award": n.award.name if n.award_id else "",
            "award_choice": _award_choice(spec, n.award.code if n.award_id else ""),
            "honour_count": str(len(n.honours or [])),
            "patent_count": str(len(patents)),
            "invention_patent_count": str(sum(p.get("kind") == "invention" for p in patents)),
            "utility_patent_count": str(sum(p.get("kind") == "utility" for p in patents)),
            "design_patent_count": str(sum(p.get("kind") == "design" for p in patents)),
            "innovation_count": str(len(innovations) if isinstance(innovations, list) else 0),
            "contest_count": str(len(n.contests or [])),
            "achievement_summary": n.achievement_summary,
        }
    )
    return values


def _fill(text: str, values: dict[str, str]) -> str:
    # Placeholders were checked against SHEET_KEYS when the spec loaded; a key a subject
    # lacks (a unit sheet has no nominee) prints empty, leaving the box to fill by hand.
    names = {name for _lit, name, _f, _c in string.Formatter().parse(text) if name}
    return text.format_map({name: values.get(name, "") for name in names}) if names else text


def _source_rows(layout: SheetLayout, spec: CampaignSpec, nomination) -> list[dict[str, Any]]:
    if layout.source == "materials":
        rows = []
        for m in spec.materials:
            parts = [_("一式%(n)d份") % {"n": m.copies}] if m.copies else []
            if m.electronic:
                parts.append(_("含电子版"))
            if m.max_chars:
                parts.append(_("%(n)d字以内") % {"n": m.max_chars})
            rows.append({"name": m.name, "requirement": "，".join(parts)})
        return rows
    if layout.source == "quotas":
        rows = []
        for category in spec.unit_categories:
            row: dict[str, Any] = {"category": category.name}
            for quota in spec.quotas:
                if quota.category == category.code and quota.max is not None:
                    row[quota.award or "all"] = quota.max
            rows.append(row)
        return rows
    if nomination is None:
        return []
    if layout.source == "patents":
        rows = [dict(p) for p in nomination.patents if isinstance(p, dict)]
        for row in rows:
            row["kind"] = _label(PatentKind, row.get("kind"))
        return rows
    if layout.source == "honours":
        rows = [dict(h) for h in nomination.honours if isinstance(h, dict)]
        for row in rows:
            row["level"] = _label(HonourLevel, row.get("level"))
        return rows
    items = (nomination.extra or {}).get("innovations")
    return [dict(i) for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def build_sheet(
    campaign: Campaign,
    document: DocumentSpec,
    *,
    nomination: Nomination | None = None,
    unit=None,
    unmasked: bool = False,
) -> Sheet:
    """Fill ``document``'s layout for one subject.

    Args:
        campaign: the campaign the document belongs to.
        document: a ``documents[]`` entry with a ``layout``.
        nomination: the nominee, for ``per: nomination`` (None prints a blank form).
        unit: the nominating unit, for ``per: unit``.
        unmasked: print the nominee's phone and ID number in full.
    Returns:
        The sheet: nothing of the data is cut; a table prints at least ``min_rows`` rows
        (blank ones to fill in by hand).
    Raises:
        ValueError: the entry has no layout.
    """
    layout = document.layout
    if layout is None:
        raise ValueError(document.code)
    spec = campaign.specification
    if nomination is not None:
        values = nomination_values(nomination, unmasked=unmasked)
    elif unit is not None:
        values = _unit_values(campaign, unit)
    else:
        values = _campaign_values(campaign)
    sheet = Sheet(
        title=document.title,
        subtitle=_fill(layout.subtitle, values),
        paper=layout.paper,
        landscape=layout.landscape,
        header=[_fill(line, values) for line in layout.header],
        fields=[[(f.label, _fill(f.value, values)) for f in row] for row in layout.fields],
        table_title=layout.table_title,
        columns=[(c.label, c.width) for c in layout.columns],
        footer=[_fill(line, values) for line in layout.footer],
    )
    if layout.source == "rows":
        sheet.rows = [[_fill(cell, values) for cell in row] for row in layout.rows]
    else:
        kind = {"patents": "patents", "honours": "honours"}.get(layout.source, "")
        for seq, item in enumerate(_source_rows(layout, spec, nomination), start=1):
            item.setdefault("seq", seq)
            sheet.rows.append(
                [
                    row_cell_text(kind, c.key, item.get(c.key))
                    if c.key in ("date", "start", "end")
                    else ("" if item.get(c.key) is None else str(item.get(c.key)))
                    for c in layout.columns
                ]
            )
    width = len(sheet.columns)
    sheet.rows += [[""] * width for _i in range(layout.min_rows - len(sheet.rows))]
    return sheet


# --------------------------------------------------------------------------- DOCX


def _font(run, name: str = BODY_FONT, size: float = 12, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # Word picks the CJK font from w:eastAsia, not from the Latin font name.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _para(container, text: str, *, align=None, size: float = 12, font: str = BODY_FONT):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), font, size)
    return paragraph


def _cell_text(cell, text: str, *, center: bool = False, bold: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(text), size=11, bold=bold)


def _spans(total: int, weights: list[int]) -> list[int]:
    """Grid columns per weight, summing to ``total`` (each at least 1; largest remainder
    first). ``total`` is at least ``len(weights)``."""
    whole = sum(weights) or 1
    spans = [max(1, total * w // whole) for w in weights]
    order = sorted(range(len(weights)), key=lambda i: -(total * weights[i] % whole))
    i = 0
    while sum(spans) < total:
        spans[order[i % len(order)]] += 1
        i += 1
    while sum(spans) > total:
        widest = max(range(len(spans)), key=lambda j: spans[j])
        spans[widest] -= 1
    return spans


def render_sheet_docx(sheet: Sheet) -> bytes:
    """``sheet`` as DOCX bytes on its paper (A4/A3, portrait or landscape)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    document = Document()
    section = document.sections[0]
    width, height = PAPER_MM[sheet.paper]
    if sheet.landscape:
        width, height = height, width
        section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(width), Mm(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    _para(document, sheet.title, align=WD_ALIGN_PARAGRAPH.CENTER, size=18, font=TITLE_FONT)
    if sheet.subtitle:
        _para(document, sheet.subtitle, align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in sheet.header:
        _para(document, line)
    grid = sheet.column_count
    table_rows = len(sheet.fields) + (1 if sheet.table_title else 0)
    table_rows += (sheet.has_head + len(sheet.rows)) if sheet.columns else 0
    if table_rows:
        table = document.add_table(rows=table_rows, cols=grid)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        cells = cell_grid(table)
        r = 0
        for pairs in sheet.fields:
            spans = _spans(grid, [1, 2] * len(pairs))
            c = 0
            for i, text in enumerate(t for pair in pairs for t in pair):
                cell = span(cells, r, c, colspan=spans[i])
                _cell_text(cell, text, center=i % 2 == 0)
                c += spans[i]
            r += 1
        if sheet.table_title:
            cell = span(cells, r, 0, colspan=grid)
            _cell_text(cell, sheet.table_title, center=True, bold=True)
            r += 1
        if sheet.columns:
            spans = _spans(grid, [w for _l, w in sheet.columns])
            head = [([label for label, _w in sheet.columns], True)] if sheet.has_head else []
            for values, bold in head + [(row, False) for row in sheet.rows]:
                c = 0
                for width, text in zip(spans, values, strict=False):
                    cell = span(cells, r, c, colspan=width)
                    _cell_text(cell, text, center=bold, bold=bold)
                    c += width
                r += 1
    for line in sheet.footer:
        _para(document, line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- PDF


def render_sheet_pdf(sheet: Sheet) -> bytes:
    """``sheet`` as PDF bytes (WeasyPrint, CJK font of ``settings.JX_PDF_FONT_FAMILY``)."""
    grid = sheet.column_count
    field_rows = [
        [
            (text, span, "value" if i % 2 else "label")
            for i, (text, span) in enumerate(
                zip(
                    [t for pair in pairs for t in pair],
                    _spans(grid, [1, 2] * len(pairs)),
                    strict=True,
                )
            )
        ]
        for pairs in sheet.fields
    ]
    column_spans = _spans(grid, [w for _l, w in sheet.columns]) if sheet.columns else []
    html = render_to_string(
        "documents/sheet.html",
        {
            "sheet": sheet,
            "grid": grid,
            "grid_range": range(grid),
            "field_rows": field_rows,
            "head": (
                list(zip([label for label, _w in sheet.columns], column_spans, strict=True))
                if sheet.has_head
                else []
            ),
            "body": [list(zip(row, column_spans, strict=False)) for row in sheet.rows],
        },
    )
    orientation = "landscape" if sheet.landscape else "portrait"
    css = render_to_string(
        "documents/sheet.css",
        {
            "paper": sheet.paper,
            "orientation": orientation,
            "font_family": settings.JX_PDF_FONT_FAMILY,
        },
    )
    return pdf_from_html(html, css)


# --------------------------------------------------------------------------- XLSX


def render_sheet_xlsx(sheet: Sheet) -> bytes:
    """``sheet`` as XLSX bytes: title, lines, label/value rows, the table, footer; A4 or
    A3, printed to the page width. Every value is written as a string."""
    grid = sheet.column_count
    out = io.BytesIO()
    workbook = new_workbook(out)
    ws = workbook.add_worksheet(_("表"))
    base = {"font_name": BODY_FONT, "font_size": 11, "valign": "vcenter", "text_wrap": True}
    title_fmt = workbook.add_format(
        {**base, "font_name": TITLE_FONT, "font_size": 16, "align": "center"}
    )
    line_fmt = workbook.add_format(base)
    head_fmt = workbook.add_format({**base, "bold": True, "align": "center", "border": 1})
    cell_fmt = workbook.add_format({**base, "border": 1})
    label_fmt = workbook.add_format({**base, "border": 1, "align": "center"})

    def span(row: int, first: int, count: int, text: str, fmt) -> None:
        if count > 1:
            ws.merge_range(row, first, row, first + count - 1, "", fmt)
        ws.write_string(row, first, text, fmt)

    row = 0
    span(row, 0, grid, sheet.title, title_fmt)
    ws.set_row(row, 30)
    row += 1
    for line in [sheet.subtitle] * bool(sheet.subtitle) + sheet.header:
        span(row, 0, grid, line, line_fmt)
        row += 1
    for pairs in sheet.fields:
        c = 0
        texts = [t for pair in pairs for t in pair]
        for i, (text, count) in enumerate(
            zip(texts, _spans(grid, [1, 2] * len(pairs)), strict=True)
        ):
            span(row, c, count, text, label_fmt if i % 2 == 0 else cell_fmt)
            c += count
        row += 1
    if sheet.table_title:
        span(row, 0, grid, sheet.table_title, head_fmt)
        row += 1
    if sheet.columns:
        spans = _spans(grid, [w for _l, w in sheet.columns])
        header_row = row
        head = [([label for label, _w in sheet.columns], head_fmt)] if sheet.has_head else []
        for values, fmt in head + [(r, cell_fmt) for r in sheet.rows]:
            c = 0
            for count, text in zip(spans, values, strict=False):
                span(row, c, count, text, fmt)
                c += count
            row += 1
        ws.repeat_rows(header_row)
    for line in sheet.footer:
        span(row, 0, grid, line, line_fmt)
        row += 1
    ws.set_column(0, grid - 1, 90 / grid if not sheet.landscape else 130 / grid)
    if sheet.landscape:
        ws.set_landscape()
    ws.set_paper(8 if sheet.paper == "A3" else 9)
    ws.fit_to_pages(1, 0)
    workbook.close()
    return out.getvalue()


def render_sheet_ofd(sheet: Sheet) -> bytes:
    """The sheet as OFD (GB/T 33190), page for page its PDF (``core.ofd``)."""
    return pdf_to_ofd(render_sheet_pdf(sheet), title=sheet.title)


#: Renderer per file format.
RENDERERS = {
    "docx": render_sheet_docx,
    "pdf": render_sheet_pdf,
    "xlsx": render_sheet_xlsx,
    "ofd": render_sheet_ofd,
}
