"""Sheet documents the notices attach (issue 14.1): each is generated in every format its
spec lists, with the notice's labels in order, through the download URL."""

import datetime as dt
import io

import docx
import pytest
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.spec import DocumentSpec, SheetLayout, _sheet_problems
from jiangxuan.documents.sheets import build_sheet, render_sheet_docx, render_sheet_xlsx
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination

from .helpers import docx_text, pdf_text, xlsx_sheet

pytestmark = pytest.mark.django_db

#: (seed, document code, the attachment's labels in the order the notice prints them).
NOTICE_LABELS = [
    (
        "000",
        "materials-checklist",
        [
            "第四届吉林工匠推荐材料目录",
            "省直机关工会推荐报告（加盖印章）",
            "第四届吉林工匠推荐审批表（一式五份，含电子版）",
            "推荐对象事迹材料（3000字以内，含电子版）",
            "创新工作室和参加重大项目等证明材料",
            "推荐对象所在单位公示（加盖单位印章）",
            "第四届吉林工匠候选人综合情况汇总表",
        ],
    ),
    (
        "001",
        "quota-table",
        [
            "长春技能大奖、长春技术能手推荐名额分配表",
            "地区/单位",
            "长春技能大奖（单位：个）",
            "长春技术能手（单位：名）",
            "各县（市）区人社部门",
            "驻长技工院校",
            "驻长国有企业",
            "市直有关部门",
        ],
    ),
    (
        "001",
        "dossier-cover",
        [
            "第三届长春技能大奖和长春技术能手申报材料档案袋封面",
            "推荐类别",
            "推荐单位",
            "推荐单位联系人",
            "联系电话",
            "申报人姓名",
            "联系电话",
            "申报人所在单位",
            "申报材料目录",
            "1.推荐函",
            "纸质版1份",
            "2.汇总表",
            "纸质版2份、电子版1份",
            "3.申报材料册（装订成册）",
        ],
    ),
    ("002", "innovation-list", ["获市级以上奖励的技术创新成果一览表", "单位工会公章："]),
    ("002", "patent-list", ["主要发明专利、实用新型专利成果一览表", "单位工会公章："]),
    (
        "002",
        "performance-sheet",
        [
            "焦作工匠推荐人选基本情况及主要业绩量化表",
            "所在单位工会意见：",
            "所在单位财务部门意见：",
        ],
    ),
]


def in_order(text: str, labels: list[str]) -> None:
    """Every label occurs in ``text``, each after the previous one."""
    flat = "".join(text.split())
    position = 0
    for label in labels:
        found = flat.find("".join(label.split()), position)
        assert found >= 0, f"{label!r} missing or out of order"
        position = found + 1


def extract(data: bytes, file_format: str) -> str:
    if file_format == "docx":
        document = docx.Document(io.BytesIO(data))
        cells = []
        for table in document.tables:
            for row in table.rows:
                seen = []
                for cell in row.cells:
                    if cell._tc not in seen:
                        seen.append(cell._tc)
                        cells.append(cell.text)
        paragraphs = [p.text for p in document.paragraphs]
        # Paragraphs before the table, then the table, then the ones after it.
        body = document.element.body
        table_at = list(body).index(document.tables[0]._tbl) if document.tables else len(body)
        before = [p.text for p in document.paragraphs if list(body).index(p._p) < table_at]
        after = paragraphs[len(before) :]
        return "\n".join(before + cells + after)
    if file_format == "xlsx":
        sheet = xlsx_sheet(data)
        return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    # -raw: the content stream's order, which is the document's (cells wrap in -layout).
    return pdf_text(data, "-raw")


def nominee(campaign, creator, **fields) -> Nomination:
    return Nomination.objects.create(
        campaign=campaign,
        award=campaign.awards.order_by("position").first(),
        channel=campaign.specification.channels[0].code,
        created_by=creator,
        state=NominationState.SUBMITTED,
        rank=1,
        **fields,
    )


