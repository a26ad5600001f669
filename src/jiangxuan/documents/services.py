"""Official documents as files: the nomination form (DOCX, PDF) and the summary sheet (XLSX).

Each renderer returns the file's bytes; the views stream them. The nomination form's
content comes from :func:`jiangxuan.documents.layout.form_rows`, shared by DOCX and PDF.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from itertools import groupby
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.audit import record_audit
from jiangxuan.core.pdf import pdf_from_html
from jiangxuan.core.spreadsheets import merge_rows_written, new_workbook
from jiangxuan.nominations.models import Nomination

from .build_templates import NOMINATION_FORM
from .docx_tables import cell_grid, span
from .layout import Cell, FormLayout, form_rows, spans, summary_column

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
#: The audit action of an export that shows personal data in full.
UNMASKED_EXPORT = "nomination.export_unmasked"
#: Rows of the summary sheet between two progress reports.
PROGRESS_EVERY = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Page size (width, height) in mm and the side margin the form's grid sits between.
PAPER_MM = {"A4": (210, 297), "A3": (297, 420)}
SIDE_MARGIN_MM = 20
ROW_MM = 8
#: Fits the two-column photo cell inside its margins (a wider picture covers the border).
PHOTO_WIDTH_MM = 22
TALL_ROW_MM = {"value": 40, "seal": 32}
#: Summary-sheet columns whose cells are centred.
CENTERED_KEYS = frozenset({"seq", "rank", "age", "sex", "award"})
#: What the template's ``{{ form_grid }}`` renders to; the grid table replaces it.
GRID_ANCHOR = "[[form-grid]]"


# --------------------------------------------------------------------------- DOCX


def _place(layout: FormLayout) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of every cell, skipping grid slots that cells above span into."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(layout.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return placed


def _docx_cell(docx_cell, cell: Cell) -> None:
    from docx.enum.table import WD_ALIGN_VERTICAL
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    paragraph = docx_cell.paragraphs[0]
    docx_cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    if cell.kind == "seal":
        docx_cell.vertical_alignment = WD_ALIGN_VERTICAL.BOTTOM
        for text in (cell.text, cell.date_line):
            line = docx_cell.add_paragraph(text)
            line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        return
    if cell.kind == "photo" and cell.image:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run().add_picture(io.BytesIO(cell.image), width=Mm(PHOTO_WIDTH_MM))
        # The printed form keeps the box's label under the photo.
        docx_cell.add_paragraph(cell.text).alignment = WD_ALIGN_PARAGRAPH.CENTER
        return
    if cell.kind in ("label", "column", "photo"):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if cell.tall:
        docx_cell.vertical_alignment = WD_ALIGN_VERTICAL.TOP
    run = paragraph.add_run(cell.text)
    if cell.kind == "heading":
        run.bold = True


def _docx_grid(document, anchor, layout: FormLayout) -> None:
    """Build the form grid as a Word table in ``document`` and put it where the ``anchor``
    paragraph is (the anchor is removed)."""
    from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
    from docx.shared import Mm

    width_mm = PAPER_MM[layout.paper][0] - 2 * SIDE_MARGIN_MM
    table = document.add_table(rows=len(layout.rows), cols=layout.grid)
    anchor._p.addprevious(table._tbl)
    anchor._p.getparent().remove(anchor._p)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    column_width = Mm(width_mm / layout.grid)
    for column in table.columns:
        column.width = column_width
    for docx_row in table.rows:
        docx_row.height = Mm(ROW_MM)
        docx_row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    grid = cell_grid(table)
    for row in grid:
        for docx_cell in row:
            docx_cell.width = column_width
    for r, c, cell in _place(layout):
        target = span(grid, r, c, cell.rowspan, cell.colspan)
        _docx_cell(target, cell)
        if cell.tall:
            table.rows[r].height = Mm(TALL_ROW_MM.get(cell.kind, TALL_ROW_MM["value"]))


def render_nomination_docx(nomination: Nomination, *, unmasked: bool) -> bytes:
    """The nomination form of ``nomination`` as a Word document (DOCX bytes).

    Args:
        nomination: with ``campaign`` and ``award`` loaded.
        unmasked: show ID number, phones and bank account in full (the caller checked
            ``nominations.view_personal_data`` and audits the export).
    Returns:
        DOCX bytes on the campaign's paper size (``form.paper``), fonts 宋体/黑体.
    """
    from docx.shared import Mm
    from docxtpl import DocxTemplate

    layout = form_rows(nomination, unmasked=unmasked)
    template = DocxTemplate(NOMINATION_FORM)
    context: dict[str, Any] = {
        "title": layout.title,
        "subtitle": layout.subtitle,
        "form_grid": GRID_ANCHOR,
        "notes_heading": _("注意事项"),
        "notes": layout.notes,
    }
    template.render(context, autoescape=True)
    document = template.docx
    anchor = next(p for p in document.paragraphs if p.text == GRID_ANCHOR)
    _docx_grid(document, anchor, layout)
    width, height = PAPER_MM[layout.paper]
    for section in template.docx.sections:
        section.page_width, section.page_height = Mm(width), Mm(height)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- PDF


def render_nomination_pdf(nomination: Nomination, *, unmasked: bool) -> bytes:
    """The nomination form of ``nomination`` as PDF bytes (WeasyPrint).

    Same content as :func:`render_nomination_docx`, on A4 or A3 (``form.paper``), with
    the CJK font family of ``settings.JX_PDF_FONT_FAMILY`` (fonts-noto-cjk) embedded.
    """
    layout = form_rows(nomination, unmasked=unmasked)
    html = render_to_string(
        "documents/nomination_form.html",
        {"layout": layout, "grid_columns": range(layout.grid)},
    )
    css = render_to_string(
        "documents/nomination_form.css",
        {
            "paper": layout.paper,
            "font_family": settings.JX_PDF_FONT_FAMILY,
            "column_percent": f"{100 / layout.grid:.4f}",
        },
    )
    return pdf_from_html(html, css)


# --------------------------------------------------------------------------- XLSX


def _column_width(key: str, label: str) -> float:
    widths = {
        "seq": 6,
        "rank": 7,
        "name": 10,
        "sex": 6,
        "age": 6,
        "id_number": 21,
        "bank_account": 24,
        "phone": 14,
        "achievement_summary": 48,
        "workplace_name": 24,
        "nominating_unit": 20,
        "award": 14,
    }
    return widths.get(key, max(10, min(30, 2.2 * len(label))))


def _write_span(sheet, row: int, first: int, last: int, text: str, fmt) -> None:
    # XlsxWriter refuses a merged range of one cell.
    if last > first:
        sheet.merge_range(row, first, row, last, text, fmt)
    else:
        sheet.write(row, first, text, fmt)


def _write_value(sheet, row: int, col: int, value: str | int, fmt) -> None:
    # What ``write()`` does with the workbook's options (core.spreadsheets: text stays
    # text), without its dispatch on every one of a large sheet's cells.
    if value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        sheet.write_string(row, col, value, fmt)
    else:
        sheet.write_number(row, col, value, fmt)


def render_summary_xlsx(
    campaign: Campaign,
    nominations: list[Nomination],
    *,
    unmasked_ids: set[int],
    unit_name: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The summary sheet (汇总表) of ``campaign`` as XLSX bytes (XlsxWriter).

    Args:
        campaign: the campaign; its ``summary_sheet`` gives title, columns, grouping,
            footer and note.
        nominations: the rows in the nominating units' order, as
            ``nominations.selectors.summary_sheet_rows`` returns them (award, unit,
            workplace loaded).
        unmasked_ids: ids of nominations whose personal data the viewer may see in full;
            the others are masked.
        unit_name: printed after the sheet's ``unit_label`` (填报单位（公章）, seed 001
            推荐单位); empty leaves the line to fill by hand.
        progress: called with (rows written, rows in all) every
            :data:`PROGRESS_EVERY` rows and at the end (the background task's progress).
    Returns:
        XLSX bytes: title, unit and date line, the notice's header, one row per nomination
        (grouped by award with a merged award cell when ``group_by_award``; seed 001
        附件3), the footer lines; A4 landscape, header repeated on every printed page,
        frozen under the header. Written row by row in XlsxWriter's constant-memory mode,
        each column's labels resolved once (issue 17.4): memory does not grow with the
        rows beyond the rows given.
    """
    spec = campaign.specification
    sheet_spec = spec.summary_sheet
    columns = sheet_spec.columns
    last_col = len(columns) - 1
    if sheet_spec.group_by_award:
        # Stable sort: within an award the units' order and ranks stay as given.
        positions = {a.code: i for i, a in enumerate(spec.awards)}
        nominations = sorted(nominations, key=lambda n: positions.get(n.award.code, len(positions)))

    out = io.BytesIO()
    # Constant-memory mode: rows are written in order and stored as they are left.
    workbook = new_workbook(out, rows_in_order=True)
    sheet = workbook.add_worksheet(_("汇总表"))
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "text_wrap": True}
    title_fmt = workbook.add_format(
        {**base, "font_name": "黑体", "font_size": 16, "align": "center"}
    )
    line_fmt = workbook.add_format({**base, "text_wrap": False})
    head_fmt = workbook.add_format(
        {**base, "bold": True, "align": "center", "border": 1, "bg_color": "#F2F2F2"}
    )
    cell_fmt = workbook.add_format({**base, "border": 1})
    center_fmt = workbook.add_format({**base, "border": 1, "align": "center"})

    _write_span(sheet, 0, 0, last_col, sheet_spec.title, title_fmt)
    sheet.set_row(0, 30)
    unit_line = f"{sheet_spec.unit_label}：{unit_name}"
    date_line = _("填报日期：      年    月    日") if sheet_spec.date_line else ""
    if not date_line:
        _write_span(sheet, 1, 0, last_col, unit_line, line_fmt)
    elif last_col:
        split = (last_col + 1) // 2
        _write_span(sheet, 1, 0, split - 1, unit_line, line_fmt)
        _write_span(sheet, 1, split, last_col, date_line, line_fmt)
    else:
        sheet.write(1, 0, f"{unit_line}  {date_line}", line_fmt)
    header_row = 2
    for c, column in enumerate(columns):
        sheet.write(header_row, c, column.label, head_fmt)
        sheet.set_column(c, c, _column_width(column.key, column.label))
    sheet.set_row(header_row, 32)

    row = header_row + 1
    award_col = next((i for i, col in enumerate(columns) if col.key == "award"), None)
    # Grouped by award with an award column: one merged award cell per group.
    merge_col = award_col if sheet_spec.group_by_award else None
    # Per column, once: how its cells are filled and their format.
    cells = [
        (
            c,
            summary_column(spec, column.key),
            center_fmt if column.key in CENTERED_KEYS else cell_fmt,
        )
        for c, column in enumerate(columns)
        if c != merge_col
    ]
    groups = (
        [(k, list(g)) for k, g in groupby(nominations, key=lambda n: n.award_id)]
        if sheet_spec.group_by_award
        else [(None, nominations)]
    )
    written = 0
    for _award_id, members in groups:
        if sheet_spec.group_by_award and award_col is None:
            _write_span(sheet, row, 0, last_col, members[0].award.name, head_fmt)
            row += 1
        first = row
        for seq, nomination in enumerate(members, start=1):
            unmasked = nomination.id in unmasked_ids
            if merge_col is not None:
                # The award's name once, in the cell its rows merge into.
                name = nomination.award.name if row == first else ""
                sheet.write(row, merge_col, name, center_fmt)
            for c, cell, fmt in cells:
                _write_value(sheet, row, c, cell(nomination, seq, unmasked), fmt)
            row += 1
            written += 1
            if progress is not None and written % PROGRESS_EVERY == 0:
                progress(written, len(nominations))
        if merge_col is not None:
            merge_rows_written(sheet, first, merge_col, row - 1)

    row += 1
    if sheet_spec.footer:
        # The footer items share one line, as on paper (填表人：  填表日期：  联系电话：).
        footer = sheet_spec.footer
        if len(footer) > last_col + 1:
            footer = ["    ".join(footer)]
        first = 0
        for text, width in zip(footer, spans(len(footer), last_col + 1), strict=True):
            _write_span(sheet, row, first, first + width - 1, text, line_fmt)
            first += width
        row += 1
    if sheet_spec.note:
        _write_span(sheet, row, 0, last_col, sheet_spec.note, line_fmt)

    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    sheet.freeze_panes(header_row + 1, 0)
    sheet.center_horizontally()
    workbook.close()
    if progress is not None:
        progress(len(nominations), len(nominations))
    return out.getvalue()


# --------------------------------------------------------------------------- audit


def record_unmasked_export(
    *, actor: Any, obj: Nomination | Campaign, file_format: str, nomination_ids: list[int]
) -> None:
    """Audit an export that shows personal data in full (docs/security.md check 20: reading
    personal data is audited). The entry names the file format and the nominations, never
    the data.
    """
    record_audit(
        actor=actor,
        action=UNMASKED_EXPORT,
        obj=obj,
        after={"format": file_format, "nominations": nomination_ids},
    )
