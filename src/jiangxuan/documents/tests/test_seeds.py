"""Every seed campaign's documents render, for a filled-in and an empty nomination."""

import datetime as dt

import pytest

from jiangxuan.conftest import SEED_NUMBERS
from jiangxuan.documents.layout import opinion_labels
from jiangxuan.documents.services import (
    render_nomination_docx,
    render_nomination_pdf,
    render_summary_xlsx,
)
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination

from .conftest import id_number
from .helpers import ID_NUMBER_RE, docx_cells, docx_table_shape, docx_text, xlsx_sheet

pytestmark = pytest.mark.django_db


def seed_nomination(campaign, creator, **fields) -> Nomination:
    return Nomination.objects.create(
        campaign=campaign,
        award=campaign.awards.order_by("position").first(),
        channel=campaign.specification.channels[0].code,
        created_by=creator,
        state=NominationState.SUBMITTED,
        rank=1,
        **fields,
    )


@pytest.mark.parametrize("number", SEED_NUMBERS)
def test_seed_documents_render(seed_campaign, make_user, number):
    campaign = seed_campaign(number)
    spec = campaign.specification
    creator = make_user("cc-chaoyang-hrss")
    filled = seed_nomination(
        campaign,
        creator,
        name="韩立新",
        sex="男",
        birth_date=dt.date(1985, 3, 15),
        id_number=id_number(),
        phone="13912345678",
        skill_level="senior_technician",
    )
    empty = seed_nomination(campaign, creator)

    docx_data = render_nomination_docx(filled, unmasked=False)
    cells = docx_cells(docx_data)
    sheet = xlsx_sheet(render_summary_xlsx(campaign, [filled, empty], unmasked_ids=set()))

    assert spec.form.title in docx_text(docx_data)
    assert "韩立新" in cells
    assert ID_NUMBER_RE.findall(docx_text(docx_data)) == []
    assert len([c for c in cells if "（盖章）" in c]) == len(opinion_labels(spec))
    assert render_nomination_docx(empty, unmasked=True)[:2] == b"PK"
    assert render_nomination_pdf(empty, unmasked=False)[:5] == b"%PDF-"
    assert sheet["A1"].value == spec.summary_sheet.title
    assert [c.value for c in sheet[3]] == [c.label for c in spec.summary_sheet.columns]


def test_seed_001_summary_footer_shares_one_line(seed_campaign, make_user):
    campaign = seed_campaign("001")
    nomination = seed_nomination(campaign, make_user("cc-chaoyang-hrss"), name="韩立新")

    sheet = xlsx_sheet(render_summary_xlsx(campaign, [nomination], unmasked_ids=set()))

    assert [c.value for c in sheet[6] if c.value] == ["填表人：", "填表日期：", "联系电话："]
    assert sheet["A7"].value == campaign.specification.summary_sheet.note


def test_seed_000_government_approval_boxes_come_last(seed_campaign):
    assert opinion_labels(seed_campaign("000").specification) == [
        "各有关部门、单位意见",
        "所在单位意见",
        "所在单位工会意见",
        "市州人社工会审核意见",
        "省人社厅省总工会审核意见",
        "省委审批意见",
        "省政府审批意见",
    ]


def test_seed_001_form_has_award_choice_and_skips_unprinted(seed_campaign, make_user):
    campaign = seed_campaign("001")
    nomination = seed_nomination(campaign, make_user("cc-chaoyang-hrss"), name="韩立新")

    cells = docx_cells(render_nomination_docx(nomination, unmasked=False))

    assert cells[cells.index("推荐类别") + 1] == "☑长春技能大奖  □长春技术能手"
    assert cells.count("推荐类别") == 1
    assert "是否已退休" not in cells  # section printed: false
    assert [c for c in cells if c.endswith("意见")] == [
        "本人所在单位推荐意见",
        "县级人社部门推荐意见",
        "市级人社部门推荐意见",
    ]


@pytest.mark.parametrize("number", SEED_NUMBERS)
def test_seed_form_grid_is_the_one_python_docx_merges(seed_campaign, make_user, number):
    """The form's DOCX table spans its cells without python-docx's ``merge`` (issue 11:
    three quarters of a form's time); the shape must be exactly what ``merge`` makes of
    the same layout, cell for cell: grid spans, vertical merges, widths."""
    import io

    import docx
    from docx.table import _Cell

    from jiangxuan.documents.layout import form_rows

    campaign = seed_campaign(number)
    nomination = seed_nomination(campaign, make_user("cc-chaoyang-hrss"), name="韩立新")
    rendered = docx.Document(io.BytesIO(render_nomination_docx(nomination, unmasked=True)))
    actual = rendered.tables[0]

    layout = form_rows(nomination, unmasked=True)
    reference = docx.Document().add_table(rows=len(layout.rows), cols=layout.grid)
    grid = [[_Cell(tc, reference) for tc in tr.tc_lst] for tr in reference._tbl.tr_lst]
    width = actual._tbl.tr_lst[0].tc_lst[0].width // actual._tbl.tr_lst[0].tc_lst[0].grid_span
    for row in grid:
        for cell in row:
            cell.width = width
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(layout.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            if cell.rowspan > 1 or cell.colspan > 1:
                grid[r][c].merge(grid[r + cell.rowspan - 1][c + cell.colspan - 1])
            taken |= {(r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan)}
            c += cell.colspan

    assert docx_table_shape(actual) == docx_table_shape(reference)