@pytest.mark.parametrize(("number", "code", "labels"), NOTICE_LABELS)
def test_sheet_has_the_notice_labels_in_every_listed_format(
    seed_campaign, make_user, client, number, code, labels
):
    campaign = seed_campaign(number)
    document = next(d for d in campaign.specification.documents if d.code == code)
    office = make_user("jl-hrss", Role.CAMPAIGN_OFFICE, campaign=campaign)
    client.force_login(office)
    for file_format in document.formats:
        url = reverse("documents:sheet", args=[campaign.code, code, file_format])
        response = client.get(url)
        assert response.status_code == 200, (file_format, response.status_code)
        data = b"".join(response.streaming_content)
        assert response["Content-Type"].startswith(
            {"docx": "application/vnd.openxmlformats", "pdf": "application/pdf",
             "xlsx": "application/vnd.openxmlformats"}[file_format]
        )  # fmt: skip
        assert f".{file_format}" in response["Content-Disposition"]
        in_order(extract(data, file_format), labels)


def test_quota_table_prints_the_spec_quotas(seed_campaign):
    campaign = seed_campaign("001")
    document = next(d for d in campaign.specification.documents if d.code == "quota-table")
    sheet = build_sheet(campaign, document)
    assert sheet.rows == [
        ["各县（市）区人社部门", "3", "3"],
        ["驻长技工院校", "2", "2"],
        ["驻长国有企业", "2", "2"],
        ["市直有关部门", "2", "2"],
    ]


def test_patent_list_prints_chinese_kinds_and_every_row(seed_campaign, make_user):
    campaign = seed_campaign("002")
    creator = make_user("cc-chaoyang-hrss")
    patents = [
        {"name": f"一种夹具{i}", "kind": "invention" if i % 2 else "utility", "number": f"ZL{i}"}
        for i in range(40)
    ]
    nomination = nominee(campaign, creator, name="䶮𠀀㐂", patents=patents)
    document = next(d for d in campaign.specification.documents if d.code == "patent-list")
    sheet = build_sheet(campaign, document, nomination=nomination)
    assert len(sheet.rows) == 40
    text = docx_text(render_sheet_docx(sheet)) + "".join(
        str(c.value)
        for row in xlsx_sheet(render_sheet_xlsx(sheet)).iter_rows()
        for c in row
        if c.value
    )
    assert "䶮𠀀㐂" in text
    assert "发明专利" in text
    assert "实用新型专利" in text
    assert "invention" not in text
    assert "utility" not in text
    assert "一种夹具39" in text


def test_per_nominee_sheet_without_data_prints_blank_rows(seed_campaign, make_user):
    campaign = seed_campaign("002")
    nomination = nominee(campaign, make_user("cc-chaoyang-hrss"))
    document = next(d for d in campaign.specification.documents if d.code == "innovation-list")
    sheet = build_sheet(campaign, document, nomination=nomination)
    assert sheet.rows == [[""] * 5] * 5


def test_dossier_cover_masks_the_phone_for_a_viewer_without_the_permission(
    seed_campaign, make_user
):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss")
    nomination = nominee(
        campaign,
        clerk,
        name="李春华",
        phone="13912345678",
        birth_date=dt.date(1980, 1, 1),
    )
    document = next(d for d in campaign.specification.documents if d.code == "dossier-cover")
    masked = docx_text(render_sheet_docx(build_sheet(campaign, document, nomination=nomination)))
    assert "李春华" in masked
    assert "13912345678" not in masked
    full = build_sheet(campaign, document, nomination=nomination, unmasked=True)
    assert "13912345678" in docx_text(render_sheet_docx(full))


def test_unknown_format_or_document_is_404(seed_campaign, make_user, client):
    campaign = seed_campaign("002")
    client.force_login(make_user("jz-union", Role.CAMPAIGN_OFFICE, campaign=campaign))
    for code, file_format in (("performance-sheet", "xlsx"), ("nope", "pdf")):
        url = reverse("documents:sheet", args=[campaign.code, code, file_format])
        assert client.get(url).status_code == 404
    url = reverse("documents:sheet", args=[campaign.code, "patent-list", "pdf"])
    assert client.get(url, {"nomination": "x"}).status_code == 404


def test_unknown_placeholder_is_a_spec_error():
    document = DocumentSpec(
        code="x",
        kind="dossier_cover",
        title="x",
        formats=["docx"],
        layout=SheetLayout(header=["{nmae}"], footer=["{name}"]),
    )
    assert _sheet_problems(document, "documents[0]") == [
        "documents[0].layout.header[0]：不认识的占位 {nmae}"
    ]
