"""The commendation decision as a 公文 (GB/T 9704-2012; issue 14.2): every element in
order in the DOCX, the PDF and the public page."""

import datetime as dt
import io
import shutil
import subprocess

import ofdkit
import pytest
from django.urls import reverse
from docx import Document

from jiangxuan.decisions import rendering
from jiangxuan.decisions.document import build_decision, chinese_date

pytestmark = pytest.mark.django_db


def flat(text: str) -> str:
    return "".join(text.split())


def assert_in_order(text: str, parts: list[str]) -> None:
    text = flat(text)
    at = 0
    for part in parts:
        found = text.find(flat(part), at)
        assert found >= 0, f"{part!r} missing or out of order"
        at = found + 1


def expected_order(doc) -> list[str]:
    return [
        "焦作市总工会",
        "焦作市人力资源和社会保障局文件",
        "焦工发〔2018〕10号",
        "关于命名表彰首届焦作工匠的决定",
        doc.addressees,
        "决定命名",
        "等3名同志为“首批焦作工匠”",
        "焦作工匠（3名）",
        "焦作工匠入围奖（1名）",
        "希望受到命名的同志珍惜荣誉",
        "焦作市总工会、焦作市人力资源和社会保障局",
        "二〇一八年九月十日",
        "抄送：焦作市人民政府办公室",
        "2018年9月10日印发",
    ]


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2021, 10, 23), "二〇二一年十月二十三日"),
        (dt.date(2018, 9, 10), "二〇一八年九月十日"),
        (dt.date(2020, 1, 1), "二〇二〇年一月一日"),
        (dt.date(2023, 12, 31), "二〇二三年十二月三十一日"),
    ],
)
def test_chinese_date(day, text):
    assert chinese_date(day) == text


def test_decision_docx_is_an_a4_gongwen(published):
    _campaign, _award, noms, _office, decision = published
    doc = build_decision(decision)
    document = Document(io.BytesIO(rendering.render_decision_docx(decision)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    text = "\n".join(p.text for p in document.paragraphs)
    assert_in_order(text, expected_order(doc))
    assert f"{noms[0].name}　{noms[0].workplace_name}" in text
    mark = next(p for p in document.paragraphs if p.text.endswith("文件"))
    assert str(mark.runs[0].font.color.rgb) == "E60000"
    assert "PAGE" in section.footer._element.xml
    assert "— " in section.footer.paragraphs[0].text


def pdf_text(data: bytes) -> str:
    result = subprocess.run(  # noqa: S603 - fixed tool and arguments
        [shutil.which("pdftotext") or "pdftotext", "-raw", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def test_decision_pdf_has_the_same_elements_and_page_numbers(published):
    *_, decision = published
    data = rendering.render_decision_pdf(decision)
    text = pdf_text(data)
    assert_in_order(text, expected_order(build_decision(decision)))
    assert "— 1 —" in text


def test_decision_ofd_holds_the_same_text_in_order(published, client):
    # Issue 14.4: the 公文 as OFD (GB/T 33190), the same text as the PDF, for 公文 systems.
    campaign, *_, office, decision = published
    data = rendering.render_decision_ofd(decision)
    with ofdkit.open(data) as document:
        text = document.text()
        assert document.info.title == decision.title
        assert document.info.author == decision.issuer
        assert (round(document.pages[0].width), round(document.pages[0].height)) == (210, 297)
    parts = expected_order(build_decision(decision))
    # The reader orders lines by position, so "文件" beside the two-line masthead comes
    # between its lines; the rest reads in the notice's order.
    assert all(flat(part.removesuffix("文件")) in flat(text) for part in parts[:2])
    assert_in_order(text, parts[2:])
    client.force_login(office)
    response = client.get(reverse("decisions:document", args=[campaign.code, "ofd"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ofd"
    assert "%E8%A1%A8%E5%BD%B0%E5%86%B3%E5%AE%9A.ofd" in response["Content-Disposition"]


def test_public_page_shows_the_decisions_text(published, client):
    *_, decision = published
    doc = build_decision(decision)
    response = client.get(reverse("decisions:public", args=[decision.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for line in doc.text.splitlines():
        assert line.split("　")[0] in page
    assert_in_order(page, [doc.title, "决定命名", "焦作工匠（3名）", "二〇一八年九月十日"])
