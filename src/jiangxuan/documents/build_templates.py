"""Build the committed DOCX template of the nomination form with python-docx.

Run after changing the layout here, and commit the result::

    .venv/bin/python -m jiangxuan.documents.build_templates

The template holds what is the same for every campaign: A4 page and margins, the fonts
(East Asian font through ``w:rFonts/@w:eastAsia``, since python-docx's font name sets only
the Latin one), the title block and the notes. The form's grid differs per campaign (its
merges come from the specification), so the renderer builds it with python-docx after
docxtpl has filled in the rest, in place of the paragraph ``{{ form_grid }}`` renders to.
"""

from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates_docx"
NOMINATION_FORM = TEMPLATE_DIR / "nomination_form.docx"

#: 宋体 is on every Windows and WPS machine the offices use; LibreOffice maps it through
#: fontconfig (Noto Serif CJK SC on our servers).
EAST_ASIAN_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TITLE_EAST_ASIAN_FONT = "黑体"


def set_fonts(style_or_run, *, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Set Latin and East Asian font names on a style or run."""
    from docx.oxml.ns import qn

    style_or_run.font.name = latin
    r_pr = style_or_run.element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.insert(0, r_fonts)
    for attr in ("w:ascii", "w:hAnsi"):
        r_fonts.set(qn(attr), latin)
    r_fonts.set(qn("w:eastAsia"), east_asian)


def build_nomination_form(path: Path = NOMINATION_FORM) -> Path:
    """Write the nomination form template to ``path`` and return it."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    # python-docx's default document is US Letter; the forms are A4 (A3 set per campaign).
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)

    normal = doc.styles["Normal"]
    set_fonts(normal, east_asian=EAST_ASIAN_FONT)
    normal.font.size = Pt(10.5)  # 五号
    normal.paragraph_format.space_after = Pt(0)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(6)
    run = title.add_run("{{ title }}")
    run.bold = True
    run.font.size = Pt(18)  # 小二
    set_fonts(run, east_asian=TITLE_EAST_ASIAN_FONT)

    doc.add_paragraph("{%p if subtitle %}")
    subtitle = doc.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run("{{ subtitle }}").font.size = Pt(12)
    doc.add_paragraph("{%p endif %}")

    doc.add_paragraph("{{ form_grid }}")

    doc.add_paragraph("{%p if notes %}")
    notes_head = doc.add_paragraph()
    notes_head.paragraph_format.space_before = Pt(6)
    notes_head.add_run("{{ notes_heading }}").bold = True
    doc.add_paragraph("{%p for note in notes %}")
    doc.add_paragraph().add_run("{{ note }}").font.size = Pt(9)
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")

    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(build_nomination_form())
