"""Labels of the nomination forms and summary sheets exactly as the notices print them
(issue 14, labels)."""

import pytest

from jiangxuan.documents.services import (
    render_nomination_docx,
    render_nomination_pdf,
    render_summary_xlsx,
)

from .helpers import docx_cells, pdf_text, xlsx_sheet
from .test_seeds import seed_nomination

pytestmark = pytest.mark.django_db


def test_seed_000_prints_one_row_for_occupation_and_skill_level(seed_campaign, make_user):
    campaign = seed_campaign("000")
    nomination = seed_nomination(
        campaign,
        make_user("cc-chaoyang-hrss"),
        name="张铁军",
        occupation="钳工",
        skill_level="senior_technician",
        post="机加班长",
    )
    cells = docx_cells(render_nomination_docx(nomination, unmasked=False))
    at = cells.index("工种及技术等级")
    assert cells[at - 2 : at + 2] == [
        "职    务",
        "机加班长",
        "工种及技术等级",
        "钳工  高级技师（一级）",
    ]
    assert "技术等级" not in cells
    assert "工种" not in cells


def test_photo_box_keeps_its_label_with_a_photo(seed_campaign, make_user, add_photo):
    campaign = seed_campaign("000")
    nomination = seed_nomination(campaign, make_user("cc-chaoyang-hrss"), name="张铁军")
    add_photo(nomination)
    cells = docx_cells(render_nomination_docx(nomination, unmasked=False))
    # The picture's paragraph, then the label under it.
    assert "\n照片" in cells
    assert "照片" in pdf_text(render_nomination_pdf(nomination, unmasked=False))


def test_seed_001_form_prints_name_and_workplace_in_the_basic_section(seed_campaign, make_user):
    campaign = seed_campaign("001")
    nomination = seed_nomination(
        campaign, make_user("cc-chaoyang-hrss"), name="韩立新", workplace_name="一汽解放"
    )
    cells = docx_cells(render_nomination_docx(nomination, unmasked=False))
    basic = cells.index("基本情况")
    assert cells[basic + 1 : basic + 3] == ["姓    名", "韩立新"]
    postal = cells.index("邮政编码")
    assert cells[postal + 2 : postal + 4] == ["工作单位", "一汽解放"]
    assert cells.index("工作单位") < cells.index("身份证号码")


def test_seed_001_summary_header_is_the_notices(seed_campaign, make_user):
    campaign = seed_campaign("001")
    nomination = seed_nomination(campaign, make_user("cc-chaoyang-hrss"), name="韩立新")
    sheet = xlsx_sheet(
        render_summary_xlsx(campaign, [nomination], unmasked_ids=set(), unit_name="长春市人社局")
    )
    assert sheet["A2"].value == "推荐单位：长春市人社局"
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any("填报单位" in t or "表头" in t for t in texts)
    assert "注：按推荐先后顺序排列长春技术能手候选人；" in texts


def test_seed_003_prints_the_notices_skill_levels_in_its_order(seed_campaign, make_user):
    campaign = seed_campaign("003")
    nomination = seed_nomination(
        campaign,
        make_user("cc-chaoyang-hrss"),
        name="刘海波",
        skill_level="technician",
        professional_title="deputy_senior",
    )
    cells = docx_cells(render_nomination_docx(nomination, unmasked=False))
    assert cells[cells.index("职业资格等级") + 1] == "□高级技师  ☑技师  □高级工  □中级工  □初级工"
    assert cells[cells.index("职称") + 1] == "☑高级职称  □中级职称  □初级职称"
